//! `repeat`: copies of the input on a line (grid layout) or around a centre (radial layout).

use std::f32::consts::TAU;

use crate::geometry::{Mat3, Polylines, Vec3, rotation_xyz_degrees};

use super::op::Op;
use super::schema::{OpSchema, ParamSpec};
use super::transform::{auto_center_params, pivot};

/// One copy's transform: scale and rotate about the centre, then move.
struct CopyTransform {
    matrix: Mat3,
    offset: Vec3,
}

fn repeat_op() -> Op {
    let [auto, piv] = auto_center_params();
    Op::new(
        OpSchema::effect(
            "repeat",
            1,
            "copies the input: `grid` keeps the original and adds `count` stepped copies; \
             `radial` places copies on rings around the centre",
            vec![
                ParamSpec::choice("layout", "grid", &["grid", "radial"])
                    .doc("how copies are placed"),
                ParamSpec::int("count", 3)
                    .ui(0.0, 100.0)
                    .domain(0.0, 100_000.0)
                    .doc("copies added (grid)"),
                ParamSpec::vec3("offset", [10.0, 0.0, 0.0])
                    .ui(-300.0, 300.0)
                    .unit("mm")
                    .doc("offset of the last copy (grid)"),
                ParamSpec::float("radius", 50.0)
                    .ui(0.0, 300.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("outer ring radius (radial)"),
                ParamSpec::float("theta", 0.0)
                    .ui(-180.0, 180.0)
                    .unit("deg")
                    .doc("angle of the first copy (radial)"),
                ParamSpec::int("n_theta", 6)
                    .ui(1.0, 64.0)
                    .domain(1.0, 100_000.0)
                    .doc("copies per ring (radial)"),
                ParamSpec::int("n_radius", 1)
                    .ui(1.0, 64.0)
                    .domain(1.0, 10_000.0)
                    .doc("number of rings (radial)"),
                ParamSpec::vec3("rotation_step", [0.0; 3])
                    .ui(-180.0, 180.0)
                    .unit("deg")
                    .doc("rotation of the last copy"),
                ParamSpec::vec3("scale", [1.0; 3])
                    .ui(0.25, 4.0)
                    .doc("scale of the last copy"),
                ParamSpec::bool("cumulative_offset", false)
                    .doc("ease the offset progression by `curve`"),
                ParamSpec::bool("cumulative_rotate", false)
                    .doc("ease the rotation progression by `curve`"),
                ParamSpec::bool("cumulative_scale", false)
                    .doc("ease the scale progression by `curve`"),
                ParamSpec::float("curve", 1.0)
                    .ui(0.1, 5.0)
                    .domain(0.01, 100.0)
                    .doc("easing exponent for cumulative progressions"),
                auto,
                piv,
            ],
        ),
        |input, p, ctx| {
            let center = pivot(input, p);
            let curve = p.f32("curve");
            let ease = |flag: &str, t: f32| if p.bool(flag) { t.powf(curve) } else { t };
            let rot = p.vec3("rotation_step");
            let scale = p.vec3("scale");
            let transform = |t: f32, offset: Vec3| CopyTransform {
                matrix: rotation_xyz_degrees(rot * ease("cumulative_rotate", t))
                    * Mat3::from_diagonal(Vec3::ONE.lerp(scale, ease("cumulative_scale", t))),
                offset,
            };
            let mut copies: Vec<CopyTransform> = Vec::new();
            if p.str("layout") == "grid" {
                let count = p.int("count") as usize;
                if count == 0 {
                    return Ok(input.clone());
                }
                ctx.budget.check(
                    "repeat",
                    (count as u64 + 1) * input.point_count() as u64,
                    (count as u64 + 1) * input.line_count() as u64,
                )?;
                copies.push(CopyTransform {
                    matrix: Mat3::IDENTITY,
                    offset: Vec3::ZERO,
                });
                let offset = p.vec3("offset");
                for k in 1..=count {
                    let t = k as f32 / count as f32;
                    copies.push(transform(t, offset * ease("cumulative_offset", t)));
                }
            } else {
                let (n_theta, n_radius) = (p.int("n_theta") as usize, p.int("n_radius") as usize);
                let total = if n_radius == 1 {
                    n_theta
                } else {
                    1 + (n_radius - 1) * n_theta
                };
                ctx.budget.check(
                    "repeat",
                    total as u64 * input.point_count() as u64,
                    total as u64 * input.line_count() as u64,
                )?;
                let (radius, theta) = (p.f32("radius"), p.f32("theta").to_radians());
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
        },
    )
}

/// The effects of this module.
pub(crate) fn ops() -> Vec<Op> {
    vec![repeat_op()]
}
