//! Point maps shared by the effects that move points without changing topology
//! (translate, rotate, scale, affine, twist, wobble, …), run in parallel chunks.

use crate::geometry::{Polylines, Vec3};
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;

/// Points per parallel chunk for per-point maps.
const MAP_CHUNK: usize = 65_536;

/// A copy of `input` with `f` applied to every point (topology shared).
pub(crate) fn map_points(
    ex: &dyn Executor,
    input: &Polylines,
    f: impl Fn(Vec3) -> Vec3 + Sync,
) -> Polylines {
    let points = parallel::map_to_vec(ex, input.points(), MAP_CHUNK, |p| f(*p));
    input.with_points(points)
}

/// The pivot of an op with `auto_center` / `pivot` parameters.
pub(crate) fn pivot(input: &Polylines, auto_center: bool, pivot: Vec3) -> Vec3 {
    if auto_center { input.centroid() } else { pivot }
}
