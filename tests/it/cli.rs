//! The `graft` command line, run as a user would.

use std::path::Path;
use std::process::{Command, Output};

use crate::util::tempdir;

/// The `graft` binary with `args`, run from the project folder.
fn graft_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_graft"));
    cmd.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs `graft ARGS` from the project folder.
pub(crate) fn graft(args: &[&str]) -> Output {
    graft_command(args).output().expect("the graft binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const DEMO: &str = "assets/scenes/demo.scene.ron";

#[test]
fn render_writes_svg_gcode_png_and_prints_statistics() {
    let dir = tempdir("cli-render");
    let (svg, gcode, png) = (
        dir.join("demo.svg"),
        dir.join("demo.gcode"),
        dir.join("demo.png"),
    );
    let out = graft(&[
        "render",
        DEMO,
        "--t",
        "2",
        "--svg",
        svg.to_str().unwrap(),
        "--gcode",
        gcode.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
        "--dpi",
        "50",
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("4 layers") && stdout.contains("polylines") && stdout.contains("vertices"),
        "{stdout}"
    );
    assert!(
        stdout.contains("pen-down length") && stdout.contains("pen-up travel"),
        "{stdout}"
    );
    let doc = std::fs::read_to_string(&svg).unwrap();
    let parsed = roxmltree::Document::parse(&doc).unwrap();
    assert_eq!(parsed.root_element().attribute("width"), Some("210mm"));
    let written = std::fs::read_to_string(&gcode).unwrap();
    assert!(written.starts_with("; graft G-code"));
    // The plotter would run it safely: feeds in force, inside the margin.
    let demo = graft::host::load_scene(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO),
        &crate::util::registry(),
    )
    .unwrap();
    let sim = crate::gcode_sim::assert_plotter_safe(
        &written,
        &demo.export.gcode,
        (demo.canvas.width, demo.canvas.height),
    );
    assert!(sim.pen_downs > 100, "{} pen-downs", sim.pen_downs);
    let img = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap()).unwrap();
    // 210 × 297 mm at 50 dpi.
    assert_eq!((img.width(), img.height()), (413, 585));
}

#[test]
fn render_is_deterministic_and_never_overwrites_without_asking() {
    let dir = tempdir("cli-overwrite");
    let svg = dir.join("a.svg");
    let gcode = dir.join("a.gcode");
    let args = [
        "render",
        DEMO,
        "--t",
        "1.5",
        "--svg",
        svg.to_str().unwrap(),
        "--gcode",
        gcode.to_str().unwrap(),
    ];
    assert!(graft(&args).status.success());
    let first = (std::fs::read(&svg).unwrap(), std::fs::read(&gcode).unwrap());
    std::fs::write(&svg, "keep me").unwrap();
    let again = graft(&args);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists; pass --overwrite"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), "keep me");
    let mut forced = args.to_vec();
    forced.push("--overwrite");
    assert!(graft(&forced).status.success());
    assert_eq!(
        (std::fs::read(&svg).unwrap(), std::fs::read(&gcode).unwrap()),
        first
    );
}

#[test]
fn gcode_per_layer_writes_one_file_per_layer() {
    let dir = tempdir("cli-per-layer");
    let gcode = dir.join("plot.gcode");
    let out = graft(&[
        "render",
        DEMO,
        "--gcode",
        gcode.to_str().unwrap(),
        "--gcode-per-layer",
        "--sort-travel",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "plot_layer001_sun.gcode",
            "plot_layer002_ridges.gcode",
            "plot_layer003_spiral.gcode",
            "plot_layer004_title.gcode"
        ]
    );
    assert!(text(&out.stdout).contains("after"));
}

#[test]
fn ops_lists_every_op_with_parameters() {
    let out = graft(&["ops"]);
    assert!(out.status.success());
    let s = text(&out.stdout);
    for op in [
        "line",
        "polygon",
        "circle",
        "rect",
        "grid",
        "spiral",
        "lissajous",
        "text",
        "translate",
        "rotate",
        "scale",
        "affine",
        "repeat",
        "subdivide",
        "displace",
        "fill",
        "dash",
        "trim",
    ] {
        assert!(
            s.lines().any(|l| l.starts_with(&format!("{op} ("))),
            "{op} missing from:\n{s}"
        );
    }
    let one = text(&graft(&["ops", "subdivide"]).stdout);
    assert!(
        one.contains("subdivisions") && one.contains("allowed: an integer in 0..=24"),
        "{one}"
    );
    let bad = graft(&["ops", "nope"]);
    assert!(!bad.status.success() && text(&bad.stderr).contains("unknown op 'nope'; valid ops:"));
}

#[test]
fn bad_input_fails_with_a_clear_message() {
    let dir = tempdir("cli-bad");
    let broken = dir.join("broken.scene.ron");
    std::fs::write(
        &broken,
        "(canvas: (size: (10, 10)),\n layers: [(name: \"a\", source: line(length: -3))])",
    )
    .unwrap();
    let out = graft(&["render", broken.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("{}:2:", broken.display())) && err.contains("line.length: value -3"),
        "{err}"
    );
    let out = graft(&["render", DEMO, "--t", "NaN"]);
    assert!(!out.status.success() && text(&out.stderr).contains("finite time"));
    let blocked = dir.join("broken.scene.ron").join("x.svg");
    let out = graft(&["render", DEMO, "--svg", blocked.to_str().unwrap()]);
    assert!(
        !out.status.success() && text(&out.stderr).contains("cannot write"),
        "{}",
        text(&out.stderr)
    );
    assert!(Path::new(&broken).is_file());
}

#[test]
fn the_cli_render_and_the_apps_capture_write_byte_identical_files() {
    use graft::capture::{CaptureKind, CaptureLog, CapturePlugin, CaptureQueue, CaptureSettings};
    use graft::ecs::{SceneClock, layers_settled};

    let dir = tempdir("cli-vs-capture");
    let scene = dir.join(crate::pipeline::SCENE);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO), &scene).unwrap();
    let (svg, gcode, png) = (
        dir.join("cli.svg"),
        dir.join("cli.gcode"),
        dir.join("cli.png"),
    );
    let out = graft(&[
        "render",
        scene.to_str().unwrap(),
        "--t",
        "1.25",
        "--svg",
        svg.to_str().unwrap(),
        "--gcode",
        gcode.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    let captures = dir.join("captures");
    let mut app = crate::pipeline::app(&dir, false);
    app.add_plugins(CapturePlugin)
        .insert_resource(CaptureSettings {
            dir: captures.clone(),
        })
        .insert_resource(SceneClock::paused_at(1.25));
    crate::pipeline::run_until(&mut app, "the demo's layers", |app| {
        layers_settled(app.world_mut())
    });
    app.world_mut().resource_mut::<CaptureQueue>().0.extend([
        CaptureKind::Svg,
        CaptureKind::Gcode,
        CaptureKind::Png,
    ]);
    crate::pipeline::run_until(&mut app, "the captures", |app| {
        let log = app.world().resource::<CaptureLog>();
        log.pending == 0 && log.done.len() == 3
    });
    let log = app.world().resource::<CaptureLog>();
    for (outcome, cli) in log.done.iter().zip([&svg, &gcode, &png]) {
        let files = outcome.result.as_ref().unwrap();
        assert_eq!(files.len(), 1);
        assert!(
            std::fs::read(&files[0]).unwrap() == std::fs::read(cli).unwrap(),
            "{} differs from {}",
            files[0].display(),
            cli.display()
        );
    }
}

fn graft_env(args: &[&str], env: &[(&str, Option<&str>)]) -> Output {
    let mut cmd = graft_command(args);
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.output().expect("the graft binary runs")
}

#[test]
fn the_users_files_are_never_lost_to_an_output_or_a_screenshot() {
    let dir = tempdir("cli-keep-work");
    let scene = dir.join("s.scene.ron");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join(DEMO), &scene).unwrap();
    let original = std::fs::read(&scene).unwrap();
    // Writing the SVG over the scene itself is refused, even with --overwrite.
    let out = graft(&[
        "render",
        scene.to_str().unwrap(),
        "--svg",
        scene.to_str().unwrap(),
        "--overwrite",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is an input of this command"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&scene).unwrap(), original);

    // No display: a clear message instead of a panic inside winit.
    let out = graft_env(
        &["open", scene.to_str().unwrap()],
        &[("DISPLAY", None), ("WAYLAND_DISPLAY", None)],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("no display") && text(&out.stderr).contains("graft render"),
        "{}",
        text(&out.stderr)
    );

    // An existing screenshot is not replaced without --overwrite.
    let shot = dir.join("shot.png");
    std::fs::write(&shot, b"keep me").unwrap();
    let out = graft_env(
        &[
            "open",
            scene.to_str().unwrap(),
            "--screenshot",
            shot.to_str().unwrap(),
        ],
        &[("DISPLAY", Some(":424242"))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("already exists; pass --overwrite"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&shot).unwrap(), b"keep me");
}

#[test]
fn without_a_gpu_adapter_the_renderer_benchmark_is_skipped_with_a_reason() {
    // Hiding every Vulkan driver leaves wgpu no adapter (as on a machine without one).
    let out = graft_env(
        &["bench", "--suite", "render", "--runs", "1"],
        &[
            ("VK_ICD_FILENAMES", Some("/nonexistent")),
            ("VK_DRIVER_FILES", Some("/nonexistent")),
            ("XDG_RUNTIME_DIR", Some("/tmp")),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("6. renderer: skipped: no GPU adapter found"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn optimize_keeps_layers_colours_widths_and_strokes_and_cuts_travel() {
    let dir = crate::util::tempdir("cli-optimize");
    let input = dir.join("in.svg");
    let output = dir.join("out.svg");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenes/demo.scene.ron");
    let r = graft(&["render", demo, "--svg", input.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let o = graft(&[
        "optimize",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
        "--linemerge",
        "0.01",
        "--linesort",
        "--reloop",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let said = text(&o.stdout);
    assert!(
        said.contains("pen-up travel") && said.contains("% less"),
        "{said}"
    );
    let read = |p: &std::path::Path| {
        graft::ops::read_svg_document(&std::fs::read(p).unwrap(), "x", 0.01).unwrap()
    };
    let (a, b) = (read(&input), read(&output));
    assert_eq!(a.layers.len(), 4);
    let travel = |d: &graft::ops::SvgDocument| -> f64 {
        d.layers
            .iter()
            .map(|l| {
                graft::geometry::travel_of(&l.geometry, &graft::geometry::input_order(&l.geometry))
            })
            .sum()
    };
    assert!(
        travel(&b) < travel(&a) / 2.0,
        "{} -> {}",
        travel(&a),
        travel(&b)
    );
    for (x, y) in a.layers.iter().zip(&b.layers) {
        assert_eq!(x.name, y.name);
        assert_eq!(x.color, y.color, "{}", x.name);
        assert!((x.width_mm - y.width_mm).abs() < 1e-6, "{}", x.name);
        let len = |l: &graft::ops::SvgLayer| {
            l.geometry
                .lines()
                .map(graft::geometry::line_length)
                .sum::<f64>()
        };
        assert!(
            (len(x) - len(y)).abs() <= 1e-6 * len(x) + 1e-3,
            "{}: {} vs {}",
            x.name,
            len(x),
            len(y)
        );
    }
    // Never over the input, never over an existing file without --overwrite.
    let same = graft(&[
        "optimize",
        input.to_str().unwrap(),
        "-o",
        input.to_str().unwrap(),
        "--overwrite",
    ]);
    assert!(!same.status.success() && text(&same.stderr).contains("is the input"));
    let again = graft(&[
        "optimize",
        input.to_str().unwrap(),
        "-o",
        output.to_str().unwrap(),
    ]);
    assert!(!again.status.success() && text(&again.stderr).contains("already exists"));
    let bad = graft(&[
        "optimize",
        input.to_str().unwrap(),
        "-o",
        dir.join("x.svg").to_str().unwrap(),
        "--simplify=-1",
    ]);
    assert!(
        !bad.status.success() && text(&bad.stderr).contains("--simplify -1 is not allowed"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn opening_an_svg_saves_its_scene_beside_it_and_never_overwrites_one() {
    let dir = crate::util::tempdir("cli-open-svg");
    let svg = dir.join("d.svg");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenes/demo.scene.ron");
    let r = graft(&["render", demo, "--svg", svg.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let recipe = std::fs::read_to_string(demo).unwrap();
    // No display here, so the window fails to open, after the scene is written.
    let open = || {
        graft_env(
            &["open", svg.to_str().unwrap()],
            &[("DISPLAY", None), ("WAYLAND_DISPLAY", None)],
        )
    };
    let out = open();
    let first = dir.join("d.scene.ron");
    assert!(
        text(&out.stdout).contains(&format!("its scene is {}", first.display())),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(std::fs::read_to_string(&first).unwrap(), recipe);
    // The artist edited it: opening the SVG again leaves the edit alone.
    std::fs::write(&first, "edited").unwrap();
    open();
    assert_eq!(std::fs::read_to_string(&first).unwrap(), "edited");
    let second = dir.join("d_001.scene.ron");
    assert_eq!(std::fs::read_to_string(&second).unwrap(), recipe);
    // An identical copy is reused rather than multiplied.
    let out = open();
    assert!(
        text(&out.stdout).contains("d_001.scene.ron"),
        "{}",
        text(&out.stdout)
    );
    assert!(!dir.join("d_002.scene.ron").exists());
}

#[test]
fn an_svg_written_by_graft_renders_again_byte_for_byte() {
    let dir = crate::util::tempdir("cli-reproducible");
    let (a, b) = (dir.join("a.svg"), dir.join("b.svg"));
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenes/demo.scene.ron");
    let r = graft(&["render", demo, "--t", "2.5", "--svg", a.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let first = std::fs::read_to_string(&a).unwrap();
    let source = graft::export::scene_in_svg(&first).expect("the scene is embedded");
    assert_eq!(source.t, 2.5);
    assert_eq!(source.text, std::fs::read_to_string(demo).unwrap());
    assert!(
        first.contains("inkscape:label=\"1 sun\""),
        "AxiDraw layer numbers"
    );
    // From the SVG alone: the same scene at the same time, the same bytes.
    let r = graft(&["render", a.to_str().unwrap(), "--svg", b.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert_eq!(first, std::fs::read_to_string(&b).unwrap());
    // Layers read back by name, without their number.
    let doc = graft::ops::read_svg_document(first.as_bytes(), "a.svg", 0.01).unwrap();
    assert_eq!(doc.layers[0].name, "sun");
    // An SVG from elsewhere says what it lacks; the SVG is never its own output.
    let plain = dir.join("plain.svg");
    std::fs::write(&plain, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let e = graft(&[
        "render",
        plain.to_str().unwrap(),
        "--svg",
        dir.join("c.svg").to_str().unwrap(),
    ]);
    assert!(
        !e.status.success() && text(&e.stderr).contains("holds no graft scene"),
        "{}",
        text(&e.stderr)
    );
    let e = graft(&[
        "render",
        a.to_str().unwrap(),
        "--svg",
        a.to_str().unwrap(),
        "--overwrite",
    ]);
    assert!(!e.status.success(), "the input is never overwritten");
    assert_eq!(first, std::fs::read_to_string(&a).unwrap());
}

#[test]
fn optimize_scales_to_a_size_and_sorts_greedily_when_asked() {
    let dir = crate::util::tempdir("cli-scaleto");
    let input = dir.join("in.svg");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenes/demo.scene.ron");
    let r = graft(&["render", demo, "--svg", input.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let read = |p: &std::path::Path| {
        graft::ops::read_svg_document(&std::fs::read(p).unwrap(), "x", 0.01).unwrap()
    };
    let bounds = |d: &graft::ops::SvgDocument| {
        d.layers
            .iter()
            .filter_map(|l| l.geometry.bounds())
            .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
            .unwrap()
    };
    let mut travels = Vec::new();
    for (name, extra) in [("greedy", &["--greedy"][..]), ("improved", &[][..])] {
        let output = dir.join(format!("{name}.svg"));
        let mut args = vec![
            "optimize",
            input.to_str().unwrap(),
            "-o",
            output.to_str().unwrap(),
            "--linesort",
            "--layout",
            "a5",
            "--scale-to",
            "10cmx5cm",
        ];
        args.extend(extra);
        let o = graft(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let d = read(&output);
        assert!((d.width_mm - 148.0).abs() < 1e-3 && (d.height_mm - 210.0).abs() < 1e-3);
        // The demo is taller than wide: 5 cm high, centred on the A5 page.
        let (lo, hi) = bounds(&d);
        assert!((hi.y - lo.y - 50.0).abs() < 0.01, "{lo} {hi}");
        assert!(hi.x - lo.x < 100.0);
        assert!(
            ((lo.x + hi.x) / 2.0 - 74.0).abs() < 0.01 && ((lo.y + hi.y) / 2.0 - 105.0).abs() < 0.01
        );
        travels.push(
            d.layers
                .iter()
                .map(|l| {
                    graft::geometry::travel_of(
                        &l.geometry,
                        &graft::geometry::input_order(&l.geometry),
                    )
                })
                .sum::<f64>(),
        );
    }
    assert!(
        travels[1] < travels[0],
        "improvement shortens the greedy tour: {travels:?}"
    );
    let bad = graft(&[
        "optimize",
        input.to_str().unwrap(),
        "-o",
        dir.join("bad.svg").to_str().unwrap(),
        "--scale-to",
        "10cm",
    ]);
    assert!(
        !bad.status.success() && text(&bad.stderr).contains("'10cm' is not a size"),
        "{}",
        text(&bad.stderr)
    );
    assert!(!dir.join("bad.svg").exists());
}

#[test]
fn a_closed_stdout_pipe_neither_panics_nor_stops_the_files_being_written() {
    use std::process::Stdio;
    let dir = crate::util::tempdir("cli-pipe");
    let svg = dir.join("demo.svg");
    let mut child = Command::new(env!("CARGO_BIN_EXE_graft"))
        .args(["render", DEMO, "--svg", svg.to_str().unwrap()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // as `| head -0` would
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    assert!(svg.exists());
}

#[test]
fn a_laid_out_svg_records_its_layout_and_renders_again_byte_for_byte() {
    let dir = crate::util::tempdir("cli-reproducible-layout");
    let (a, b, c) = (dir.join("a.svg"), dir.join("b.svg"), dir.join("c.svg"));
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenes/demo.scene.ron");
    let flags = [
        "--layout",
        "A5",
        "--landscape",
        "--scale-to",
        "10cmx8cm",
        "--sort-travel",
    ];
    let mut args = vec!["render", demo, "--t", "1", "--svg", a.to_str().unwrap()];
    args.extend(flags);
    let r = graft(&args);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let first = std::fs::read_to_string(&a).unwrap();
    let source = graft::export::scene_in_svg(&first).unwrap();
    assert_eq!(
        source.export,
        "--layout a5 --landscape --scale-to 100x80 --sort-travel"
    );
    // Re-made from the SVG alone: the same page, scale and order, the same bytes.
    let r = graft(&["render", a.to_str().unwrap(), "--svg", b.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert_eq!(first, std::fs::read_to_string(&b).unwrap());
    // Flags given on the command line replace the recorded ones.
    let r = graft(&[
        "render",
        a.to_str().unwrap(),
        "--svg",
        c.to_str().unwrap(),
        "--layout",
        "a4",
    ]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let third = std::fs::read_to_string(&c).unwrap();
    assert!(third.contains("width=\"210mm\" height=\"297mm\""));
    assert_eq!(
        graft::export::scene_in_svg(&third).unwrap().export,
        "--layout a4 --margin 10"
    );
}

/// Runs `graft ARGS` under `umask` (set in the child before it starts).
#[cfg(unix)]
fn graft_with_umask(umask: libc::mode_t, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = graft_command(args);
    // SAFETY: umask is async-signal-safe and touches only the child's own state.
    unsafe {
        cmd.pre_exec(move || {
            libc::umask(umask);
            Ok(())
        });
    }
    cmd.output().expect("the graft binary runs")
}

#[cfg(unix)]
#[test]
fn new_files_get_the_usual_mode_and_rewritten_ones_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir("cli-modes");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, expected) in [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)] {
        let (svg, png) = (
            dir.join(format!("u{umask:03o}.svg")),
            dir.join(format!("u{umask:03o}.png")),
        );
        let out = graft_with_umask(
            umask,
            &[
                "render",
                DEMO,
                "--svg",
                svg.to_str().unwrap(),
                "--png",
                png.to_str().unwrap(),
                "--dpi",
                "20",
            ],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(mode(&svg), expected, "umask {umask:03o}");
        assert_eq!(mode(&png), expected, "umask {umask:03o}");
    }
    // --overwrite keeps the mode the file had, whatever the umask.
    let svg = dir.join("u022.svg");
    std::fs::set_permissions(&svg, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::read(&svg).unwrap();
    let out = graft_with_umask(
        0o077,
        &[
            "render",
            DEMO,
            "--t",
            "1",
            "--svg",
            svg.to_str().unwrap(),
            "--overwrite",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&svg), 0o640);
    assert_ne!(std::fs::read(&svg).unwrap(), before);
    // A scene saved over itself keeps its mode too (the save is the same atomic write).
    let scene = dir.join("s.scene.ron");
    std::fs::write(&scene, "x").unwrap();
    std::fs::set_permissions(&scene, std::fs::Permissions::from_mode(0o664)).unwrap();
    graft::export::write_atomic(&scene, b"saved", true).unwrap();
    assert_eq!(mode(&scene), 0o664);
    assert_eq!(std::fs::read_to_string(&scene).unwrap(), "saved");
}

#[test]
fn outputs_and_screenshots_refuse_extensions_of_other_formats() {
    let dir = tempdir("cli-ext");
    // Refused before anything is written, naming the extension to use.
    let refused = |args: &[&str], path: &Path, wanted: &str| {
        let out = graft(args);
        assert!(!out.status.success());
        let err = text(&out.stderr);
        assert!(err.contains(&format!("does not end in {wanted}")), "{err}");
        assert!(!path.exists());
    };
    let txt = dir.join("shot.txt");
    refused(
        &["open", DEMO, "--screenshot", txt.to_str().unwrap()],
        &txt,
        ".png",
    );
    let svg_named_png = dir.join("drawing.png");
    refused(
        &["render", DEMO, "--svg", svg_named_png.to_str().unwrap()],
        &svg_named_png,
        ".svg",
    );
    // Any case, and the usual G-code extensions, are fine.
    let nc = dir.join("plot.NC");
    let out = graft(&["render", DEMO, "--gcode", nc.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(nc.exists());
}

/// A scene with no layers and one whose only layer is hidden: (name, text).
const EMPTY_SCENES: [(&str, &str); 2] = [
    ("empty", "(canvas: (size: (100, 80)), layers: [])\n"),
    (
        "hidden",
        "(canvas: (size: (100, 80)), layers: [(name: \"a\", visible: false, source: circle())])\n",
    ),
];

#[test]
fn empty_and_all_hidden_scenes_finish_with_empty_files_and_say_so() {
    let dir = tempdir("cli-empty");
    let scenes = EMPTY_SCENES;
    for (name, text_) in scenes {
        let scene = dir.join(format!("{name}.scene.ron"));
        std::fs::write(&scene, text_).unwrap();
        let (svg, gcode, png) = (
            dir.join(format!("{name}.svg")),
            dir.join(format!("{name}.gcode")),
            dir.join(format!("{name}.png")),
        );
        let started = std::time::Instant::now();
        let out = graft(&[
            "render",
            scene.to_str().unwrap(),
            "--svg",
            svg.to_str().unwrap(),
            "--gcode",
            gcode.to_str().unwrap(),
            "--png",
            png.to_str().unwrap(),
            "--dpi",
            "20",
        ]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "{name}"
        );
        assert!(
            text(&out.stdout).contains("nothing to draw"),
            "{}",
            text(&out.stdout)
        );
        let written = std::fs::read_to_string(&svg).unwrap();
        assert!(
            written.contains("<svg") && !written.contains("<path"),
            "{written}"
        );
        assert!(std::fs::read_to_string(&gcode).unwrap().contains("G21"));
        assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
        // An SVG with nothing in it optimises to nothing.
        let optimised = dir.join(format!("{name}-opt.svg"));
        let out = graft(&[
            "optimize",
            svg.to_str().unwrap(),
            "--output",
            optimised.to_str().unwrap(),
            "--linesort",
        ]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(optimised.exists());
        let frames = dir.join(format!("{name}-frames"));
        let out = graft(&[
            "frames",
            scene.to_str().unwrap(),
            "--to",
            "0.2",
            "--fps",
            "10",
            "--dpi",
            "20",
            "--out",
            frames.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(frames.join("frame_00001.png").is_file());
    }
}

#[test]
fn an_imported_svg_never_reads_the_files_or_data_its_images_name() {
    let dir = tempdir("cli-svg-images");
    let secret = dir.join("secret.png");
    std::fs::write(&secret, b"\x89PNG not for graft").unwrap();
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100mm" height="100mm" viewBox="0 0 100 100">
<image href="/dev/zero" width="10" height="10"/>
<image xlink:href="file://{}" width="10" height="10"/>
<image href="secret.png" width="10" height="10"/>
<image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>
<path d="M 10 10 L 90 90"/>
</svg>"#,
        secret.display()
    );
    std::fs::write(dir.join("images.svg"), svg).unwrap();
    let scene = dir.join("s.scene.ron");
    std::fs::write(
        &scene,
        "(canvas: (size: (100, 100)), layers: [(name: \"a\", source: svg(path: \"images.svg\"))])\n",
    )
    .unwrap();
    let out_svg = dir.join("out.svg");
    let started = std::time::Instant::now();
    let out = graft(&[
        "render",
        scene.to_str().unwrap(),
        "--svg",
        out_svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Reading /dev/zero would take many seconds and gigabytes before failing.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    let written = std::fs::read_to_string(&out_svg).unwrap();
    assert_eq!(written.matches("<path").count(), 1, "{written}");
    assert!(
        text(&out.stdout).contains("1 polylines"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_rejected_huge_value_is_not_echoed_whole() {
    let dir = tempdir("cli-long-message");
    let points: Vec<String> = (0..200_000).map(|i| format!("({i}, 1)")).collect();
    let scene = dir.join("big.scene.ron");
    std::fs::write(
        &scene,
        format!(
            "(canvas: (size: (100, 100)), layers: [(name: \"a\", source: polyline(points: [{}]))])\n",
            points.join(", ")
        ),
    )
    .unwrap();
    let out = graft(&[
        "render",
        scene.to_str().unwrap(),
        "--svg",
        dir.join("o.svg").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.len() < 1000, "{} bytes", err.len());
    assert!(
        err.contains("polyline.points")
            && err.contains("characters)")
            && err.contains("at most 100000 points"),
        "{err}"
    );
}

#[test]
fn a_png_too_large_for_memory_is_refused_naming_the_dpi_that_fits() {
    let dir = tempdir("cli-png-cap");
    let scene = dir.join("wall.scene.ron");
    std::fs::write(
        &scene,
        "(canvas: (size: (10000, 10000)), layers: [(name: \"a\", source: circle())])\n",
    )
    .unwrap();
    let png = dir.join("wall.png");
    let out = graft(&[
        "render",
        scene.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
        "--dpi",
        "41",
    ]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("16142 × 16142 pixels") && err.contains("at most 20 dpi fits"),
        "{err}"
    );
    assert!(!png.exists());
}

/// An X server of its own for window tests (Xvfb picks a free display), stopped when
/// dropped. There is no skip: without Xvfb the window tests fail and say how to get it.
struct VirtualDisplay {
    server: std::process::Child,
    display: String,
}

impl VirtualDisplay {
    fn start() -> VirtualDisplay {
        use std::io::BufRead;
        let mut server = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Xvfb runs the window tests: `sh .ci/setup` installs it (package xvfb)");
        let mut line = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let number = line.trim();
        assert!(!number.is_empty(), "Xvfb named no display");
        VirtualDisplay {
            server,
            display: format!(":{number}"),
        }
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

#[test]
fn the_window_opens_empty_and_all_hidden_scenes_and_its_screenshot_finishes() {
    let display = VirtualDisplay::start();
    let dir = tempdir("cli-open-empty");
    let scenes = EMPTY_SCENES;
    for (name, scene_text) in scenes {
        let scene = dir.join(format!("{name}.scene.ron"));
        std::fs::write(&scene, scene_text).unwrap();
        let shot = dir.join(format!("{name}.png"));
        let mut child = graft_command(&[
            "open",
            scene.to_str().unwrap(),
            "--screenshot",
            shot.to_str().unwrap(),
        ])
        .env("DISPLAY", &display.display)
        .env("XDG_RUNTIME_DIR", std::env::temp_dir())
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > std::time::Duration::from_secs(120) {
                let _ = child.kill();
                panic!("{name}: the window did not finish its screenshot in 120 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let out = child.wait_with_output().unwrap();
        assert!(status.success(), "{name}: {}", text(&out.stderr));
        let png = std::fs::read(&shot).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        // The scene file is left as it was.
        assert_eq!(std::fs::read_to_string(&scene).unwrap(), scene_text);
    }
}
