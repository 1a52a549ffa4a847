//! Path editing along arc length: `resample` (even spacing) and `simplify`
//! (Ramer–Douglas–Peucker). Closed rings stay closed.

use glam::DVec3;

use crate::geometry::{Polylines, Vec3, is_closed};

use crate::ops::kit::arclength::{cumulative, point_at};
use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Endpoints closer than this (mm) make a ring in `auto` mode.
const AUTO_CLOSE: f32 = 0.01;

crate::choice! {
    /// Whether a path edit treats a polyline as a closed ring.
    pub enum ClosedMode { Auto = "auto", Open = "open", Closed = "closed" }
}

impl ClosedMode {
    /// Whether `line` is treated as a ring.
    pub(crate) fn closes(self, line: &[Vec3]) -> bool {
        match self {
            ClosedMode::Auto => line.len() > 2 && is_closed(line, AUTO_CLOSE),
            ClosedMode::Open => false,
            ClosedMode::Closed => line.len() > 2,
        }
    }
}

/// `line` as a path to walk: a ring gets its closing point (exactly the first) if it
/// lacks one.
fn as_path(line: &[Vec3], ring: bool) -> Vec<Vec3> {
    let mut path = line.to_vec();
    if ring {
        if is_closed(line, AUTO_CLOSE) {
            *path.last_mut().expect("a ring has points") = line[0];
        } else {
            path.push(line[0]);
        }
    }
    path
}

crate::op! {
    /// resamples every polyline at an even arc-length step; open lines keep both ends (the last piece may be shorter), rings end exactly on their first point
    #[op(effect, name = "resample", version = 1)]
    pub struct Resample {
        /// spacing of the new points (0 leaves the input unchanged)
        pub step: f64 = 0.5 => ui(0.01, 20.0).min(0.0).unit("mm"),
        /// auto: a polyline whose ends meet within 0.01 mm is a ring
        pub closed: ClosedMode = ClosedMode::Auto,
    }
}

/// Pieces of a path of `total` length at `step` (at least one).
fn pieces(total: f64, step: f64) -> u64 {
    ((total / step - 1e-9).ceil().max(1.0)).min(u64::MAX as f64 / 4.0) as u64
}

/// `input` resampled at `step` (> 0) as `resample` does.
pub(crate) fn resampled(
    input: &Polylines,
    step: f64,
    mode: ClosedMode,
    ctx: &EvalContext,
) -> Result<Polylines, OpFailure> {
    // Output size first, so that the budget refuses before anything is allocated.
    let wanted: u64 = input
        .lines()
        .map(|l| {
            if l.len() < 2 {
                return l.len() as u64;
            }
            let path = as_path(l, mode.closes(l));
            let total = *cumulative(&path).last().unwrap_or(&0.0);
            if total > 0.0 {
                pieces(total, step).max(3) + 1
            } else {
                l.len() as u64
            }
        })
        .fold(0u64, u64::saturating_add);
    ctx.check_budget(wanted, input.line_count() as u64)?;
    Ok(parallel::map_lines(
        &*ctx.executor,
        input,
        |_, line, out| {
            if line.len() < 2 {
                out.push_line(line.iter().copied());
                return;
            }
            let ring = mode.closes(line);
            let path = as_path(line, ring);
            let cum = cumulative(&path);
            let total = *cum.last().unwrap_or(&0.0);
            if total <= 0.0 {
                out.push_line(line.iter().copied());
                return;
            }
            let mut n = pieces(total, step);
            let mut step = step;
            // A ring keeps at least three corners, evenly spread when the step is too long.
            if ring && n < 3 {
                n = 3;
                step = total / 3.0;
            }
            for k in 0..n {
                out.push_point(point_at(&path, &cum, k as f64 * step));
            }
            out.push_point(path[path.len() - 1]);
            out.end_line();
        },
    ))
}

impl Evaluate for Resample {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.step <= 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        resampled(input, self.step, self.closed, ctx)
    }
}

crate::op! {
    /// removes vertices that deviate less than `tolerance` from the simplified path (Ramer–Douglas–Peucker); ends are kept, rings stay closed with at least 3 corners
    #[op(effect, name = "simplify", version = 1)]
    pub struct Simplify {
        /// largest distance a removed vertex may have from the result (0 leaves the input unchanged)
        pub tolerance: f64 = 0.05 => ui(0.0, 10.0).min(0.0).unit("mm"),
        /// auto: a polyline whose ends meet within 0.01 mm is a ring
        pub closed: ClosedMode = ClosedMode::Auto,
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(p: DVec3, a: DVec3, b: DVec3) -> f64 {
    let d = b - a;
    let len2 = d.length_squared();
    if len2 == 0.0 {
        return p.distance(a);
    }
    let t = ((p - a).dot(d) / len2).clamp(0.0, 1.0);
    p.distance(a + d * t)
}

/// Marks the vertices of `pts[lo..=hi]` that RDP keeps at `tolerance` (iterative, so a
/// million-point line cannot overflow the stack).
fn rdp_mark(pts: &[DVec3], lo: usize, hi: usize, tolerance: f64, keep: &mut [bool]) {
    keep[lo] = true;
    keep[hi] = true;
    let mut stack = vec![(lo, hi)];
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (mut far, mut far_d) = (a, -1.0);
        for (i, &p) in pts.iter().enumerate().take(b).skip(a + 1) {
            let d = segment_distance(p, pts[a], pts[b]);
            if d > far_d {
                (far, far_d) = (i, d);
            }
        }
        if far_d > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
}

impl Evaluate for Simplify {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.tolerance <= 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let tol = self.tolerance;
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let mode = self.closed;
        Ok(parallel::map_lines(
            &*ctx.executor,
            input,
            |_, line, out| {
                if line.len() < 3 {
                    out.push_line(line.iter().copied());
                    return;
                }
                let ring = mode.closes(line);
                let path = as_path(line, ring);
                let pts: Vec<DVec3> = path.iter().map(|p| p.as_dvec3()).collect();
                let last = pts.len() - 1;
                let mut keep = vec![false; pts.len()];
                if ring {
                    // Split the ring at its first vertex and the vertex farthest from it.
                    let far = (1..last)
                        .max_by(|&i, &j| {
                            pts[i].distance(pts[0]).total_cmp(&pts[j].distance(pts[0]))
                        })
                        .unwrap_or(1);
                    rdp_mark(&pts, 0, far, tol, &mut keep);
                    rdp_mark(&pts, far, last, tol, &mut keep);
                    // A ring keeps at least three corners: add the vertex farthest from the
                    // chord between the two it has.
                    if keep[1..last].iter().filter(|&&k| k).count() < 2 {
                        let third = (1..last).filter(|&i| i != far).max_by(|&i, &j| {
                            segment_distance(pts[i], pts[0], pts[far])
                                .total_cmp(&segment_distance(pts[j], pts[0], pts[far]))
                        });
                        if let Some(i) = third {
                            keep[i] = true;
                        }
                    }
                } else {
                    rdp_mark(&pts, 0, last, tol, &mut keep);
                }
                out.push_line(path.iter().zip(&keep).filter(|(_, k)| **k).map(|(p, _)| *p));
            },
        ))
    }
}
