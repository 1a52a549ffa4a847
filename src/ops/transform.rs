//! Rigid and affine effects: translate, rotate, scale, affine.

use crate::geometry::{Mat3, Polylines, Vec3, is_closed, rotation_xyz_degrees};

use super::op::{Op, Params};
use super::parallel;
use super::schema::{OpSchema, ParamSpec};

/// Points per parallel chunk for per-point maps.
const MAP_CHUNK: usize = 65_536;

/// A copy of `input` with `f` applied to every point (topology shared).
pub(crate) fn map_points(input: &Polylines, f: impl Fn(Vec3) -> Vec3 + Sync) -> Polylines {
    let mut points = input.points().to_vec();
    parallel::for_each_chunk_mut(&mut points, MAP_CHUNK, |_, chunk| {
        for p in chunk {
            *p = f(*p);
        }
    });
    input.with_points(points)
}

pub(crate) fn auto_center_params() -> [ParamSpec; 2] {
    [
        ParamSpec::bool("auto_center", true).doc("pivot about the mean of all points"),
        ParamSpec::vec3("pivot", [0.0; 3])
            .ui(-300.0, 600.0)
            .unit("mm")
            .doc("pivot used when auto_center is off"),
    ]
}

pub(crate) fn pivot(input: &Polylines, p: &Params) -> Vec3 {
    if p.bool("auto_center") {
        input.centroid()
    } else {
        p.vec3("pivot")
    }
}

fn rotation_param() -> ParamSpec {
    ParamSpec::vec3("rotation", [0.0; 3])
        .ui(-180.0, 180.0)
        .unit("deg")
        .doc("rotation about x, y, z (applied x first)")
}

fn scale_vec_param(lo: f64, hi: f64) -> ParamSpec {
    ParamSpec::vec3("scale", [1.0; 3])
        .ui(lo, hi)
        .doc("scale factor per axis")
}

fn translate_op() -> Op {
    Op::new(
        OpSchema::effect(
            "translate",
            1,
            "moves every point by delta",
            vec![
                ParamSpec::vec3("delta", [0.0; 3])
                    .ui(-300.0, 300.0)
                    .unit("mm")
                    .doc("offset"),
            ],
        ),
        |input, p, _| {
            let d = p.vec3("delta");
            Ok(map_points(input, |q| q + d))
        },
    )
}

fn rotate_op() -> Op {
    let [auto, piv] = auto_center_params();
    Op::new(
        OpSchema::effect(
            "rotate",
            1,
            "rotates about a centre",
            vec![auto, piv, rotation_param()],
        ),
        |input, p, _| {
            let (c, m) = (pivot(input, p), rotation_xyz_degrees(p.vec3("rotation")));
            Ok(map_points(input, |q| m * (q - c) + c))
        },
    )
}

fn scale_op() -> Op {
    let [auto, piv] = auto_center_params();
    Op::new(
        OpSchema::effect(
            "scale",
            1,
            "scales per axis: all together, each open line, or each closed face about its own centre",
            vec![
                ParamSpec::choice("mode", "all", &["all", "by_line", "by_face"])
                    .doc("all points, each open polyline, or each closed polyline"),
                auto,
                piv,
                scale_vec_param(0.0, 10.0),
            ],
        ),
        |input, p, _| {
            let s = p.vec3("scale");
            let mode = p.str("mode");
            if mode == "all" {
                let c = pivot(input, p);
                return Ok(map_points(input, |q| (q - c) * s + c));
            }
            let want_closed = mode == "by_face";
            let mut points = input.points().to_vec();
            for i in 0..input.line_count() {
                let line = &mut points[input.range(i)];
                if line.is_empty() || is_closed(line, 1e-3) != want_closed {
                    continue;
                }
                let c = line.iter().copied().sum::<Vec3>() / line.len() as f32;
                for q in line.iter_mut() {
                    *q = (*q - c) * s + c;
                }
            }
            Ok(input.with_points(points))
        },
    )
}

fn affine_op() -> Op {
    let [auto, piv] = auto_center_params();
    Op::new(
        OpSchema::effect(
            "affine",
            1,
            "scale, then rotate about a centre, then translate",
            vec![
                auto,
                piv,
                rotation_param(),
                scale_vec_param(0.25, 4.0),
                ParamSpec::vec3("delta", [0.0; 3])
                    .ui(-300.0, 300.0)
                    .unit("mm")
                    .doc("offset applied last"),
            ],
        ),
        |input, p, _| {
            let c = pivot(input, p);
            let m: Mat3 =
                rotation_xyz_degrees(p.vec3("rotation")) * Mat3::from_diagonal(p.vec3("scale"));
            let d = p.vec3("delta");
            Ok(map_points(input, |q| m * (q - c) + c + d))
        },
    )
}

/// The transform effects of this module.
pub(crate) fn ops() -> Vec<Op> {
    vec![translate_op(), rotate_op(), scale_op(), affine_op()]
}
