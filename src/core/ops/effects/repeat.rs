//! `repeat`: copies of the input on a line (grid layout) or around a centre (radial layout).

use std::f32::consts::TAU;

use crate::geometry::{Mat3, Polylines, Vec3, rotation_xyz_degrees};

use crate::ops::kit::affine::pivot;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// One copy's transform: scale and rotate about the centre, then move.
struct CopyTransform {
    matrix: Mat3,
    offset: Vec3,
}

crate::choice! {
    /// How `repeat` places its copies.
    pub enum RepeatLayout { Grid = "grid", Radial = "radial" }
}

crate::op! {
    /// copies the input: `grid` keeps the original and adds `count` stepped copies; `radial` places copies on rings around the centre
    #[op(effect, name = "repeat", version = 1)]
    pub struct Repeat {
        /// how copies are placed
        pub layout: RepeatLayout = RepeatLayout::Grid,
        /// copies added (grid)
        pub count: u32 = 3 => ui(0.0, 100.0).domain(0.0, 100_000.0),
        /// offset of the last copy (grid)
        pub offset: Vec3 = Vec3::new(10.0, 0.0, 0.0) => ui(-300.0, 300.0).unit("mm"),
        /// outer ring radius (radial)
        pub radius: f32 = 50.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// angle of the first copy (radial)
        pub theta: f32 = 0.0 => ui(-180.0, 180.0).unit("deg"),
        /// copies per ring (radial)
        pub n_theta: u32 = 6 => ui(1.0, 64.0).domain(1.0, 100_000.0),
        /// number of rings (radial)
        pub n_radius: u32 = 1 => ui(1.0, 64.0).domain(1.0, 10_000.0),
        /// rotation of the last copy
        pub rotation_step: Vec3 = Vec3::ZERO => ui(-180.0, 180.0).unit("deg"),
        /// scale of the last copy
        pub scale: Vec3 = Vec3::ONE => ui(0.25, 4.0),
        /// ease the offset progression by `curve`
        pub cumulative_offset: bool = false,
        /// ease the rotation progression by `curve`
        pub cumulative_rotate: bool = false,
        /// ease the scale progression by `curve`
        pub cumulative_scale: bool = false,
        /// easing exponent for cumulative progressions
        pub curve: f32 = 1.0 => ui(0.1, 5.0).domain(0.01, 100.0),
        /// pivot about the mean of all points
        pub auto_center: bool = true,
        /// pivot used when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Repeat {
    fn passes_through(&self, input: &Polylines, _ctx: &EvalContext) -> bool {
        input.point_count() == 0 || (self.layout == RepeatLayout::Grid && self.count == 0)
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let p = self;
        // Nothing to copy: return before sizing any copy list (a radial layout could
        // otherwise ask for a billion placements that the vertex budget never sees).
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let center = pivot(input, p.auto_center, p.pivot);
        let curve = p.curve;
        let ease = |flag: bool, t: f32| if flag { t.powf(curve) } else { t };
        let rot = p.rotation_step;
        let scale = p.scale;
        let transform = |t: f32, offset: Vec3| CopyTransform {
            matrix: rotation_xyz_degrees(rot * ease(p.cumulative_rotate, t))
                * Mat3::from_diagonal(Vec3::ONE.lerp(scale, ease(p.cumulative_scale, t))),
            offset,
        };
        let mut copies: Vec<CopyTransform> = Vec::new();
        if p.layout == RepeatLayout::Grid {
            let count = p.count as usize;
            ctx.check_budget(
                (count as u64 + 1) * input.point_count() as u64,
                (count as u64 + 1) * input.line_count() as u64,
            )?;
            copies.push(CopyTransform {
                matrix: Mat3::IDENTITY,
                offset: Vec3::ZERO,
            });
            let offset = p.offset;
            for k in 1..=count {
                let t = k as f32 / count as f32;
                copies.push(transform(t, offset * ease(p.cumulative_offset, t)));
            }
        } else {
            let (n_theta, n_radius) = (p.n_theta as usize, p.n_radius as usize);
            let total = if n_radius == 1 {
                n_theta
            } else {
                1 + (n_radius - 1) * n_theta
            };
            ctx.check_budget(
                total as u64 * input.point_count() as u64,
                total as u64 * input.line_count() as u64,
            )?;
            let (radius, theta) = (p.radius, p.theta.to_radians());
            let mut places: Vec<Vec3> = Vec::with_capacity(total);
            for ring in 0..n_radius {
                let r = if n_radius == 1 {
                    radius
                } else {
                    radius * ring as f32 / (n_radius - 1) as f32
                };
                if n_radius > 1 && ring == 0 {
                    places.push(Vec3::ZERO);
                    continue;
                }
                for j in 0..n_theta {
                    let a = theta + TAU * j as f32 / n_theta as f32;
                    places.push(Vec3::new(r * a.cos(), r * a.sin(), 0.0));
                }
            }
            let last = (places.len().max(2) - 1) as f32;
            for (k, place) in places.into_iter().enumerate() {
                copies.push(transform(k as f32 / last, place));
            }
        }
        let mut out = Polylines::with_capacity(
            copies.len() * input.point_count(),
            copies.len() * input.line_count(),
        );
        for copy in &copies {
            for line in input.lines() {
                for &q in line {
                    out.push_point(copy.matrix * (q - center) + center + copy.offset);
                }
                out.end_line();
            }
        }
        Ok(out)
    }
}
