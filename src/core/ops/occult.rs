//! `occult`: hidden-line removal by drawing order within a layer. A closed polyline
//! hides what was drawn before it, where it covers it: the parts of earlier lines inside
//! it are cut away exactly at its edge (as the vpype-occult plugin does).

use glam::DVec2;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::geometry::{Polylines, Vec3, is_closed};

use super::op::{EvalContext, OpError};
use super::reference::Inputs;
use super::typed::Evaluate;

crate::op! {
    /// hides what lies under later closed shapes: walking the layer in drawing order, each closed polyline covers the parts of every earlier line inside it (cut exactly at its edge)
    #[op(effect, name = "occult", version = 2)]
    pub struct Occult {
        /// layers or shapes drawn above this one: their closed shapes hide this layer's lines too (vpype-occult across layers)
        pub by: Inputs = Inputs::none(),
        /// ends closer than this make a closed polyline (a shape that can hide)
        pub tolerance: f64 = 0.01 => ui(0.0, 1.0).min(0.0).unit("mm"),
    }
}

/// A closed shape that hides: its ring and bounds.
struct Shape {
    ring: Vec<DVec2>,
    lo: DVec2,
    hi: DVec2,
}

impl Shape {
    fn contains(&self, p: DVec2) -> bool {
        if p.x < self.lo.x || p.y < self.lo.y || p.x > self.hi.x || p.y > self.hi.y {
            return false;
        }
        let mut inside = false;
        for w in self.ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }

    /// Parameters along a → b where the segment crosses this shape's edges.
    fn crossings(&self, a: DVec2, b: DVec2, out: &mut Vec<f64>) {
        let (slo, shi) = (a.min(b), a.max(b));
        if shi.x < self.lo.x || shi.y < self.lo.y || slo.x > self.hi.x || slo.y > self.hi.y {
            return;
        }
        let d = b - a;
        for w in self.ring.windows(2) {
            let (c, e) = (w[0], w[1]);
            let f = e - c;
            let den = d.perp_dot(f);
            if den.abs() < 1e-15 {
                continue;
            }
            let t = (c - a).perp_dot(f) / den;
            let u = (c - a).perp_dot(d) / den;
            if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
                out.push(t);
            }
        }
    }
}

impl Evaluate for Occult {
    fn eval(&self, own: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
        // What `by` names is drawn after the whole layer: appended, it hides every line
        // of the layer, and only the layer's own lines are written.
        let drawn = own.line_count();
        let joined;
        let input = if self.by.is_empty() {
            own
        } else {
            let mut all = own.clone();
            for g in self.by.geometries() {
                all.extend_from(g);
            }
            joined = all;
            &joined
        };
        let xy = |p: Vec3| DVec2::new(p.x as f64, p.y as f64);
        // The shape each polyline makes, if it is closed.
        let shapes: Vec<Option<Shape>> = input
            .lines()
            .map(|l| {
                (l.len() >= 4 && is_closed(l, self.tolerance as f32)).then(|| {
                    let ring: Vec<DVec2> = l.iter().map(|&p| xy(p)).collect();
                    let (lo, hi) = ring.iter().fold(
                        (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY)),
                        |(lo, hi), p| (lo.min(*p), hi.max(*p)),
                    );
                    Shape { ring, lo, hi }
                })
            })
            .collect();
        // The shapes' bounds in an R-tree: each line meets only the few shapes near it.
        type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;
        let tree: RTree<Boxed> = RTree::bulk_load(
            shapes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let s = s.as_ref()?;
                    Some(Boxed::new(
                        Rectangle::from_corners([s.lo.x, s.lo.y], [s.hi.x, s.hi.y]),
                        i,
                    ))
                })
                .collect(),
        );
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        let mut cuts = Vec::new();
        for (k, line) in input.lines().enumerate().take(drawn) {
            let (lo, hi) = line.iter().fold(
                ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
                |(lo, hi), p| {
                    let (x, y) = (p.x as f64, p.y as f64);
                    ([lo[0].min(x), lo[1].min(y)], [hi[0].max(x), hi[1].max(y)])
                },
            );
            let mut near: Vec<usize> = tree
                .locate_in_envelope_intersecting(AABB::from_corners(lo, hi))
                .map(|b| b.data)
                .filter(|&i| i > k)
                .collect();
            near.sort_unstable();
            let later: Vec<&Shape> = near.iter().filter_map(|&i| shapes[i].as_ref()).collect();
            if later.is_empty() {
                out.push_line(line.iter().copied());
                continue;
            }
            let hidden = |p: DVec2| later.iter().any(|s| s.contains(p));
            let mut run: Vec<Vec3> = Vec::new();
            if line.len() == 1 {
                if !hidden(xy(line[0])) {
                    out.push_line([line[0]]);
                }
                continue;
            }
            for w in line.windows(2) {
                let (a, b) = (w[0], w[1]);
                cuts.clear();
                cuts.push(0.0);
                for s in &later {
                    s.crossings(xy(a), xy(b), &mut cuts);
                }
                cuts.push(1.0);
                cuts.sort_by(f64::total_cmp);
                for span in cuts.windows(2) {
                    let (t0, t1) = (span[0], span[1]);
                    if t1 - t0 < 1e-12 {
                        continue;
                    }
                    let mid = xy(a).lerp(xy(b), (t0 + t1) / 2.0);
                    let (p, q) = (a.lerp(b, t0 as f32), a.lerp(b, t1 as f32));
                    if hidden(mid) {
                        out.push_run(&mut run);
                        continue;
                    }
                    if run.last() != Some(&p) {
                        out.push_run(&mut run);
                        run.push(p);
                    }
                    run.push(q);
                }
            }
            out.push_run(&mut run);
            ctx.budget
                .check("occult", out.point_count() as u64, out.line_count() as u64)?;
        }
        Ok(out)
    }
}
