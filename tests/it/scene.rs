//! Scene files: the demo loads, and every kind of mistake is reported with its place.

use std::path::Path;

use graft::ops::{EvalContext, Rgba};
use graft::scene::{Scene, SceneError};

use crate::util::*;

fn parse(text: &str) -> Result<Scene, SceneError> {
    Scene::parse(text, "test.scene.ron", &registry())
}

fn parse_err(text: &str) -> SceneError {
    parse(text).expect_err("the scene must be refused")
}

const ONE_LAYER: &str = r##"(
    canvas: (size: (100, 80), background: "#ffeedd"),
    layers: [
        (
            name: "frame",
            color: "#ff0000",
            pen_width: 0.5,
            source: rect(width: 20, height: 10, center: (50, 40, 0)),
            effects: [
                rotate(rotation: (0, 0, "t * 90")),
                dash(dash_length: 2, enabled: false),
            ],
        ),
    ],
)"##;

#[test]
fn demo_scene_loads_and_realises() {
    let scene = bundled_scene("demo.scene.ron");
    let names: Vec<&str> = scene.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["sun", "ridges", "spiral", "title"]);
    assert!(scene.layers.iter().any(|l| l.recipe.is_animated()));
    let drawing = scene.realize(2.0, &EvalContext::default()).unwrap();
    assert_eq!(drawing.layers.len(), 4);
    assert!(
        drawing
            .layers
            .iter()
            .all(|l| l.geometry.segment_count() > 0)
    );
}

#[test]
fn solids_scene_loads_realises_and_round_trips() {
    let scene = bundled_scene("solids.scene.ron");
    let names: Vec<&str> = scene.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["globe", "crystal", "plant", "wave"]);
    let drawing = scene.realize(1.0, &EvalContext::default()).unwrap();
    assert!(
        drawing
            .layers
            .iter()
            .all(|l| l.geometry.segment_count() > 0)
    );
    // Everything lands on the paper plane, inside the sheet.
    for layer in &drawing.layers {
        for p in layer.geometry.points() {
            assert!(
                p.z == 0.0 || layer.name == "plant" || layer.name == "wave",
                "{}",
                layer.name
            );
            assert!(
                (0.0..=210.0).contains(&p.x) && (0.0..=297.0).contains(&p.y),
                "{}: {p}",
                layer.name
            );
        }
    }
    let again = Scene::parse(&scene.to_ron(""), "solids.scene.ron", &registry()).unwrap();
    let redrawn = again.realize(1.0, &EvalContext::default()).unwrap();
    for (a, b) in drawing.layers.iter().zip(&redrawn.layers) {
        assert_eq!(a.id, b.id, "{}", a.name);
    }
}

#[test]
fn regions_scene_of_the_readme_clips_warps_and_hides_within_the_paper() {
    let scene = bundled_scene("regions.scene.ron");
    let drawing = scene.realize(0.0, &EvalContext::default()).unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["sun", "sea", "sky"],
        "the shape `water` is not drawn"
    );
    let inside_sun = |p: &graft::geometry::Vec3| (p.x - 105.0).hypot(p.y - 135.0) < 35.0 - 0.05; // the circle is a polygon: its chords lie inside
    for layer in &drawing.layers[1..] {
        assert!(layer.geometry.segment_count() > 0, "{}", layer.name);
        // No zero-length leftovers where a cut only touches a region.
        for line in layer.geometry.lines() {
            let length: f32 = line.windows(2).map(|w| w[0].distance(w[1])).sum();
            assert!(length > 1e-4, "{}: {line:?}", layer.name);
        }
        for p in layer.geometry.points() {
            // Nothing inside the sun; the sea in the water, the sky within the margin.
            assert!(!inside_sun(p), "{}: {p}", layer.name);
            assert!(
                (10.0 - 1e-3..=200.0 + 1e-3).contains(&p.x)
                    && (10.0 - 1e-3..=287.0 + 1e-3).contains(&p.y),
                "{}: {p}",
                layer.name
            );
            if layer.name == "sea" {
                assert!(p.y >= 157.0 - 1e-3, "{p}");
            } else {
                assert!(p.y <= 157.0 + 1e-3, "{p}");
            }
        }
    }
    let again = Scene::parse(&scene.to_ron(""), "regions.scene.ron", &registry()).unwrap();
    let redrawn = again.realize(0.0, &EvalContext::default()).unwrap();
    for (a, b) in drawing.layers.iter().zip(&redrawn.layers) {
        assert_eq!(a.id, b.id, "{}", a.name);
    }
}

#[test]
fn fields_are_read_with_defaults_for_the_rest() {
    let scene = parse(ONE_LAYER).unwrap();
    assert_eq!((scene.canvas.width, scene.canvas.height), (100.0, 80.0));
    assert_eq!(scene.canvas.background, Rgba::parse("#ffeedd").unwrap());
    let layer = &scene.layers[0];
    assert_eq!(layer.color, Rgba([1.0, 0.0, 0.0, 1.0]));
    assert_eq!(layer.pen_width, 0.5);
    assert!(layer.visible);
    assert_eq!(layer.recipe.source.op.name(), "rect");
    assert_eq!(layer.recipe.effects.len(), 2);
    assert!(layer.recipe.effects[0].enabled && !layer.recipe.effects[1].enabled);
    assert!(layer.recipe.is_animated());
    // Export settings default when the scene has none.
    assert_eq!(scene.export.gcode, graft::export::GcodeProfile::default());
    // The animated rotation turns the rectangle: at t = 1 it is 10 wide and 20 high.
    let drawing = scene.realize(1.0, &EvalContext::default()).unwrap();
    let (lo, hi) = drawing.layers[0].geometry.bounds().unwrap();
    assert!(
        ((hi - lo).x - 10.0).abs() < 1e-3 && ((hi - lo).y - 20.0).abs() < 1e-3,
        "{lo} {hi}"
    );
}

#[test]
fn broken_ron_reports_file_line_and_column() {
    let text = "(\n    canvas: (size: (100, 80)),\n    layers: [\n        (name: \"a\" source: line()),\n    ],\n)";
    let err = parse_err(text);
    assert_eq!(err.file, "test.scene.ron");
    assert_eq!(err.line, 4);
    assert!(err.column > 1);
    assert!(err.to_string().starts_with("test.scene.ron:4:"), "{err}");
}

#[test]
fn unknown_op_lists_the_valid_names() {
    let text = "(\n  canvas: (size: (100, 80)),\n  layers: [(name: \"a\", source: hexagon())],\n)";
    let err = parse_err(text);
    assert_eq!(err.line, 3);
    assert!(err.message.contains("unknown primitive 'hexagon'"), "{err}");
    assert!(
        err.message.contains(
            "arc, asemic, bezier, circle, edges, ellipse, flow_lines, grid, halftone, laplace_field_grid, line, lissajous, lsystem, polygon, polyhedron, polyline, rect, sphere, spiral, spline, squiggle, stipple, svg, text, tone_contour, tone_hatch, torus, wave"
        ),
        "{err}"
    );
    let text = "(\n  canvas: (size: (100, 80)),\n  layers: [(name: \"a\", source: line(), effects: [blur()])],\n)";
    let err = parse_err(text);
    assert!(
        err.message.contains("unknown effect 'blur'") && err.message.contains("displace"),
        "{err}"
    );
    let text = "(\n  canvas: (size: (100, 80)),\n  layers: [(name: \"a\", source: fill())],\n)";
    assert!(
        parse_err(text)
            .message
            .contains("'fill' is an effect, not a primitive")
    );
}

#[test]
fn unknown_and_out_of_range_parameters_name_the_field() {
    let text = "(\n  canvas: (size: (100, 80)),\n  layers: [(\n    name: \"a\",\n    source: line(lenght: 3),\n  )],\n)";
    let err = parse_err(text);
    assert_eq!(err.line, 5);
    assert!(
        err.message.contains(
            "op 'line' has no parameter 'lenght'; valid names: center, anchor, length, angle"
        ),
        "{err}"
    );
    let text = "(\n  canvas: (size: (100, 80)),\n  layers: [(\n    name: \"a\",\n    source: line(),\n    effects: [subdivide(subdivisions: 99)],\n  )],\n)";
    let err = parse_err(text);
    assert_eq!(err.line, 6);
    assert!(
        err.message.contains(
            "subdivide.subdivisions: value 99 is not allowed: expected an integer in 0..=24"
        ),
        "{err}"
    );
}

#[test]
fn absurd_canvas_pen_and_duplicate_names_are_refused() {
    let err = parse_err("(canvas: (size: (0, 80)), layers: [])");
    assert!(
        err.message.contains("canvas size 0 mm is not allowed"),
        "{err}"
    );
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", pen_width: -1, source: line())])",
    );
    assert!(err.message.contains("pen_width -1 is not allowed"), "{err}");
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", colour: \"red\", source: line())])",
    );
    assert!(err.message.contains("colour"), "{err}");
    let text = "(canvas: (size: (10, 80)), layers: [\n(name: \"a\", source: line()),\n(name: \"a\", source: circle())])";
    let err = parse_err(text);
    assert_eq!((err.line, err.column), (3, 8));
    assert!(
        err.message.contains("layer name \"a\" is used twice"),
        "{err}"
    );
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", source: line())], export: (gcode: (decimals: 9)))",
    );
    assert!(
        err.message
            .contains("gcode.decimals = 9 is not allowed: use 0..=6"),
        "{err}"
    );
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", color: \"blurple\", source: line())])",
    );
    assert!(err.message.contains("'blurple' is not a colour"), "{err}");
}

#[test]
fn bad_expressions_are_refused_with_the_allowed_forms() {
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", source: line(length: \"x * 2\"))])",
    );
    assert!(
        err.message.contains("line.length") && err.message.contains("only t (time in seconds)"),
        "{err}"
    );
    let err = parse_err(
        "(canvas: (size: (10, 80)), layers: [(name: \"a\", source: line(length: \"2 *\"))])",
    );
    assert!(err.message.contains("cannot parse expression"), "{err}");
}

#[test]
fn a_missing_file_names_the_file() {
    let err =
        graft::host::load_scene(Path::new("/nonexistent/x.scene.ron"), &registry()).unwrap_err();
    assert_eq!(err.file, "/nonexistent/x.scene.ron");
    assert!(err.message.contains("cannot read the scene file"), "{err}");
}

#[test]
fn seeds_scene_of_the_readme_draws_anew_for_each_seed_and_its_addresses_resolve() {
    let scene = bundled_scene("seeds.scene.ron");
    assert_eq!(scene.seed, Some(7));
    let with_seed = |seed: u64| {
        let mut s = scene.clone();
        s.seed = Some(seed);
        s.realize(0.0, &EvalContext::default()).unwrap()
    };
    let (one, two) = (with_seed(1), with_seed(2));
    for (a, b) in one.layers.iter().zip(&two.layers) {
        assert!(a.geometry.segment_count() > 100, "{}", a.name);
        assert_ne!(a.geometry, b.geometry, "{} changes with the seed", a.name);
        for p in a.geometry.points() {
            assert!(
                (0.0..=150.0).contains(&p.x) && (0.0..=150.0).contains(&p.y),
                "{p}"
            );
        }
    }
    assert_eq!(with_seed(1).layers[0].geometry, one.layers[0].geometry);
    // The README's --set examples name real stages.
    let mut set = graft::scene::SceneOverrides::default();
    set.push_assignment("field/tilt/rotation=(0, 0, -8)")
        .unwrap();
    set.push_assignment("garden/plant/angle=18").unwrap();
    let mut tilted = scene.clone();
    set.apply(&mut tilted).unwrap();
    assert_ne!(tilted, scene);
    let again = Scene::parse(&scene.to_ron(""), "seeds.scene.ron", &registry()).unwrap();
    assert_eq!(again, scene);
}

#[test]
fn the_readme_lists_every_expression_function_and_shows_its_pictures() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("(functions: `{}`", graft::ops::EXPR_FUNCTIONS)),
        "the README's function list differs from the parser's: {}",
        graft::ops::EXPR_FUNCTIONS
    );
    // Every picture the README shows is in the repository.
    for (i, _) in readme.match_indices("src=\"docs/images/") {
        let rest = &readme[i + "src=\"".len()..];
        let path = &rest[..rest.find('"').unwrap()];
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file(),
            "{path}"
        );
    }
}
