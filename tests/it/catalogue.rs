//! The op catalogue: regression tests for the defects found in the first ops, and exact
//! geometry of the ops added after them.

use graft::geometry::Polylines;
use graft::ops::RawParam;

use crate::util::*;

#[test]
fn scale_by_face_keeps_a_closed_square_centred() {
    // The closing point repeats the first corner; counting it twice put the centre at
    // (40, 40) instead of (50, 50), so the scaled square landed 5 mm off.
    let sq = Polylines::from_lines([square(0.0, 0.0, 100.0)]);
    let out = effect(
        "scale",
        &[
            ("mode", RawParam::from("by_face")),
            ("scale", [0.5, 0.5, 1.0].into()),
        ],
        &sq,
    )
    .unwrap();
    assert_eq!(
        rounded(&out),
        vec![vec![
            (25.0, 25.0),
            (75.0, 25.0),
            (75.0, 75.0),
            (25.0, 75.0),
            (25.0, 25.0)
        ]]
    );
}

#[test]
fn dash_keeps_every_dash_of_a_metre_at_a_hundredth_of_a_millimetre() {
    let line = Polylines::from_lines([[v(0.0, 0.0), v(1000.0, 0.0)]]);
    let out = effect(
        "dash",
        &[("dash_length", 0.005.into()), ("gap_length", 0.005.into())],
        &line,
    )
    .unwrap();
    assert_eq!(out.line_count(), 100_000);
    let last = out.line(out.line_count() - 1);
    // The last dash starts at 999.99 mm (f32 points there are good to 0.06 µm·1000).
    assert!((last[0].x - 999.99).abs() < 1e-3, "{:?}", last[0]);
}

#[test]
fn radial_repeat_of_nothing_allocates_nothing() {
    let out = effect(
        "repeat",
        &[
            ("layout", RawParam::from("radial")),
            ("n_theta", 100_000.into()),
            ("n_radius", 10_000.into()),
        ],
        &Polylines::new(),
    )
    .unwrap();
    assert_eq!(out.point_count(), 0);
}

#[test]
fn single_precision_parameters_refuse_values_beyond_f32() {
    // `delta` of translate is an f32 vector: 1e39 would have become infinite.
    let err = registry()
        .call("translate", &[("delta", [1e39, 0.0, 0.0].into())])
        .unwrap_err()
        .to_string();
    assert!(err.contains("single precision"), "{err}");
    // Still fine just below the limit.
    let ok = effect(
        "translate",
        &[("delta", [1e38, 0.0, 0.0].into())],
        &Polylines::from_lines([[v(0.0, 0.0)]]),
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn hershey_text_draws_no_question_marks_for_tabs_and_carriage_returns() {
    let plain = primitive("text", &[("text", "A\nB    C".into())]).unwrap();
    let controls = primitive("text", &[("text", "A\r\nB\tC".into())]).unwrap();
    assert_eq!(rounded(&plain), rounded(&controls));
    let cr = primitive("text", &[("text", "A\rB    C".into())]).unwrap();
    assert_eq!(rounded(&plain), rounded(&cr));
}

#[test]
fn outline_text_puts_the_top_of_the_capitals_at_center() {
    let out = primitive(
        "text",
        &[
            ("text", "H".into()),
            ("font", "DejaVuSans".into()),
            ("scale", 100.0.into()),
            ("center", [0.0, 0.0, 0.0].into()),
        ],
    )
    .unwrap();
    let top = out
        .points()
        .iter()
        .map(|p| p.y)
        .fold(f32::INFINITY, f32::min);
    let bottom = out
        .points()
        .iter()
        .map(|p| p.y)
        .fold(f32::NEG_INFINITY, f32::max);
    // y grows downwards: the top of the H at y = 0, its foot on the baseline below.
    assert!(top.abs() < 0.05, "top of H at {top}");
    assert!((bottom - 72.9).abs() < 0.5, "baseline at {bottom}");
}

#[test]
fn subdivide_decides_per_segment() {
    // One 0.015 mm segment cannot be split; the 10 mm segment beside it still is.
    let line = Polylines::from_lines([[v(0.0, 0.0), v(10.0, 0.0), v(10.015, 0.0)]]);
    let out = effect("subdivide", &[("subdivisions", 2.into())], &line).unwrap();
    let xs: Vec<f32> = out
        .points()
        .iter()
        .map(|p| (p.x * 1000.0).round() / 1000.0)
        .collect();
    assert_eq!(xs, [0.0, 2.5, 5.0, 7.5, 10.0, 10.015]);
    // After dash, every dash is subdivided.
    let dashed = effect(
        "dash",
        &[("dash_length", 6.0.into()), ("gap_length", 3.0.into())],
        &Polylines::from_lines([[v(0.0, 0.0), v(100.0, 0.0), v(100.0, 100.0)]]),
    )
    .unwrap();
    let out = effect("subdivide", &[("subdivisions", 1.into())], &dashed).unwrap();
    for (before, after) in dashed.lines().zip(out.lines()) {
        assert_eq!(after.len(), 2 * before.len() - 1, "{before:?}");
    }
}

const ORIGIN: [f64; 3] = [0.0, 0.0, 0.0];

fn line_of(points: &[(f32, f32)]) -> Polylines {
    Polylines::from_lines([points.iter().map(|&(x, y)| v(x, y)).collect::<Vec<_>>()])
}

fn lines_of(lines: &[&[(f32, f32)]]) -> Polylines {
    Polylines::from_lines(
        lines
            .iter()
            .map(|l| l.iter().map(|&(x, y)| v(x, y)).collect::<Vec<_>>()),
    )
}

#[test]
fn polygon_with_a_partial_sweep_keeps_the_regular_vertices_and_closes_by_a_chord() {
    let half = primitive(
        "polygon",
        &[
            ("n_sides", 6.into()),
            ("sweep", 180.0.into()),
            ("scale", 1.0.into()),
            ("center", ORIGIN.into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&half),
        vec![vec![
            (0.5, 0.0),
            (0.25, 0.433),
            (-0.25, 0.433),
            (-0.5, 0.0),
            (0.5, 0.0)
        ]]
    );
    // Between two vertices, the sweep's end sits on the circumcircle.
    let part = primitive(
        "polygon",
        &[
            ("n_sides", 6.into()),
            ("sweep", 150.0.into()),
            ("scale", 1.0.into()),
            ("center", ORIGIN.into()),
        ],
    )
    .unwrap();
    assert_eq!(rounded(&part)[0][3], (-0.433, 0.25));
    assert_eq!(part.point_count(), 5);
}

#[test]
fn fill_spacing_gradient_packs_lines_at_the_top_for_positive_values() {
    let sq = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let out = effect(
        "fill",
        &[
            ("angle", 0.0.into()),
            ("density", 10.0.into()),
            ("spacing_gradient", 2.0.into()),
            ("remove_boundary", true.into()),
        ],
        &sq,
    )
    .unwrap();
    let mut ys: Vec<f32> = out.lines().map(|l| l[0].y).collect();
    ys.sort_by(f32::total_cmp);
    let first_gap = ys[1] - ys[0];
    let last_gap = ys[ys.len() - 1] - ys[ys.len() - 2];
    assert!(
        first_gap < last_gap / 2.0,
        "gaps {first_gap} (top) vs {last_gap} (bottom)"
    );
}

#[test]
fn arc_ellipse_and_wave_lie_on_their_curves() {
    let arc = primitive(
        "arc",
        &[
            ("radius", 1.0.into()),
            ("sweep", 90.0.into()),
            ("segments", 4.into()),
            ("center", ORIGIN.into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&arc),
        vec![vec![
            (1.0, 0.0),
            (0.924, 0.383),
            (0.707, 0.707),
            (0.383, 0.924),
            (0.0, 1.0)
        ]]
    );
    let ellipse = primitive(
        "ellipse",
        &[
            ("radius_x", 2.0.into()),
            ("radius_y", 1.0.into()),
            ("angle", 30.0.into()),
            ("segments", 4.into()),
            ("center", ORIGIN.into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&ellipse),
        vec![vec![
            (1.732, 1.0),
            (-0.5, 0.866),
            (-1.732, -1.0),
            (0.5, -0.866),
            (1.732, 1.0)
        ]]
    );
    let wave = |kind: &str, samples: i64| {
        primitive(
            "wave",
            &[
                ("kind", RawParam::from(kind)),
                ("length", 1.0.into()),
                ("amplitude", 0.25.into()),
                ("cycles", 1.0.into()),
                ("samples", samples.into()),
                ("center", ORIGIN.into()),
            ],
        )
        .unwrap()
    };
    assert_eq!(
        rounded(&wave("sine", 5)),
        vec![vec![
            (-0.5, 0.0),
            (-0.25, 0.25),
            (0.0, 0.0),
            (0.25, -0.25),
            (0.5, 0.0)
        ]]
    );
    let tri: Vec<f32> = rounded(&wave("triangle", 9))[0]
        .iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(
        tri,
        [0.0, 0.125, 0.25, 0.125, 0.0, -0.125, -0.25, -0.125, 0.0]
    );
    // A square wave jumps vertically, exactly at half a period.
    assert_eq!(
        rounded(&wave("square", 5)),
        vec![vec![
            (-0.5, 0.25),
            (-0.25, 0.25),
            (0.0, 0.25),
            (0.0, -0.25),
            (0.25, -0.25),
            (0.5, -0.25)
        ]]
    );
    // A saw rises from 0 and drops at half a period even between samples.
    let saw = rounded(&wave("saw", 4));
    assert_eq!(saw[0].len(), 6, "{saw:?}");
    assert!(
        saw[0].contains(&(0.0, 0.25)) && saw[0].contains(&(0.0, -0.25)),
        "{saw:?}"
    );
}

#[test]
fn resample_spaces_points_evenly_and_keeps_rings_closed() {
    let line = line_of(&[(0.0, 0.0), (10.0, 0.0)]);
    let xs = |step: f64| -> Vec<f32> {
        effect("resample", &[("step", step.into())], &line)
            .unwrap()
            .points()
            .iter()
            .map(|p| p.x)
            .collect()
    };
    assert_eq!(xs(2.5), [0.0, 2.5, 5.0, 7.5, 10.0]);
    assert_eq!(xs(3.0), [0.0, 3.0, 6.0, 9.0, 10.0]);
    let ring = Polylines::from_lines([square(0.0, 0.0, 4.0)]);
    let out = effect("resample", &[("step", 3.0.into())], &ring).unwrap();
    assert_eq!(
        rounded(&out),
        vec![vec![
            (0.0, 0.0),
            (3.0, 0.0),
            (4.0, 2.0),
            (3.0, 4.0),
            (0.0, 4.0),
            (0.0, 1.0),
            (0.0, 0.0)
        ]]
    );
    // An open L closed on request ends on its first point.
    let l = line_of(&[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0)]);
    let closed = effect(
        "resample",
        &[("step", 1.0.into()), ("closed", RawParam::from("closed"))],
        &l,
    )
    .unwrap();
    assert_eq!(closed.points().first(), closed.points().last());
    // A step far below the input's scale is refused by the budget before allocating.
    let long = line_of(&[(0.0, 0.0), (1.0e6, 0.0)]);
    let err = effect("resample", &[("step", 0.001.into())], &long).unwrap_err();
    assert!(
        err.contains("op 'resample'") && err.contains("over the budget"),
        "{err}"
    );
}

#[test]
fn simplify_drops_what_lies_within_the_tolerance() {
    let zigzag = line_of(&[(0.0, 0.0), (1.0, 0.1), (2.0, -0.1), (3.0, 0.1), (4.0, 0.0)]);
    let loose = effect("simplify", &[("tolerance", 0.2.into())], &zigzag).unwrap();
    assert_eq!(rounded(&loose), vec![vec![(0.0, 0.0), (4.0, 0.0)]]);
    let tight = effect("simplify", &[("tolerance", 0.05.into())], &zigzag).unwrap();
    assert_eq!(tight.point_count(), 5);
    // A square with edge midpoints keeps its corners and stays closed.
    let ring = line_of(&[
        (0.0, 0.0),
        (1.0, 0.0),
        (2.0, 0.0),
        (2.0, 1.0),
        (2.0, 2.0),
        (1.0, 2.0),
        (0.0, 2.0),
        (0.0, 1.0),
        (0.0, 0.0),
    ]);
    let out = effect("simplify", &[("tolerance", 0.1.into())], &ring).unwrap();
    assert_eq!(
        rounded(&out),
        vec![vec![
            (0.0, 0.0),
            (2.0, 0.0),
            (2.0, 2.0),
            (0.0, 2.0),
            (0.0, 0.0)
        ]]
    );
    // Any tolerance leaves a ring at least a triangle.
    let tri = effect("simplify", &[("tolerance", 100.0.into())], &ring).unwrap();
    assert_eq!(tri.point_count(), 4);
    assert_eq!(tri.points().first(), tri.points().last());
}

#[test]
fn quantize_and_wobble_move_points_as_their_formulas_say() {
    let pts = line_of(&[(0.5, -0.5), (1.49, 2.5), (-1.5, 0.2)]);
    let q = effect("quantize", &[("step", [1.0, 1.0, 1.0].into())], &pts).unwrap();
    assert_eq!(
        rounded(&q),
        vec![vec![(1.0, -1.0), (1.0, 3.0), (-2.0, 0.0)]]
    );
    let w = effect("wobble", &[], &line_of(&[(2.5, 1.25)])).unwrap();
    assert_eq!(rounded(&w), vec![vec![(4.5, 2.664)]]);
}

#[test]
fn drop_picks_by_interval_length_and_seeded_chance() {
    let rows: Vec<Vec<(f32, f32)>> = (0..4)
        .map(|y| vec![(0.0, y as f32), (1.0, y as f32)])
        .collect();
    let four = Polylines::from_lines(
        rows.iter()
            .map(|l| l.iter().map(|&(x, y)| v(x, y)).collect::<Vec<_>>()),
    );
    let ys = |params: &[(&str, RawParam)]| -> Vec<f32> {
        effect("drop", params, &four)
            .unwrap()
            .lines()
            .map(|l| l[0].y)
            .collect()
    };
    assert_eq!(ys(&[("interval", 2.into())]), [1.0, 3.0]);
    assert_eq!(
        ys(&[("interval", 2.into()), ("index_offset", 1.into())]),
        [0.0, 2.0]
    );
    assert_eq!(
        ys(&[("interval", 3.into()), ("index_offset", 4.into())]),
        [0.0, 2.0, 3.0]
    );
    assert_eq!(
        ys(&[
            ("interval", 2.into()),
            ("keep_mode", RawParam::from("keep"))
        ]),
        [0.0, 2.0]
    );
    let mixed = lines_of(&[
        &[(0.0, 0.0), (1.0, 0.0)],
        &[(0.0, 1.0), (3.0, 1.0)],
        &[(0.0, 2.0), (5.0, 2.0)],
    ]);
    let short = effect("drop", &[("min_length", 1.0.into())], &mixed).unwrap();
    assert_eq!(short.line_count(), 2);
    let long = effect("drop", &[("max_length", 5.0.into())], &mixed).unwrap();
    assert_eq!(long.line_count(), 2);
    // Chance: deterministic per seed; about the base probability of 100 lines.
    let many = Polylines::from_lines((0..100).map(|i| vec![v(0.0, i as f32), v(1.0, i as f32)]));
    let by_chance = |seed: i64| {
        effect(
            "drop",
            &[
                ("probability_base", [0.5, 0.0, 0.0].into()),
                ("seed", seed.into()),
            ],
            &many,
        )
        .unwrap()
    };
    assert_eq!(rounded(&by_chance(3)), rounded(&by_chance(3)));
    assert_ne!(rounded(&by_chance(3)), rounded(&by_chance(4)));
    let kept = by_chance(3).line_count();
    assert!((30..=70).contains(&kept), "{kept} of 100 kept");
    // Face mode leaves two-point lines alone.
    let faces = effect(
        "drop",
        &[("interval", 1.into()), ("by", RawParam::from("face"))],
        &Polylines::from_lines([square(0.0, 0.0, 1.0), vec![v(0.0, 0.0), v(1.0, 1.0)]]),
    )
    .unwrap();
    assert_eq!(faces.line_count(), 1);
    assert_eq!(faces.line(0).len(), 2);
}

fn mirror(n: i64, input: &Polylines) -> Polylines {
    effect(
        "mirror",
        &[
            ("n_mirror", n.into()),
            ("cx", 0.0.into()),
            ("cy", 0.0.into()),
        ],
        input,
    )
    .unwrap()
}

#[test]
fn mirror_reflects_halves_quadrants_and_wedges() {
    let m = mirror(1, &line_of(&[(2.0, 0.0), (3.0, 1.0)]));
    assert_eq!(
        rounded(&m),
        vec![vec![(2.0, 0.0), (3.0, 1.0)], vec![(-2.0, 0.0), (-3.0, 1.0)]]
    );
    // Cut at the mirror line.
    let m = mirror(1, &line_of(&[(-1.0, 0.5), (2.0, 0.5)]));
    assert_eq!(
        rounded(&m),
        vec![vec![(0.0, 0.5), (2.0, 0.5)], vec![(0.0, 0.5), (-2.0, 0.5)]]
    );
    // A point on the x axis: the point and its reflection; the repeats are dropped.
    let m = mirror(2, &line_of(&[(1.0, 0.0)]));
    assert_eq!(rounded(&m), vec![vec![(1.0, 0.0)], vec![(-1.0, 0.0)]]);
    // n = 3: six copies of a segment inside the 60° wedge.
    let m = mirror(3, &line_of(&[(1.0, 0.2), (2.0, 0.2)]));
    let mut starts: Vec<(f32, f32)> = rounded(&m).iter().map(|l| l[0]).collect();
    starts.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut expected = vec![
        (1.0, 0.2),
        (-0.673, 0.766),
        (-0.327, -0.966),
        (1.0, -0.2),
        (-0.327, 0.966),
        (-0.673, -0.766),
    ];
    expected.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(starts, expected);
    let planes = effect(
        "mirror",
        &[
            ("n_mirror", 3.into()),
            ("cx", 0.0.into()),
            ("cy", 0.0.into()),
            ("show_planes", true.into()),
        ],
        &line_of(&[(1.0, 0.2), (2.0, 0.2)]),
    )
    .unwrap();
    assert_eq!(planes.line_count(), 6 + 3);
}

#[test]
fn bold_overdraws_seeded_copies_within_the_radius() {
    let seg = line_of(&[(0.0, 0.0), (1.0, 0.0)]);
    let bold = |seed: i64| {
        effect(
            "bold",
            &[
                ("count", 3.into()),
                ("radius", 0.5.into()),
                ("seed", seed.into()),
            ],
            &seg,
        )
        .unwrap()
    };
    let out = bold(0);
    assert_eq!(out.line_count(), 3);
    assert_eq!(out.line(0), seg.line(0));
    for l in out.lines().skip(1) {
        let d = l[0] - seg.line(0)[0];
        assert!(d.truncate().length() <= 0.5 && d.z == 0.0, "{d:?}");
        assert_eq!(l[1] - l[0], seg.line(0)[1] - seg.line(0)[0]);
    }
    assert_eq!(rounded(&bold(0)), rounded(&bold(0)));
    assert_ne!(rounded(&bold(0)), rounded(&bold(1)));
    let err = effect(
        "bold",
        &[("count", 10_000.into())],
        &primitive("grid", &[("nx", 500.into()), ("ny", 500.into())]).unwrap(),
    )
    .unwrap_err();
    assert!(err.contains("over the budget"), "{err}");
}

fn segments(p: &Polylines) -> usize {
    p.lines().map(|l| l.len().saturating_sub(1)).sum()
}

fn perspective(params: &[(&str, RawParam)], input: &Polylines) -> Polylines {
    effect("perspective", params, input).unwrap()
}

#[test]
fn perspective_projects_through_the_camera_as_computed_by_hand() {
    let pts = Polylines::from_lines([vec![
        graft::geometry::Vec3::new(0.5, 0.5, -0.5),
        graft::geometry::Vec3::new(0.5, 0.5, 0.5),
    ]]);
    // Straight on from z = -5: the target plane keeps its size, nearer is larger.
    let out = perspective(
        &[
            ("camera", [0.0, 0.0, -5.0].into()),
            ("target", ORIGIN.into()),
        ],
        &pts,
    );
    assert_eq!(rounded(&out), vec![vec![(0.556, 0.556), (0.455, 0.455)]]);
    assert!(out.points().iter().all(|p| p.z == 0.0));
    // From (3, 0, -4): forward (-0.6, 0, 0.8), right (0.8, 0, 0.6), down +y.
    let corner = Polylines::from_lines([vec![graft::geometry::Vec3::new(1.0, 1.0, 0.0)]]);
    let out = perspective(
        &[
            ("camera", [3.0, 0.0, -4.0].into()),
            ("target", ORIGIN.into()),
        ],
        &corner,
    );
    assert_eq!(rounded(&out), vec![vec![(0.909, 1.136)]]);
    // A flat drawing seen straight on by the default camera is unchanged.
    let flat = primitive("polygon", &[]).unwrap();
    let same = perspective(&[], &flat);
    for (a, b) in flat.points().iter().zip(same.points()) {
        assert!(a.distance(*b) < 1e-3, "{a} vs {b}");
    }
    // Behind the near plane is cut off at the plane.
    let through = Polylines::from_lines([vec![
        graft::geometry::Vec3::new(10.0, 0.0, -450.0),
        graft::geometry::Vec3::new(10.0, 0.0, 0.0),
    ]]);
    let out = perspective(
        &[
            ("camera", [0.0, 0.0, -400.0].into()),
            ("target", ORIGIN.into()),
        ],
        &through,
    );
    assert_eq!(rounded(&out), vec![vec![(4000.0, 0.0), (10.0, 0.0)]]);
    let err = effect(
        "perspective",
        &[("camera", ORIGIN.into()), ("target", ORIGIN.into())],
        &through,
    )
    .unwrap_err();
    assert!(
        err.contains("camera and target are the same point"),
        "{err}"
    );
}

#[test]
fn perspective_hides_the_back_faces_of_a_polyhedron_and_draws_shared_edges_once() {
    let cube = primitive(
        "polyhedron",
        &[
            ("kind", RawParam::from("hexahedron")),
            ("center", ORIGIN.into()),
            ("scale", 100.0.into()),
        ],
    )
    .unwrap();
    assert_eq!((cube.line_count(), cube.point_count()), (6, 30));
    let hidden = |camera: [f64; 3]| {
        perspective(
            &[
                ("camera", camera.into()),
                ("target", ORIGIN.into()),
                ("hidden", RawParam::from("faces")),
            ],
            &cube,
        )
    };
    // From a corner direction: three faces, nine distinct edges.
    assert_eq!(segments(&hidden([300.0, -250.0, -400.0])), 9);
    // Straight on: one face, four edges.
    assert_eq!(segments(&hidden([0.0, 0.0, -400.0])), 4);
    // Without hiding, all 24 face edges (each cube edge twice).
    assert_eq!(
        segments(&perspective(
            &[
                ("camera", [300.0, -250.0, -400.0].into()),
                ("target", ORIGIN.into())
            ],
            &cube
        )),
        24
    );
}

#[test]
fn perspective_cuts_a_sphere_at_its_silhouette() {
    let sphere = primitive(
        "sphere",
        &[("center", ORIGIN.into()), ("scale", 100.0.into())],
    )
    .unwrap();
    let out = perspective(
        &[
            ("camera", [0.0, 0.0, -1000.0].into()),
            ("target", ORIGIN.into()),
            ("hidden", RawParam::from("sphere")),
        ],
        &sphere,
    );
    // The silhouette circle of a 50 mm ball seen from 1000 mm, projected with focal 1000.
    let rho = 50.0 * (1.0f64 - 0.05 * 0.05).sqrt();
    let silhouette = 1000.0 * rho / (1000.0 - 2.5);
    let radius = |p: &graft::geometry::Vec3| (p.x as f64).hypot(p.y as f64);
    let max = out.points().iter().map(radius).fold(0.0, f64::max);
    assert!(
        (max - silhouette).abs() < 0.01,
        "outermost {max}, silhouette {silhouette}"
    );
    // Meridians are cut: each meridian keeps its front half, ends on the silhouette.
    assert!(out.line_count() > sphere.line_count() / 2);
    for line in out.lines() {
        for end in [line[0], line[line.len() - 1]] {
            let r = radius(&end);
            assert!(r <= silhouette + 0.01, "{r}");
        }
    }
    let all = perspective(
        &[
            ("camera", [0.0, 0.0, -1000.0].into()),
            ("target", ORIGIN.into()),
        ],
        &sphere,
    );
    assert!(
        out.point_count() < all.point_count() * 2 / 3,
        "{} of {}",
        out.point_count(),
        all.point_count()
    );
}

#[test]
fn solids_have_their_expected_structure() {
    let torus = primitive("torus", &[("center", ORIGIN.into())]).unwrap();
    assert_eq!(torus.line_count(), 32 + 16);
    assert_eq!(torus.point_count(), 32 * 17 + 16 * 33);
    for line in torus.lines() {
        assert_eq!(line.first(), line.last());
    }
    // The polyhedron's vertices lie on the circumsphere of diameter `scale`.
    let ico = primitive(
        "polyhedron",
        &[
            ("kind", RawParam::from("truncated_icosahedron")),
            ("center", ORIGIN.into()),
            ("scale", 80.0.into()),
        ],
    )
    .unwrap();
    assert_eq!(ico.line_count(), 32);
    assert!(
        ico.points()
            .iter()
            .all(|p| (p.length() - 40.0).abs() < 1e-3)
    );
    for style in ["latlon", "rings", "spiral", "icosphere"] {
        let s = primitive(
            "sphere",
            &[
                ("style", RawParam::from(style)),
                ("center", ORIGIN.into()),
                ("scale", 100.0.into()),
            ],
        )
        .unwrap();
        assert!(s.point_count() > 10, "{style}");
        assert!(
            s.points().iter().all(|p| (p.length() - 50.0).abs() < 1e-3),
            "{style}: every point on the sphere"
        );
    }
    let err = registry()
        .call("sphere", &[("subdivisions", 9.into())])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("subdivisions") && err.contains("0..=7"),
        "{err}"
    );
}

#[test]
fn lowpass_and_highpass_filter_along_the_line_as_grafix() {
    let l = line_of(&[(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]);
    let low = effect(
        "lowpass",
        &[("step", 1.0.into()), ("sigma", 1.0.into())],
        &l,
    )
    .unwrap();
    assert_eq!(
        rounded(&low),
        vec![vec![
            (0.718, 0.009),
            (1.063, 0.063),
            (1.646, 0.354),
            (1.937, 0.937),
            (1.991, 1.282)
        ]]
    );
    let high = effect(
        "highpass",
        &[("step", 1.0.into()), ("sigma", 1.0.into())],
        &l,
    )
    .unwrap();
    assert_eq!(
        rounded(&high),
        vec![vec![
            (-0.718, -0.009),
            (0.937, -0.063),
            (2.354, -0.354),
            (2.063, 1.063),
            (2.009, 2.718)
        ]]
    );
    // A ring stays closed and keeps its point count.
    let ring = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let smooth = effect(
        "lowpass",
        &[("step", 1.0.into()), ("sigma", 2.0.into())],
        &ring,
    )
    .unwrap();
    assert_eq!(smooth.point_count(), 41);
    assert_eq!(smooth.points().first(), smooth.points().last());
}

#[test]
fn pixelate_walks_unit_steps_on_the_grid() {
    let px = |corner: &str, pts: &[(f32, f32)]| {
        rounded(
            &effect(
                "pixelate",
                &[("corner", RawParam::from(corner))],
                &line_of(pts),
            )
            .unwrap(),
        )
    };
    assert_eq!(
        px("auto", &[(0.0, 0.0), (3.0, 1.0)]),
        vec![vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (2.0, 0.0),
            (2.0, 1.0),
            (3.0, 1.0)
        ]]
    );
    assert_eq!(
        px("auto", &[(0.0, 0.0), (2.0, 2.0)]),
        vec![vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (2.0, 1.0),
            (2.0, 2.0)
        ]]
    );
    assert_eq!(
        px("yx", &[(0.0, 0.0), (2.0, 2.0)]),
        vec![vec![
            (0.0, 0.0),
            (0.0, 1.0),
            (1.0, 1.0),
            (1.0, 2.0),
            (2.0, 2.0)
        ]]
    );
    let err = effect(
        "pixelate",
        &[("step", [0.0, 1.0, 1.0].into())],
        &line_of(&[(0.0, 0.0)]),
    )
    .unwrap_err();
    assert!(err.contains("step.x and step.y must be above 0"), "{err}");
}

#[test]
fn twist_extrude_and_collapse_deform_as_specified() {
    // Twist about y through the origin by 90°: the ends turn -90° and +90° (clockwise).
    let seg = Polylines::from_lines([vec![
        graft::geometry::Vec3::new(1.0, 0.0, 0.0),
        graft::geometry::Vec3::new(1.0, 2.0, 0.0),
    ]]);
    let t = effect(
        "twist",
        &[
            ("auto_center", false.into()),
            ("pivot", ORIGIN.into()),
            ("angle", 90.0.into()),
            ("axis_dir", [0.0, 1.0, 0.0].into()),
        ],
        &seg,
    )
    .unwrap();
    let p: Vec<[f32; 3]> = t
        .points()
        .iter()
        .map(|p| [p.x, p.y, p.z].map(|c| (c * 1000.0).round() / 1000.0 + 0.0))
        .collect();
    assert_eq!(p, [[0.0, 0.0, -1.0], [0.0, 2.0, 1.0]]);
    let err = effect("twist", &[("axis_dir", ORIGIN.into())], &seg).unwrap_err();
    assert!(err.contains("axis_dir is zero"), "{err}");

    let base = line_of(&[(0.0, 0.0), (2.0, 0.0)]);
    let ex = |mode: &str| {
        rounded(
            &effect(
                "extrude",
                &[
                    ("delta", [0.0, 1.0, 0.0].into()),
                    ("subdivisions", 0.into()),
                    ("center_mode", RawParam::from(mode)),
                ],
                &base,
            )
            .unwrap(),
        )
    };
    assert_eq!(
        ex("auto"),
        vec![
            vec![(0.0, 0.0), (2.0, 0.0)],
            vec![(0.5, 1.0), (1.5, 1.0)],
            vec![(0.0, 0.0), (0.5, 1.0)],
            vec![(2.0, 0.0), (1.5, 1.0)],
        ]
    );
    assert_eq!(ex("origin")[1], vec![(0.0, 0.5), (1.0, 0.5)]);

    let c = |seed: i64| {
        effect(
            "collapse",
            &[
                ("intensity", 1.0.into()),
                ("subdivisions", 2.into()),
                ("seed", seed.into()),
            ],
            &line_of(&[(0.0, 0.0), (4.0, 0.0)]),
        )
        .unwrap()
    };
    let out = c(0);
    assert_eq!(out.line_count(), 2);
    for (k, l) in out.lines().enumerate() {
        // Each piece keeps its length and direction and moves at most `intensity`.
        assert!(((l[1] - l[0]).length() - 2.0).abs() < 1e-5);
        let home = graft::geometry::Vec3::new(2.0 * k as f32, 0.0, 0.0);
        assert!((l[0] - home).length() <= 1.0 + 1e-5);
        assert!(
            (l[0] - home).x.abs() < 1e-6,
            "moved perpendicular to itself"
        );
    }
    assert_eq!(rounded(&c(0)), rounded(&c(0)));
    assert_ne!(
        c(0).points().iter().map(|p| p.z).collect::<Vec<_>>(),
        c(1).points().iter().map(|p| p.z).collect::<Vec<_>>()
    );
}

#[test]
fn deduplicate_draws_every_stroke_once() {
    // A square drawn twice, the second time the other way round: one closed square.
    let mut twice = square(0.0, 0.0, 1.0);
    twice.reverse();
    let input = Polylines::from_lines([square(0.0, 0.0, 1.0), twice]);
    let out = effect("deduplicate", &[], &input).unwrap();
    assert_eq!(out.line_count(), 1);
    assert_eq!(out.point_count(), 5);
    assert_eq!(out.points().first(), out.points().last());
    assert_eq!(segments(&out), 4);
    // Overlapping collinear strokes become one.
    let overlap = lines_of(&[&[(0.0, 0.0), (2.0, 0.0)], &[(1.0, 0.0), (3.0, 0.0)]]);
    let out = effect("deduplicate", &[], &overlap).unwrap();
    // Drawn once, every vertex kept.
    assert_eq!(
        rounded(&out),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0)]]
    );
    // Repeats and a branch: chains end where three segments meet.
    let branchy = lines_of(&[
        &[(0.0, 0.0), (1.0, 0.0)],
        &[(1.0, 0.0), (0.0, 0.0)],
        &[(1.0, 0.0), (2.0, 0.0), (2.0, 1.0)],
    ]);
    let out = effect("deduplicate", &[], &branchy).unwrap();
    // As grafix: (0,0) (1,0) (2,0) (2,1).
    assert_eq!(
        rounded(&out),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0)]]
    );
    let t = lines_of(&[&[(0.0, 0.0), (0.0, 2.0)], &[(0.0, 1.0), (5.0, 1.0)]]);
    let out = effect("deduplicate", &[], &t).unwrap();
    assert_eq!(out.line_count(), 2, "{:?}", rounded(&out));
    // Without chaining every segment stays on its own.
    let out = effect("deduplicate", &[("merge_chains", false.into())], &branchy).unwrap();
    assert_eq!(out.line_count(), 3);
}

#[test]
fn deduplicate_a_grid_repeated_on_itself_gives_the_grid() {
    let grid = primitive("grid", &[("nx", 50.into()), ("ny", 50.into())]).unwrap();
    let doubled = effect(
        "repeat",
        &[("count", 1.into()), ("offset", ORIGIN.into())],
        &grid,
    )
    .unwrap();
    assert_eq!(doubled.line_count(), 200);
    let out = effect("deduplicate", &[("merge_chains", false.into())], &doubled).unwrap();
    assert_eq!(out.line_count(), 100);
    // Rows shifted by half their length along themselves overlap their copies: one
    // longer row each.
    let rows = Polylines::from_lines((0..20).map(|i| vec![v(0.0, i as f32), v(10.0, i as f32)]));
    let shifted = effect(
        "repeat",
        &[("count", 1.into()), ("offset", [5.0, 0.0, 0.0].into())],
        &rows,
    )
    .unwrap();
    let out = effect("deduplicate", &[], &shifted).unwrap();
    assert_eq!(out.line_count(), 20);
    assert!(
        out.lines()
            .all(|l| l.len() == 4 && (l[l.len() - 1].x - l[0].x).abs() == 15.0),
        "{:?}",
        rounded(&out)
    );
}

fn lsystem(params: &[(&str, RawParam)]) -> Result<Polylines, String> {
    let mut all: Vec<(&str, RawParam)> = vec![
        ("kind", RawParam::from("custom")),
        ("center", ORIGIN.into()),
        ("heading", 0.0.into()),
        ("angle", 90.0.into()),
        ("step", 1.0.into()),
        ("iters", 1.into()),
    ];
    all.extend(params.iter().cloned());
    primitive("lsystem", &all)
}

#[test]
fn lsystem_rewrites_then_walks_the_turtle() {
    let out = lsystem(&[("axiom", "F".into()), ("rules", "F=F+F".into())]).unwrap();
    assert_eq!(
        rounded(&out),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)]]
    );
    // A branch ends its polyline and the turtle comes back.
    let out = lsystem(&[
        ("axiom", "F[+F]F".into()),
        ("rules", "".into()),
        ("iters", 0.into()),
    ])
    .unwrap();
    assert_eq!(
        rounded(&out),
        vec![
            vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)],
            vec![(1.0, 0.0), (2.0, 0.0)]
        ]
    );
    // f moves without drawing.
    let out = lsystem(&[("axiom", "FfF".into()), ("iters", 0.into())]).unwrap();
    assert_eq!(
        rounded(&out),
        vec![vec![(0.0, 0.0), (1.0, 0.0)], vec![(2.0, 0.0), (3.0, 0.0)]]
    );
    // Mistakes are named.
    let err = lsystem(&[("axiom", "F]".into()), ("iters", 0.into())]).unwrap_err();
    assert!(err.contains("']' at symbol 2 closes no '['"), "{err}");
    let err = lsystem(&[("axiom", "F".into()), ("rules", "F-FF".into())]).unwrap_err();
    assert!(
        err.contains("rule 1 'F-FF' is not of the form SYMBOL=REPLACEMENT"),
        "{err}"
    );
    let err = primitive("lsystem", &[("iters", 30.into())]).unwrap_err();
    assert!(
        err.contains("grows past 2000000 symbols") && err.contains("lower iters"),
        "{err}"
    );
    // The plant: seeded jitter is deterministic and changes the drawing.
    let plant = |seed: i64, jitter: f64| {
        primitive(
            "lsystem",
            &[("seed", seed.into()), ("jitter", jitter.into())],
        )
        .unwrap()
    };
    assert!(plant(0, 0.0).line_count() > 100);
    assert_eq!(rounded(&plant(1, 0.1)), rounded(&plant(1, 0.1)));
    assert_ne!(rounded(&plant(1, 0.1)), rounded(&plant(2, 0.1)));
}

#[test]
fn polyline_bezier_and_spline_go_through_their_points() {
    let pl = primitive(
        "polyline",
        &[
            (
                "points",
                RawParam::Seq(vec![
                    RawParam::Seq(vec![0.0.into(), 0.0.into()]),
                    RawParam::Seq(vec![10.0.into(), 0.0.into()]),
                    RawParam::Seq(vec![10.0.into(), 5.0.into(), 2.0.into()]),
                ]),
            ),
            ("closed", true.into()),
        ],
    )
    .unwrap();
    assert_eq!(
        rounded(&pl),
        vec![vec![(0.0, 0.0), (10.0, 0.0), (10.0, 5.0), (0.0, 0.0)]]
    );
    assert_eq!(pl.points()[2].z, 2.0);
    let err = registry()
        .call(
            "polyline",
            &[(
                "points",
                RawParam::Seq(vec![RawParam::Seq(vec![1.0.into()])]),
            )],
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("point 1 as (x, y) or (x, y, z)"), "{err}");

    let bz = primitive(
        "bezier",
        &[
            ("p0", ORIGIN.into()),
            ("p1", [0.0, 8.0, 0.0].into()),
            ("p2", [8.0, 8.0, 0.0].into()),
            ("p3", [8.0, 0.0, 0.0].into()),
            ("segments", 2.into()),
        ],
    )
    .unwrap();
    // B(1/2) = (p0 + 3 p1 + 3 p2 + p3) / 8.
    assert_eq!(rounded(&bz), vec![vec![(0.0, 0.0), (4.0, 6.0), (8.0, 0.0)]]);

    let pts = |list: &[(f64, f64)]| {
        RawParam::Seq(
            list.iter()
                .map(|&(x, y)| RawParam::Seq(vec![x.into(), y.into()]))
                .collect(),
        )
    };
    let anchors = [(0.0, 0.0), (10.0, 5.0), (20.0, 0.0), (30.0, 5.0)];
    let sp = primitive(
        "spline",
        &[("points", pts(&anchors)), ("segments_per_span", 8.into())],
    )
    .unwrap();
    let r = rounded(&sp);
    assert_eq!(r[0].len(), 3 * 8 + 1);
    for (k, &(x, y)) in anchors.iter().enumerate() {
        assert_eq!(
            r[0][k * 8],
            (x as f32, y as f32),
            "passes through anchor {k}"
        );
    }
    // Tension 1: straight chords.
    let straight = primitive(
        "spline",
        &[
            ("points", pts(&anchors)),
            ("segments_per_span", 2.into()),
            ("tension", 1.0.into()),
        ],
    )
    .unwrap();
    assert_eq!(rounded(&straight)[0][1], (5.0, 2.5));
    // Closed: ends exactly on its first point, smoothly past it.
    let closed = primitive(
        "spline",
        &[
            ("points", pts(&[(0.0, 0.0), (10.0, 0.0), (5.0, 8.0)])),
            ("closed", true.into()),
        ],
    )
    .unwrap();
    assert_eq!(closed.points().first(), closed.points().last());
    assert_eq!(closed.point_count(), 3 * 16 + 1);
}

#[test]
fn points_parameters_read_and_write_as_lists_in_scene_files() {
    let text = "(\n  canvas: (size: (100, 100)),\n  layers: [(name: \"path\", source: polyline(points: [(10, 10), (90, 10), (50, 80.5, 3)], closed: true))],\n)";
    let scene = graft::scene::Scene::parse(text, "t.scene.ron", &registry()).unwrap();
    let written = scene.to_ron("");
    assert!(
        written.contains("points: [(10.0, 10.0), (90.0, 10.0), (50.0, 80.5, 3.0)]"),
        "{written}"
    );
    let again = graft::scene::Scene::parse(&written, "t.scene.ron", &registry()).unwrap();
    let ctx = ctx();
    let a = scene.realize(0.0, &ctx).unwrap();
    let b = again.realize(0.0, &ctx).unwrap();
    assert_eq!(a.layers[0].geometry.points(), b.layers[0].geometry.points());
    assert_eq!(a.layers[0].geometry.point_count(), 4);
    let bad = "(\n  canvas: (size: (100, 100)),\n  layers: [(name: \"path\", source: polyline(points: [(10, \"x\")]))],\n)";
    let err = graft::scene::Scene::parse(bad, "t.scene.ron", &registry()).unwrap_err();
    assert!(err.to_string().contains("numbers in point 1"), "{err}");
}

#[test]
fn fill_hatches_each_face_of_a_solid_in_its_own_plane() {
    let cube = primitive(
        "polyhedron",
        &[
            ("kind", RawParam::from("hexahedron")),
            ("center", ORIGIN.into()),
            ("scale", 100.0.into()),
        ],
    )
    .unwrap();
    let filled = effect(
        "fill",
        &[("density", 10.0.into()), ("remove_boundary", true.into())],
        &cube,
    )
    .unwrap();
    // Ten lines per face, each on one face: one coordinate at ±half the edge.
    assert_eq!(filled.line_count(), 60);
    let half = 50.0 / 3f32.sqrt();
    for l in filled.lines() {
        let on_face = (0..3).any(|axis| {
            (l[0][axis].abs() - half).abs() < 1e-3 && (l[1][axis] - l[0][axis]).abs() < 1e-3
        });
        assert!(on_face, "{l:?}");
        assert!(l.iter().all(|p| p.abs().max_element() <= half + 1e-3));
    }
}

#[test]
fn mirror3d_copies_by_azimuth_wedges_and_rotation_groups() {
    let seg = |a: [f32; 3], b: [f32; 3]| {
        Polylines::from_lines([vec![
            graft::geometry::Vec3::from(a),
            graft::geometry::Vec3::from(b),
        ]])
    };
    let az = |n: i64, input: &Polylines| {
        effect(
            "mirror3d",
            &[("n_azimuth", n.into()), ("center", ORIGIN.into())],
            input,
        )
        .unwrap()
    };
    // n = 1 about z keeps x <= 0 (grafix's choice) and mirrors it.
    assert_eq!(
        az(1, &seg([1.0, 0.5, 0.0], [2.0, 0.5, 0.0])).line_count(),
        0
    );
    let m = az(1, &seg([-1.0, 0.5, 0.0], [-2.0, 0.5, 0.0]));
    assert_eq!(
        rounded(&m),
        vec![vec![(-1.0, 0.5), (-2.0, 0.5)], vec![(1.0, 0.5), (2.0, 0.5)]]
    );
    // n = 4: eight copies of a segment inside the 45° wedge (from +y towards -x).
    let inside = seg([-0.3, 1.0, 0.5], [-0.5, 1.5, 0.5]);
    assert_eq!(az(4, &inside).line_count(), 8);
    let with_equator = effect(
        "mirror3d",
        &[
            ("n_azimuth", 4.into()),
            ("center", ORIGIN.into()),
            ("mirror_equator", true.into()),
        ],
        &inside,
    )
    .unwrap();
    assert_eq!(with_equator.line_count(), 16);
    assert!(with_equator.points().iter().any(|p| p.z < 0.0));
    // Polyhedral: one segment in the octant gives one copy per group element.
    let octant = seg([0.2, 0.3, 0.9], [0.3, 0.5, 0.7]);
    let poly = |group: &str, reflect: bool| {
        effect(
            "mirror3d",
            &[
                ("mode", RawParam::from("polyhedral")),
                ("group", RawParam::from(group)),
                ("use_reflection", reflect.into()),
                ("center", ORIGIN.into()),
            ],
            &octant,
        )
        .unwrap()
        .line_count()
    };
    assert_eq!(poly("T", false), 12);
    assert_eq!(poly("O", true), 48);
    assert_eq!(poly("I", false), 60);
    let err = effect("mirror3d", &[("axis", ORIGIN.into())], &octant).unwrap_err();
    assert!(err.contains("axis is zero"), "{err}");
}

#[test]
fn fill_spacing_puts_lines_on_a_lattice_that_stays_while_the_shape_grows() {
    let ys = |size: f64| -> Vec<f32> {
        let r = primitive(
            "rect",
            &[
                ("width", size.into()),
                ("height", size.into()),
                ("center", ORIGIN.into()),
            ],
        )
        .unwrap();
        let out = effect(
            "fill",
            &[
                ("angle", 0.0.into()),
                ("spacing", 1.0.into()),
                ("remove_boundary", true.into()),
            ],
            &r,
        )
        .unwrap();
        let mut ys: Vec<f32> = out
            .lines()
            .map(|l| (l[0].y * 1000.0).round() / 1000.0)
            .collect();
        ys.sort_by(f32::total_cmp);
        ys
    };
    let small = ys(10.0);
    assert_eq!(small.len(), 10);
    assert!(
        small.windows(2).all(|w| (w[1] - w[0] - 1.0).abs() < 1e-3),
        "{small:?}"
    );
    let big = ys(12.0);
    assert_eq!(big.len(), 12);
    assert!(
        small.iter().all(|y| big.contains(y)),
        "{small:?} within {big:?}"
    );
    let err = effect(
        "fill",
        &[("spacing", 0.001.into())],
        &primitive(
            "rect",
            &[("width", 5000.0.into()), ("height", 5000.0.into())],
        )
        .unwrap(),
    )
    .unwrap_err();
    assert!(err.contains("raise spacing"), "{err}");
}

#[test]
fn displace_and_dash_jitter_take_a_seed() {
    let grid = primitive("grid", &[("nx", 5.into()), ("ny", 5.into())]).unwrap();
    let fine = effect("subdivide", &[("subdivisions", 4.into())], &grid).unwrap();
    let displaced =
        |seed: i64| rounded(&effect("displace", &[("seed", seed.into())], &fine).unwrap());
    assert_eq!(displaced(0), displaced(0));
    assert_ne!(displaced(0), displaced(7));
    assert_eq!(displaced(7), displaced(7));
    let dashed = |seed: i64| {
        rounded(
            &effect(
                "dash",
                &[("offset_jitter", 3.0.into()), ("seed", seed.into())],
                &grid,
            )
            .unwrap(),
        )
    };
    assert_eq!(dashed(1), dashed(1));
    assert_ne!(dashed(1), dashed(2));
}

#[test]
fn every_op_works_from_a_scene_file_with_its_defaults() {
    let registry = registry();
    for op in registry.iter() {
        let name = op.name();
        let layer = match op.schema().kind {
            graft::ops::OpKind::Primitive => format!("(name: \"a\", source: {name}())"),
            graft::ops::OpKind::Effect => {
                format!(
                    "(name: \"a\", source: polyhedron(kind: \"cuboctahedron\"), effects: [{name}()])"
                )
            }
        };
        let text = format!("(\n  canvas: (size: (210, 297)),\n  layers: [{layer}],\n)");
        let scene = graft::scene::Scene::parse(&text, "t.scene.ron", &registry)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let reads_others = op.schema().params.iter().any(|p| {
            p.kind == graft::ops::ParamKind::Refs
                // These read others only when asked (the generative ops' mask is their
                // input unless named).
                && ![
                    "occult",
                    "boolean",
                    "growth",
                    "reaction_diffusion",
                    "partition",
                    "isocontour",
                    // Picture modes take a mask only when one is named.
                    "tone_hatch",
                    "flow_lines",
                    "squiggle",
                    "stipple",
                    "halftone",
                    "tone_contour",
                    "edges",
                ]
                .contains(&name)
        });
        if reads_others {
            // An op that needs another input says which parameter to set.
            let e = scene.realize(0.5, &ctx()).unwrap_err().to_string();
            assert!(e.contains("set `mask`"), "{name}: {e}");
            continue;
        }
        let drawing = scene
            .realize(0.5, &ctx())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            drawing.layers[0].geometry.point_count() > 0,
            "{name} with its defaults draws something"
        );
        assert!(
            drawing.layers[0].geometry.first_non_finite().is_none(),
            "{name}"
        );
    }
}

#[test]
fn deduplicate_keeps_the_vertices_of_repeated_subdivided_lines() {
    let line = line_of(&[(0.0, 0.0), (16.0, 0.0)]);
    let fine = effect("subdivide", &[("subdivisions", 4.into())], &line).unwrap();
    let twice = effect(
        "repeat",
        &[("count", 1.into()), ("offset", ORIGIN.into())],
        &fine,
    )
    .unwrap();
    let out = effect("deduplicate", &[], &twice).unwrap();
    assert_eq!(out.line_count(), 1);
    assert_eq!(
        out.point_count(),
        17,
        "every vertex of the subdivided line stays"
    );
}

#[test]
fn perspective_hides_the_faces_of_a_small_turned_solid_on_the_paper() {
    let small = primitive(
        "polyhedron",
        &[
            ("kind", RawParam::from("hexahedron")),
            ("scale", 8.0.into()),
        ],
    )
    .unwrap();
    let turned = effect("rotate", &[("rotation", [31.0, 47.0, 13.0].into())], &small).unwrap();
    let out = effect(
        "perspective",
        &[
            ("camera", [140.0, 120.0, -300.0].into()),
            ("hidden", RawParam::from("faces")),
        ],
        &turned,
    )
    .unwrap();
    // A cube seen from outside shows 1 to 3 faces: 4 to 9 distinct edges, never all 12.
    let n = segments(&out);
    assert!((4..=9).contains(&n), "{n} edges drawn");
}

#[test]
fn seeded_ops_give_pinned_numbers() {
    // Pinned: a change of the generator changes every seeded drawing.
    let out = effect(
        "bold",
        &[
            ("count", 2.into()),
            ("radius", 1.0.into()),
            ("seed", 0.into()),
        ],
        &line_of(&[(0.0, 0.0)]),
    )
    .unwrap();
    let p = out.points()[1];
    assert!(
        (p.x - PINNED_BOLD.0).abs() < 1e-5 && (p.y - PINNED_BOLD.1).abs() < 1e-5,
        "{p}"
    );
}

const PINNED_BOLD: (f32, f32) = (-0.529_529_6, -0.604_247_2);

#[test]
fn plot_passes_merge_sort_reloop_and_more() {
    // Two segments end to end (the second backwards) become one polyline.
    let two = lines_of(&[&[(0.0, 0.0), (1.0, 0.0)], &[(2.0, 0.0), (1.0, 0.0)]]);
    let merged = effect("linemerge", &[], &two).unwrap();
    assert_eq!(
        rounded(&merged),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]]
    );
    let kept = effect("linemerge", &[("allow_reverse", false.into())], &two).unwrap();
    assert_eq!(kept.line_count(), 2);
    // Joining at the front too.
    let front = lines_of(&[&[(1.0, 0.0), (2.0, 0.0)], &[(0.0, 0.0), (1.0, 0.0)]]);
    let merged = effect("linemerge", &[], &front).unwrap();
    assert_eq!(
        rounded(&merged),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (2.0, 0.0)]]
    );

    // A ring's start moves to the vertex nearest the previous end.
    let input = Polylines::from_lines([vec![v(0.0, 0.0), v(9.0, 9.0)], square(10.0, 10.0, 5.0)]);
    let out = effect("reloop", &[], &input).unwrap();
    assert_eq!(
        rounded(&out)[1],
        vec![
            (10.0, 10.0),
            (15.0, 10.0),
            (15.0, 15.0),
            (10.0, 15.0),
            (10.0, 10.0)
        ]
    );
    let input = Polylines::from_lines([vec![v(0.0, 0.0), v(16.0, 16.0)], square(10.0, 10.0, 5.0)]);
    let out = effect("reloop", &[], &input).unwrap();
    assert_eq!(
        rounded(&out)[1],
        vec![
            (15.0, 15.0),
            (10.0, 15.0),
            (10.0, 10.0),
            (15.0, 10.0),
            (15.0, 15.0)
        ]
    );

    let seg = line_of(&[(0.0, 0.0), (1.0, 0.0)]);
    let mp = effect("multipass", &[("count", 3.into())], &seg).unwrap();
    assert_eq!(
        rounded(&mp),
        vec![vec![(0.0, 0.0), (1.0, 0.0), (0.0, 0.0), (1.0, 0.0)]]
    );
    let ring = effect(
        "multipass",
        &[],
        &Polylines::from_lines([square(0.0, 0.0, 1.0)]),
    )
    .unwrap();
    assert_eq!(ring.point_count(), 9);

    let mixed = Polylines::from_lines([
        square(0.0, 0.0, 1.0),
        vec![v(0.0, 0.0), v(10.0, 0.0)],
        vec![v(0.0, 0.0), v(0.5, 0.0)],
    ]);
    let long = effect("filter", &[("min_length", 1.0.into())], &mixed).unwrap();
    assert_eq!(long.line_count(), 2);
    let closed = effect("filter", &[("closed", RawParam::from("closed"))], &mixed).unwrap();
    assert_eq!(closed.line_count(), 1);
    let short = effect("filter", &[("max_length", 4.5.into())], &mixed).unwrap();
    assert_eq!(short.line_count(), 2);

    let split = effect(
        "splitall",
        &[],
        &Polylines::from_lines([square(0.0, 0.0, 1.0)]),
    )
    .unwrap();
    assert_eq!((split.line_count(), split.point_count()), (4, 8));
    let rev = effect("reverse", &[("flip", true.into())], &two).unwrap();
    assert_eq!(
        rounded(&rev),
        vec![vec![(1.0, 0.0), (2.0, 0.0)], vec![(1.0, 0.0), (0.0, 0.0)]]
    );
}

#[test]
fn linesort_never_increases_travel_on_a_thousand_random_inputs() {
    use graft::geometry::{input_order, sort_for_travel, travel_of};
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32 * 100.0
    };
    let mut shorter = 0;
    for case in 0..1000 {
        let n = 2 + case % 40;
        let p = Polylines::from_lines((0..n).map(|_| {
            let a = v(rnd(), rnd());
            vec![a, a + v(rnd() / 10.0, rnd() / 10.0)]
        }));
        for (reverse, improve) in [(true, true), (true, false), (false, false)] {
            let order = sort_for_travel(&p, reverse, improve);
            let (before, after) = (travel_of(&p, &input_order(&p)), travel_of(&p, &order));
            assert!(after <= before + 1e-9, "case {case}: {after} > {before}");
            let mut seen: Vec<usize> = order.iter().map(|o| o.index).collect();
            seen.sort();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "every polyline once");
            if after < before * 0.5 {
                shorter += 1;
            }
        }
    }
    assert!(shorter > 1000, "sorting shortens random travel: {shorter}");
    // The linesort op keeps every stroke.
    let grid = primitive("grid", &[("nx", 30.into()), ("ny", 30.into())]).unwrap();
    let sorted = effect("linesort", &[], &grid).unwrap();
    assert_eq!(sorted.point_count(), grid.point_count());
    let total = |p: &Polylines| p.lines().map(graft::geometry::line_length).sum::<f64>();
    assert!((total(&sorted) - total(&grid)).abs() < 1e-6 * total(&grid));
}

const HAND_SVG: &str = r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="100mm" height="100mm" viewBox="0 0 100 100">
 <g id="l1" inkscape:groupmode="layer" inkscape:label="shapes">
   <rect x="10" y="10" width="20" height="10"/>
   <circle cx="50" cy="50" r="10"/>
 </g>
 <g id="l2" inkscape:groupmode="layer" inkscape:label="curves" transform="translate(5,0)">
   <path d="M 0,80 C 10,60 30,60 40,80" fill="none" stroke="black"/>
   <path d="M 50,80 Q 60,60 70,80" fill="none" stroke="black"/>
 </g>
</svg>"#;

fn svg_file(name: &str, text: &str) -> String {
    let dir = tempdir("svg-import");
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn svg_import_reads_shapes_curves_transforms_and_layers_in_mm() {
    let path = svg_file("hand.svg", HAND_SVG);
    let read = |layers: &str| {
        primitive(
            "svg",
            &[("path", path.as_str().into()), ("layers", layers.into())],
        )
        .unwrap()
    };
    let shapes = read("shapes");
    assert_eq!(shapes.line_count(), 2);
    let rect: Vec<(f32, f32)> = rounded(&shapes)[0].clone();
    assert_eq!(
        rect,
        vec![
            (10.0, 10.0),
            (30.0, 10.0),
            (30.0, 20.0),
            (10.0, 20.0),
            (10.0, 10.0)
        ]
    );
    let circle = shapes.line(1);
    assert_eq!(circle.first(), circle.last());
    for p in circle {
        let r = (p.truncate() - graft::geometry::Vec2::new(50.0, 50.0)).length();
        assert!((r - 10.0).abs() < 0.011, "{r}");
    }
    // Curves by layer id, moved by the layer's transform; ends exact, apex within tolerance.
    let curves = read("l2");
    assert_eq!(curves.line_count(), 2);
    let cubic = curves.line(0);
    assert!(
        cubic[0].distance(v(5.0, 80.0)) < 1e-4
            && cubic[cubic.len() - 1].distance(v(45.0, 80.0)) < 1e-4
    );
    let top = cubic.iter().map(|p| p.y).fold(f32::INFINITY, f32::min);
    assert!((top - 65.0).abs() < 0.011, "cubic apex {top}");
    let quad = curves.line(1);
    assert!(
        quad[0].distance(v(55.0, 80.0)) < 1e-4
            && quad[quad.len() - 1].distance(v(75.0, 80.0)) < 1e-4
    );
    let top = quad.iter().map(|p| p.y).fold(f32::INFINITY, f32::min);
    assert!((top - 70.0).abs() < 0.011, "quadratic apex {top}");
    assert_eq!(read("").line_count(), 4);
    // The bundled sample needs no file.
    assert!(primitive("svg", &[]).unwrap().line_count() >= 3);
}

#[test]
fn svg_written_by_graft_reads_back_the_same_geometry() {
    let scene = graft::scene::Scene::parse(
        "(canvas: (size: (120, 90)), layers: [(name: \"a\", source: polygon(center: (60, 45, 0), scale: 70)), (name: \"b\", source: spiral(center: (60, 45, 0)))])",
        "t.scene.ron",
        &registry(),
    )
    .unwrap();
    let drawing = scene.realize(0.0, &ctx()).unwrap();
    let path = svg_file("written.svg", &graft::export::to_svg(&drawing));
    for layer in &drawing.layers {
        let back = primitive(
            "svg",
            &[
                ("path", path.as_str().into()),
                ("layers", layer.name.as_str().into()),
            ],
        )
        .unwrap();
        assert_eq!(
            back.line_count(),
            layer.geometry.line_count(),
            "{}",
            layer.name
        );
        for (a, b) in back.points().iter().zip(layer.geometry.points()) {
            assert!(a.distance(*b) < 1e-3, "{}: {a} vs {b}", layer.name);
        }
    }
}

#[test]
fn bad_svg_files_are_named_with_what_is_wrong() {
    let err = |path: &str, layers: &str| {
        primitive("svg", &[("path", path.into()), ("layers", layers.into())]).unwrap_err()
    };
    let not_svg = svg_file("notes.svg", "just some text");
    let e = err(&not_svg, "");
    assert!(e.contains("is not a readable SVG file"), "{e}");
    let e = err("/no/such/file.svg", "");
    assert!(e.contains("cannot read '/no/such/file.svg'"), "{e}");
    let hand = svg_file("hand.svg", HAND_SVG);
    let e = err(&hand, "sky");
    assert!(
        e.contains("has no layer 'sky'; its layers: curves, shapes"),
        "{e}"
    );
    let e = err("/dev/zero", "");
    assert!(e.contains("cannot read"), "{e}");
}

#[test]
fn crop_cuts_lines_exactly_at_a_rectangle_or_a_circle() {
    // A 10 x 10 hatch cropped by a circle of radius 3 at its centre.
    let sq = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let hatch = effect(
        "fill",
        &[("density", 40.0.into()), ("remove_boundary", true.into())],
        &sq,
    )
    .unwrap();
    let kept = effect(
        "crop",
        &[
            ("shape", RawParam::from("circle")),
            ("center", [5.0, 5.0, 0.0].into()),
            ("radius", 3.0.into()),
        ],
        &hatch,
    )
    .unwrap();
    assert!(kept.line_count() > 10);
    for l in kept.lines() {
        for p in [l[0], l[l.len() - 1]] {
            let r = (p.truncate() - graft::geometry::Vec2::new(5.0, 5.0)).length();
            assert!((r - 3.0).abs() < 1e-4, "endpoint at radius {r}");
        }
    }
    // A rectangle: exact cut points; outside keeps the two ends.
    let line = line_of(&[(0.0, 5.0), (10.0, 5.0)]);
    let rect = |keep: &str| {
        rounded(
            &effect(
                "crop",
                &[
                    ("keep", RawParam::from(keep)),
                    ("center", [5.0, 5.0, 0.0].into()),
                    ("width", 4.0.into()),
                    ("height", 4.0.into()),
                ],
                &line,
            )
            .unwrap(),
        )
    };
    assert_eq!(rect("inside"), vec![vec![(3.0, 5.0), (7.0, 5.0)]]);
    assert_eq!(
        rect("outside"),
        vec![vec![(0.0, 5.0), (3.0, 5.0)], vec![(7.0, 5.0), (10.0, 5.0)]]
    );
    // A line that leaves and comes back becomes two; inner vertices stay.
    let zig = line_of(&[(4.0, 4.0), (5.0, 4.5), (9.0, 5.0), (5.0, 5.5), (4.0, 6.0)]);
    let out = effect(
        "crop",
        &[
            ("center", [5.0, 5.0, 0.0].into()),
            ("width", 4.0.into()),
            ("height", 4.0.into()),
        ],
        &zig,
    )
    .unwrap();
    assert_eq!(
        rounded(&out),
        vec![
            vec![(4.0, 4.0), (5.0, 4.5), (7.0, 4.75)],
            vec![(7.0, 5.25), (5.0, 5.5), (4.0, 6.0)]
        ]
    );
}

#[test]
fn fill_rules_decide_what_overlapping_shapes_fill() {
    let two = Polylines::from_lines([square(0.0, 0.0, 10.0), square(5.0, 0.0, 10.0)]);
    let row = |rule: &str, input: &Polylines| -> Vec<(f32, f32)> {
        let out = effect(
            "fill",
            &[
                ("angle", 0.0.into()),
                ("density", 10.0.into()),
                ("remove_boundary", true.into()),
                ("rule", RawParam::from(rule)),
            ],
            input,
        )
        .unwrap();
        // The scanline nearest y = 5.
        let y = out
            .lines()
            .map(|l| l[0].y)
            .min_by(|a, b| (a - 5.0).abs().total_cmp(&(b - 5.0).abs()))
            .unwrap();
        let mut xs: Vec<(f32, f32)> = out
            .lines()
            .filter(|l| l[0].y == y)
            .map(|l| {
                let (a, b) = (l[0].x.min(l[1].x), l[0].x.max(l[1].x));
                ((a * 1000.0).round() / 1000.0, (b * 1000.0).round() / 1000.0)
            })
            .collect();
        xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
        xs
    };
    assert_eq!(
        row("even_odd", &two),
        [(0.0, 5.0), (10.0, 15.0)],
        "the overlap cancels"
    );
    assert_eq!(
        row("nonzero", &two),
        [(0.0, 15.0)],
        "the overlap filled once"
    );
    assert_eq!(
        row("per_shape", &two),
        [(0.0, 10.0), (5.0, 15.0)],
        "each square on its own"
    );
    // A hole stays empty in every rule (the inner ring winds the other way for nonzero).
    let mut hole = square(3.0, 3.0, 4.0);
    hole.reverse();
    let holed = Polylines::from_lines([square(0.0, 0.0, 10.0), hole]);
    for rule in ["even_odd", "nonzero", "per_shape"] {
        let r = row(rule, &holed);
        assert_eq!(r, [(0.0, 3.0), (7.0, 10.0)], "{rule}");
    }
}

#[test]
fn occult_hides_what_later_closed_shapes_cover() {
    // A square drawn over a line removes exactly the covered part.
    let over = Polylines::from_lines([vec![v(0.0, 5.0), v(10.0, 5.0)], square(3.0, 3.0, 4.0)]);
    let out = effect("occult", &[], &over).unwrap();
    assert_eq!(
        rounded(&out),
        vec![
            vec![(0.0, 5.0), (3.0, 5.0)],
            vec![(7.0, 5.0), (10.0, 5.0)],
            vec![(3.0, 3.0), (7.0, 3.0), (7.0, 7.0), (3.0, 7.0), (3.0, 3.0)],
        ]
    );
    // Drawn before the line, the square hides nothing.
    let under = Polylines::from_lines([square(3.0, 3.0, 4.0), vec![v(0.0, 5.0), v(10.0, 5.0)]]);
    assert_eq!(
        rounded(&effect("occult", &[], &under).unwrap()),
        rounded(&under)
    );
    // The later of two overlapping squares covers the corner of the first.
    let two = Polylines::from_lines([square(0.0, 0.0, 4.0), square(2.0, 2.0, 4.0)]);
    let out = effect("occult", &[], &two).unwrap();
    let r = rounded(&out);
    assert_eq!(r[0], vec![(0.0, 0.0), (4.0, 0.0), (4.0, 2.0)]);
    assert_eq!(r[1], vec![(2.0, 4.0), (0.0, 4.0), (0.0, 0.0)]);
    let total: f64 = out.lines().map(graft::geometry::line_length).sum();
    // 16 of the first square minus the 4 mm hidden inside the second, plus the second's 16.
    assert!((total - 28.0).abs() < 1e-4, "{total}");
}

#[test]
fn linesort_finds_the_snake_through_a_shuffled_grid_of_segments() {
    use graft::geometry::{sort_for_travel, travel_of};
    // Rows of unit segments 1 mm apart, rows 2 mm apart, shuffled and half of them
    // backwards, starting in the middle: the best tour snakes along the rows with
    // (side - 1) gaps of 1 mm per row and (side - 1) steps of 2 mm between rows.
    // 30 x 30 takes the exhaustive search, 60 x 60 the one between nearest ends.
    for side in [30usize, 60] {
        let mut cells: Vec<(usize, usize)> =
            (0..side * side).map(|k| (k % side, k / side)).collect();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for k in (1..cells.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            cells.swap(k, (state % (k as u64 + 1)) as usize);
        }
        let p = Polylines::from_lines(cells.iter().enumerate().map(|(k, &(x, y))| {
            let (a, b) = (
                v(2.0 * x as f32, 2.0 * y as f32),
                v(2.0 * x as f32 + 1.0, 2.0 * y as f32),
            );
            if k % 2 == 0 { vec![a, b] } else { vec![b, a] }
        }));
        let best = ((side - 1) * side + 2 * (side - 1)) as f64;
        let greedy = travel_of(&p, &sort_for_travel(&p, true, false));
        let improved = travel_of(&p, &sort_for_travel(&p, true, true));
        assert!(improved <= greedy, "{side}: {improved} > {greedy}");
        assert!(
            improved <= best * 1.03,
            "{side}: {improved} vs the best {best} (greedy {greedy})"
        );
    }
}

fn ring_area(line: &[graft::geometry::Vec3]) -> f64 {
    let n = line.len();
    (0..n)
        .map(|i| {
            let (a, b) = (line[i], line[(i + 1) % n]);
            a.x as f64 * b.y as f64 - b.x as f64 * a.y as f64
        })
        .sum::<f64>()
        / 2.0
}

#[test]
fn buffer_grows_and_shrinks_regions_and_strokes_open_lines() {
    let unit = Polylines::from_lines([square(0.0, 0.0, 1.0)]);
    let grown = effect("buffer", &[("distance", 1.0.into())], &unit).unwrap();
    assert_eq!(grown.line_count(), 1, "one outer ring");
    let area = ring_area(grown.line(0)).abs();
    let want = 1.0 + 4.0 + std::f64::consts::PI;
    assert!((area - want).abs() < 0.005 * want, "{area} vs {want}");
    // Every point lies at distance 1 from the square (round corners), closed ring.
    let l = grown.line(0);
    assert_eq!(l[0], l[l.len() - 1]);
    for p in l {
        let dx = (p.x - 0.5).abs() - 0.5;
        let dy = (p.y - 0.5).abs() - 0.5;
        let d = (dx.max(0.0).hypot(dy.max(0.0))) as f64;
        assert!((d - 1.0).abs() < 1e-3, "{p}: {d}");
    }
    // Mitre keeps square corners: a 3 × 3 square.
    let mitre = effect(
        "buffer",
        &[("distance", 1.0.into()), ("join", "mitre".into())],
        &unit,
    )
    .unwrap();
    assert!((ring_area(mitre.line(0)).abs() - 9.0).abs() < 1e-3);
    let bevel = effect(
        "buffer",
        &[("distance", 1.0.into()), ("join", "bevel".into())],
        &unit,
    )
    .unwrap();
    assert!(
        (ring_area(bevel.line(0)).abs() - 7.0).abs() < 1e-3,
        "{}",
        ring_area(bevel.line(0))
    );
    // Shrinking a 10 mm square by 1 mm leaves an 8 mm one; by 6 mm, nothing.
    let big = Polylines::from_lines([square(0.0, 0.0, 10.0)]);
    let shrunk = effect("buffer", &[("distance", (-1.0).into())], &big).unwrap();
    assert_eq!(shrunk.line_count(), 1);
    assert!((ring_area(shrunk.line(0)).abs() - 64.0).abs() < 1e-3);
    let gone = effect("buffer", &[("distance", (-6.0).into())], &big).unwrap();
    assert_eq!(gone.line_count(), 0);
    // A square with a hole (even-odd): growing it shrinks the hole.
    let holed = Polylines::from_lines([square(0.0, 0.0, 10.0), square(3.0, 3.0, 4.0)]);
    let g = effect(
        "buffer",
        &[("distance", 1.0.into()), ("join", "mitre".into())],
        &holed,
    )
    .unwrap();
    let mut areas: Vec<f64> = g.lines().map(|l| ring_area(l).abs()).collect();
    areas.sort_by(f64::total_cmp);
    assert_eq!(areas.len(), 2);
    assert!(
        (areas[0] - 4.0).abs() < 1e-3 && (areas[1] - 144.0).abs() < 1e-3,
        "{areas:?}"
    );
    // Two overlapping squares grow into one outline.
    let two = Polylines::from_lines([square(0.0, 0.0, 2.0), square(1.0, 1.0, 2.0)]);
    let g = effect("buffer", &[("distance", 0.5.into())], &two).unwrap();
    assert_eq!(g.line_count(), 1);
    // An open 10 mm line grows into a stroke of width 2 with round ends: 20 + π.
    let line = Polylines::from_lines([vec![v(0.0, 0.0), v(10.0, 0.0)]]);
    let s = effect("buffer", &[("distance", 1.0.into())], &line).unwrap();
    assert_eq!(s.line_count(), 1);
    let a = ring_area(s.line(0)).abs();
    assert!((a - (20.0 + std::f64::consts::PI)).abs() < 0.005 * a, "{a}");
    // keep_original draws the input too; distance 0 is the input.
    let k = effect(
        "buffer",
        &[("distance", 1.0.into()), ("keep_original", true.into())],
        &unit,
    )
    .unwrap();
    assert_eq!(k.line_count(), 2);
    assert_eq!(
        effect("buffer", &[("distance", 0.0.into())], &unit).unwrap(),
        unit
    );
}

#[test]
fn buffer_of_degenerate_and_self_intersecting_rings_never_panics() {
    let mut state = 0x1234_5678_9abc_def1u64;
    let mut rnd = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32
    };
    for case in 0..300 {
        let n = 1 + case % 9;
        let lines: Vec<Vec<graft::geometry::Vec3>> = (0..1 + case % 4)
            .map(|_| {
                let mut pts: Vec<_> = (0..n)
                    .map(|_| {
                        // Snap to a coarse grid: many coincident points and edges.
                        v((rnd() * 8.0).round(), (rnd() * 8.0).round())
                    })
                    .collect();
                if case % 2 == 0 {
                    pts.push(pts[0]);
                }
                pts
            })
            .collect();
        let input = Polylines::from_lines(lines);
        for d in [-2.0, -0.5, 0.3, 1.0] {
            let out = effect("buffer", &[("distance", d.into())], &input).unwrap();
            for l in out.lines() {
                assert!(
                    l.len() >= 4 && l[0] == l[l.len() - 1],
                    "case {case}: closed rings"
                );
                assert!(l.iter().all(|p| p.is_finite()));
            }
        }
    }
}

#[test]
fn buffer_rules_merge_repeated_shapes_or_cancel_their_overlaps() {
    // Two overlapping 2 mm squares, and a square with a hole.
    let two = Polylines::from_lines([square(0.0, 0.0, 2.0), square(1.0, 1.0, 2.0)]);
    let area = |p: &Polylines| p.lines().map(|l| ring_area(l)).sum::<f64>().abs();
    let grow = |rule: &str, p: &Polylines| {
        effect(
            "buffer",
            &[
                ("distance", 0.25.into()),
                ("join", "mitre".into()),
                ("rule", rule.into()),
            ],
            p,
        )
        .unwrap()
    };
    // per_shape (the default) and nonzero merge them: one 2.5 mm L-ish outline.
    let merged = grow("per_shape", &two);
    assert_eq!(merged.line_count(), 1);
    assert!(
        (area(&merged) - (2.0 * 6.25 - 1.5 * 1.5)).abs() < 1e-3,
        "{}",
        area(&merged)
    );
    assert_eq!(grow("nonzero", &two).line_count(), 1);
    // even_odd cancels the overlap: the two L shapes grown, the middle square shrunk.
    let cancelled = grow("even_odd", &two);
    assert!(cancelled.line_count() >= 2, "{}", cancelled.line_count());
    // A nested ring is a hole under per_shape and even_odd alike.
    let holed = Polylines::from_lines([square(0.0, 0.0, 10.0), square(3.0, 3.0, 4.0)]);
    for rule in ["per_shape", "even_odd"] {
        let g = grow(rule, &holed);
        assert_eq!(g.line_count(), 2, "{rule}");
    }
}

#[test]
fn offset_curve_draws_concentric_contours_and_one_sided_parallels() {
    // A circle of radius 10 (1024 sides): 3 curves each side at radii 11, 12, 13 and 9, 8, 7.
    let circle = primitive(
        "circle",
        &[
            ("radius", 10.0.into()),
            ("segments", 1024.into()),
            ("center", [50.0, 50.0, 0.0].into()),
        ],
    )
    .unwrap();
    let rings = effect(
        "offset_curve",
        &[("distance", 1.0.into()), ("count", 3.into())],
        &circle,
    )
    .unwrap();
    assert_eq!(rings.line_count(), 6);
    let mut radii: Vec<f64> = rings
        .lines()
        .map(|l| {
            assert!(
                l.len() > 8 && l[0].distance(l[l.len() - 1]) < 1e-4,
                "closed"
            );
            let r: Vec<f64> = l
                .iter()
                .map(|p| (p.x as f64 - 50.0).hypot(p.y as f64 - 50.0))
                .collect();
            let (lo, hi) = r
                .iter()
                .fold((f64::MAX, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
            assert!(hi - lo < 2e-3, "round: {lo}..{hi}");
            (lo + hi) / 2.0
        })
        .collect();
    radii.sort_by(f64::total_cmp);
    for (got, want) in radii.iter().zip([7.0, 8.0, 9.0, 11.0, 12.0, 13.0]) {
        assert!((got - want).abs() < 2e-3, "{radii:?}");
    }
    // Inside runs out: a radius-2.5 circle has only two inner contours at spacing 1.
    let small = primitive(
        "circle",
        &[("radius", 2.5.into()), ("segments", 256.into())],
    )
    .unwrap();
    let inner = effect(
        "offset_curve",
        &[
            ("distance", 1.0.into()),
            ("count", 5.into()),
            ("side", "left".into()),
        ],
        &small,
    );
    let outer = effect(
        "offset_curve",
        &[
            ("distance", 1.0.into()),
            ("count", 5.into()),
            ("side", "right".into()),
        ],
        &small,
    );
    let (inner, outer) = (inner.unwrap(), outer.unwrap());
    assert_eq!(
        inner.line_count() + outer.line_count(),
        7,
        "{} + {}",
        inner.line_count(),
        outer.line_count()
    );
    // An open line drawn to the right: on the paper (y down) its left side is -y.
    let line = Polylines::from_lines([vec![v(0.0, 0.0), v(10.0, 0.0)]]);
    let left = effect(
        "offset_curve",
        &[("distance", 2.0.into()), ("side", "left".into())],
        &line,
    )
    .unwrap();
    assert_eq!(rounded(&left), vec![vec![(0.0, -2.0), (10.0, -2.0)]]);
    let right = effect(
        "offset_curve",
        &[("distance", 2.0.into()), ("side", "right".into())],
        &line,
    )
    .unwrap();
    assert_eq!(rounded(&right), vec![vec![(0.0, 2.0), (10.0, 2.0)]]);
    let kept = effect("offset_curve", &[("keep_original", true.into())], &line).unwrap();
    assert_eq!(kept.line_count(), 3);
    // Degenerate input never panics.
    let junk = Polylines::from_lines([
        vec![v(0.0, 0.0), v(0.0, 0.0)],
        vec![v(1.0, 1.0), v(2.0, 2.0), v(1.0, 1.0)],
        vec![
            v(0.0, 0.0),
            v(4.0, 4.0),
            v(4.0, 0.0),
            v(0.0, 4.0),
            v(0.0, 0.0),
        ],
    ]);
    effect(
        "offset_curve",
        &[("distance", 0.5.into()), ("count", 4.into())],
        &junk,
    )
    .unwrap();
}

#[test]
fn what_an_svg_import_leaves_out_is_noted_and_the_notes_survive_later_stages_and_the_cache() {
    use graft::cache::{CacheBudget, GeometryCache, evaluate_cached};
    let path = svg_file(
        "notes.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" viewBox="0 0 100 100">
<image href="/dev/zero" width="10" height="10"/>
<path id="far" d="M 0 0 L 1e300 0"/>
<path d="M 10 10 L 90 90"/>
</svg>"#,
    );
    let recipe = graft::ops::Recipe {
        source: call("svg", &[("path", path.as_str().into())]),
        effects: vec![call("translate", &[("delta", [1.0, 0.0, 0.0].into())])],
    };
    let resolved = recipe.resolve(0.0, &ctx()).unwrap();
    let cache = std::sync::Mutex::new(GeometryCache::new(CacheBudget::default()));
    let expected = [
        "svg: 1 image ignored (graft draws lines only; nothing they name is read)".to_string(),
        "svg: 1 element dropped: coordinates not finite or beyond ±1000000 mm (first: <path id=\"far\"> at line 3)".to_string(),
    ];
    for pass in ["computed", "from the cache"] {
        let out = evaluate_cached(&resolved, &ctx(), &cache).unwrap();
        assert_eq!(out.line_count(), 1, "{pass}");
        assert_eq!(out.notes(), expected, "{pass}");
    }
    // Geometry equality ignores notes.
    let plain = Polylines::from_lines([vec![v(1.0, 2.0)]]);
    let mut noted = plain.clone();
    noted.add_note("x");
    assert_eq!(plain, noted);
}
