//! `weave`: a web across each closed curve: seeded random chords between points of the
//! outline, joined where they cross, then relaxed so the crossings settle like threads
//! pulled taut.

use crate::geometry::{Polylines, Vec2, Vec3, is_closed};

use crate::ops::kit::arclength::{cumulative, point_at};
use crate::ops::kit::fill_rule::contains;
use crate::ops::kit::graph::Graph;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// weaves a web inside every closed polyline (open ones pass through): random chords between points of its outline (those whose middle lies inside), joined where they cross, the crossings then relaxed toward their neighbours while the outline stays put
    #[op(effect, name = "weave", version = 1)]
    pub struct Weave {
        /// chords tried per closed curve (those leaving the curve are dropped)
        pub num_candidate_lines: u32 = 100 => ui(0.0, 500.0).domain(0.0, 500.0),
        /// smoothing rounds of the crossings
        pub relaxation_iterations: u32 = 15 => ui(0.0, 50.0).domain(0.0, 1000.0),
        /// how far a crossing moves toward its neighbours' mean each round
        pub step: f64 = 0.125 => ui(0.0, 0.5).domain(0.0, 1.0),
        /// random seed of the chords
        pub seed: u32 = 0 => ui(0.0, 9999.0),
    }
}

/// Closed within this distance (mm).
const CLOSE: f32 = 1e-3;

/// Where segments `ab` and `cd` cross strictly inside both: the parameters along each.
fn crossing(a: Vec3, b: Vec3, c: Vec3, d: Vec3) -> Option<(f32, f32)> {
    let (r, s) = (b - a, d - c);
    let denom = r.x * s.y - r.y * s.x;
    if denom.abs() < 1e-12 {
        return None;
    }
    let q = c - a;
    let t = (q.x * s.y - q.y * s.x) / denom;
    let u = (q.x * r.y - q.y * r.x) / denom;
    (t > 1e-6 && t < 1.0 - 1e-6 && u > 1e-6 && u < 1.0 - 1e-6).then_some((t, u))
}

impl Weave {
    /// The web of one closed `ring`: its chords as polylines through their crossings.
    fn web(&self, ring: &[Vec3], stream: u64) -> Vec<Vec<Vec3>> {
        let lengths = cumulative(ring);
        let total = *lengths.last().unwrap();
        if total <= 0.0 {
            return Vec::new();
        }
        let flat: Vec<Vec2> = ring.iter().map(|p| p.truncate()).collect();
        let mut rng = SeededRng::new(self.seed as u64, stream);
        let chords: Vec<(Vec3, Vec3)> = (0..self.num_candidate_lines.min(500))
            .filter_map(|_| {
                let a = point_at(ring, &lengths, rng.unit() * total);
                let b = point_at(ring, &lengths, rng.unit() * total);
                let middle = ((a + b) / 2.0).truncate();
                (a.distance(b) > 1e-4 && contains(&flat, middle)).then_some((a, b))
            })
            .collect();
        let mut graph = Graph::default();
        // Per chord: (parameter along it, node).
        let mut stops: Vec<Vec<(f32, u32)>> = chords
            .iter()
            .map(|&(a, b)| {
                let (na, nb) = (graph.add(a), graph.add(b));
                graph.fixed[na as usize] = true;
                graph.fixed[nb as usize] = true;
                vec![(0.0, na), (1.0, nb)]
            })
            .collect();
        for i in 0..chords.len() {
            for j in i + 1..chords.len() {
                let ((a, b), (c, d)) = (chords[i], chords[j]);
                if let Some((t, u)) = crossing(a, b, c, d) {
                    let node = graph.add(a.lerp(b, t));
                    stops[i].push((t, node));
                    stops[j].push((u, node));
                }
            }
        }
        for s in &mut stops {
            s.sort_by(|x, y| x.0.total_cmp(&y.0));
            for w in s.windows(2) {
                graph.join(w[0].1, w[1].1);
            }
        }
        graph.relax(self.relaxation_iterations, self.step as f32);
        stops
            .iter()
            .map(|s| s.iter().map(|&(_, k)| graph.nodes[k as usize]).collect())
            .collect()
    }
}

impl Evaluate for Weave {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let rings: Vec<&[Vec3]> = input
            .lines()
            .filter(|l| l.len() >= 4 && is_closed(l, CLOSE))
            .collect();
        // At most n(n-1)/2 crossings per curve, each a point on two chords.
        let n = self.num_candidate_lines.min(500) as u64;
        let per_ring = 2 * n + n * n.saturating_sub(1);
        ctx.check_budget(
            input.point_count() as u64 + rings.len() as u64 * per_ring,
            input.line_count() as u64 + rings.len() as u64 * n,
        )?;
        let mut out = input.clone();
        for (k, ring) in rings.iter().enumerate() {
            if k % 16 == 0 {
                ctx.check_cancelled()?;
            }
            for chord in self.web(ring, k as u64) {
                out.push_line(chord);
            }
        }
        Ok(out)
    }
}
