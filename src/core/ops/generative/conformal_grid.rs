//! `laplace_field_grid`: the lines of constant u and constant v of the plane W = u + iv,
//! carried through a conformal map. Conformal maps keep right angles, so the two
//! families stay orthogonal everywhere: the equipotentials and streamlines of a flow.

use num_complex::Complex64 as C;

use crate::geometry::{MAX_COORDINATE_MM, Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// The map of `laplace_field_grid`.
    pub enum ConformalMap { CylinderUniform = "cylinder_uniform", Mobius = "mobius", Exp = "exp" }
}

crate::op! {
    /// a grid of the plane W = u + iv (n_u lines of constant u, n_v of constant v) carried through a conformal map: cylinder_uniform, the streamlines (constant v) and equipotentials (constant u) of a uniform flow of `speed` past a cylinder of radius `a` (W = speed·(z + a²/z), taken outside the cylinder); mobius, z = (αW + β)/(γW + δ); exp, z = exp(kW); then scaled, rotated and placed at `center`
    #[op(primitive, name = "laplace_field_grid", version = 1)]
    pub struct LaplaceFieldGrid {
        /// the map
        pub preset: ConformalMap = ConformalMap::CylinderUniform,
        /// least u of the grid
        pub u_min: f64 = -6.0 => ui(-10.0, 10.0).domain(-1e4, 1e4),
        /// greatest u of the grid
        pub u_max: f64 = 6.0 => ui(-10.0, 10.0).domain(-1e4, 1e4),
        /// least v of the grid
        pub v_min: f64 = -6.0 => ui(-10.0, 10.0).domain(-1e4, 1e4),
        /// greatest v of the grid
        pub v_max: f64 = 6.0 => ui(-10.0, 10.0).domain(-1e4, 1e4),
        /// lines of constant u (equipotentials of the flow)
        pub n_u: u32 = 45 => ui(0.0, 200.0).domain(0.0, 100_000.0),
        /// lines of constant v (streamlines of the flow)
        pub n_v: u32 = 45 => ui(0.0, 200.0).domain(0.0, 100_000.0),
        /// points along each line
        pub samples: u32 = 900 => ui(2.0, 4000.0).domain(2.0, 10_000_000.0),
        /// position of the map's origin
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// length of one unit of the map
        pub scale: f64 = 10.0 => ui(0.0, 200.0).domain(0.0, 1e5).unit("mm"),
        /// turn of the whole drawing
        pub rotate: f64 = 0.0 => ui(0.0, 360.0).domain(-1e6, 1e6).unit("deg"),
        /// keep only what lies inside the clip box (in the map's units, before scale), cutting lines where they leave it
        pub clip: bool = false,
        /// left of the clip box
        pub clip_xmin: f64 = -10.0 => ui(-200.0, 200.0).domain(-1e6, 1e6),
        /// right of the clip box
        pub clip_xmax: f64 = 10.0 => ui(-200.0, 200.0).domain(-1e6, 1e6),
        /// top of the clip box
        pub clip_ymin: f64 = -10.0 => ui(-200.0, 200.0).domain(-1e6, 1e6),
        /// bottom of the clip box
        pub clip_ymax: f64 = 10.0 => ui(-200.0, 200.0).domain(-1e6, 1e6),
        /// radius of the cylinder (cylinder_uniform)
        pub a: f64 = 1.0 => ui(0.0, 50.0).domain(0.0, 1e4),
        /// speed of the flow (cylinder_uniform; 0 draws the cylinder alone)
        pub speed: f64 = 1.0 => ui(0.0, 5.0).domain(0.0, 1e4),
        /// the dividing streamline (v = 0) is drawn twice, this far (in units of speed·a) above and below it, so that it passes the cylinder on both sides (cylinder_uniform)
        pub gap: f64 = 0.002 => ui(0.0, 0.05).domain(0.0, 1.0),
        /// also draw the cylinder (cylinder_uniform)
        pub draw_boundary: bool = true,
        /// points of the cylinder's circle
        pub boundary_samples: u32 = 720 => ui(3.0, 4000.0).domain(3.0, 10_000_000.0),
        /// real part of α (mobius)
        pub alpha_re: f64 = 1.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// imaginary part of α (mobius)
        pub alpha_im: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// real part of β (mobius)
        pub beta_re: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// imaginary part of β (mobius)
        pub beta_im: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// real part of γ (mobius)
        pub gamma_re: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// imaginary part of γ (mobius)
        pub gamma_im: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// real part of δ (mobius)
        pub delta_re: f64 = 1.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// imaginary part of δ (mobius)
        pub delta_im: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// real part of k (exp)
        pub k_re: f64 = 1.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
        /// imaginary part of k (exp)
        pub k_im: f64 = 0.0 => ui(-5.0, 5.0).domain(-1e6, 1e6),
    }
}

impl LaplaceFieldGrid {
    /// The point of the drawing plane (in the map's units) for `w`; `None` where the map
    /// has no finite value (a pole).
    fn map(&self, w: C) -> Option<C> {
        let z = match self.preset {
            ConformalMap::CylinderUniform => {
                // speed·z² − w·z + speed·a² = 0: the two roots multiply to a², so one lies
                // outside the cylinder and one inside; the flow is the outside one.
                let root = (w * w - 4.0 * self.speed * self.speed * self.a * self.a).sqrt();
                let (z1, z2) = (
                    (w + root) / (2.0 * self.speed),
                    (w - root) / (2.0 * self.speed),
                );
                if z1.norm_sqr() >= z2.norm_sqr() {
                    z1
                } else {
                    z2
                }
            }
            ConformalMap::Mobius => {
                let alpha = C::new(self.alpha_re, self.alpha_im);
                let beta = C::new(self.beta_re, self.beta_im);
                let gamma = C::new(self.gamma_re, self.gamma_im);
                let delta = C::new(self.delta_re, self.delta_im);
                (alpha * w + beta) / (gamma * w + delta)
            }
            ConformalMap::Exp => (C::new(self.k_re, self.k_im) * w).exp(),
        };
        z.is_finite().then_some(z)
    }

    /// The values `count` lines of one family sit at, from `lo` to `hi` (the middle for
    /// one line).
    fn levels(count: u32, lo: f64, hi: f64) -> Vec<f64> {
        match count {
            0 => vec![],
            1 => vec![(lo + hi) / 2.0],
            n => (0..n)
                .map(|k| lo + (hi - lo) * k as f64 / (n - 1) as f64)
                .collect(),
        }
    }

    /// The grid's lines in W, each as (fixed value, is a v line).
    fn lines(&self) -> Vec<(f64, bool)> {
        let cylinder = self.preset == ConformalMap::CylinderUniform;
        let mut lines: Vec<(f64, bool)> = Self::levels(self.n_u, self.u_min, self.u_max)
            .into_iter()
            .map(|u| (u, false))
            .collect();
        let gap = self.gap * self.speed * self.a;
        for v in Self::levels(self.n_v, self.v_min, self.v_max) {
            if cylinder && v.abs() < gap.max(1e-12) {
                // The dividing streamline: once above the cylinder, once below.
                lines.push((gap.max(1e-9), true));
                lines.push((-gap.max(1e-9), true));
            } else {
                lines.push((v, true));
            }
        }
        lines
    }

    fn inside_clip(&self, z: C) -> bool {
        !self.clip
            || (z.re >= self.clip_xmin
                && z.re <= self.clip_xmax
                && z.im >= self.clip_ymin
                && z.im <= self.clip_ymax)
    }
}

impl Evaluate for LaplaceFieldGrid {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let cylinder = self.preset == ConformalMap::CylinderUniform;
        let flow = !cylinder || self.speed > 0.0;
        let lines = if flow { self.lines() } else { Vec::new() };
        let boundary = cylinder && self.draw_boundary && self.a > 0.0;
        let samples = self.samples.max(2) as u64;
        ctx.check_budget(
            lines.len() as u64 * samples
                + if boundary {
                    self.boundary_samples as u64 + 1
                } else {
                    0
                },
            lines.len() as u64 + 1,
        )?;
        let (sin, cos) = self.rotate.to_radians().sin_cos();
        let place = |z: C| {
            let (x, y) = (z.re * self.scale, z.im * self.scale);
            Vec3::new((x * cos - y * sin) as f32, (x * sin + y * cos) as f32, 0.0) + self.center
        };
        // Beyond this (in the map's units) a point would leave the coordinate range.
        let far = MAX_COORDINATE_MM as f64 / 2.0 / self.scale.max(1e-300);
        let mut out = Polylines::new();
        let mut run: Vec<Vec3> = Vec::new();
        let mut dropped = 0usize;
        let end_run = |out: &mut Polylines, run: &mut Vec<Vec3>| {
            if run.len() >= 2 {
                out.push_line(run.drain(..));
            }
            run.clear();
        };
        for (fixed, along_u) in lines {
            let (lo, hi) = if along_u {
                (self.u_min, self.u_max)
            } else {
                (self.v_min, self.v_max)
            };
            // An equipotential that meets the cylinder (|u| < 2·speed·a) ends on its
            // surface, above and below: the two halves are separate lines.
            let meets_cylinder = cylinder && !along_u && fixed.abs() < 2.0 * self.speed * self.a;
            let mut last_s = f64::NAN;
            for k in 0..samples {
                let s = lo + (hi - lo) * k as f64 / (samples - 1) as f64;
                if meets_cylinder && s.signum() != last_s.signum() {
                    end_run(&mut out, &mut run);
                }
                last_s = s;
                let w = if along_u {
                    C::new(s, fixed)
                } else {
                    C::new(fixed, s)
                };
                match self.map(w) {
                    Some(z) if z.norm() < far => {
                        if self.inside_clip(z) {
                            run.push(place(z));
                        } else {
                            end_run(&mut out, &mut run);
                        }
                    }
                    _ => {
                        dropped += 1;
                        end_run(&mut out, &mut run);
                    }
                }
            }
            end_run(&mut out, &mut run);
        }
        if boundary {
            let n = self.boundary_samples.max(3);
            for k in 0..=n {
                let angle = std::f64::consts::TAU * (k % n) as f64 / n as f64;
                let z = C::from_polar(self.a, angle);
                if self.inside_clip(z) {
                    run.push(place(z));
                } else {
                    end_run(&mut out, &mut run);
                }
            }
            end_run(&mut out, &mut run);
        }
        if dropped > 0 {
            out.add_note(format!(
                "{dropped} points where the map is infinite or beyond ±{} mm were left out, cutting their lines",
                MAX_COORDINATE_MM / 2.0
            ));
        }
        Ok(out)
    }
}
