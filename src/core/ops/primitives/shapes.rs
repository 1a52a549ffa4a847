//! Curve primitives: `arc`, `ellipse`, `wave`.
//!
//! Angles are measured from +x towards +y (on paper +y points down), as for `line`.

use std::f64::consts::TAU;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::{A4_CENTER, MAX_SAMPLES};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// open circular arc from `start` through the signed `sweep`, in `segments` straight pieces
    #[op(primitive, name = "arc", version = 1)]
    pub struct CircularArc {
        /// radius
        pub radius: f64 = 50.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// angle of the first point from +x
        pub start: f64 = 0.0 => ui(-360.0, 360.0).unit("deg"),
        /// signed angle covered (negative: the other way round)
        pub sweep: f64 = 180.0 => ui(-360.0, 360.0).unit("deg").domain(-360.0, 360.0),
        /// number of straight pieces
        pub segments: u32 = 48 => ui(1.0, 512.0).domain(1.0, MAX_SAMPLES),
        /// position of the circle's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for CircularArc {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.segments as u64;
        ctx.check_budget(n + 1, 1)?;
        let (start, sweep) = (self.start.to_radians(), self.sweep.to_radians());
        let r = self.radius;
        let c = self.center;
        let pts = (0..=n).map(|i| {
            let a = start + sweep * i as f64 / n as f64;
            Vec3::new((r * a.cos()) as f32, (r * a.sin()) as f32, 0.0) + c
        });
        Ok(Polylines::from_lines([pts.collect::<Vec<_>>()]))
    }
}

crate::op! {
    /// closed ellipse rotated about its centre
    #[op(primitive, name = "ellipse", version = 1)]
    pub struct Ellipse {
        /// half the width (along the rotated x axis)
        pub radius_x: f64 = 50.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// half the height (along the rotated y axis)
        pub radius_y: f64 = 25.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// rotation about the centre
        pub angle: f64 = 0.0 => ui(-180.0, 180.0).unit("deg"),
        /// number of straight pieces
        pub segments: u32 = 96 => ui(3.0, 512.0).domain(3.0, MAX_SAMPLES),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Ellipse {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.segments as u64;
        ctx.check_budget(n + 1, 1)?;
        let (sin, cos) = self.angle.to_radians().sin_cos();
        let c = self.center;
        let mut pts: Vec<Vec3> = (0..n)
            .map(|i| {
                let a = TAU * i as f64 / n as f64;
                let (x, y) = (self.radius_x * a.cos(), self.radius_y * a.sin());
                Vec3::new((x * cos - y * sin) as f32, (x * sin + y * cos) as f32, 0.0) + c
            })
            .collect();
        pts.push(pts[0]);
        Ok(Polylines::from_lines([pts]))
    }
}

crate::choice! {
    /// The shape of one period of a `wave`.
    pub enum WaveKind { Sine = "sine", Triangle = "triangle", Square = "square", Saw = "saw" }
}

impl WaveKind {
    /// The wave at phase `theta` (radians): 0 at 0, rising, period 2π, values in -1..=1.
    fn at(self, theta: f64) -> f64 {
        let u = theta.rem_euclid(TAU) / TAU;
        match self {
            WaveKind::Sine => theta.sin(),
            WaveKind::Triangle => {
                if u < 0.25 {
                    4.0 * u
                } else if u < 0.75 {
                    2.0 - 4.0 * u
                } else {
                    4.0 * u - 4.0
                }
            }
            WaveKind::Square => {
                if u < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            WaveKind::Saw => {
                if u < 0.5 {
                    2.0 * u
                } else {
                    2.0 * u - 2.0
                }
            }
        }
    }

    /// Phases within a period (fractions of it) where the wave has a corner or a jump:
    /// they are sampled exactly so corners stay sharp and jumps vertical.
    fn breaks(self) -> &'static [f64] {
        match self {
            WaveKind::Sine => &[],
            WaveKind::Triangle => &[0.25, 0.75],
            WaveKind::Square => &[0.0, 0.5],
            WaveKind::Saw => &[0.5],
        }
    }

    /// Whether the wave jumps at its breaks (drawn as a vertical step).
    fn jumps(self) -> bool {
        matches!(self, WaveKind::Square | WaveKind::Saw)
    }
}

crate::op! {
    /// open periodic wave along a line of `length` centred on `center`, turned by `angle`
    #[op(primitive, name = "wave", version = 1)]
    pub struct Wave {
        /// sine, triangle or saw (starting at 0, rising), or square (starting high)
        pub kind: WaveKind = WaveKind::Sine,
        /// length along the wave's axis
        pub length: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// peak height (negative mirrors the wave)
        pub amplitude: f64 = 10.0 => ui(-100.0, 100.0).unit("mm"),
        /// periods over the length (negative runs the phase backwards)
        pub cycles: f64 = 3.0 => ui(-20.0, 20.0).domain(-100_000.0, 100_000.0),
        /// phase at the start
        pub phase: f64 = 0.0 => ui(-360.0, 360.0).unit("deg"),
        /// evenly spaced samples (corners and jumps are added exactly)
        pub samples: u32 = 256 => ui(2.0, 8000.0).domain(2.0, MAX_SAMPLES),
        /// direction of the wave's axis from +x
        pub angle: f64 = 0.0 => ui(-180.0, 180.0).unit("deg"),
        /// position of the wave's middle
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Wave {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let kind = self.kind;
        let n = self.samples as u64;
        let periods = self.cycles.abs().ceil() as u64 + 1;
        let extra = periods * kind.breaks().len() as u64 * 2;
        ctx.check_budget(n + extra, 1)?;
        let phase0 = self.phase.to_radians();
        let theta = |u: f64| phase0 + TAU * self.cycles * u;
        // Positions along the axis as fractions of the length: the samples, then the breaks.
        let mut us: Vec<f64> = (0..n).map(|i| i as f64 / (n - 1) as f64).collect();
        if !kind.breaks().is_empty() && self.cycles != 0.0 {
            // Phase (in periods) runs from p0 to p1 over u in 0..1.
            let (p0, p1) = (theta(0.0) / TAU, theta(1.0) / TAU);
            let (lo, hi) = (p0.min(p1), p0.max(p1));
            let mut k = lo.floor();
            while k <= hi {
                for &b in kind.breaks() {
                    let p = k + b;
                    if p > lo && p < hi {
                        us.push((p - p0) / (p1 - p0));
                    }
                }
                k += 1.0;
            }
        }
        us.sort_by(f64::total_cmp);
        us.dedup();
        let (sin, cos) = self.angle.to_radians().sin_cos();
        let place = |u: f64, y: f64| {
            let x = (u - 0.5) * self.length;
            Vec3::new((x * cos - y * sin) as f32, (x * sin + y * cos) as f32, 0.0) + self.center
        };
        let a = self.amplitude;
        let mut pts = Vec::with_capacity(us.len() * 2);
        for &u in &us {
            let t = theta(u);
            if kind.jumps() && self.cycles != 0.0 && is_break(kind, t) {
                // A jump: the values just before and just after it, at the same position
                // (only the inner side at the ends).
                let eps = 1e-9 * self.cycles.signum() * TAU;
                if u > 0.0 {
                    pts.push(place(u, a * kind.at(t - eps)));
                }
                if u < 1.0 {
                    pts.push(place(u, a * kind.at(t + eps)));
                }
            } else {
                pts.push(place(u, a * kind.at(t)));
            }
        }
        Ok(Polylines::from_lines([pts]))
    }
}

/// Whether phase `theta` sits on one of the wave's breaks.
fn is_break(kind: WaveKind, theta: f64) -> bool {
    let u = theta.rem_euclid(TAU) / TAU;
    kind.breaks()
        .iter()
        .any(|&b| (u - b).abs() < 1e-7 || (u - b - 1.0).abs() < 1e-7)
}
