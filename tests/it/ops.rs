//! Exact geometry of each op on small inputs, validation messages and budgets.

use graft::geometry::{Polylines, Vec3};
use graft::ops::{
    EvalContext, Op, OpFailure, OpRegistry, OpSchema, ParamSpec, Recipe, ResourceBudget,
};

use crate::util::*;

#[test]
fn subdivide_inserts_midpoints() {
    let line = Polylines::from_lines([[v(0.0, 0.0), v(10.0, 0.0)]]);
    let once = effect("subdivide", &[("subdivisions", 1.into())], &line).unwrap();
    assert_eq!(
        rounded(&once),
        vec![vec![(0.0, 0.0), (5.0, 0.0), (10.0, 0.0)]]
    );
    let twice = effect("subdivide", &[("subdivisions", 2.into())], &line).unwrap();
    let xs: Vec<f32> = twice.points().iter().map(|p| p.x).collect();
    assert_eq!(xs, vec![0.0, 2.5, 5.0, 7.5, 10.0]);
}

#[test]
fn subdivide_stops_at_minimum_segment_length() {
    // 0.03 mm long: one level gives 0.015 mm pieces, a second would go below 0.01 mm.
    let line = Polylines::from_lines([[v(0.0, 0.0), v(0.03, 0.0)]]);
    let out = effect("subdivide", &[("subdivisions", 5.into())], &line).unwrap();
    assert_eq!(out.point_count(), 3);
}

#[test]
fn budget_refuses_absurd_subdivision_before_allocating() {
    // 2000 lines of 1 m split 2^16 times each would be 131 M vertices.
    let grid = primitive(
        "grid",
        &[
            ("nx", 1000.into()),
            ("ny", 1000.into()),
            ("scale", 1000.0.into()),
        ],
    )
    .unwrap();
    let err = effect("subdivide", &[("subdivisions", 16.into())], &grid)
        .err()
        .expect("refused");
    assert!(
        err.contains("op 'subdivide'") && err.contains("over the budget"),
        "{err}"
    );
    let small = ResourceBudget {
        max_vertices: 10,
        max_lines: 10,
    };
    let c = call("grid", &[("nx", 20.into())]);
    let e =
        c.op.eval(
            &Polylines::new(),
            &c.resolve(0.0).unwrap(),
            &EvalContext::default().with_budget(small),
        )
        .err()
        .expect("refused");
    // Callers match the failure's kind, not its words.
    assert!(
        matches!(
            e.failure,
            OpFailure::OverBudget {
                what: "vertices",
                count: 80,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.failure.is_over_budget());
    assert_eq!(e.op, "grid");
    assert!(e.to_string().contains("would produce 80 vertices"), "{e}");
}

#[test]
fn fill_square_gives_ten_horizontal_segments() {
    let sq = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let out = effect(
        "fill",
        &[
            ("density", 10.0.into()),
            ("angle", 0.0.into()),
            ("remove_boundary", true.into()),
        ],
        &sq,
    )
    .unwrap();
    let expected: Vec<Vec<(f32, f32)>> = (0..10)
        .map(|i| {
            let y = i as f32 + 0.5;
            vec![(0.0, y), (10.0, y)]
        })
        .collect();
    assert_eq!(rounded(&out), expected);
    let with_boundary = effect(
        "fill",
        &[("density", 10.0.into()), ("angle", 0.0.into())],
        &sq,
    )
    .unwrap();
    assert_eq!(with_boundary.line_count(), 11);
    assert_eq!(with_boundary.line(0), sq.line(0));
}

#[test]
fn fill_leaves_holes_empty() {
    let shape = Polylines::from_lines([square(0.0, 0.0, 10.0), square(3.0, 3.0, 4.0)]);
    let out = effect(
        "fill",
        &[
            ("density", 10.0.into()),
            ("angle", 0.0.into()),
            ("remove_boundary", true.into()),
        ],
        &shape,
    )
    .unwrap();
    let segs = rounded(&out);
    // Rows 3.5 .. 6.5 cross the hole and split in two; the six others are whole.
    assert_eq!(segs.len(), 6 + 2 * 4);
    assert!(segs.contains(&vec![(0.0, 4.5), (3.0, 4.5)]));
    assert!(segs.contains(&vec![(7.0, 4.5), (10.0, 4.5)]));
    for s in &segs {
        let mid_x = (s[0].0 + s[1].0) / 2.0;
        let y = s[0].1;
        assert!(
            !(3.0 < mid_x && mid_x < 7.0 && 3.0 < y && y < 7.0),
            "segment {s:?} inside the hole"
        );
    }
}

#[test]
fn fill_angle_sets_cross_hatch() {
    let sq = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let p = [
        ("density", 10.0.into()),
        ("angle", 0.0.into()),
        ("angle_sets", 2.into()),
        ("remove_boundary", true.into()),
    ];
    let out = effect("fill", &p, &sq).unwrap();
    assert_eq!(out.line_count(), 20);
    // The second set is vertical (90°).
    let vertical = out
        .lines()
        .filter(|l| (l[0].x - l[1].x).abs() < 1e-4)
        .count();
    assert_eq!(vertical, 10);
}

#[test]
fn polygon_and_grid_are_exact() {
    let square_poly = primitive(
        "polygon",
        &[
            ("n_sides", 4.into()),
            ("scale", 2.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&square_poly),
        vec![vec![
            (1.0, 0.0),
            (0.0, 1.0),
            (-1.0, 0.0),
            (0.0, -1.0),
            (1.0, 0.0)
        ]]
    );
    let grid = primitive(
        "grid",
        &[
            ("nx", 3.into()),
            ("ny", 2.into()),
            ("scale", 10.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&grid),
        vec![
            vec![(-5.0, -5.0), (-5.0, 5.0)],
            vec![(0.0, -5.0), (0.0, 5.0)],
            vec![(5.0, -5.0), (5.0, 5.0)],
            vec![(-5.0, -5.0), (5.0, -5.0)],
            vec![(-5.0, 5.0), (5.0, 5.0)],
        ]
    );
}

#[test]
fn line_rect_circle_spiral_lissajous() {
    let line = primitive(
        "line",
        &[("length", 10.0.into()), ("center", [5.0, 5.0, 0.0].into())],
    )
    .unwrap();
    assert_eq!(rounded(&line), vec![vec![(0.0, 5.0), (10.0, 5.0)]]);
    let rect = primitive(
        "rect",
        &[
            ("width", 4.0.into()),
            ("height", 2.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&rect),
        vec![vec![
            (-2.0, -1.0),
            (2.0, -1.0),
            (2.0, 1.0),
            (-2.0, 1.0),
            (-2.0, -1.0)
        ]]
    );
    let circle = primitive(
        "circle",
        &[
            ("radius", 5.0.into()),
            ("segments", 8.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(circle.point_count(), 9);
    assert!(
        circle
            .points()
            .iter()
            .all(|p| (p.length() - 5.0).abs() < 1e-4)
    );
    let spiral = primitive(
        "spiral",
        &[
            ("samples", 100.into()),
            ("outer_radius", 50.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(spiral.point_count(), 100);
    assert!((spiral.points()[99].length() - 50.0).abs() < 1e-3);
    let liss = primitive(
        "lissajous",
        &[
            ("samples", 64.into()),
            ("scale", 2.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    assert_eq!(liss.point_count(), 64);
    assert!(
        liss.points()
            .iter()
            .all(|p| p.x.abs() <= 1.0 + 1e-5 && p.y.abs() <= 1.0 + 1e-5)
    );
}

#[test]
fn transforms() {
    let line = Polylines::from_lines([[v(0.0, 0.0), v(10.0, 0.0)]]);
    let moved = effect("translate", &[("delta", [1.0, 2.0, 0.0].into())], &line).unwrap();
    assert_eq!(rounded(&moved), vec![vec![(1.0, 2.0), (11.0, 2.0)]]);
    // Rotation by 90° about the centre (5, 0): the segment becomes vertical.
    let turned = effect("rotate", &[("rotation", [0.0, 0.0, 90.0].into())], &line).unwrap();
    assert_eq!(rounded(&turned), vec![vec![(5.0, -5.0), (5.0, 5.0)]]);
    let pivoted = effect(
        "rotate",
        &[
            ("rotation", [0.0, 0.0, 90.0].into()),
            ("auto_center", false.into()),
            ("pivot", [0.0, 0.0, 0.0].into()),
        ],
        &line,
    )
    .unwrap();
    assert_eq!(rounded(&pivoted), vec![vec![(0.0, 0.0), (0.0, 10.0)]]);
    let scaled = effect("scale", &[("scale", [2.0, 1.0, 1.0].into())], &line).unwrap();
    assert_eq!(rounded(&scaled), vec![vec![(-5.0, 0.0), (15.0, 0.0)]]);
    // by_face scales closed polylines about their own centre and leaves open ones alone.
    let mixed = Polylines::from_lines([square(0.0, 0.0, 2.0), vec![v(0.0, 5.0), v(4.0, 5.0)]]);
    let faces = effect(
        "scale",
        &[
            ("mode", "by_face".into()),
            ("scale", [2.0, 2.0, 1.0].into()),
        ],
        &mixed,
    )
    .unwrap();
    assert_eq!(faces.line(1), mixed.line(1));
    // About the square's centre (1, 1), its closing point not counted twice.
    assert_eq!(
        rounded(&faces)[0],
        vec![
            (-1.0, -1.0),
            (3.0, -1.0),
            (3.0, 3.0),
            (-1.0, 3.0),
            (-1.0, -1.0)
        ]
    );
    let aff = effect(
        "affine",
        &[
            ("scale", [2.0, 2.0, 1.0].into()),
            ("delta", [1.0, 0.0, 0.0].into()),
        ],
        &line,
    )
    .unwrap();
    assert_eq!(rounded(&aff), vec![vec![(-4.0, 0.0), (16.0, 0.0)]]);
}

#[test]
fn repeat_grid_and_radial() {
    let dot = Polylines::from_lines([[v(0.0, 0.0), v(1.0, 0.0)]]);
    let rows = effect(
        "repeat",
        &[("count", 2.into()), ("offset", [10.0, 0.0, 0.0].into())],
        &dot,
    )
    .unwrap();
    assert_eq!(
        rounded(&rows),
        vec![
            vec![(0.0, 0.0), (1.0, 0.0)],
            vec![(5.0, 0.0), (6.0, 0.0)],
            vec![(10.0, 0.0), (11.0, 0.0)]
        ]
    );
    let ring = effect(
        "repeat",
        &[
            ("layout", "radial".into()),
            ("n_theta", 4.into()),
            ("radius", 10.0.into()),
        ],
        &dot,
    )
    .unwrap();
    assert_eq!(ring.line_count(), 4);
    assert_eq!(rounded(&ring)[1], vec![(0.0, 10.0), (1.0, 10.0)]);
}

#[test]
fn dash_and_trim_follow_arc_length() {
    let line = Polylines::from_lines([[v(0.0, 0.0), v(10.0, 0.0)]]);
    let dashes = effect(
        "dash",
        &[("dash_length", 2.0.into()), ("gap_length", 1.0.into())],
        &line,
    )
    .unwrap();
    assert_eq!(
        rounded(&dashes),
        vec![
            vec![(0.0, 0.0), (2.0, 0.0)],
            vec![(3.0, 0.0), (5.0, 0.0)],
            vec![(6.0, 0.0), (8.0, 0.0)],
            vec![(9.0, 0.0), (10.0, 0.0)],
        ]
    );
    let bent = Polylines::from_lines([[v(0.0, 0.0), v(4.0, 0.0), v(4.0, 6.0)]]);
    let trimmed = effect(
        "trim",
        &[("start_param", 0.1.into()), ("end_param", 0.5.into())],
        &bent,
    )
    .unwrap();
    assert_eq!(
        rounded(&trimmed),
        vec![vec![(1.0, 0.0), (4.0, 0.0), (4.0, 1.0)]]
    );
    let err = effect(
        "trim",
        &[("start_param", 0.6.into()), ("end_param", 0.5.into())],
        &bent,
    )
    .unwrap_err();
    assert!(
        err.contains("start_param (0.6) must be less than end_param (0.5)"),
        "{err}"
    );
}

#[test]
fn displace_is_deterministic_and_zero_amplitude_is_identity() {
    let grid = primitive("grid", &[("nx", 5.into()), ("ny", 5.into())]).unwrap();
    let fine = effect("subdivide", &[("subdivisions", 4.into())], &grid).unwrap();
    let still = effect("displace", &[("amplitude", [0.0, 0.0, 0.0].into())], &fine).unwrap();
    assert_eq!(still, fine);
    let a = effect(
        "displace",
        &[("amplitude", [3.0, 3.0, 0.0].into()), ("t", 0.5.into())],
        &fine,
    )
    .unwrap();
    let b = effect(
        "displace",
        &[("amplitude", [3.0, 3.0, 0.0].into()), ("t", 0.5.into())],
        &fine,
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, fine);
    assert_eq!(a.offsets(), fine.offsets());
    let max = a
        .points()
        .iter()
        .zip(fine.points())
        .map(|(p, q)| (*p - *q).abs().max_element())
        .fold(0.0, f32::max);
    assert!(max > 0.1 && max <= 3.2, "{max}");
    let other_t = effect(
        "displace",
        &[("amplitude", [3.0, 3.0, 0.0].into()), ("t", 0.6.into())],
        &fine,
    )
    .unwrap();
    assert_ne!(a, other_t);
}

#[test]
fn text_in_single_stroke_and_outline_fonts() {
    let hershey = primitive(
        "text",
        &[("text", "HI".into()), ("center", [0.0, 0.0, 0.0].into())],
    )
    .unwrap();
    // H is three strokes, I one; strokes are open (drawn once).
    assert_eq!(hershey.line_count(), 4);
    let (lo, hi) = hershey.bounds().unwrap();
    assert!(
        lo.y.abs() < 0.01 && (hi.y - 21.0 / 32.0 * 10.0).abs() < 0.01,
        "{lo} {hi}"
    );
    let outline = primitive(
        "text",
        &[("text", "O".into()), ("font", "DejaVuSans".into())],
    )
    .unwrap();
    assert_eq!(outline.line_count(), 2);
    assert!(outline.lines().all(|l| l.first() == l.last()));
    let filled = effect("fill", &[("density", 20.0.into())], &outline).unwrap();
    assert!(filled.line_count() > 10);
    let err = primitive("text", &[("font", "/nonexistent/font.ttf".into())]).unwrap_err();
    assert!(
        err.contains("cannot read font '/nonexistent/font.ttf'") && err.contains("futural"),
        "{err}"
    );
    let wrapped = primitive(
        "text",
        &[("text", "aa bb cc".into()), ("box_width", 25.0.into())],
    )
    .unwrap();
    let (_, hi) = wrapped.bounds().unwrap();
    assert!(hi.y > 148.5 + 20.0, "wrapping makes several lines: {hi}");
}

#[test]
fn validation_messages_name_op_parameter_value_and_domain() {
    let mut c = call("subdivide", &[]);
    let err = c.set("subdivisions", &(-1).into()).unwrap_err().to_string();
    assert_eq!(
        err,
        "subdivide.subdivisions: value -1 is not allowed: expected an integer in 0..=24"
    );
    let err = c.set("levels", &1.into()).unwrap_err().to_string();
    assert_eq!(
        err,
        "op 'subdivide' has no parameter 'levels'; valid names: subdivisions"
    );
    let err = c.set("subdivisions", &1.5.into()).unwrap_err().to_string();
    assert!(err.contains("expected an integer"), "{err}");
    let mut f = call("fill", &[]);
    let err = f
        .set("remove_boundary", &"yes".into())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fill.remove_boundary") && err.contains("true or false"),
        "{err}"
    );
    let mut s = call("scale", &[]);
    let err = s.set("mode", &"sideways".into()).unwrap_err().to_string();
    assert!(err.contains("one of all, by_line, by_face"), "{err}");
    // An expression is checked when evaluated.
    let mut d = call("dash", &[]);
    d.set("dash_length", &"t - 5".into()).unwrap();
    let err = d.resolve(1.0).unwrap_err().to_string();
    assert!(
        err.contains("dash.dash_length: value -4.0 is not allowed"),
        "{err}"
    );
    assert!(d.resolve(6.0).is_ok());
}

#[test]
fn custom_ops_are_checked_and_panics_become_errors() {
    let mut r = OpRegistry::builtin();
    let bad = Op::new(OpSchema::effect("bad name", 1, "", vec![]), |i, _, _| {
        Ok(i.clone())
    });
    assert!(
        r.register(bad)
            .unwrap_err()
            .to_string()
            .contains("must be an identifier")
    );
    let dup = Op::new(OpSchema::effect("fill", 1, "", vec![]), |i, _, _| {
        Ok(i.clone())
    });
    assert!(
        r.register(dup)
            .unwrap_err()
            .to_string()
            .contains("already registered")
    );
    let wrong_default = Op::new(
        OpSchema::effect(
            "wobbly",
            1,
            "",
            vec![ParamSpec::float("amount", -1.0).min(0.0)],
        ),
        |i, _, _| Ok(i.clone()),
    );
    assert!(
        r.register(wrong_default)
            .unwrap_err()
            .to_string()
            .contains("default of parameter 'amount'")
    );
    let boom = Op::new(
        OpSchema::effect("boom", 1, "always panics", vec![]),
        |_, _, _| -> Result<Polylines, OpFailure> { panic!("kaboom") },
    );
    r.register(boom).unwrap();
    let recipe = Recipe {
        source: call("line", &[]),
        effects: vec![graft::ops::OpCall::defaults(r.get("boom").unwrap().clone())],
    };
    let err = recipe
        .resolve(0.0, &graft::ops::EvalContext::default())
        .unwrap()
        .evaluate(&EvalContext::default())
        .unwrap_err();
    assert_eq!(err.to_string(), "op 'boom': panicked: kaboom");
    assert!(
        r.lookup("boom", graft::ops::OpKind::Primitive)
            .unwrap_err()
            .to_string()
            .contains("is an effect, not a primitive")
    );
    let _ = Vec3::ZERO;
}

#[test]
fn errors_are_typed_values_a_caller_can_match() {
    use graft::ops::{ParamError, RegistryError, ValueError};
    let mut c = call("subdivide", &[]);
    match c.set("levels", &1.into()).unwrap_err() {
        ParamError::Unknown { op, name, valid } => {
            assert_eq!((op.as_str(), name.as_str()), ("subdivide", "levels"));
            assert_eq!(valid, "subdivisions");
        }
        other => panic!("{other:?}"),
    }
    match c.set("subdivisions", &(-1).into()).unwrap_err() {
        ParamError::Invalid {
            param,
            error: ValueError::OutOfDomain { value, allowed },
            ..
        } => {
            assert_eq!(param, "subdivisions");
            assert_eq!(value, "-1");
            assert_eq!(allowed, "an integer in 0..=24");
        }
        other => panic!("{other:?}"),
    }
    let mut d = call("displace", &[]);
    assert!(matches!(
        d.set("t", &"sin(".into()).unwrap_err(),
        ParamError::Invalid {
            error: ValueError::Expr(graft::ops::ExprError::Parse { .. }),
            ..
        }
    ));
    let r = OpRegistry::builtin();
    assert!(matches!(
        r.lookup("fill", graft::ops::OpKind::Primitive).unwrap_err(),
        RegistryError::WrongKind {
            wanted: "a primitive",
            ..
        }
    ));
    assert!(matches!(
        r.call("hexagon", &[]).unwrap_err(),
        RegistryError::Unknown { noun: "op", .. }
    ));
}

#[test]
fn a_cached_evaluation_computes_each_static_stage_once_for_a_frame_sequence() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use graft::cache::{GeometryCache, evaluate_cached};

    // A counting primitive, then an effect that depends on t.
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let mut r = OpRegistry::builtin();
    r.register(Op::new(
        OpSchema::primitive("counted", 1, "counts its evaluations", vec![]),
        move |_, _, _| {
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(Polylines::from_lines([vec![Vec3::ZERO, Vec3::X * 10.0]]))
        },
    ))
    .unwrap();
    let recipe = Recipe {
        source: r.call("counted", &[]).unwrap(),
        effects: vec![
            r.call(
                "translate",
                &[("delta", graft::ops::RawParam::expression("(t, 0, 0)"))],
            )
            .unwrap(),
        ],
    };
    let cache = Mutex::new(GeometryCache::default());
    let ctx = EvalContext::default();
    let mut firsts = Vec::new();
    for frame in 0..10 {
        let resolved = recipe.resolve(frame as f64, &ctx).unwrap();
        let out = evaluate_cached(&resolved, &ctx, &cache).unwrap();
        firsts.push(out.line(0)[0].x);
        // The same frame again is served whole from the cache.
        let again = evaluate_cached(&resolved, &ctx, &cache).unwrap();
        assert!(Arc::ptr_eq(&out, &again));
    }
    assert_eq!(
        calls.load(Ordering::Relaxed),
        1,
        "the static source ran once"
    );
    assert_eq!(firsts, (0..10).map(|f| f as f32).collect::<Vec<_>>());
}
