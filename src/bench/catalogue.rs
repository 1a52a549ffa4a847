//! Benchmarks of the op catalogue: grafix's quick-start scene and the heavy new ops.

use std::sync::Arc;
use std::time::Instant;

use super::{call, report, time};
use crate::ops::{EvalContext, OpRegistry, Recipe};

fn recipe(registry: &OpRegistry, chain: &[(&str, Vec<(&str, crate::ops::RawParam)>)]) -> Recipe {
    let mut calls = chain
        .iter()
        .map(|(name, params)| call(registry, name, params));
    Recipe {
        source: calls.next().expect("a source"),
        effects: calls.collect(),
    }
}

/// Times the last stage of `r` over its cached prefix (what the pipeline recomputes when
/// only the last stage changes), after one cold evaluation of the whole chain.
fn time_chain(name: &str, r: &Recipe, ctx: &EvalContext, runs: usize, target: &str) {
    let resolved = r.resolve(0.0, ctx).expect("valid recipe");
    let stages = resolved.evaluate(ctx).expect("evaluates");
    let last = stages.len() - 1;
    let input = (last > 0).then(|| Arc::clone(&stages[last - 1]));
    println!(
        "{name}: {} vertices in, {} out",
        input.as_ref().map_or(0, |i| i.point_count()),
        stages[last].point_count()
    );
    let t = time(runs, |i| {
        let r = r.resolve(super::frame_time(i), ctx).unwrap();
        std::hint::black_box(
            r.evaluate_from(last, input.clone(), ctx, |_, _| {})
                .unwrap(),
        );
    });
    report("   last stage", t, target);
}

/// Runs the catalogue benchmarks (7a-7f).
/// `only`: the benchmark numbers asked for (see [`super::wanted`]).
pub(super) fn run(registry: &OpRegistry, ctx: &EvalContext, runs: usize, only: &[String]) {
    // 7a. grafix's README quick start: polyhedron -> fill -> subdivide -> displace ->
    // rotate by t. Cold first frame, then frames where only the rotation changes.
    if super::wanted(only, "7a") {
        let quick = recipe(
            registry,
            &[
                (
                    "polyhedron",
                    vec![("kind", "dodecahedron".into()), ("scale", 120.0.into())],
                ),
                ("fill", vec![("density", 40.0.into())]),
                ("subdivide", vec![("subdivisions", 3.into())]),
                ("displace", vec![("amplitude", [3.0, 3.0, 0.0].into())]),
                (
                    "rotate",
                    vec![(
                        "rotation",
                        crate::ops::RawParam::Seq(vec![0.0.into(), 0.0.into(), "t * 30".into()]),
                    )],
                ),
            ],
        );
        let start = Instant::now();
        let cold = quick.resolve(0.0, ctx).unwrap().evaluate(ctx).unwrap();
        println!(
            "7a. grafix quick start (polyhedron, fill, subdivide, displace, rotate t): first frame {:.2} ms cold (target <= 50 ms), {} vertices",
            start.elapsed().as_secs_f64() * 1e3,
            cold[4].point_count()
        );
        time_chain("   per frame", &quick, ctx, runs, "<= 0.1 ms per frame");
    }
    // 7b/7c. resample and lowpass of about a million vertices.
    if super::wanted(only, "7b") {
        let million = [
            (
                "grid",
                vec![
                    ("nx", 500.into()),
                    ("ny", 500.into()),
                    ("scale", 200.0.into()),
                ],
            ),
            ("subdivide", vec![("subdivisions", 10.into())]),
        ];
        let mut chain = million.to_vec();
        chain.push(("resample", vec![("step", 0.2.into())]));
        time_chain(
            "7b. resample step 0.2 of 1M vertices",
            &recipe(registry, &chain),
            ctx,
            runs.min(10),
            "record",
        );
        let mut chain = million.to_vec();
        chain.push(("lowpass", vec![("step", 0.2.into()), ("sigma", 1.0.into())]));
        time_chain(
            "7c. lowpass step 0.2 sigma 1 of 1M vertices",
            &recipe(registry, &chain),
            ctx,
            runs.min(10),
            "record",
        );
    }
    // 7d. deduplicate a 200 x 200 grid drawn three times over itself.
    if super::wanted(only, "7d") {
        let dedupe = recipe(
            registry,
            &[
                (
                    "grid",
                    vec![
                        ("nx", 200.into()),
                        ("ny", 200.into()),
                        ("scale", 200.0.into()),
                    ],
                ),
                ("subdivide", vec![("subdivisions", 4.into())]),
                (
                    "repeat",
                    vec![("count", 2.into()), ("offset", [0.0, 0.0, 0.0].into())],
                ),
                ("deduplicate", vec![]),
            ],
        );
        time_chain(
            "7d. deduplicate 200x200 grid (16 segments per line) repeated twice",
            &dedupe,
            ctx,
            runs.min(10),
            "record",
        );
    }
    // 7g. deduplicate a million segments with many overlaps: a subdivided grid and a
    // copy shifted along its rows.
    if super::wanted(only, "7g") {
        let million = recipe(
            registry,
            &[
                (
                    "grid",
                    vec![
                        ("nx", 250.into()),
                        ("ny", 250.into()),
                        ("scale", 200.0.into()),
                    ],
                ),
                ("subdivide", vec![("subdivisions", 10.into())]),
                (
                    "repeat",
                    vec![("count", 1.into()), ("offset", [0.4, 0.0, 0.0].into())],
                ),
                ("deduplicate", vec![]),
            ],
        );
        time_chain(
            "7g. deduplicate 1M segments (a grid and a shifted copy)",
            &million,
            ctx,
            runs.min(3),
            "<= 2000 ms",
        );
    }
    // 7e. lsystem plant at 7 iterations.
    if super::wanted(only, "7e") {
        let plant = recipe(
            registry,
            &[("lsystem", vec![("iters", 7.into()), ("step", 0.3.into())])],
        );
        time_chain(
            "7e. lsystem plant, 7 iterations",
            &plant,
            ctx,
            runs.min(10),
            "record",
        );
    }
    // 7f. a latlon sphere of about 97k vertices through perspective with hidden lines.
    if super::wanted(only, "7f") {
        let globe = recipe(
            registry,
            &[
                (
                    "sphere",
                    vec![("subdivisions", 4.into()), ("scale", 150.0.into())],
                ),
                (
                    "perspective",
                    vec![
                        ("camera", [300.0, -100.0, -350.0].into()),
                        ("hidden", "sphere".into()),
                    ],
                ),
            ],
        );
        time_chain(
            "7f. sphere -> perspective (hidden: sphere)",
            &globe,
            ctx,
            runs.min(20),
            "record",
        );
    }
    // 9a. buffer of the demo's title (single-stroke text: every stroke outlined, unioned).
    if super::wanted(only, "9a") {
        let title = recipe(
            registry,
            &[
                (
                    "text",
                    vec![
                        ("text", "graft".into()),
                        ("font", "futural".into()),
                        ("scale", 14.0.into()),
                        ("center", [105.0, 272.0, 0.0].into()),
                        ("text_align", "center".into()),
                    ],
                ),
                ("buffer", vec![("distance", 0.5.into())]),
            ],
        );
        time_chain(
            "9a. buffer 0.5 mm of the demo's title text",
            &title,
            ctx,
            runs.min(20),
            "<= 100 ms",
        );
    }
    // 9b. buffer of 401 nearly coincident hexagons: 401 outlines grown and merged into one.
    if super::wanted(only, "9b") {
        let hexagons = recipe(
            registry,
            &[
                (
                    "polygon",
                    vec![("n_sides", 6.into()), ("scale", 8.0.into())],
                ),
                (
                    "repeat",
                    vec![("count", 400.into()), ("offset", [9.0, 0.0, 0.0].into())],
                ),
                ("buffer", vec![("distance", 1.0.into())]),
            ],
        );
        time_chain(
            "9b. buffer 1 mm of 401 overlapping hexagons, merged into one",
            &hexagons,
            ctx,
            runs.min(20),
            "record",
        );
    }
    // 9c. offset fill: 30 concentric contours inside and outside the demo's sun.
    if super::wanted(only, "9c") {
        let sun = recipe(
            registry,
            &[
                (
                    "circle",
                    vec![("radius", 30.0.into()), ("segments", 180.into())],
                ),
                (
                    "offset_curve",
                    vec![("distance", 1.0.into()), ("count", 30.into())],
                ),
            ],
        );
        time_chain(
            "9c. offset_curve 30 contours each side of a 180-gon",
            &sun,
            ctx,
            runs.min(20),
            "record",
        );
    }
    // 9d. occult of 10 000 random overlapping circles (closed 64-gons) in one layer.
    if super::wanted(only, "9d") {
        let circles = super::random_circles(10_000);
        let mut kept = 0;
        let t = time(runs.min(5), |_| {
            let out = crate::ops::Evaluate::eval(&crate::ops::Occult::default(), &circles, ctx)
                .expect("occult evaluates");
            kept = out.point_count();
        });
        report(
            "9d. occult of 10 000 random overlapping circles (64-gons)",
            t,
            "<= 100 ms",
        );
        println!(
            "    {} vertices in, {kept} out (benches/bench_inputs_svg.py circles writes them for vpype-occult)",
            circles.point_count()
        );
    }
    // 9e. boolean union of 10 000 random overlapping squares, in one layer; non-zero, so
    // that every square counts on its own, as in Shapely's unary_union (per_shape would
    // read a square lying inside another as its hole).
    if super::wanted(only, "9e") {
        let squares = super::random_squares(10_000);
        let union = crate::ops::Boolean {
            rule: crate::ops::FillRule::Nonzero,
            ..Default::default()
        };
        let mut rings = 0;
        let t = time(runs.min(10), |_| {
            let out = crate::ops::Evaluate::eval(&union, &squares, ctx).expect("boolean evaluates");
            rings = out.line_count();
        });
        report("9e. boolean union of 10 000 random squares", t, "<= 100 ms");
        println!(
            "    10 000 squares in, {rings} rings out (benches/bench_inputs_svg.py squares writes them for Shapely)"
        );
    }
    // 9f. clip of a 400 × 400 hatch (a grid of 400 + 400 lines, 400 mm square) by a star.
    if super::wanted(only, "9f") {
        let hatch = crate::ops::Evaluate::eval(
            &crate::ops::Grid {
                nx: 400,
                ny: 400,
                scale: 400.0,
                ..Default::default()
            },
            &crate::geometry::Polylines::new(),
            ctx,
        )
        .expect("grid evaluates");
        let clip = crate::ops::Clip {
            mask: crate::ops::Inputs(vec![crate::ops::GeometryRef {
                name: "star".into(),
                id: None,
                geometry: Some(Arc::new(super::star(105.0, 148.5, 180.0))),
            }]),
            ..Default::default()
        };
        let mut pieces = 0;
        let t = time(runs.min(10), |_| {
            let out = crate::ops::Evaluate::eval(&clip, &hatch, ctx).expect("clip evaluates");
            pieces = out.line_count();
        });
        report("9f. clip of a 400 x 400 hatch by a star", t, "<= 100 ms");
        println!("    {} lines in, {pieces} pieces out", hatch.line_count());
    }
    // 10. the generative ops on the inputs benches/grafix_generative.py gives grafix.
    if super::wanted(only, "10") {
        let a5 = crate::geometry::Polylines::from_lines([[
            (0.0, 0.0),
            (148.0, 0.0),
            (148.0, 210.0),
            (0.0, 210.0),
            (0.0, 0.0),
        ]
        .map(|(x, y)| crate::geometry::Vec3::new(x, y, 0.0))]);
        let circle = crate::geometry::Polylines::from_lines([(0..=256).map(|k| {
            let a = std::f32::consts::TAU * (k % 256) as f32 / 256.0;
            crate::geometry::Vec3::new(100.0 + 50.0 * a.cos(), 100.0 + 50.0 * a.sin(), 0.0)
        })]);
        let cases: [(
            &str,
            &str,
            Vec<(&str, crate::ops::RawParam)>,
            &crate::geometry::Polylines,
            &str,
        ); 4] = [
            (
                "10a. reaction_diffusion, defaults, A5 mask",
                "reaction_diffusion",
                vec![],
                &a5,
                "<= 500 ms (grafix 3.2-4.6 s)",
            ),
            (
                "10d. growth, 250 iterations, A5 mask",
                "growth",
                vec![("iters", 250.into())],
                &a5,
                "<= 100 ms (grafix 356 ms, 1 746 points)",
            ),
            (
                "10b. partition, 500 sites, A5 mask",
                "partition",
                vec![("site_count", 500.into())],
                &a5,
                "<= 100 ms (grafix 17 ms)",
            ),
            (
                "10c. isocontour both, 401 x 401 grid (radius 50 circle)",
                "isocontour",
                vec![
                    ("mode", "both".into()),
                    ("max_dist", 49.0.into()),
                    ("grid_pitch", 0.5.into()),
                ],
                &circle,
                "<= 100 ms (grafix 7.6 ms)",
            ),
        ];
        for (name, op, params, input, target) in cases {
            if !super::wanted(only, name.split('.').next().unwrap_or(name)) {
                continue;
            }
            let c = call(registry, op, &params);
            let p = c.resolve(0.0).expect("valid parameters");
            let mut lines = 0;
            let t = time(
                if op == "reaction_diffusion" {
                    runs.min(5)
                } else {
                    runs.min(20)
                },
                |_| {
                    // A fresh memo each run: simulations would resume from the last
                    // run's saved state (and take no time at all).
                    let cold = ctx.clone().with_fresh_memo();
                    lines = c.op.eval(input, &p, &cold).expect("evaluates").line_count();
                },
            );
            report(name, t, target);
            let points = c.op.eval(input, &p, ctx).expect("evaluates").point_count();
            println!("    {lines} polylines, {points} points out");
        }
    }
    // 11. pictures: a 1-megapixel photo (the bundled portrait at 1024 x 1024).
    if super::wanted(only, "11") {
        let photo =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/images/astronaut.png");
        let big =
            std::env::temp_dir().join(format!("graft-bench-photo-{}.png", std::process::id()));
        let made = image::open(&photo).ok().and_then(|img| {
            img.resize_exact(1024, 1024, image::imageops::FilterType::Triangle)
                .save(&big)
                .ok()
        });
        if made.is_some() {
            let path = big.display().to_string();
            let image = || ("image", crate::ops::RawParam::Str(path.clone()));
            let nothing = crate::geometry::Polylines::new();
            // The photo is a file: read from disk, as the app does.
            let mut disk = ctx.clone();
            disk.files = std::sync::Arc::new(crate::host::DiskFiles::default());
            let ctx = &disk;
            let cases: Vec<(&str, &str, Vec<(&str, crate::ops::RawParam)>, &str)> = vec![
                (
                    "11a. tone_contour, 10 levels (1000 x 1000 samples)",
                    "tone_contour",
                    vec![
                        ("width", 200.0.into()),
                        ("pitch", 0.2.into()),
                        ("levels", 10.into()),
                    ],
                    "<= 50 ms",
                ),
                (
                    "11b. tone_hatch, 3 levels crossed, pitch 1 mm (1000 x 1000 samples)",
                    "tone_hatch",
                    vec![
                        ("width", 200.0.into()),
                        ("resolution", 0.2.into()),
                        ("pitch", 1.0.into()),
                    ],
                    "<= 50 ms",
                ),
                (
                    "11c. flow_lines, separation 0.5 to 4 mm (500 x 500 samples)",
                    "flow_lines",
                    vec![
                        ("width", 200.0.into()),
                        ("resolution", 0.4.into()),
                        ("separation_min", 0.5.into()),
                        ("separation_max", 4.0.into()),
                        ("edge_weight", 0.3.into()),
                    ],
                    "<= 500 ms",
                ),
                (
                    "11d. squiggle rows, spacing 1.5 mm (1000 x 1000 samples)",
                    "squiggle",
                    vec![("width", 200.0.into()), ("resolution", 0.2.into())],
                    "<= 50 ms",
                ),
                (
                    "11e. stipple, 20 000 dots, 30 Lloyd steps, single-line route",
                    "stipple",
                    vec![
                        ("width", 200.0.into()),
                        ("dots", 20000.into()),
                        ("iterations", 30.into()),
                        ("route", true.into()),
                    ],
                    "<= 1000 ms",
                ),
                (
                    "11f. halftone, 1.5 mm cells (1000 x 1000 samples)",
                    "halftone",
                    vec![
                        ("width", 200.0.into()),
                        ("resolution", 0.2.into()),
                        ("cell", 1.5.into()),
                    ],
                    "<= 50 ms",
                ),
                (
                    "11g. edges (1000 x 1000 samples)",
                    "edges",
                    vec![("width", 200.0.into()), ("resolution", 0.2.into())],
                    "<= 50 ms",
                ),
            ];
            for (name, op, mut params, target) in cases {
                if !super::wanted(only, name.split('.').next().unwrap_or(name)) {
                    continue;
                }
                params.push(image());
                let c = call(registry, op, &params);
                let p = c.resolve(0.0).expect("valid parameters");
                // The first run decodes the file; the rest reuse it, as the app does.
                let out = c.op.eval(&nothing, &p, ctx).expect("evaluates");
                let t = time(runs.min(20), |_| {
                    c.op.eval(&nothing, &p, ctx).expect("evaluates");
                });
                report(name, t, target);
                println!(
                    "    {} polylines, {} points",
                    out.line_count(),
                    out.point_count()
                );
                if op == "tone_hatch" {
                    // As hatched is timed: reading and decoding the file included.
                    let t = time(runs.min(10), |_| {
                        let cold = ctx.clone().with_fresh_memo();
                        c.op.eval(&nothing, &p, &cold).expect("evaluates");
                    });
                    report(
                        "11b. the same, the photo read and decoded each time",
                        t,
                        "hatched / 20",
                    );
                }
            }
            let _ = std::fs::remove_file(&big);
        } else {
            println!("11a. skipped: the bundled photo is not beside the sources");
        }
    }
    // 8. linesort on 100 000 random segments: travel and time, greedy and with 2-opt.
    if super::wanted(only, "8") {
        let segments = super::random_segments(100_000);
        let base = crate::geometry::travel_of(&segments, &crate::geometry::input_order(&segments));
        for (name, improve) in [
            ("8a. linesort greedy, 100k random segments", false),
            ("8b. linesort greedy + 2-opt, 100k random segments", true),
        ] {
            let mut order = Vec::new();
            let t = time(runs.min(5), |_| {
                order = crate::geometry::sort_for_travel(&segments, true, improve);
            });
            report(name, t, "<= 1000 ms");
            println!(
                "    pen-up travel {:.0} mm in input order, {:.0} mm sorted",
                base,
                crate::geometry::travel_of(&segments, &order)
            );
        }
    }
}
