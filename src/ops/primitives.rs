//! Primitives made from parameters alone: line, polygon, circle, rect, grid, spiral, lissajous.
//!
//! Shapes follow grafix's semantics (unit shapes placed by `center` and `scale`), with
//! defaults chosen so that a new layer is visible in the middle of an A4 sheet in millimetres.

use std::f64::consts::TAU;

use crate::geometry::{Polylines, Vec3};

use super::op::{EvalContext, Op, OpError, Params};
use super::schema::{OpSchema, ParamSpec};

/// Default centre: the middle of an A4 portrait sheet, in mm.
pub const A4_CENTER: [f64; 3] = [105.0, 148.5, 0.0];

/// Largest sample/segment count a primitive accepts (the budget still applies).
const MAX_SAMPLES: f64 = 10_000_000.0;

pub(crate) fn center_param() -> ParamSpec {
    ParamSpec::vec3("center", A4_CENTER)
        .ui(-300.0, 600.0)
        .unit("mm")
        .doc("position of the shape's centre")
}

pub(crate) fn scale_param(default: f64, doc: &str) -> ParamSpec {
    ParamSpec::float("scale", default)
        .ui(0.0, 300.0)
        .min(0.0)
        .unit("mm")
        .doc(doc)
}

fn angle_param(name: &str, default: f64, lo: f64, hi: f64, doc: &str) -> ParamSpec {
    ParamSpec::float(name, default)
        .ui(lo, hi)
        .unit("deg")
        .doc(doc)
}

fn count_param(name: &str, default: i64, lo: i64, ui_hi: f64, doc: &str) -> ParamSpec {
    ParamSpec::int(name, default)
        .ui(lo as f64, ui_hi)
        .domain(lo as f64, MAX_SAMPLES)
        .doc(doc)
}

/// Unit-space point (x, y) scaled about the origin and moved to `center`.
fn place(x: f64, y: f64, scale: f64, center: Vec3) -> Vec3 {
    Vec3::new((x * scale) as f32, (y * scale) as f32, 0.0) + center
}

/// A ring of `n` pieces on an ellipse, closed by repeating the first point.
/// A partial sweep gets `n + 1` points on the arc and is closed by a chord.
fn ring(n: usize, phase_deg: f64, sweep_deg: f64, rx: f64, ry: f64, center: Vec3) -> Vec<Vec3> {
    let (phase, sweep) = (phase_deg.to_radians(), sweep_deg.to_radians());
    let count = if sweep_deg >= 360.0 - 1e-9 { n } else { n + 1 };
    let mut pts: Vec<Vec3> = (0..count)
        .map(|i| {
            let a = phase + sweep * i as f64 / n as f64;
            Vec3::new((rx * a.cos()) as f32, (ry * a.sin()) as f32, 0.0) + center
        })
        .collect();
    pts.push(pts[0]);
    pts
}

fn line_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "line",
            1,
            "one straight segment",
            vec![
                center_param(),
                ParamSpec::choice("anchor", "center", &["center", "left", "right"])
                    .doc("which point of the segment sits at `center`"),
                ParamSpec::float("length", 100.0)
                    .ui(0.0, 300.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("segment length"),
                angle_param("angle", 0.0, 0.0, 360.0, "direction, from +x towards +y"),
            ],
        ),
        |_, p, _| {
            let c = p.vec3("center");
            let len = p.f64("length");
            let a = p.f64("angle").to_radians();
            let d = Vec3::new((len * a.cos()) as f32, (len * a.sin()) as f32, 0.0);
            let start = match p.str("anchor") {
                "left" => c,
                "right" => c - d,
                _ => c - d * 0.5,
            };
            Ok(Polylines::from_lines([[start, start + d]]))
        },
    )
}

fn polygon_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "polygon",
            1,
            "regular polygon, closed; `scale` is the diameter of its circumcircle",
            vec![
                count_param("n_sides", 6, 3, 128.0, "number of sides"),
                angle_param(
                    "phase",
                    0.0,
                    0.0,
                    360.0,
                    "angle of the first vertex from +x",
                ),
                angle_param(
                    "sweep",
                    360.0,
                    0.0,
                    360.0,
                    "part of the turn covered; a partial sweep is closed by a chord",
                )
                .domain(0.0, 360.0),
                center_param(),
                scale_param(100.0, "diameter of the circumcircle"),
            ],
        ),
        |_, p, ctx| {
            let n = p.int("n_sides") as u64;
            ctx.budget.check("polygon", n + 2, 1)?;
            let r = p.f64("scale") * 0.5;
            let pts = ring(
                n as usize,
                p.f64("phase"),
                p.f64("sweep"),
                r,
                r,
                p.vec3("center"),
            );
            Ok(Polylines::from_lines([pts]))
        },
    )
}

fn circle_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "circle",
            1,
            "closed circle",
            vec![
                ParamSpec::float("radius", 50.0)
                    .ui(0.0, 200.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("radius"),
                count_param("segments", 96, 3, 512.0, "number of straight pieces"),
                center_param(),
            ],
        ),
        |_, p, ctx| {
            let n = p.int("segments") as u64;
            ctx.budget.check("circle", n + 1, 1)?;
            let r = p.f64("radius");
            Ok(Polylines::from_lines([ring(
                n as usize,
                0.0,
                360.0,
                r,
                r,
                p.vec3("center"),
            )]))
        },
    )
}

fn rect_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "rect",
            1,
            "closed rectangle rotated about its centre",
            vec![
                ParamSpec::float("width", 100.0)
                    .ui(0.0, 300.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("width"),
                ParamSpec::float("height", 100.0)
                    .ui(0.0, 300.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("height"),
                angle_param("angle", 0.0, -180.0, 180.0, "rotation about the centre"),
                center_param(),
            ],
        ),
        |_, p, _| {
            let (w, h) = (p.f64("width") * 0.5, p.f64("height") * 0.5);
            let (s, c) = p.f64("angle").to_radians().sin_cos();
            let center = p.vec3("center");
            let corner = |x: f64, y: f64| {
                Vec3::new((x * c - y * s) as f32, (x * s + y * c) as f32, 0.0) + center
            };
            let pts = [
                corner(-w, -h),
                corner(w, -h),
                corner(w, h),
                corner(-w, h),
                corner(-w, -h),
            ];
            Ok(Polylines::from_lines([pts]))
        },
    )
}

fn grid_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "grid",
            1,
            "nx vertical and ny horizontal lines evenly spanning a square (edges included)",
            vec![
                count_param("nx", 20, 0, 500.0, "number of vertical lines"),
                count_param("ny", 20, 0, 500.0, "number of horizontal lines"),
                center_param(),
                scale_param(100.0, "side of the square"),
            ],
        ),
        |_, p, ctx| {
            let (nx, ny) = (p.int("nx") as u64, p.int("ny") as u64);
            ctx.budget.check("grid", 2 * (nx + ny), nx + ny)?;
            let (s, c) = (p.f64("scale"), p.vec3("center"));
            let at = |i: u64, n: u64| {
                if n <= 1 {
                    0.0
                } else {
                    i as f64 / (n - 1) as f64 - 0.5
                }
            };
            let mut out = Polylines::with_capacity(2 * (nx + ny) as usize, (nx + ny) as usize);
            for i in 0..nx {
                let x = at(i, nx);
                out.push_line([place(x, -0.5, s, c), place(x, 0.5, s, c)]);
            }
            for j in 0..ny {
                let y = at(j, ny);
                out.push_line([place(-0.5, y, s, c), place(0.5, y, s, c)]);
            }
            Ok(out)
        },
    )
}

fn sampled(
    name: &str,
    p: &Params,
    ctx: &EvalContext,
    f: impl Fn(f64) -> (f64, f64),
) -> Result<Polylines, OpError> {
    let n = p.int("samples") as u64;
    ctx.budget.check(name, n, 1)?;
    let c = p.vec3("center");
    let pts = (0..n).map(|i| {
        let (x, y) = f(i as f64 / (n - 1) as f64);
        Vec3::new(x as f32, y as f32, 0.0) + c
    });
    Ok(Polylines::from_lines([pts]))
}

fn spiral_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "spiral",
            1,
            "Archimedean spiral from inner to outer radius, open",
            vec![
                ParamSpec::float("inner_radius", 0.0)
                    .ui(0.0, 200.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("radius at the start"),
                ParamSpec::float("outer_radius", 80.0)
                    .ui(0.0, 200.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("radius at the end"),
                ParamSpec::float("turns", 5.0)
                    .ui(-20.0, 20.0)
                    .domain(-1000.0, 1000.0)
                    .doc("number of turns; the sign sets the direction"),
                angle_param("phase", 0.0, -360.0, 360.0, "starting angle"),
                count_param("samples", 512, 2, 8000.0, "number of vertices"),
                center_param(),
            ],
        ),
        |_, p, ctx| {
            let (r0, r1) = (p.f64("inner_radius"), p.f64("outer_radius"));
            let (turns, phase) = (p.f64("turns"), p.f64("phase").to_radians());
            sampled("spiral", p, ctx, |u| {
                let r = r0 + (r1 - r0) * u;
                let a = phase + TAU * turns * u;
                (r * a.cos(), r * a.sin())
            })
        },
    )
}

fn lissajous_op() -> Op {
    Op::new(
        OpSchema::primitive(
            "lissajous",
            1,
            "Lissajous curve x = sin(a·s + phase), y = sin(b·s) filling a square of side `scale`",
            vec![
                ParamSpec::int("a", 3)
                    .ui(0.0, 20.0)
                    .domain(0.0, 10_000.0)
                    .doc("x frequency"),
                ParamSpec::int("b", 2)
                    .ui(0.0, 20.0)
                    .domain(0.0, 10_000.0)
                    .doc("y frequency"),
                angle_param("phase", 90.0, 0.0, 360.0, "x phase"),
                count_param("samples", 512, 2, 8000.0, "number of vertices"),
                ParamSpec::float("turns", 1.0)
                    .ui(0.0, 20.0)
                    .domain(0.0, 1000.0)
                    .doc("length of the curve in full periods"),
                center_param(),
                scale_param(100.0, "side of the square the curve fits"),
            ],
        ),
        |_, p, ctx| {
            let (a, b) = (p.int("a") as f64, p.int("b") as f64);
            let (phase, turns, s) = (p.f64("phase").to_radians(), p.f64("turns"), p.f64("scale"));
            sampled("lissajous", p, ctx, |u| {
                let t = TAU * turns * u;
                (0.5 * s * (a * t + phase).sin(), 0.5 * s * (b * t).sin())
            })
        },
    )
}

/// The geometric primitives of this module.
pub(crate) fn ops() -> Vec<Op> {
    vec![
        line_op(),
        polygon_op(),
        circle_op(),
        rect_op(),
        grid_op(),
        spiral_op(),
        lissajous_op(),
    ]
}
