//! Point perturbations: `quantize` (snap to a grid), `wobble` (sinusoidal shift) and
//! `bold` (seeded overdraw).

use std::f64::consts::TAU;

use crate::geometry::{Polylines, Vec3};

use super::op::{EvalContext, OpError};
use super::random::SeededRng;
use super::transform::map_points;
use super::typed::Evaluate;

crate::op! {
    /// snaps every vertex to a grid of `step` per axis, rounding half away from zero (an axis with step 0 is left alone); the vertex count is unchanged
    #[op(effect, name = "quantize", version = 1)]
    pub struct Quantize {
        /// grid spacing per axis
        pub step: Vec3 = Vec3::ONE => ui(0.0, 10.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Quantize {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
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
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
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
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
        let n = self.count as u64;
        ctx.budget.check(
            "bold",
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
