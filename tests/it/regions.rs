//! Scenes as graphs and the region ops that read other geometry: clip, boolean and
//! occult across layers. Exact results on small inputs, the dependency behaviour of the
//! pipeline (what recomputes when a mask changes), errors for cycles and missing names,
//! round trips of scenes with references, and random hostile input.

use std::sync::Arc;

use graft::ecs::{LayerError, PipelineStats, Realized};
use graft::geometry::{Polylines, Vec3};
use graft::ops::{
    Boolean, BooleanOp, Clip, ClipMode, Crop, CropShape, EvalContext, Evaluate, FillRule,
    GeometryRef, Inputs, LensKind, LensProfile, Occult, ScopedThreads, Warp, WarpMode,
};
use graft::scene::Scene;
use proptest::prelude::*;

use crate::pipeline::{SCENE, app, entity, run_until, settle};
use crate::util::{registry, tempdir};

fn parse(text: &str) -> Result<Scene, String> {
    Scene::parse(text, "graph.scene.ron", &registry()).map_err(|e| e.to_string())
}

fn scene(layers: &str, shapes: &str) -> String {
    format!(
        "(\n    canvas: (size: (200, 200)),\n    layers: [\n{layers}    ],\n    shapes: [\n{shapes}    ],\n)\n"
    )
}

/// Geometry of the visible layer `name` of `text`, evaluated by the pure core.
fn drawn(text: &str, name: &str) -> Polylines {
    let drawing = parse(text)
        .unwrap()
        .realize(0.0, &EvalContext::default())
        .unwrap();
    let layer = drawing.layers.iter().find(|l| l.name == name).unwrap();
    (*layer.geometry).clone()
}

/// Signed area of a closed polyline (shoelace).
fn area(line: &[Vec3]) -> f64 {
    line.windows(2)
        .map(|w| (w[0].x as f64 * w[1].y as f64) - (w[1].x as f64 * w[0].y as f64))
        .sum::<f64>()
        / 2.0
}

/// Area enclosed by rings (holes wound against their outer ring subtract).
fn net_area(p: &Polylines) -> f64 {
    p.lines().map(area).sum::<f64>().abs()
}

fn ring(points: &[(f32, f32)]) -> Vec<Vec3> {
    let mut r: Vec<Vec3> = points.iter().map(|&(x, y)| Vec3::new(x, y, 0.0)).collect();
    r.push(r[0]);
    r
}

fn attached(name: &str, geometry: Polylines) -> Inputs {
    Inputs(vec![GeometryRef {
        name: name.into(),
        id: None,
        geometry: Some(Arc::new(geometry)),
    }])
}

#[test]
fn clipping_a_hatch_by_a_circle_keeps_only_what_lies_inside_cut_at_the_circle() {
    // A 10 × 10 hatch centred on (50, 50), clipped by a circle of radius 3 (a 4096-gon:
    // its edges are within 1e-4 mm of the true circle).
    let text = scene(
        "        (name: \"hatch\", source: rect(width: 10, height: 10, center: (50, 50, 0)), effects: [\n            fill(angle: 0, spacing: 0.5, remove_boundary: true),\n            clip(mask: \"disc\"),\n        ]),\n",
        "        (name: \"disc\", source: circle(radius: 3, segments: 4096, center: (50, 50, 0))),\n",
    );
    let clipped = drawn(&text, "hatch");
    // Hatch lines at y = 50 ± 0.25 ± k·0.5 that meet the disc (|dy| < 3): 12 of them.
    assert_eq!(
        clipped.line_count(),
        12,
        "{:?}",
        clipped.lines().collect::<Vec<_>>()
    );
    for line in clipped.lines() {
        assert_eq!(line.len(), 2);
        for p in [line[0], line[1]] {
            let r = ((p.x as f64 - 50.0).hypot(p.y as f64 - 50.0) - 3.0).abs();
            assert!(r < 1e-4, "endpoint {p:?} is {r} mm off the circle");
        }
        assert!((line[0].y - line[1].y).abs() < 1e-6, "still horizontal");
    }
    // Outside keeps the rest: both ends of each crossing line, and whole lines beyond.
    let text = text.replace(
        "clip(mask: \"disc\")",
        "clip(mask: \"disc\", mode: \"outside\")",
    );
    let outside = drawn(&text, "hatch");
    let total_len: f64 = outside
        .lines()
        .map(|l| (l[1].x as f64 - l[0].x as f64).abs())
        .sum();
    let inside_len: f64 = clipped
        .lines()
        .map(|l| (l[1].x as f64 - l[0].x as f64).abs())
        .sum();
    assert!(
        (total_len + inside_len - 20.0 * 10.0).abs() < 1e-3,
        "{total_len} + {inside_len}"
    );
}

#[test]
fn boolean_union_difference_intersection_and_xor_have_the_exact_areas() {
    let layers = |op: &str| {
        format!(
            "        (name: \"a\", source: polyline(points: [(0, 0), (1, 0), (1, 1), (0, 1)], closed: true), effects: [boolean(op: \"{op}\", with: \"b\")]),\n"
        )
    };
    let b = "        (name: \"b\", source: polyline(points: [(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5)], closed: true)),\n";
    let of = |op: &str| drawn(&scene(&layers(op), b), "a");
    let union = of("union");
    assert_eq!(union.line_count(), 1, "one outer ring");
    assert!(
        (net_area(&union) - 1.75).abs() < 1e-6,
        "{}",
        net_area(&union)
    );
    assert!((net_area(&of("intersection")) - 0.25).abs() < 1e-6);
    assert!((net_area(&of("difference")) - 0.75).abs() < 1e-6);
    let xor = of("xor");
    assert!((xor.lines().map(|l| area(l).abs()).sum::<f64>() - 1.5).abs() < 1e-6);

    // A difference that leaves a hole: an outer ring of area 100 and a hole of 4.
    let big = "        (name: \"plate\", source: rect(width: 10, height: 10, center: (50, 50, 0)), effects: [boolean(op: \"difference\", with: \"hole\")]),\n";
    let hole =
        "        (name: \"hole\", source: rect(width: 2, height: 2, center: (50, 50, 0))),\n";
    let plate = drawn(&scene(big, hole), "plate");
    let mut areas: Vec<f64> = plate.lines().map(area).collect();
    areas.sort_by(|a, b| a.abs().total_cmp(&b.abs()));
    assert_eq!(areas.len(), 2);
    assert!((areas[0].abs() - 4.0).abs() < 1e-4 && (areas[1].abs() - 100.0).abs() < 1e-4);
    assert!(
        areas[0].signum() != areas[1].signum(),
        "the hole winds the other way"
    );
    assert!((net_area(&plate) - 96.0).abs() < 1e-4);

    // Union alone merges the layer's own overlapping shapes.
    let two = Polylines::from_lines([
        ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]),
        ring(&[(0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5)]),
    ]);
    let merged = Boolean::default()
        .eval(&two, &EvalContext::default())
        .unwrap();
    assert_eq!(merged.line_count(), 1);
    assert!((net_area(&merged) - 1.75).abs() < 1e-6);
    let refused = Boolean {
        op: BooleanOp::Xor,
        ..Boolean::default()
    }
    .eval(&two, &EvalContext::default())
    .unwrap_err();
    assert!(refused.to_string().contains("set `with`"), "{refused}");
}

#[test]
fn union_of_ten_thousand_squares_has_shapelys_area() {
    // The bench's 10 000 squares: Shapely's unary_union of the same squares covers
    // 58 959.8 mm² (benches/shapely_regions.py); strips merged in parallel give the same
    // under non-zero, where every square counts on its own.
    let squares = graft::bench::random_squares(10_000);
    let ctx = EvalContext::default().with_executor(Arc::new(ScopedThreads { threads: 2 }));
    let union = Boolean {
        rule: FillRule::Nonzero,
        ..Boolean::default()
    }
    .eval(&squares, &ctx)
    .unwrap();
    assert!(
        (net_area(&union) - 58959.8).abs() < 0.1,
        "{}",
        net_area(&union)
    );
    // Per shape (the default), a square lying wholly inside another is its hole, as in
    // grafix's fill: less area, never more.
    let per_shape = Boolean::default().eval(&squares, &ctx).unwrap();
    assert!(net_area(&per_shape) < net_area(&union) - 1.0);
}

#[test]
fn crop_to_the_paper_keeps_a_margin_on_every_side_and_follows_the_canvas() {
    let on = |size: &str| {
        format!(
            "(canvas: (size: {size}), layers: [(name: \"g\", source: grid(nx: 30, ny: 30, center: (100, 100, 0), scale: 400), effects: [crop(shape: \"paper\", margin: 10)])])"
        )
    };
    let ctx = EvalContext::default();
    let a4ish = parse(&on("(200, 200)"))
        .unwrap()
        .realize(0.0, &ctx)
        .unwrap();
    let small = parse(&on("(100, 150)"))
        .unwrap()
        .realize(0.0, &ctx)
        .unwrap();
    for (drawing, (w, h)) in [(&a4ish, (200.0, 200.0)), (&small, (100.0, 150.0))] {
        let g = &drawing.layers[0].geometry;
        assert!(g.line_count() > 0);
        let (mut lo, mut hi) = ([f32::MAX; 2], [f32::MIN; 2]);
        for p in g.points() {
            lo = [lo[0].min(p.x), lo[1].min(p.y)];
            hi = [hi[0].max(p.x), hi[1].max(p.y)];
        }
        // The grid spans far beyond the paper: the cut lies exactly at the margin.
        for (got, want) in [
            (lo[0], 10.0),
            (lo[1], 10.0),
            (hi[0], w - 10.0),
            (hi[1], h - 10.0),
        ] {
            assert!((got as f64 - want).abs() < 1e-4, "{got} vs {want}");
        }
    }
    assert_ne!(
        a4ish.layers[0].id, small.layers[0].id,
        "the paper's size is part of the id"
    );
    // Outside a scene there is no paper to crop to.
    let grid = Polylines::from_lines([vec![Vec3::new(0.0, 0.0, 0.0), Vec3::new(1.0, 1.0, 0.0)]]);
    let err = Crop {
        shape: CropShape::Paper,
        ..Crop::default()
    }
    .eval(&grid, &ctx)
    .unwrap_err();
    assert!(err.to_string().contains("canvas"), "{err}");
}

#[test]
fn occult_across_layers_removes_exactly_the_part_under_the_upper_layer() {
    // A line from x = 0 to 100 at y = 50 under a square covering x 40..60.
    let line = "        (name: \"line\", source: line(length: 100, center: (50, 50, 0), angle: 0), effects: [occult(by: [\"square\"])]),\n";
    let square =
        "        (name: \"square\", source: rect(width: 20, height: 20, center: (50, 50, 0))),\n";
    let text = scene(&format!("{line}{square}"), "");
    let left = drawn(&text, "line");
    let mut pieces: Vec<(f32, f32)> = left.lines().map(|l| (l[0].x, l[l.len() - 1].x)).collect();
    pieces.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_eq!(pieces.len(), 2, "{pieces:?}");
    assert!(
        (pieces[0].0 - 0.0).abs() < 1e-4 && (pieces[0].1 - 40.0).abs() < 1e-4,
        "{pieces:?}"
    );
    assert!(
        (pieces[1].0 - 60.0).abs() < 1e-4 && (pieces[1].1 - 100.0).abs() < 1e-4,
        "{pieces:?}"
    );
    // The square itself is drawn whole.
    assert_eq!(drawn(&text, "square").line_count(), 1);
}

fn points(pts: &[(f32, f32)]) -> Polylines {
    Polylines::from_lines(pts.iter().map(|&(x, y)| vec![Vec3::new(x, y, 0.0)]))
}

fn close(a: Vec3, x: f32, y: f32) -> bool {
    (a.x - x).abs() < 1e-4 && (a.y - y).abs() < 1e-4
}

#[test]
fn warp_attract_moves_points_onto_the_outline_and_lens_scales_only_inside() {
    let square =
        Polylines::from_lines([ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)])]);
    let ctx = EvalContext::default();
    // Full strength, no falloff, no snap band: every point lands on its nearest edge,
    // from outside and from inside, and z is kept.
    let attract = Warp {
        mask: attached("m", square.clone()),
        mode: WarpMode::Attract,
        falloff: 0.0,
        snap_band: 0.0,
        ..Warp::default()
    };
    let mut input = points(&[(15.0, 5.0), (5.0, 3.0), (-2.0, -2.0)]);
    input.points_mut()[0].z = 7.0;
    let out = attract.eval(&input, &ctx).unwrap();
    let p = out.points();
    assert!(close(p[0], 10.0, 5.0) && p[0].z == 7.0, "{p:?}");
    assert!(close(p[1], 5.0, 0.0), "{p:?}");
    assert!(close(p[2], 0.0, 0.0), "{p:?}");
    // Half strength moves half way; a snap band of 3 leaves the point 5 mm away alone.
    let half = Warp {
        strength: 0.5,
        ..attract.clone()
    }
    .eval(&input, &ctx)
    .unwrap();
    assert!(close(half.points()[0], 12.5, 5.0), "{:?}", half.points());
    let banded = Warp {
        snap_band: 3.0,
        ..attract.clone()
    }
    .eval(&input, &ctx)
    .unwrap();
    assert!(close(banded.points()[0], 15.0, 5.0) && close(banded.points()[1], 5.0, 0.0));
    // Repel pushes away by the same amount; a falloff of 5 scales the pull by e^(-d/5).
    let repel = Warp {
        direction: graft::ops::AttractDirection::Repel,
        ..attract.clone()
    };
    assert!(close(
        repel.eval(&input, &ctx).unwrap().points()[0],
        20.0,
        5.0
    ));
    let soft = Warp {
        falloff: 5.0,
        ..attract.clone()
    }
    .eval(&input, &ctx)
    .unwrap();
    let pulled = 5.0 * (-1.0f32).exp();
    assert!(
        close(soft.points()[0], 15.0 - pulled, 5.0),
        "{:?}",
        soft.points()
    );

    // Lens, scale 2 with a hard edge: inside points scale about the mask's centre (5, 5),
    // outside points stay.
    let lens = Warp {
        mask: attached("m", square.clone()),
        scale: 2.0,
        band: 0.0,
        ..Warp::default()
    };
    let out = lens
        .eval(&points(&[(6.0, 7.0), (12.0, 3.0)]), &ctx)
        .unwrap();
    assert!(close(out.points()[0], 7.0, 9.0), "{:?}", out.points());
    assert!(close(out.points()[1], 12.0, 3.0), "{:?}", out.points());
    // Everywhere (inside_only off), rotate by 90° about a pivot.
    let rotate = Warp {
        kind: LensKind::Rotate,
        angle: 90.0,
        inside_only: false,
        auto_center: false,
        pivot: Vec3::new(10.0, 0.0, 0.0),
        ..lens.clone()
    };
    let out = rotate
        .eval(&points(&[(12.0, 0.0), (5.0, 5.0)]), &ctx)
        .unwrap();
    assert!(close(out.points()[0], 10.0, 2.0), "{:?}", out.points());
    assert!(close(out.points()[1], 5.0, -5.0), "{:?}", out.points());
    // A band of 4: no move on the edge, the full move 2 mm deep (band profile's peak),
    // and with the ramp profile the full move from 4 mm deep on.
    let banded = Warp {
        band: 4.0,
        ..lens.clone()
    };
    let out = banded
        .eval(&points(&[(5.0, 0.0), (5.0, 2.0)]), &ctx)
        .unwrap();
    assert!(close(out.points()[0], 5.0, 0.0), "{:?}", out.points());
    assert!(close(out.points()[1], 5.0, -1.0), "{:?}", out.points());
    let ramp = Warp {
        profile: LensProfile::Ramp,
        ..banded.clone()
    };
    let out = ramp.eval(&points(&[(5.0, 2.0), (5.0, 4.0)]), &ctx).unwrap();
    assert!(close(out.points()[0], 5.0, 0.5), "{:?}", out.points());
    assert!(close(out.points()[1], 5.0, 3.0), "{:?}", out.points());

    // The original and the mask can be drawn too, after the warped lines.
    let extras = Warp {
        keep_original: true,
        show_mask: true,
        ..lens.clone()
    };
    let out = extras.eval(&points(&[(6.0, 7.0)]), &ctx).unwrap();
    assert_eq!(out.line_count(), 3);
    assert!(close(out.points()[0], 7.0, 9.0) && close(out.points()[1], 6.0, 7.0));
    assert_eq!(out.lines().nth(2).unwrap().len(), 5);
    // No mask is an error that says what to set.
    let e = Warp::default().eval(&input, &ctx).unwrap_err().to_string();
    assert!(e.contains("set `mask`"), "{e}");
}

#[test]
fn warp_reads_a_shape_of_the_scene() {
    // A hatch through a circular lens shape that scales by 1.5 inside it: points inside
    // move away from the centre, points outside the circle stay where they were.
    let text = scene(
        "        (name: \"hatch\", source: grid(nx: 9, ny: 9, center: (100, 100, 0), scale: 100), effects: [subdivide(subdivisions: 4), warp(mask: \"lens\", scale: 1.5, band: 10)]),\n",
        "        (name: \"lens\", source: polygon(n_sides: 64, center: (100, 100, 0), scale: 60)),\n",
    );
    let warped = drawn(&text, "hatch");
    let plain = drawn(
        &text.replace("warp(mask: \"lens\", scale: 1.5, band: 10)", "rotate()"),
        "hatch",
    );
    assert_eq!(warped.point_count(), plain.point_count());
    let (mut moved, mut outside_moved) = (0, 0);
    for (a, b) in warped.points().iter().zip(plain.points()) {
        let r = (b.x - 100.0).hypot(b.y - 100.0);
        if (*a - *b).length() > 1e-3 {
            moved += 1;
            if r > 30.0 {
                outside_moved += 1;
            }
            // Scaling about the centre moves a point outward.
            assert!((a.x - 100.0).hypot(a.y - 100.0) > r);
        }
    }
    assert!(moved > 20, "{moved}");
    assert_eq!(outside_moved, 0);
}

#[test]
fn a_hidden_layer_and_a_shape_both_serve_as_masks_and_shapes_are_never_drawn() {
    let text = scene(
        "        (name: \"frame\", visible: false, source: rect(width: 20, height: 21, center: (50, 50, 0))),\n        (name: \"hatch\", source: rect(width: 100, height: 100, center: (50, 50, 0)), effects: [fill(angle: 0, spacing: 1, remove_boundary: true), clip(mask: [\"frame\", \"far\"])]),\n",
        "        (name: \"far\", source: rect(width: 10, height: 11, center: (90, 90, 0))),\n",
    );
    let drawing = parse(&text)
        .unwrap()
        .realize(0.0, &EvalContext::default())
        .unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["hatch"], "hidden layers and shapes are not drawn");
    let hatch = &drawing.layers[0].geometry;
    let length: f64 = hatch
        .lines()
        .map(|l| (l[1].x as f64 - l[0].x as f64).abs())
        .sum();
    // The hatch lattice lies at half millimetres: 20 lines of 20 mm inside the frame
    // (y = 40.5..59.5) and 10 of 10 mm inside `far` (y = 85.5..94.5).
    assert!(
        (length - (20.0 * 20.0 + 10.0 * 10.0)).abs() < 1e-3,
        "{length}"
    );
}

#[test]
fn cycles_missing_names_and_reused_names_are_refused_with_what_is_valid() {
    let cycle = scene(
        "        (name: \"a\", source: rect(), effects: [clip(mask: \"b\")]),\n        (name: \"b\", source: rect(), effects: [boolean(op: \"union\", with: \"a\")]),\n",
        "",
    );
    let e = parse(&cycle).unwrap_err();
    assert!(e.contains("cycle: a → b → a"), "{e}");
    let own = scene(
        "        (name: \"a\", source: rect(), effects: [occult(by: [\"a\"])]),\n",
        "",
    );
    assert!(parse(&own).unwrap_err().contains("cycle: a → a"));
    let missing = scene(
        "        (name: \"a\", source: rect(), effects: [clip(mask: \"fram\")]),\n",
        "        (name: \"frame\", source: circle()),\n",
    );
    let e = parse(&missing).unwrap_err();
    assert!(
        e.contains(
            "'a' reads 'fram', but there is no layer or shape named 'fram'; valid names: a, frame"
        ),
        "{e}"
    );
    assert!(
        e.starts_with("graph.scene.ron:4:"),
        "points at the reference: {e}"
    );
    let twice = scene(
        "        (name: \"a\", source: rect()),\n",
        "        (name: \"a\", source: circle()),\n",
    );
    assert!(parse(&twice).unwrap_err().contains("used twice"));
    let not_a_name = scene(
        "        (name: \"a\", source: rect(), effects: [clip(mask: 3)]),\n",
        "",
    );
    assert!(
        parse(&not_a_name)
            .unwrap_err()
            .contains("the name of a layer or shape")
    );
}

#[test]
fn a_scene_with_references_saves_and_reloads_to_the_same_ids() {
    let text = scene(
        "        (name: \"sun\", source: circle(radius: 30, center: (100, 100, 0))),\n        (name: \"sea\", source: grid(nx: 20, ny: 20, scale: 150), effects: [occult(by: [\"sun\", \"title\"]), clip(mask: \"frame\", mode: \"inside\", outline: true)]),\n",
        "        (name: \"frame\", source: rect(width: 150, height: 150, center: (100, 100, 0)), effects: [buffer(distance: -5)]),\n        (name: \"title\", source: rect(width: 40, height: 10, center: (100, 30, 0))),\n",
    );
    let first = parse(&text).unwrap();
    let written = first.to_ron("");
    assert!(written.contains("shapes: ["), "{written}");
    assert!(
        written.contains("occult(by: [\"sun\", \"title\"])"),
        "{written}"
    );
    assert!(
        written.contains("clip(mask: \"frame\", mode: \"inside\", outline: true)"),
        "{written}"
    );
    let again = parse(&written).unwrap();
    assert_eq!(again, first);
    let ctx = EvalContext::default();
    let ids = |s: &Scene| {
        s.realize(0.0, &ctx)
            .unwrap()
            .layers
            .iter()
            .map(|l| l.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&again), ids(&first));
    // The reading stage's id covers what it reads: another mask, another id.
    let moved = parse(&text.replace("distance: -5", "distance: -6")).unwrap();
    let (a, b) = (ids(&first), ids(&moved));
    assert_eq!(a[0], b[0], "the sun does not read the frame");
    assert_ne!(a[1], b[1], "the sea does");
}

fn misses(app: &bevy::app::App) -> u64 {
    app.world().resource::<PipelineStats>().stage_misses
}

#[test]
fn editing_a_mask_recomputes_only_the_stages_that_read_it_and_cycles_are_layer_errors() {
    let dir = tempdir("graph-deps");
    let path = dir.join(SCENE);
    let text = scene(
        "        (name: \"hatch\", source: rect(width: 60, height: 60, center: (100, 100, 0)), effects: [fill(spacing: 1, remove_boundary: true), clip(mask: \"disc\")]),\n        (name: \"other\", source: polygon(n_sides: 7)),\n",
        "        (name: \"disc\", source: circle(radius: 20, center: (100, 100, 0))),\n",
    );
    std::fs::write(&path, &text).unwrap();
    let mut app = app(&dir, true);
    settle(&mut app);
    let (hatch, other) = (entity(&mut app, "hatch"), entity(&mut app, "other"));
    let geometry = |app: &bevy::app::App| app.world().get::<Realized>(hatch).unwrap().clone();
    let before = geometry(&app);
    let other_id = app.world().get::<Realized>(other).unwrap().id;
    let start = misses(&app);

    // The mask grows: the disc's stage and the hatch's clip run again; the fill is
    // cached, and the other layer does nothing.
    std::fs::write(&path, text.replace("radius: 20", "radius: 25")).unwrap();
    run_until(&mut app, "the grown mask", |app| {
        geometry(app).id != before.id
    });
    settle(&mut app);
    assert_eq!(misses(&app) - start, 2, "circle + clip");
    assert_eq!(app.world().get::<Realized>(other).unwrap().id, other_id);
    let grown = geometry(&app);
    assert!(grown.geometry.point_count() > 0);

    // Editing an unrelated layer recomputes nothing of the hatch.
    let start = misses(&app);
    let edited = text
        .replace("radius: 20", "radius: 25")
        .replace("n_sides: 7", "n_sides: 8");
    std::fs::write(&path, &edited).unwrap();
    run_until(&mut app, "the other layer", |app| {
        app.world().get::<Realized>(other).unwrap().id != other_id
    });
    settle(&mut app);
    assert_eq!(misses(&app) - start, 1, "the polygon only");
    assert_eq!(geometry(&app).id, grown.id);

    // A reload that renames the mask is refused with the name and the valid names; the
    // last good drawing stays.
    let failures = app.world().resource::<graft::ecs::SceneStatus>().failures;
    std::fs::write(
        &path,
        edited.replace("(name: \"disc\"", "(name: \"circle\""),
    )
    .unwrap();
    run_until(&mut app, "the refused reload", |app| {
        app.world().resource::<graft::ecs::SceneStatus>().failures > failures
    });
    let status = app.world().resource::<graft::ecs::SceneStatus>().clone();
    let message = status.error().unwrap().to_string();
    assert!(
        message.contains("no layer or shape named 'disc'; valid names: hatch, other, circle"),
        "{message}"
    );
    assert_eq!(geometry(&app).id, grown.id);

    // An edit in the app that makes a cycle is an error on the layers in it, and each
    // keeps its last good drawing.
    use graft::ecs::{EditCommand, EditQueue};
    use graft::edit::{Edit, ParamPath};
    use graft::ops::{ParamInput, Value};
    let other_before = app.world().get::<Realized>(other).unwrap().id;
    let mut queue = app.world_mut().resource_mut::<EditQueue>();
    queue.push(EditCommand::Edit {
        layer: "other".into(),
        edit: Edit::AddEffect(0, registry().get("clip").unwrap().clone()),
        merge: None,
    });
    queue.push(EditCommand::Edit {
        layer: "other".into(),
        edit: Edit::SetParam(
            ParamPath::parse("clip/mask").unwrap(),
            ParamInput::Const(Value::Inputs(vec![GeometryRef::named("hatch")])),
        ),
        merge: None,
    });
    queue.push(EditCommand::Edit {
        layer: "hatch".into(),
        edit: Edit::SetParam(
            ParamPath::parse("clip/mask").unwrap(),
            ParamInput::Const(Value::Inputs(vec![GeometryRef::named("other")])),
        ),
        merge: None,
    });
    run_until(&mut app, "the cycle's error", |app| {
        app.world().get::<LayerError>(hatch).unwrap().is_set()
    });
    settle(&mut app);
    let message = app
        .world()
        .get::<LayerError>(hatch)
        .unwrap()
        .message
        .clone()
        .unwrap();
    assert!(message.contains("cycle: "), "{message}");
    assert!(
        message.contains("hatch") && message.contains("other"),
        "{message}"
    );
    assert!(app.world().get::<LayerError>(other).unwrap().is_set());
    assert_eq!(geometry(&app).id, grown.id, "the last good drawing stays");
    assert_eq!(app.world().get::<Realized>(other).unwrap().id, other_before);
}

fn polygon_strategy() -> impl Strategy<Value = Vec<Vec3>> {
    prop::collection::vec((-50.0f32..50.0, -50.0f32..50.0), 0..12).prop_map(|pts| {
        let mut r: Vec<Vec3> = pts.into_iter().map(|(x, y)| Vec3::new(x, y, 0.0)).collect();
        if let Some(&first) = r.first() {
            r.push(first);
        }
        r
    })
}

fn lines_strategy() -> impl Strategy<Value = Polylines> {
    prop::collection::vec(polygon_strategy(), 0..6).prop_map(|rings| {
        // Also a repeated ring, a zero-area sliver and a lone point.
        let mut lines: Vec<Vec<Vec3>> = rings;
        if let Some(r) = lines.first().cloned() {
            lines.push(r);
        }
        lines.push(vec![Vec3::ZERO, Vec3::new(10.0, 0.0, 0.0), Vec3::ZERO]);
        lines.push(vec![Vec3::new(1.0, 1.0, 0.0)]);
        Polylines::from_lines(lines.into_iter().filter(|l| !l.is_empty()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Self-intersecting, repeated and degenerate rings through every mode of clip,
    /// boolean and occult: a defined, finite result and never a panic.
    #[test]
    fn region_ops_never_panic_on_random_and_degenerate_rings(
        input in lines_strategy(),
        mask in lines_strategy(),
        pick in 0usize..12,
    ) {
        let ctx = EvalContext::default();
        let rule = [FillRule::PerShape, FillRule::EvenOdd, FillRule::Nonzero][pick % 3];
        let results = [
            Clip { mask: attached("m", mask.clone()), mode: ClipMode::Inside, rule, outline: pick % 2 == 0 }.eval(&input, &ctx),
            Clip { mask: attached("m", mask.clone()), mode: ClipMode::Outside, rule, outline: false }.eval(&input, &ctx),
            Boolean { op: [BooleanOp::Union, BooleanOp::Intersection, BooleanOp::Difference, BooleanOp::Xor][pick % 4], with: attached("m", mask.clone()), rule }.eval(&input, &ctx),
            Occult { by: attached("m", mask.clone()), ..Occult::default() }.eval(&input, &ctx),
            Warp { mask: attached("m", mask.clone()), mode: [WarpMode::Lens, WarpMode::Attract][pick % 2], kind: [LensKind::Scale, LensKind::Rotate, LensKind::Shear, LensKind::Swirl][pick % 4], band: (pick % 3) as f64 * 5.0, ..Warp::default() }.eval(&input, &ctx),
        ];
        for r in results {
            let g = r.expect("a defined result");
            prop_assert!(g.first_non_finite().is_none());
        }
    }
}
