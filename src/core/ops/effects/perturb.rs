//! Point perturbations: `quantize` (snap to a grid), `wobble` (sinusoidal shift) and
//! `bold` (seeded overdraw).

use std::f64::consts::TAU;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::affine::map_points;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// snaps every vertex to a grid of `step` per axis, rounding half away from zero (an axis with step 0 is left alone); the vertex count is unchanged
    #[op(effect, name = "quantize", version = 1)]
    pub struct Quantize {
        /// grid spacing per axis
        pub step: Vec3 = Vec3::ONE => ui(0.0, 10.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Quantize {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let step = self.step.as_dvec3();
        let snap = |x: f32, s: f64| {
            if s > 0.0 {
                ((x as f64 / s).round() * s) as f32
            } else {
                x
            }
        };
        Ok(map_points(&*ctx.executor, input, |p| {
            Vec3::new(snap(p.x, step.x), snap(p.y, step.y), snap(p.z, step.z))
        }))
    }
}

crate::op! {
    /// shifts each coordinate by a sine of itself: x + amplitude.x · sin(2π · frequency.x · x + phase), likewise y and z
    #[op(effect, name = "wobble", version = 1)]
    pub struct Wobble {
        /// shift per axis
        pub amplitude: Vec3 = Vec3::splat(2.0) => ui(0.0, 20.0).unit("mm"),
        /// waves per millimetre, per axis
        pub frequency: Vec3 = Vec3::splat(0.1) => ui(0.0, 0.2).unit("1/mm"),
        /// phase of the sines
        pub phase: f64 = 0.0 => ui(0.0, 360.0).unit("deg"),
    }
}

impl Evaluate for Wobble {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (a, f) = (self.amplitude.as_dvec3(), self.frequency.as_dvec3());
        let phase = self.phase.to_radians();
        let shift =
            |x: f32, a: f64, f: f64| (x as f64 + a * (TAU * f * x as f64 + phase).sin()) as f32;
        Ok(map_points(&*ctx.executor, input, |p| {
            Vec3::new(
                shift(p.x, a.x, f.x),
                shift(p.y, a.y, f.y),
                shift(p.z, a.z, f.z),
            )
        }))
    }
}

crate::op! {
    /// faux bold by overdraw: `count` copies of the drawing, the first in place, the others each shifted by a random point of a disc of `radius` (z kept)
    #[op(effect, name = "bold", version = 1)]
    pub struct Bold {
        /// copies drawn, the original included
        pub count: u32 = 5 => ui(1.0, 10.0).domain(1.0, 10_000.0),
        /// largest shift of a copy
        pub radius: f64 = 0.5 => ui(0.0, 1.0).min(0.0).unit("mm"),
        /// random seed (the same drawing for the same seed on every machine)
        pub seed: u32 = 0 => ui(0.0, 9999.0),
    }
}

impl Evaluate for Bold {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.count as u64;
        ctx.check_budget(
            n * input.point_count() as u64,
            n * input.line_count() as u64,
        )?;
        let mut out = input.clone();
        for k in 1..n {
            let (dx, dy) = SeededRng::new(self.seed as u64, k).in_disc(self.radius);
            let d = Vec3::new(dx as f32, dy as f32, 0.0);
            out.extend_from(&map_points(&*ctx.executor, input, |p| p + d));
        }
        Ok(out)
    }
}

crate::choice! {
    /// Which leg a diagonal step of `pixelate` takes first.
    pub enum PixelCorner { Auto = "auto", Xy = "xy", Yx = "yx" }
}

crate::op! {
    /// turns every polyline into an axis-aligned staircase on a grid of `step`: vertices snap to cells and consecutive cells are joined by unit steps (a diagonal step becomes two, the longer axis first for auto); z is snapped at the vertices and interpolated along the steps
    #[op(effect, name = "pixelate", version = 1)]
    pub struct Pixelate {
        /// grid spacing per axis (x and y above 0)
        pub step: Vec3 = Vec3::ONE => ui(0.01, 10.0).min(0.0).unit("mm"),
        /// which leg of a diagonal step comes first
        pub corner: PixelCorner = PixelCorner::Auto,
    }
}

impl Evaluate for Pixelate {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let step = self.step.as_dvec3();
        if step.x <= 0.0 || step.y <= 0.0 {
            return Err(OpFailure::bad_input("step.x and step.y must be above 0 mm"));
        }
        let cell = |p: Vec3| {
            (
                (p.x as f64 / step.x).round() as i64,
                (p.y as f64 / step.y).round() as i64,
            )
        };
        let snap_z = |z: f32| {
            if step.z > 0.0 {
                (z as f64 / step.z).round() * step.z
            } else {
                z as f64
            }
        };
        let wanted: u64 = input
            .lines()
            .map(|l| {
                1 + l
                    .windows(2)
                    .map(|w| {
                        let (a, b) = (cell(w[0]), cell(w[1]));
                        a.0.saturating_sub(b.0).unsigned_abs()
                            + a.1.saturating_sub(b.1).unsigned_abs()
                    })
                    .sum::<u64>()
            })
            .fold(0u64, u64::saturating_add);
        ctx.check_budget(wanted, input.line_count() as u64)?;
        let corner = self.corner;
        Ok(crate::ops::kit::parallel::map_lines(
            &*ctx.executor,
            input,
            |_, line, out| {
                if line.is_empty() {
                    return;
                }
                let at = |c: (i64, i64), z: f64| {
                    Vec3::new(
                        (c.0 as f64 * step.x) as f32,
                        (c.1 as f64 * step.y) as f32,
                        z as f32,
                    )
                };
                out.push_point(at(cell(line[0]), snap_z(line[0].z)));
                for w in line.windows(2) {
                    let (a, b) = (cell(w[0]), cell(w[1]));
                    let (za, zb) = (snap_z(w[0].z), snap_z(w[1].z));
                    // Cells are bounded by the coordinate range: no overflow here.
                    let (dx, dy) = (b.0.saturating_sub(a.0), b.1.saturating_sub(a.1));
                    let (sx, sy) = (dx.signum(), dy.signum());
                    let (ax, ay) = (dx.abs(), dy.abs());
                    let total = (ax + ay).max(1) as f64;
                    let x_first = match corner {
                        PixelCorner::Xy => true,
                        PixelCorner::Yx => false,
                        PixelCorner::Auto => ax >= ay,
                    };
                    // Bresenham over the major axis; a step that moves both ways becomes
                    // two unit legs.
                    let (mut x, mut y) = a;
                    let mut err = ax - ay;
                    let mut moved = 0i64;
                    let push = |c: (i64, i64), moved: i64, out: &mut Polylines| {
                        let z = za + (zb - za) * (moved as f64 / total);
                        out.push_point(at(c, z));
                    };
                    while (x, y) != b {
                        let e2 = 2 * err;
                        let step_x = e2 > -ay;
                        let step_y = e2 < ax;
                        match (step_x, step_y) {
                            (true, true) => {
                                err += -ay + ax;
                                let mid = if x_first { (x + sx, y) } else { (x, y + sy) };
                                moved += 1;
                                push(mid, moved, out);
                                x += sx;
                                y += sy;
                                moved += 1;
                                push((x, y), moved, out);
                            }
                            (true, false) => {
                                err -= ay;
                                x += sx;
                                moved += 1;
                                push((x, y), moved, out);
                            }
                            (false, true) => {
                                err += ax;
                                y += sy;
                                moved += 1;
                                push((x, y), moved, out);
                            }
                            (false, false) => break,
                        }
                    }
                }
                out.end_line();
            },
        ))
    }
}
