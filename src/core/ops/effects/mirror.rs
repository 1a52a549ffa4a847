//! `mirror`: planar symmetry about a centre, by halves, quadrants or wedges; the cutting,
//! copying and keying of strokes in parallel chunks.

use std::collections::HashMap;
use std::f64::consts::PI;
use std::hash::{Hash, Hasher};

use glam::DVec2;

use crate::geometry::{Polylines, Vec3, clip_to_half_space};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Points this close to a mirror line count as on it (mm).
const ON_PLANE: f64 = 1e-6;
/// Grid on which mirrored copies are compared to drop duplicates (mm).
const SAME_POINT: f64 = 1e-4;

crate::op! {
    /// planar symmetry about (cx, cy): n = 1 keeps one half (x side) and reflects it, n = 2 keeps one quadrant and reflects it into four, n ≥ 3 keeps the wedge from 0° to 180°/n and copies it by rotations and reflections into 2n pieces; lines are cut where they leave the source, repeated copies are dropped
    #[op(effect, name = "mirror", version = 1)]
    pub struct Mirror {
        /// 1: halves, 2: quadrants, 3 or more: wedges of 180°/n
        pub n_mirror: u32 = 1 => ui(1.0, 12.0).domain(1.0, 360.0),
        /// x of the centre of symmetry
        pub cx: f64 = A4_CENTER.x as f64 => ui(-300.0, 600.0).unit("mm"),
        /// y of the centre of symmetry
        pub cy: f64 = A4_CENTER.y as f64 => ui(-300.0, 600.0).unit("mm"),
        /// the source is the +x side (n = 1, 2), else the -x side
        pub source_positive_x: bool = true,
        /// the source is the +y side (n = 2), else the -y side
        pub source_positive_y: bool = true,
        /// also draw the mirror lines across the drawing
        pub show_planes: bool = false,
    }
}

/// A half-plane `normal · (p - centre) >= 0`.
#[derive(Clone, Copy)]
struct HalfPlane {
    normal: DVec2,
    centre: DVec2,
}

impl HalfPlane {
    fn side(&self, p: Vec3) -> f64 {
        self.normal
            .dot(DVec2::new(p.x as f64, p.y as f64) - self.centre)
    }

    /// The parts of `line` inside, each a polyline (a boundary point counts as inside).
    fn clip(&self, line: &[Vec3]) -> Vec<Vec<Vec3>> {
        clip_to_half_space(
            line,
            ON_PLANE,
            |p| self.side(p),
            |q, p, t| q.lerp(p, t as f32),
        )
    }
}

/// A planar isometry about the centre: `p → centre + m · (p - centre)`.
type Iso = [f64; 4];

fn rotation(a: f64) -> Iso {
    let (s, c) = a.sin_cos();
    [c, -s, s, c]
}

fn compose(a: Iso, b: Iso) -> Iso {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
    ]
}

const REFLECT_X: Iso = [-1.0, 0.0, 0.0, 1.0];
const REFLECT_Y: Iso = [1.0, 0.0, 0.0, -1.0];

impl Mirror {
    fn centre(&self) -> DVec2 {
        DVec2::new(self.cx, self.cy)
    }

    /// The source region and the copies that tile the plane from it.
    fn symmetry(&self) -> (Vec<HalfPlane>, Vec<Iso>) {
        let c = self.centre();
        let sx = if self.source_positive_x { 1.0 } else { -1.0 };
        let sy = if self.source_positive_y { 1.0 } else { -1.0 };
        let half = |x: f64, y: f64| HalfPlane {
            normal: DVec2::new(x, y),
            centre: c,
        };
        match self.n_mirror {
            0 | 1 => (vec![half(sx, 0.0)], vec![rotation(0.0), REFLECT_X]),
            2 => (
                vec![half(sx, 0.0), half(0.0, sy)],
                vec![
                    rotation(0.0),
                    REFLECT_X,
                    REFLECT_Y,
                    compose(REFLECT_X, REFLECT_Y),
                ],
            ),
            n => {
                let wedge = PI / n as f64;
                let (s, co) = wedge.sin_cos();
                let source = vec![half(0.0, 1.0), half(s, -co)];
                let mut copies = Vec::with_capacity(2 * n as usize);
                for k in 0..n {
                    let r = rotation(2.0 * wedge * k as f64);
                    copies.push(r);
                    copies.push(compose(r, REFLECT_Y));
                }
                (source, copies)
            }
        }
    }

    /// The mirror lines through the centre, `reach` long on each side.
    fn planes(&self, reach: f64) -> Vec<Vec<Vec3>> {
        let n = self.n_mirror.max(1);
        let angles: Vec<f64> = match n {
            1 => vec![PI / 2.0],
            2 => vec![0.0, PI / 2.0],
            n => (0..n).map(|k| PI * k as f64 / n as f64).collect(),
        };
        let c = self.centre();
        angles
            .into_iter()
            .map(|a| {
                let d = DVec2::new(a.cos(), a.sin()) * reach;
                let (p, q) = (c - d, c + d);
                vec![
                    Vec3::new(p.x as f32, p.y as f32, 0.0),
                    Vec3::new(q.x as f32, q.y as f32, 0.0),
                ]
            })
            .collect()
    }
}

/// The key of a polyline for duplicate removal: its points on a grid, in the direction
/// that sorts first (a reversed copy is the same stroke).
pub(crate) fn stroke_key(line: &[Vec3]) -> Vec<[i64; 3]> {
    let q = |p: &Vec3| [p.x, p.y, p.z].map(|c| (c as f64 / SAME_POINT).round() as i64);
    let forward: Vec<[i64; 3]> = line.iter().map(q).collect();
    let backward: Vec<[i64; 3]> = line.iter().rev().map(q).collect();
    forward.min(backward)
}

/// The moved copies of strokes (`copies × pieces` of them, copy by copy, each piece in
/// order), leaving out every stroke drawn before it (a reversed one too). The moving and
/// the keys are worked out in parallel chunks; one pass in order then drops the repeats.
pub(crate) fn distinct_copies(
    ex: &dyn Executor,
    copies: usize,
    pieces: usize,
    moved: impl Fn(usize, usize) -> Vec<Vec3> + Sync,
) -> Polylines {
    let strokes: Vec<(Vec<Vec3>, Vec<[i64; 3]>, u64)> =
        parallel::map_ranges(ex, copies * pieces, 256, |range| {
            range
                .map(|k| {
                    let line = moved(k / pieces, k % pieces);
                    let key = stroke_key(&line);
                    let mut h = std::hash::DefaultHasher::new();
                    key.hash(&mut h);
                    (line, key, h.finish())
                })
                .collect::<Vec<_>>()
        })
        .concat();
    let points = strokes.iter().map(|s| s.0.len()).sum();
    let mut out = Polylines::with_capacity(points, strokes.len());
    // Kept strokes by the hash of their key.
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, (line, key, hash)) in strokes.iter().enumerate() {
        let same = seen.entry(*hash).or_default();
        if same.iter().all(|&j| strokes[j].1 != *key) {
            same.push(i);
            out.push_line(line.iter().copied());
        }
    }
    out
}

impl Evaluate for Mirror {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let ex = ctx.executor.as_ref();
        let (source, copies) = self.symmetry();
        // Each polyline cut to the source region, in chunks of polylines.
        let pieces: Vec<Vec<Vec3>> = parallel::map_ranges(ex, input.line_count(), 256, |range| {
            let mut pieces: Vec<Vec<Vec3>> = range.map(|i| input.line(i).to_vec()).collect();
            for plane in &source {
                pieces = pieces.iter().flat_map(|l| plane.clip(l)).collect();
            }
            pieces
        })
        .concat();
        let points: usize = pieces.iter().map(Vec::len).sum();
        ctx.check_budget(
            (points * copies.len()) as u64,
            (pieces.len() * copies.len()) as u64,
        )?;
        let c = self.centre();
        let mut out = distinct_copies(ex, copies.len(), pieces.len(), |k, i| {
            let m = copies[k];
            pieces[i]
                .iter()
                .map(|p| {
                    let d = DVec2::new(p.x as f64, p.y as f64) - c;
                    let q = c + DVec2::new(m[0] * d.x + m[1] * d.y, m[2] * d.x + m[3] * d.y);
                    Vec3::new(q.x as f32, q.y as f32, p.z)
                })
                .collect()
        });
        if self.show_planes {
            let reach = input
                .points()
                .iter()
                .map(|p| DVec2::new(p.x as f64, p.y as f64).distance(c))
                .fold(0.0, f64::max);
            for line in self.planes(reach.max(1.0)) {
                out.push_line(line);
            }
        }
        Ok(out)
    }
}
