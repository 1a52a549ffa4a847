//! Golden files: small scenes under `tests/golden` with their expected SVG and G-code
//! bytes checked in, so that any change of output shows in review. After an intended
//! change, regenerate them with `GRAFT_BLESS=1 cargo test --release golden` and review
//! the diff.

use std::path::{Path, PathBuf};

use graft::export::{to_gcode, to_svg};
use graft::scene::Scene;

use crate::gcode_sim::assert_plotter_safe;
use crate::util::{ctx, registry};

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// The golden scenes with their names (the file name less `.scene.ron`), in name order.
fn golden_scenes() -> Vec<(String, PathBuf)> {
    let mut scenes: Vec<PathBuf> = std::fs::read_dir(golden_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".scene.ron"))
        .collect();
    scenes.sort();
    scenes
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".scene.ron", "");
            (name, p)
        })
        .collect()
}

/// Compares `actual` with the checked-in file (or writes it when blessing).
fn check(path: &Path, actual: &str, bless: bool) -> Result<(), String> {
    if bless {
        std::fs::write(path, actual).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run with GRAFT_BLESS=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let line = expected
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{} differs from the output at line {}:\n  expected: {:?}\n  actual:   {:?}",
        path.display(),
        line + 1,
        expected.lines().nth(line),
        actual.lines().nth(line)
    ))
}

#[test]
fn golden_scenes_write_the_checked_in_svg_and_gcode() {
    let bless = std::env::var_os("GRAFT_BLESS").is_some();
    let scenes = golden_scenes();
    assert!(scenes.len() >= 3, "{scenes:?}");
    let registry = registry();
    let mut failures = Vec::new();
    for (name, path) in &scenes {
        let text = std::fs::read_to_string(path).unwrap();
        let scene = Scene::parse(&text, &name, &registry).unwrap();
        let drawing = scene.realize(0.0, &ctx()).unwrap();
        let svg = to_svg(&drawing);
        let gcode = to_gcode(&drawing, &scene.export.gcode).unwrap();
        assert_plotter_safe(
            &gcode.text,
            &scene.export.gcode,
            (scene.canvas.width, scene.canvas.height),
        );
        for (ext, actual) in [("svg", &svg), ("gcode", &gcode.text)] {
            if let Err(e) = check(&golden_dir().join(format!("{name}.{ext}")), actual, bless) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn graft_render_writes_the_golden_bytes_through_the_app_pipeline() {
    // The command runs the ECS pipeline, the goldens above the core's evaluator: the
    // same graph order, binding and stage evaluation, so the same bytes.
    let dir = crate::util::tempdir("golden-cli");
    let scenes = golden_scenes();
    for (name, path) in &scenes {
        let (svg, gcode) = (
            dir.join(format!("{name}.svg")),
            dir.join(format!("{name}.gcode")),
        );
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
            .args(["render", path.to_str().unwrap(), "--svg"])
            .arg(&svg)
            .arg("--gcode")
            .arg(&gcode)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = |ext: &str| {
            std::fs::read_to_string(golden_dir().join(format!("{name}.{ext}"))).unwrap()
        };
        assert_eq!(
            crate::util::without_metadata(&std::fs::read_to_string(&svg).unwrap()),
            expected("svg"),
            "{name}.svg"
        );
        assert_eq!(
            std::fs::read_to_string(&gcode).unwrap(),
            expected("gcode"),
            "{name}.gcode"
        );
    }
}
