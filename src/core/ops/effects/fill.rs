//! `fill`: hatches the closed regions of the input with parallel lines (even-odd rule,
//! so holes stay empty), in one or more directions.

use crate::geometry::{Polylines, Vec2, Vec3, is_closed};

use crate::ops::kit::field::is_flat;
use crate::ops::kit::fill_rule::{FillRule, Ring, shapes};
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Polylines whose ends are this close count as closed rings.
const CLOSE_TOLERANCE: f32 = 1e-3;
/// Scanlines per parallel chunk.
const LINES_PER_CHUNK: usize = 128;

crate::op! {
    /// hatches closed regions (even-odd: holes stay empty); open lines pass through; 3D input (a solid's faces) is hatched face by face, each in its own plane
    #[op(effect, name = "fill", version = 3)]
    pub struct Fill {
        /// number of hatch directions, spread over 180°
        pub angle_sets: u32 = 1 => ui(1.0, 6.0).domain(1.0, 64.0),
        /// direction of the first hatch set, from the paper's +x axis (grafix: from the shape's first edge)
        pub angle: f64 = 45.0 => ui(0.0, 180.0).unit("deg"),
        /// hatch lines across the whole input's extent in the hatch direction (grafix: across the unrotated height); see also `spacing`
        pub density: f64 = 35.0 => ui(0.0, 1000.0).domain(0.0, 100_000.0),
        /// exponential change of spacing across the hatch direction: positive packs lines towards the low side (the top of the paper at angle 0)
        pub spacing_gradient: f64 = 0.0 => ui(-4.0, 4.0).domain(-40.0, 40.0),
        /// distance between hatch lines; above 0 it replaces `density` (and the gradient): lines sit on a lattice through the centre of the input's bounds, so they stay put while the shape grows or the angle turns
        pub spacing: f64 = 0.0 => ui(0.0, 10.0).min(0.0).unit("mm"),
        /// drop the outlines, keep only the hatching
        pub remove_boundary: bool = false,
        /// which regions are inside: even_odd (holes stay empty; overlaps cancel), nonzero (overlaps of rings wound the same way are filled once), per_shape (each outer ring with its own holes, on its own: overlapping shapes are each hatched)
        pub rule: FillRule = FillRule::EvenOdd,
    }
}

impl Evaluate for Fill {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        fill(input, self, ctx)
    }
}

/// A plane of a closed ring: origin, two in-plane axes and the normal; `u` follows the
/// canvas +x projected into the plane (or the first edge when the plane faces +x).
fn ring_frame(ring: &[Vec3]) -> Option<(glam::DVec3, glam::DVec3, glam::DVec3)> {
    use glam::DVec3;
    let pts: Vec<DVec3> = ring.iter().map(|p| p.as_dvec3()).collect();
    let n = crate::geometry::newell_normal(&pts).try_normalize()?;
    let size = pts.iter().map(|p| p.distance(pts[0])).fold(0.0, f64::max);
    if pts
        .iter()
        .any(|p| (*p - pts[0]).dot(n).abs() > 1e-4 * size.max(1.0))
    {
        return None;
    }
    let mut u = DVec3::X - n * n.x;
    if u.length() < 1e-6 {
        u = pts
            .iter()
            .map(|p| *p - pts[0])
            .find(|d| d.length() > 1e-9)?;
    }
    let u = u.normalize();
    Some((pts[0], u, n.cross(u)))
}

/// 3D input: each closed planar ring is hatched in its own plane (a face of a solid), as
/// grafix does; other polylines pass through.
fn fill_faces(input: &Polylines, p: &Fill, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
    let mut out = if p.remove_boundary {
        Polylines::new()
    } else {
        input.clone()
    };
    let sets = p.angle_sets as usize;
    for line in input
        .lines()
        .filter(|l| l.len() >= 4 && is_closed(l, CLOSE_TOLERANCE))
    {
        let Some((o, u, v)) = ring_frame(&line[..line.len() - 1]) else {
            continue;
        };
        let flat: Vec<Vec3> = line
            .iter()
            .map(|q| {
                let d = q.as_dvec3() - o;
                Vec3::new(d.dot(u) as f32, d.dot(v) as f32, 0.0)
            })
            .collect();
        let ring: Ring = flat.iter().map(|q| q.truncate()).collect();
        let face = Polylines::from_lines([flat]);
        for k in 0..sets {
            let angle = (p.angle + k as f64 * 180.0 / sets as f64).to_radians();
            let (points, lines) = (out.point_count(), out.line_count());
            let segments = hatch(
                &*ctx.executor,
                std::slice::from_ref(&ring),
                &Lattice::new(&face, angle, p.scanlines())?,
                false,
                |crossings| {
                    ctx.check_budget((points + crossings) as u64, (lines + crossings / 2) as u64)
                },
            )?;
            for [a, b] in segments {
                let back = |q: Vec3| (o + u * q.x as f64 + v * q.y as f64).as_vec3();
                out.push_line([back(a), back(b)]);
            }
        }
    }
    Ok(out)
}

fn fill(input: &Polylines, p: &Fill, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
    if !is_flat(input) {
        return fill_faces(input, p, ctx);
    }
    let rings: Vec<Ring> = input
        .lines()
        .filter(|l| is_closed(l, CLOSE_TOLERANCE))
        .map(|l| l.iter().map(|q| q.truncate()).collect())
        .collect();
    let keep_boundary = !p.remove_boundary;
    if rings.is_empty() {
        return Ok(input.clone());
    }
    let sets = p.angle_sets as usize;
    let mut out = if keep_boundary {
        input.clone()
    } else {
        Polylines::new()
    };
    let groups = match p.rule {
        FillRule::PerShape => shapes(&rings),
        _ => vec![rings],
    };
    for k in 0..sets {
        let angle = (p.angle + k as f64 * 180.0 / sets as f64).to_radians();
        // One lattice of scanlines over the whole input: every shape is hatched on it.
        let lattice = Lattice::new(input, angle, p.scanlines())?;
        let mut segments = Vec::new();
        for group in &groups {
            let (points, lines) = (
                out.point_count() + 2 * segments.len(),
                out.line_count() + segments.len(),
            );
            segments.extend(hatch(
                &*ctx.executor,
                group,
                &lattice,
                p.rule == FillRule::Nonzero,
                |crossings| {
                    ctx.check_budget((points + crossings) as u64, (lines + crossings / 2) as u64)
                },
            )?);
        }
        // Hatching lies at the drawing's height (flat input may sit off z = 0).
        let z = input.points().first().map_or(0.0, |p| p.z);
        for [a, b] in segments {
            out.push_line([a.with_z(z), b.with_z(z)]);
        }
    }
    Ok(out)
}

/// Where the scanlines of a hatch go.
#[derive(Clone, Copy)]
enum Scanlines {
    /// `count` lines across the extent, spaced by the gradient.
    Count(usize, f64),
    /// Every `spacing` mm on a lattice through the centre of the input.
    Spacing(f64),
}

/// Most scanlines of one hatch direction.
const MAX_SCANLINES: f64 = 1.0e6;

impl Fill {
    fn scanlines(&self) -> Scanlines {
        if self.spacing > 0.0 {
            Scanlines::Spacing(self.spacing)
        } else {
            Scanlines::Count(
                (self.density.round() as usize).clamp(2, 100_000),
                self.spacing_gradient,
            )
        }
    }
}

/// The scanlines of one hatch direction over the whole input, in a frame turned so that
/// they run along x.
struct Lattice {
    /// Sine and cosine of the hatch angle.
    sin: f32,
    cos: f32,
    /// Each scanline's y in the turned frame, ascending.
    ys: Vec<f32>,
}

impl Lattice {
    fn new(input: &Polylines, angle: f64, lines: Scanlines) -> Result<Lattice, OpFailure> {
        let (sin, cos) = (angle.sin() as f32, angle.cos() as f32);
        let frame = Lattice {
            sin,
            cos,
            ys: Vec::new(),
        };
        let (ymin, ymax) = input
            .points()
            .iter()
            .map(|q| frame.to_frame(q.truncate()).y)
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), y| {
                (lo.min(y), hi.max(y))
            });
        let height = (ymax - ymin) as f64;
        let ys: Vec<f32> = match lines {
            Scanlines::Spacing(step) => {
                let centre = input
                    .bounds()
                    .map_or(Vec3::ZERO, |(lo, hi)| (lo + hi) / 2.0);
                let anchor = frame.to_frame(centre.truncate()).y as f64;
                let (first, last) = (
                    ((ymin as f64 - anchor) / step - 0.5).ceil(),
                    ((ymax as f64 - anchor) / step - 0.5).floor(),
                );
                if last - first > MAX_SCANLINES {
                    return Err(OpFailure::bad_input(format!(
                        "spacing {step} mm gives {:.0} lines across {height:.1} mm; the most is {MAX_SCANLINES:.0}, raise spacing",
                        last - first
                    )));
                }
                let (first, last) = (first as i64, last as i64);
                (first..=last)
                    .map(|k| (anchor + (k as f64 + 0.5) * step) as f32)
                    .collect()
            }
            Scanlines::Count(count, gradient) => (0..count)
                .map(|i| {
                    let u = (i as f64 + 0.5) / count as f64;
                    // Positive gradients pack the lines at the low side of the frame (the
                    // top of the paper at angle 0), as grafix does.
                    let g = -gradient;
                    let v = if g.abs() < 1e-9 {
                        u
                    } else {
                        (1.0 + u * g.exp_m1()).ln() / g
                    };
                    (ymin as f64 + height * v) as f32
                })
                .collect(),
        };
        Ok(Lattice { ys, ..frame })
    }

    fn to_frame(&self, q: Vec2) -> Vec2 {
        let (s, c) = (self.sin, self.cos);
        Vec2::new(q.x * c + q.y * s, -q.x * s + q.y * c)
    }

    fn from_frame(&self, q: Vec2) -> Vec3 {
        let (s, c) = (self.sin, self.cos);
        Vec3::new(q.x * c - q.y * s, q.x * s + q.y * c, 0.0)
    }
}

/// Hatch segments of `rings` on `lattice` (only its scanlines across the rings are
/// visited, so thousands of small shapes cost what their own lines cost).
/// `admit` sees the number of crossings (two per segment) before anything is allocated.
fn hatch(
    ex: &dyn Executor,
    rings: &[Ring],
    lattice: &Lattice,
    nonzero: bool,
    admit: impl FnOnce(usize) -> Result<(), OpFailure>,
) -> Result<Vec<[Vec3; 2]>, OpFailure> {
    let framed: Vec<Ring> = rings
        .iter()
        .map(|r| r.iter().map(|&q| lattice.to_frame(q)).collect())
        .collect();
    let (lo, hi) = framed
        .iter()
        .flatten()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), q| {
            (lo.min(q.y), hi.max(q.y))
        });
    let all = &lattice.ys;
    let scan_y = &all[all.partition_point(|&y| y < lo)..all.partition_point(|&y| y <= hi)];
    let from_frame = |q: Vec2| lattice.from_frame(q);
    // Half-open [lo.y, hi.y) so that a vertex shared by two edges counts once.
    let crossed = |ys: &[f32], a: Vec2, b: Vec2| {
        let (lo, hi) = if a.y < b.y { (a, b) } else { (b, a) };
        (
            lo,
            hi,
            ys.partition_point(|&y| y < lo.y)..ys.partition_point(|&y| y < hi.y),
        )
    };
    let total: usize = framed
        .iter()
        .flat_map(|r| r.windows(2))
        .map(|w| crossed(scan_y, w[0], w[1]).2.len())
        .sum();
    admit(total)?;

    let chunks = parallel::map_ranges(ex, scan_y.len(), LINES_PER_CHUNK, |range| {
        let ys = &scan_y[range.clone()];
        // (scanline, x, winding: +1 for an edge going up the frame, -1 down).
        let mut crossings: Vec<(u32, f32, i32)> = Vec::new();
        for ring in &framed {
            for w in ring.windows(2) {
                let (lo, hi, hits) = crossed(ys, w[0], w[1]);
                let winding = if w[0].y < w[1].y { 1 } else { -1 };
                for i in hits {
                    let y = ys[i];
                    let x = lo.x + (hi.x - lo.x) * (y - lo.y) / (hi.y - lo.y);
                    crossings.push((i as u32, x, winding));
                }
            }
        }
        crossings.sort_unstable_by(|p, q| p.0.cmp(&q.0).then(p.1.total_cmp(&q.1)));
        let mut segments = Vec::with_capacity(crossings.len() / 2);
        for run in crossings.chunk_by(|p, q| p.0 == q.0) {
            let y = ys[run[0].0 as usize];
            if nonzero {
                // Inside wherever the winding number is not zero.
                let (mut w, mut from) = (0, 0.0f32);
                for c in run {
                    let before = w;
                    w += c.2;
                    if before == 0 && w != 0 {
                        from = c.1;
                    } else if before != 0 && w == 0 && c.1 > from {
                        segments.push([
                            from_frame(Vec2::new(from, y)),
                            from_frame(Vec2::new(c.1, y)),
                        ]);
                    }
                }
                continue;
            }
            for pair in run.chunks_exact(2) {
                if pair[1].1 > pair[0].1 {
                    segments.push([
                        from_frame(Vec2::new(pair[0].1, y)),
                        from_frame(Vec2::new(pair[1].1, y)),
                    ]);
                }
            }
        }
        segments
    });
    Ok(chunks.concat())
}
