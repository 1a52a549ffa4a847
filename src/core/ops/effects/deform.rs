//! 3D deformations: `twist` (rotation growing along an axis), `extrude` (a moved copy
//! joined to the original by side edges) and `collapse` (lines broken into displaced
//! pieces).

use std::f64::consts::TAU;

use glam::DVec3;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::affine::{map_points, pivot};
use crate::ops::kit::parallel;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// rotates each point about an axis through the centre by an angle growing along that axis: -angle at one end of the drawing's extent, 0 in the middle, +angle at the other (positive turns clockwise looking along the axis, as grafix)
    #[op(effect, name = "twist", version = 1)]
    pub struct Twist {
        /// pivot about the mean of all points
        pub auto_center: bool = true,
        /// pivot used when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// rotation at the ends of the extent
        pub angle: f64 = 60.0 => ui(0.0, 360.0).unit("deg"),
        /// direction of the axis (normalised; not zero)
        pub axis_dir: Vec3 = Vec3::Y => ui(-1.0, 1.0),
    }
}

impl Evaluate for Twist {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.angle == 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let axis = self.axis_dir.as_dvec3();
        if axis.length() < 1e-9 {
            return Err(OpFailure::bad_input(
                "axis_dir is zero; give a direction such as (0, 1, 0)",
            ));
        }
        let k = axis.normalize();
        let c = pivot(input, self.auto_center, self.pivot).as_dvec3();
        let along: Vec<f64> = input
            .points()
            .iter()
            .map(|p| (p.as_dvec3() - c).dot(k))
            .collect();
        let (lo, hi) = along
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        if !(hi > lo) || self.angle == 0.0 {
            return Ok(input.clone());
        }
        let angle = self.angle.to_radians();
        Ok(map_points(&*ctx.executor, input, |p| {
            let v = p.as_dvec3() - c;
            let t = (v.dot(k) - lo) / (hi - lo);
            // Rodrigues with -θ: grafix's positive angle turns clockwise about the axis.
            let theta = -(t - 0.5) * 2.0 * angle;
            let (s, co) = theta.sin_cos();
            let r = v * co + k.cross(v) * s + k * k.dot(v) * (1.0 - co);
            (c + r).as_vec3()
        }))
    }
}

crate::choice! {
    /// What `extrude` scales its copy about.
    pub enum ExtrudeCenter { Auto = "auto", Origin = "origin" }
}

crate::op! {
    /// subdivides each polyline, then adds a copy moved by `delta` and scaled by `scale` (about each copy's own centre, or the origin) and a side edge from every point to its copy
    #[op(effect, name = "extrude", version = 1)]
    pub struct Extrude {
        /// offset of the copy (z shows with `perspective`)
        pub delta: Vec3 = Vec3::new(0.0, 0.0, 30.0) => ui(-200.0, 200.0).unit("mm"),
        /// size of the copy
        pub scale: f64 = 0.5 => ui(0.0, 3.0).domain(0.0, 100.0),
        /// midpoint levels before extruding: each level doubles the side edges
        pub subdivisions: u32 = 4 => ui(0.0, 8.0).domain(0.0, 12.0),
        /// scale the copy about each line's own centre (auto) or about the origin
        pub center_mode: ExtrudeCenter = ExtrudeCenter::Auto,
    }
}

impl Evaluate for Extrude {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let pieces = 1u64 << self.subdivisions;
        let points: u64 = input
            .lines()
            .filter(|l| l.len() >= 2)
            .map(|l| (l.len() as u64 - 1) * pieces + 1)
            .sum();
        ctx.check_budget(points * 4, input.line_count() as u64 + points * 2)?;
        let delta = self.delta.as_dvec3();
        // Chunks of polylines, each giving its originals and its copies with side edges;
        // all originals come first, then all copies, in the input's order.
        let parts = parallel::map_ranges(ctx.executor.as_ref(), input.line_count(), 64, |range| {
            let mut originals = Polylines::new();
            let mut copies = Polylines::new();
            for line in range.map(|i| input.line(i)).filter(|l| l.len() >= 2) {
                let mut fine: Vec<DVec3> =
                    Vec::with_capacity(((line.len() - 1) as u64 * pieces + 1) as usize);
                for w in line.windows(2) {
                    let (a, b) = (w[0].as_dvec3(), w[1].as_dvec3());
                    for k in 0..pieces {
                        fine.push(a.lerp(b, k as f64 / pieces as f64));
                    }
                }
                fine.push(line[line.len() - 1].as_dvec3());
                originals.push_line(fine.iter().map(|p| p.as_vec3()));
                let distinct = crate::geometry::without_closing_point(&fine);
                let mean = distinct.iter().sum::<DVec3>() / distinct.len() as f64;
                let moved: Vec<DVec3> = fine
                    .iter()
                    .map(|&p| match self.center_mode {
                        ExtrudeCenter::Auto => (p - mean) * self.scale + mean + delta,
                        ExtrudeCenter::Origin => (p + delta) * self.scale,
                    })
                    .collect();
                copies.push_line(moved.iter().map(|p| p.as_vec3()));
                for (a, b) in fine.iter().zip(&moved) {
                    if a.distance(*b) > 1e-9 {
                        copies.push_line([a.as_vec3(), b.as_vec3()]);
                    }
                }
            }
            (originals, copies)
        });
        let mut out = Polylines::with_capacity(points as usize * 4, points as usize * 2);
        for (originals, _) in &parts {
            out.extend_from(originals);
        }
        for (_, copies) in &parts {
            out.extend_from(copies);
        }
        Ok(out)
    }
}

/// Whether a segment is too short for `collapse` to move (it is kept as it is).
fn degenerate(a: Vec3, b: Vec3) -> bool {
    (b.as_dvec3() - a.as_dvec3()).length() < 1e-12
}

crate::op! {
    /// breaks every segment into `subdivisions` equal pieces and moves each piece on its own, perpendicular to itself, by `intensity` times the mask's strength there, in a seeded random direction around the piece; `intensity_mask_*` fade the effect across the drawing as `drop`'s probability does
    #[op(effect, name = "collapse", version = 1)]
    pub struct Collapse {
        /// largest displacement
        pub intensity: f64 = 5.0 => ui(0.0, 10.0).min(0.0).unit("mm"),
        /// pieces per segment (0: unchanged)
        pub subdivisions: u32 = 6 => ui(0.0, 10.0).domain(0.0, 10_000.0),
        /// strength per axis at the centre
        pub intensity_mask_base: Vec3 = Vec3::ONE => ui(0.0, 1.0),
        /// change of that strength towards the +x/+y/+z edge of the bounds
        pub intensity_mask_slope: Vec3 = Vec3::ZERO => ui(-1.0, 1.0),
        /// centre of the mask at the middle of the bounds
        pub auto_center: bool = true,
        /// mask centre when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// random seed (the same pieces for the same seed on every machine)
        pub seed: u32 = 0 => ui(0.0, 9999.0),
    }
}

impl Evaluate for Collapse {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.subdivisions == 0 || self.intensity == 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.subdivisions as u64;
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let segments = input.segment_count() as u64;
        ctx.check_budget(segments * n * 2, segments * n)?;
        let Some((lo, hi)) = input.bounds() else {
            return Ok(input.clone());
        };
        let (lo, hi) = (lo.as_dvec3(), hi.as_dvec3());
        let centre = if self.auto_center {
            (lo + hi) / 2.0
        } else {
            self.pivot.as_dvec3()
        };
        let half = (hi - lo) / 2.0;
        let (base, slope) = (
            self.intensity_mask_base.as_dvec3(),
            self.intensity_mask_slope.as_dvec3(),
        );
        let strength = |m: DVec3| {
            let mut keep = 1.0;
            for axis in 0..3 {
                let t = if half[axis] > 0.0 {
                    ((m[axis] - centre[axis]) / half[axis]).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                keep *= 1.0 - (base[axis] + slope[axis] * t).clamp(0.0, 1.0);
            }
            1.0 - keep
        };
        // One random stream over all pieces, in order: each polyline's first draw is
        // counted up front, so chunks of polylines draw the same numbers as one pass.
        let mut draws = 0u64;
        let first_draw: Vec<u64> = input
            .lines()
            .map(|line| {
                let first = draws;
                let moving = line.windows(2).filter(|w| !degenerate(w[0], w[1])).count();
                draws += moving as u64 * n;
                first
            })
            .collect();
        Ok(parallel::map_lines(
            ctx.executor.as_ref(),
            input,
            |i, line, out| {
                let mut rng = SeededRng::new(self.seed as u64, 0);
                rng.skip(first_draw[i]);
                for w in line.windows(2) {
                    let (a, b) = (w[0].as_dvec3(), w[1].as_dvec3());
                    let d = b - a;
                    if degenerate(w[0], w[1]) {
                        out.push_line([w[0], w[1]]);
                        continue;
                    }
                    // u: perpendicular in the drawing's plane; v: out of it.
                    let helper = if (d.z / d.length()).abs() >= 0.9 {
                        DVec3::X
                    } else {
                        DVec3::Z
                    };
                    let u = d.cross(helper).normalize();
                    let v = d.cross(u).normalize();
                    for k in 0..n {
                        let p = a + d * (k as f64 / n as f64);
                        let q = a + d * ((k + 1) as f64 / n as f64);
                        let theta = TAU * rng.unit();
                        let shift = (u * theta.cos() + v * theta.sin())
                            * self.intensity
                            * strength((p + q) / 2.0);
                        out.push_line([(p + shift).as_vec3(), (q + shift).as_vec3()]);
                    }
                }
            },
        ))
    }
}
