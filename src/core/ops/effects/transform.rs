//! Rigid and affine effects: translate, rotate, scale, affine.

use crate::geometry::{Mat3, Polylines, Vec3, is_closed, rotation_xyz_degrees};

use crate::ops::kit::affine::{map_points, pivot};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// moves every point by delta
    #[op(effect, name = "translate", version = 1)]
    pub struct Translate {
        /// offset
        pub delta: Vec3 = Vec3::ZERO => ui(-300.0, 300.0).unit("mm"),
    }
}

impl Evaluate for Translate {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let d = self.delta;
        Ok(map_points(&*ctx.executor, input, |q| q + d))
    }
}

crate::op! {
    /// rotates about a centre
    #[op(effect, name = "rotate", version = 1)]
    pub struct Rotate {
        /// pivot about the mean of all points
        pub auto_center: bool = true,
        /// pivot used when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// rotation about x, y, z (applied x first)
        pub rotation: Vec3 = Vec3::ZERO => ui(-180.0, 180.0).unit("deg"),
    }
}

impl Evaluate for Rotate {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let c = pivot(input, self.auto_center, self.pivot);
        let m = rotation_xyz_degrees(self.rotation);
        Ok(map_points(&*ctx.executor, input, |q| m * (q - c) + c))
    }
}

crate::choice! {
    /// What `scale` scales about its own centre.
    pub enum ScaleMode { All = "all", ByLine = "by_line", ByFace = "by_face" }
}

crate::op! {
    /// scales per axis: all together, each open line, or each closed face about its own centre
    #[op(effect, name = "scale", version = 2)]
    pub struct Scale {
        /// all points, each open polyline, or each closed polyline
        pub mode: ScaleMode = ScaleMode::All,
        /// pivot about the mean of all points
        pub auto_center: bool = true,
        /// pivot used when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// scale factor per axis
        pub scale: Vec3 = Vec3::ONE => ui(0.0, 10.0),
    }
}

impl Evaluate for Scale {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let s = self.scale;
        if self.mode == ScaleMode::All {
            let c = pivot(input, self.auto_center, self.pivot);
            return Ok(map_points(&*ctx.executor, input, |q| (q - c) * s + c));
        }
        let want_closed = self.mode == ScaleMode::ByFace;
        let mut points = input.points().to_vec();
        for i in 0..input.line_count() {
            let line = &mut points[input.range(i)];
            if line.is_empty() || is_closed(line, 1e-3) != want_closed {
                continue;
            }
            // A closed ring repeats its first point at the end: counting it twice would
            // pull the centre towards that corner.
            let distinct = if want_closed && line.len() > 1 {
                &line[..line.len() - 1]
            } else {
                &line[..]
            };
            let c = distinct.iter().copied().sum::<Vec3>() / distinct.len() as f32;
            for q in line.iter_mut() {
                *q = (*q - c) * s + c;
            }
        }
        Ok(input.with_points(points))
    }
}

crate::op! {
    /// scale, then rotate about a centre, then translate
    #[op(effect, name = "affine", version = 1)]
    pub struct Affine {
        /// pivot about the mean of all points
        pub auto_center: bool = true,
        /// pivot used when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// rotation about x, y, z (applied x first)
        pub rotation: Vec3 = Vec3::ZERO => ui(-180.0, 180.0).unit("deg"),
        /// scale factor per axis
        pub scale: Vec3 = Vec3::ONE => ui(0.25, 4.0),
        /// offset applied last
        pub delta: Vec3 = Vec3::ZERO => ui(-300.0, 300.0).unit("mm"),
    }
}

impl Evaluate for Affine {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let c = pivot(input, self.auto_center, self.pivot);
        let m: Mat3 = rotation_xyz_degrees(self.rotation) * Mat3::from_diagonal(self.scale);
        let d = self.delta;
        Ok(map_points(&*ctx.executor, input, |q| m * (q - c) + c + d))
    }
}
