//! `offset_curve`: parallel curves at k × distance beside each polyline (k = 1..count),
//! on one side or both: the classic "offset fill" of concentric contours. The offsetting
//! is cavalier_contours' (exact arcs at convex corners, self-intersections and cusps cut
//! away); its arcs are flattened here within 0.01 mm.

use cavalier_contours::polyline::{PlineSource, PlineSourceMut, Polyline};

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::planar::planar;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// Which side of the direction of travel `offset_curve` draws on (as seen on the paper).
    pub enum OffsetSide { Both = "both", Left = "left", Right = "right" }
}

crate::op! {
    /// parallel curves at k × distance (k = 1..count) to the left, right or both sides of each polyline as drawn on the paper (closed rings: inside and outside); corners are round; parts that would cross themselves are cut away; on the XY plane
    #[op(effect, name = "offset_curve", version = 1)]
    pub struct OffsetCurve {
        /// spacing between the curves
        pub distance: f64 = 1.0 => ui(0.0, 25.0).min(0.0).max(1000.0).unit("mm"),
        /// which side of each polyline
        pub side: OffsetSide = OffsetSide::Both,
        /// curves per side
        pub count: u32 = 1 => ui(1.0, 20.0).domain(1.0, 1000.0),
        /// also draw the input
        pub keep_original: bool = false,
    }
}

/// Largest distance between an arc and its polyline (mm).
const ARC_TOLERANCE: f64 = 0.01;

fn pline_of(line: &[Vec3]) -> Option<Polyline> {
    let (pts, closed) = planar(line)?;
    let mut pl = Polyline::new();
    for p in pts {
        pl.add(p[0], p[1], 0.0);
    }
    pl.is_closed = closed;
    Some(pl)
}

/// Points of a polyline with arc segments (bulges), arcs flattened.
fn flattened(pl: &Polyline) -> Vec<Vec3> {
    let n = pl.vertex_data.len();
    let mut out = Vec::with_capacity(n * 2);
    let segments = if pl.is_closed { n } else { n.saturating_sub(1) };
    let v = |i: usize| pl.vertex_data[i % n];
    let push = |out: &mut Vec<Vec3>, x: f64, y: f64| out.push(Vec3::new(x as f32, y as f32, 0.0));
    if n > 0 {
        push(&mut out, v(0).x, v(0).y);
    }
    for i in 0..segments {
        let (a, b) = (v(i), v(i + 1));
        if a.bulge.abs() > 1e-9 {
            let theta = 4.0 * a.bulge.atan();
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let c = dx.hypot(dy);
            if c > 1e-12 {
                let r = c / (2.0 * (theta.abs() / 2.0).sin());
                let h = (c / 2.0) / (theta / 2.0).tan();
                let (cx, cy) = (
                    (a.x + b.x) / 2.0 - dy / c * h,
                    (a.y + b.y) / 2.0 + dx / c * h,
                );
                let step = 2.0 * (1.0 - (ARC_TOLERANCE / r).min(1.0)).acos().max(1e-3);
                let steps = ((theta.abs() / step).ceil() as usize).clamp(1, 10_000);
                let a0 = (a.y - cy).atan2(a.x - cx);
                for k in 1..steps {
                    let t = a0 + theta * k as f64 / steps as f64;
                    push(&mut out, cx + r * t.cos(), cy + r * t.sin());
                }
            }
        }
        push(&mut out, b.x, b.y);
    }
    out
}

impl Evaluate for OffsetCurve {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let d = self.distance;
        if !d.is_finite() || d < 0.0 {
            return Err(OpFailure::bad_input("distance must be a number of mm >= 0"));
        }
        let mut out = Polylines::new();
        if d > 0.0 {
            // On the paper y points down, so the paper's left is cavalier's right.
            let signs: &[f64] = match self.side {
                OffsetSide::Both => &[-1.0, 1.0],
                OffsetSide::Left => &[-1.0],
                OffsetSide::Right => &[1.0],
            };
            // Each contour costs about a pass over its line, used up or not: refuse before
            // the work what would pass the budget if every contour were made.
            let passes = self.count as u64 * signs.len() as u64;
            ctx.check_budget(
                (input.point_count() as u64).saturating_mul(passes),
                (input.line_count() as u64).saturating_mul(passes),
            )?;
            for line in input.lines() {
                let Some(pl) = pline_of(line) else { continue };
                for &sign in signs {
                    for k in 1..=self.count {
                        let offset = sign * d * k as f64;
                        // A defect inside the offsetting must not take the app down.
                        let curves = std::panic::catch_unwind(|| pl.parallel_offset(offset))
                            .map_err(|_| OpFailure::bad_input("the offset of a polyline failed"))?;
                        if curves.is_empty() {
                            break; // an inner side used up: later ones are empty too
                        }
                        for c in &curves {
                            let pts = flattened(c);
                            if pts.len() >= 2 {
                                out.push_line(pts);
                            }
                        }
                        // Round corners add points: held to the budget as it grows.
                        ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
                    }
                }
            }
        }
        if self.keep_original {
            out.extend_from(input);
        }
        Ok(out)
    }
}
