//! `asemic`: writing that looks like a script nobody can read. Every character gets a
//! glyph of its own, the same wherever it appears (like a font): nodes scattered evenly
//! in an em square, joined into their relative neighbourhood graph, and a few random
//! walks along its edges as strokes, straight or smoothed into curves.

use std::collections::HashMap;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::layout::{TextAlign, normalise_text, wrap};
use crate::ops::kit::parallel;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// How an asemic stroke joins its nodes.
    pub enum StrokeStyle { Line = "line", Bezier = "bezier" }
}

crate::op! {
    /// pseudo-handwriting: each character draws a glyph of its own (the same for the same character and seed, like a font) from random walks along the neighbourhood graph of nodes scattered evenly in an em square; a period is a dot, a space is blank; laid out like text, `center` being the top of the first line at its left, centre or right per text_align
    #[op(primitive, name = "asemic", version = 1)]
    pub struct Asemic {
        /// the text; \n starts a new line
        pub text: String = "asemic writing\nin an unknown hand".into(),
        /// random seed: another seed, another script
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// nodes scattered in each glyph's square
        pub n_nodes: u32 = 28 => ui(3.0, 200.0).domain(2.0, 2000.0),
        /// candidates tried for each node (more: more evenly spread)
        pub candidates: u32 = 12 => ui(1.0, 50.0).domain(1.0, 1000.0),
        /// fewest strokes in a glyph
        pub stroke_min: u32 = 2 => ui(0.0, 20.0).domain(0.0, 1000.0),
        /// most strokes in a glyph
        pub stroke_max: u32 = 5 => ui(0.0, 20.0).domain(0.0, 1000.0),
        /// fewest edges a stroke walks
        pub walk_min_steps: u32 = 2 => ui(1.0, 20.0).domain(1.0, 1000.0),
        /// most edges a stroke walks
        pub walk_max_steps: u32 = 4 => ui(1.0, 20.0).domain(1.0, 1000.0),
        /// straight edges, or one smooth curve through the stroke's nodes
        pub stroke_style: StrokeStyle = StrokeStyle::Bezier,
        /// points per curve segment (bezier)
        pub bezier_samples: u32 = 12 => ui(2.0, 64.0).domain(2.0, 1000.0),
        /// 0 curves freely through the nodes, 1 draws straight edges (bezier)
        pub bezier_tension: f64 = 0.5 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// horizontal alignment at `center`
        pub text_align: TextAlign = TextAlign::Left,
        /// advance of a glyph
        pub glyph_advance_em: f64 = 1.0 => ui(0.0, 3.0).domain(0.0, 100.0).unit("em"),
        /// advance of a space
        pub space_advance_em: f64 = 0.35 => ui(0.0, 3.0).domain(0.0, 100.0).unit("em"),
        /// extra space between characters
        pub letter_spacing_em: f64 = 0.0 => ui(0.0, 2.0).domain(-10.0, 100.0).unit("em"),
        /// distance between lines
        pub line_height: f64 = 1.2 => ui(0.8, 3.0).domain(0.0, 100.0).unit("em"),
        /// wrap lines at this width (0 = no wrapping)
        pub box_width: f64 = 0.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// height of the box drawn by show_bounding_box
        pub box_height: f64 = 0.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// also draw the box (box_width by box_height, from the top of the first line)
        pub show_bounding_box: bool = false,
        /// position of the first line's top (left, centre or right per text_align)
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// size of one em
        pub scale: f64 = 10.0 => ui(0.0, 100.0).min(0.0).unit("mm"),
    }
}

/// Most node-pair tests all glyphs together may make (about a second on two cores).
const MAX_GLYPH_WORK: u64 = 2_000_000_000;

/// A glyph: strokes in em units, from the top-left of its square, y down.
type Glyph = Vec<Vec<[f64; 2]>>;

impl Asemic {
    /// The glyph of `c`: seeded by the op's seed and the character alone.
    fn glyph(&self, c: char) -> Glyph {
        if c == '.' {
            return vec![dot()];
        }
        let mut rng = SeededRng::new(self.seed as u64, c as u64);
        let nodes = scatter(&mut rng, self.n_nodes as usize, self.candidates as usize);
        let mut graph = neighbourhood_graph(&nodes);
        let (s_lo, s_hi) = ordered(self.stroke_min, self.stroke_max);
        let (w_lo, w_hi) = ordered(self.walk_min_steps.max(1), self.walk_max_steps.max(1));
        let strokes = between(&mut rng, s_lo, s_hi);
        let mut glyph = Vec::new();
        for _ in 0..strokes {
            let starts: Vec<usize> = (0..graph.len()).filter(|&i| !graph[i].is_empty()).collect();
            if starts.is_empty() {
                break;
            }
            let mut at = starts[pick(&mut rng, starts.len())];
            let mut walk = vec![at];
            for _ in 0..between(&mut rng, w_lo, w_hi) {
                if graph[at].is_empty() {
                    break;
                }
                let next = graph[at][pick(&mut rng, graph[at].len())];
                // Each edge is drawn once: a walk uses it up.
                graph[at].retain(|&k| k != next);
                graph[next].retain(|&k| k != at);
                walk.push(next);
                at = next;
            }
            if walk.len() < 2 {
                continue;
            }
            let points: Vec<[f64; 2]> = walk.iter().map(|&i| nodes[i]).collect();
            glyph.push(match self.stroke_style {
                StrokeStyle::Line => points,
                StrokeStyle::Bezier => {
                    smooth(&points, self.bezier_samples as usize, self.bezier_tension)
                }
            });
        }
        glyph
    }

    /// Work of building `glyphs` glyphs: scattering (nodes² × candidates) and the graph
    /// (nodes³).
    fn work(&self, glyphs: usize) -> f64 {
        let n = self.n_nodes as f64;
        glyphs as f64 * (n * n * self.candidates as f64 + n * n * n)
    }

    fn advance(&self, c: char) -> f64 {
        if c == ' ' {
            self.space_advance_em
        } else {
            self.glyph_advance_em
        }
    }
}

/// `(a, b)` in increasing order.
fn ordered(a: u32, b: u32) -> (u32, u32) {
    (a.min(b), a.max(b))
}

/// A whole number in `lo..=hi`.
fn between(rng: &mut SeededRng, lo: u32, hi: u32) -> u32 {
    lo + (rng.next_u64() % (hi - lo + 1) as u64) as u32
}

/// An index below `len` (> 0).
fn pick(rng: &mut SeededRng, len: usize) -> usize {
    (rng.next_u64() % len as u64) as usize
}

/// `n` points in the unit square, each the best of `candidates` tries (the one farthest
/// from those placed before): evenly spread without a lattice.
fn scatter(rng: &mut SeededRng, n: usize, candidates: usize) -> Vec<[f64; 2]> {
    let mut points: Vec<[f64; 2]> = Vec::with_capacity(n);
    for _ in 0..n {
        let mut best = ([0.0, 0.0], f64::NEG_INFINITY);
        for _ in 0..candidates.max(1) {
            let c = [rng.unit(), rng.unit()];
            let nearest = points
                .iter()
                .map(|p| (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2))
                .fold(f64::INFINITY, f64::min);
            if nearest > best.1 {
                best = (c, nearest);
            }
        }
        points.push(best.0);
    }
    points
}

/// The relative neighbourhood graph: `i` and `j` are joined unless some third point is
/// nearer to both than they are to each other. Neighbours in increasing order.
fn neighbourhood_graph(points: &[[f64; 2]]) -> Vec<Vec<usize>> {
    let d2 = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2);
    let n = points.len();
    let mut graph = vec![Vec::new(); n];
    for i in 0..n {
        for j in i + 1..n {
            let d = d2(points[i], points[j]);
            if d <= 0.0 {
                continue;
            }
            let blocked = (0..n).any(|k| {
                k != i && k != j && d2(points[i], points[k]) < d && d2(points[j], points[k]) < d
            });
            if !blocked {
                graph[i].push(j);
                graph[j].push(i);
            }
        }
    }
    graph
}

/// A smooth curve through `points`: cubic Bézier segments with Catmull–Rom tangents,
/// scaled down by `tension` (1 gives straight segments), `samples` points each.
fn smooth(points: &[[f64; 2]], samples: usize, tension: f64) -> Vec<[f64; 2]> {
    let n = points.len();
    let sub = |a: [f64; 2], b: [f64; 2]| [a[0] - b[0], a[1] - b[1]];
    let k = 1.0 - tension.clamp(0.0, 1.0);
    let tangent = |i: usize| {
        let m = if i == 0 {
            sub(points[1], points[0])
        } else if i == n - 1 {
            sub(points[n - 1], points[n - 2])
        } else {
            let d = sub(points[i + 1], points[i - 1]);
            [d[0] / 2.0, d[1] / 2.0]
        };
        [m[0] * k / 3.0, m[1] * k / 3.0]
    };
    let samples = samples.max(2);
    let mut out = vec![points[0]];
    for i in 0..n - 1 {
        let (p0, p3) = (points[i], points[i + 1]);
        let (m0, m1) = (tangent(i), tangent(i + 1));
        let p1 = [p0[0] + m0[0], p0[1] + m0[1]];
        let p2 = [p3[0] - m1[0], p3[1] - m1[1]];
        for s in 1..samples {
            let t = s as f64 / (samples - 1) as f64;
            let u = 1.0 - t;
            let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
            out.push([
                a * p0[0] + b * p1[0] + c * p2[0] + d * p3[0],
                a * p0[1] + b * p1[1] + c * p2[1] + d * p3[1],
            ]);
        }
    }
    out
}

/// The period: a small closed circle low in the square.
fn dot() -> Vec<[f64; 2]> {
    (0..=12)
        .map(|k| {
            let a = std::f64::consts::TAU * (k % 12) as f64 / 12.0;
            [0.5 + 0.06 * a.cos(), 0.85 + 0.06 * a.sin()]
        })
        .collect()
}

impl Evaluate for Asemic {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let text = normalise_text(&self.text)?;
        // Every distinct character once, in order of appearance (deterministic).
        let mut distinct: Vec<char> = Vec::new();
        for c in text.chars() {
            if c != ' ' && c != '\n' && !distinct.contains(&c) {
                distinct.push(c);
            }
        }
        OpFailure::check_estimate(
            "node tests (fewer distinct characters, or lower n_nodes or candidates)",
            self.work(distinct.len()),
            MAX_GLYPH_WORK,
        )?;
        let built = parallel::map_ranges(ctx.executor.as_ref(), distinct.len(), 4, |range| {
            range.map(|k| self.glyph(distinct[k])).collect::<Vec<_>>()
        });
        let glyphs: HashMap<char, Glyph> = distinct
            .iter()
            .copied()
            .zip(built.into_iter().flatten())
            .collect();
        let spacing = self.letter_spacing_em;
        let width_of = |s: &str| {
            s.chars().map(|c| self.advance(c) + spacing).sum::<f64>()
                - if s.is_empty() { 0.0 } else { spacing }
        };
        let scale = self.scale;
        let wrap_at = if self.box_width > 0.0 && scale > 0.0 {
            self.box_width / scale
        } else {
            0.0
        };
        let lines: Vec<String> = text
            .split('\n')
            .flat_map(|paragraph| wrap(paragraph, wrap_at, &width_of))
            .collect();
        let at =
            |x: f64, y: f64| Vec3::new((x * scale) as f32, (y * scale) as f32, 0.0) + self.center;
        let left_of = |width: f64| match self.text_align {
            TextAlign::Left => 0.0,
            TextAlign::Center => -width / 2.0,
            TextAlign::Right => -width,
        };
        let mut out = Polylines::new();
        for (row, line) in lines.iter().enumerate() {
            let top = row as f64 * self.line_height;
            let mut x = left_of(width_of(line));
            for c in line.chars() {
                if let Some(glyph) = glyphs.get(&c) {
                    let points: usize = glyph.iter().map(Vec::len).sum();
                    ctx.check_budget(
                        (out.point_count() + points) as u64,
                        (out.line_count() + glyph.len()) as u64,
                    )?;
                    for stroke in glyph {
                        out.push_line(stroke.iter().map(|p| at(x + p[0], top + p[1])));
                    }
                }
                x += self.advance(c) + spacing;
            }
        }
        if self.show_bounding_box && self.box_width > 0.0 && self.box_height > 0.0 && scale > 0.0 {
            let (w, h) = (self.box_width / scale, self.box_height / scale);
            let x0 = left_of(w);
            out.push_line(
                [[x0, 0.0], [x0 + w, 0.0], [x0 + w, h], [x0, h], [x0, 0.0]]
                    .into_iter()
                    .map(|p| at(p[0], p[1])),
            );
        }
        Ok(out)
    }
}
