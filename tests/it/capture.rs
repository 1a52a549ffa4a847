//! Captures without a window: SVG, G-code and PNG (rendered by resvg, the one PNG path),
//! written under numbered names that never replace a file.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use graft::capture::{
    AnimationExport, CaptureKind, CaptureLog, CapturePlugin, CaptureQueue, CaptureSettings,
    QuitAfterCaptures,
};
use graft::ecs::{SceneCanvas, SceneExport, layers_settled};
use graft::ops::{Recipe, Rgba};
use graft::scene::{Canvas, ExportSettings};

use crate::util::{call, rust_app, set_drafting, spawn_layer, tempdir};

/// A headless app that captures into a new folder `name`.
fn capture_app(name: &str) -> (App, std::path::PathBuf) {
    let dir = tempdir(name);
    let mut app = rust_app();
    app.add_plugins(CapturePlugin)
        .insert_resource(CaptureSettings { dir: dir.clone() });
    (app, dir)
}

/// A headless app that captures into a new folder, on white paper of `size` (mm),
/// with PNG captures at `dpi`.
fn paper_app(name: &str, size: (f64, f64), dpi: f64) -> (App, std::path::PathBuf) {
    let (mut app, dir) = capture_app(name);
    app.insert_resource(SceneCanvas(Canvas {
        width: size.0,
        height: size.1,
        background: Rgba::WHITE,
    }));
    let mut export = ExportSettings::default();
    export.png.dpi = dpi;
    app.insert_resource(SceneExport(export));
    (app, dir)
}

fn capture_all(
    app: &mut App,
    kinds: &[CaptureKind],
) -> Vec<Result<Vec<std::path::PathBuf>, String>> {
    let before = app.world().resource::<CaptureLog>().done.len();
    app.world_mut()
        .resource_mut::<CaptureQueue>()
        .0
        .extend_from_slice(kinds);
    let start = Instant::now();
    loop {
        app.update();
        let log = app.world().resource::<CaptureLog>();
        if log.done.len() >= before + kinds.len() && log.pending == 0 {
            // Captures run side by side and finish in any order: matched by kind, in
            // the order they were asked for.
            let mut done: Vec<_> = log.done[before..].iter().collect();
            return kinds
                .iter()
                .map(|kind| {
                    let k = done
                        .iter()
                        .position(|o| o.kind == *kind)
                        .expect("every capture asked for is logged");
                    done.remove(k).result.clone()
                })
                .collect();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "captures did not finish"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn captures_write_readable_files_under_new_numbered_names() {
    // Captures need no GPU: every file, PNG included, is written by the export module.
    // 127 dpi is 5 px per mm: a 500 × 250 image.
    let (mut app, dir) = paper_app("capture", (100.0, 50.0), 127.0);
    // A 3 mm red horizontal line through the middle of the paper, from x = 20 to 80 mm.
    let recipe = Recipe {
        source: call(
            "line",
            &[
                ("length", 60.0.into()),
                ("center", [50.0, 25.0, 0.0].into()),
            ],
        ),
        effects: vec![],
    };
    spawn_layer(app.world_mut(), "red", "#ff0000", 3.0, recipe);
    let start = Instant::now();
    while !layers_settled(app.world_mut()) {
        app.update();
        assert!(start.elapsed() < Duration::from_secs(30));
    }

    let results = capture_all(
        &mut app,
        &[
            CaptureKind::Svg,
            CaptureKind::Gcode,
            CaptureKind::GcodePerLayer,
            CaptureKind::Png,
        ],
    );
    let paths: Vec<Vec<std::path::PathBuf>> = results.into_iter().map(Result::unwrap).collect();
    let name = |p: &std::path::PathBuf| p.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name(&paths[0][0]), "graft_001.svg");
    assert_eq!(name(&paths[1][0]), "graft_001.gcode");
    assert_eq!(name(&paths[2][0]), "graft_001_layer001_red.gcode");
    assert_eq!(name(&paths[3][0]), "graft_001.png");

    // The SVG reader accepts it: one layer group with one path.
    let svg = std::fs::read_to_string(&paths[0][0]).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert_eq!(doc.root_element().attribute("width"), Some("100mm"));
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("path") || n.has_tag_name("polyline"))
            .count(),
        1
    );
    // The G-code draws: a pen-down move along the line.
    let gcode = std::fs::read_to_string(&paths[1][0]).unwrap();
    crate::gcode_sim::assert_plotter_safe(
        &gcode,
        &graft::export::GcodeProfile::default(),
        (100.0, 50.0),
    );
    let per_layer = std::fs::read_to_string(&paths[2][0]).unwrap();
    crate::gcode_sim::assert_plotter_safe(
        &per_layer,
        &graft::export::GcodeProfile::default(),
        (100.0, 50.0),
    );
    assert!(gcode.contains("G21"), "{gcode}");
    assert!(
        gcode
            .lines()
            .any(|l| l.starts_with("G1 X80.000") || l.starts_with("G1 X20.000")),
        "{gcode}"
    );

    // The PNG shows the paper at the export resolution.
    let png = resvg::tiny_skia::Pixmap::load_png(&paths[3][0]).unwrap();
    assert_eq!((png.width(), png.height()), (500, 250));
    let at = |x: u32, y: u32| {
        let c = png.pixel(x, y).unwrap();
        [c.red(), c.green(), c.blue()]
    };
    assert_eq!(at(250, 125), [255, 0, 0], "on the line");
    assert_eq!(at(250, 100), [255, 255, 255], "paper");
    // 3 mm at 5 px/mm: 15 rows (±1) of red in the column at x = 50 mm.
    let red_rows = (0..250).filter(|&y| at(250, y)[1] < 128).count();
    assert!((14..=16).contains(&red_rows), "{red_rows} rows");

    // A second capture never replaces the first.
    let again = capture_all(&mut app, &[CaptureKind::Svg, CaptureKind::Png]);
    assert_eq!(name(&again[0].as_ref().unwrap()[0]), "graft_002.svg");
    assert_eq!(name(&again[1].as_ref().unwrap()[0]), "graft_002.png");
    assert_eq!(std::fs::read_to_string(&paths[0][0]).unwrap(), svg);

    // An animation: frames in a new numbered folder, progress shared with the inspector.
    {
        let mut anim = app.world_mut().resource_mut::<AnimationExport>();
        anim.from = 0.0;
        anim.to = 0.5;
        anim.fps = 4.0;
    }
    let frames = capture_all(&mut app, &[CaptureKind::Frames]);
    let folder = &frames[0].as_ref().unwrap()[0];
    assert_eq!(name(folder), "graft_frames_001");
    let mut files: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    files.sort();
    assert_eq!(files, ["frame_00000.png", "frame_00001.png"]);
    assert!(
        app.world()
            .resource::<AnimationExport>()
            .running()
            .is_none()
    );

    // An unwritable folder is an error in plain words, not a crash.
    let blocker = dir.join("file");
    std::fs::write(&blocker, b"x").unwrap();
    app.insert_resource(CaptureSettings {
        dir: blocker.join("sub"),
    });
    let failed = capture_all(&mut app, &[CaptureKind::Svg]);
    let err = failed[0].clone().unwrap_err();
    assert!(err.contains("cannot create the output folder"), "{err}");
}

/// A layer whose G-code export (tens of thousands of sorted dashes) keeps a capture busy
/// for a while.
fn spawn_heavy_layer(app: &mut App) {
    let heavy = Recipe {
        source: call(
            "grid",
            &[
                ("nx", 300.into()),
                ("ny", 300.into()),
                ("scale", 180.0.into()),
            ],
        ),
        effects: vec![
            call("subdivide", &[("subdivisions", 6.into())]),
            call(
                "dash",
                &[("dash_length", 0.4.into()), ("gap_length", 0.4.into())],
            ),
        ],
    };
    spawn_layer(app.world_mut(), "heavy", "#000000", 0.3, heavy);
}

/// Runs frames until the layers have their results: `pipeline::settle` with a longer
/// guard, for the heavy layer (which takes a while on a loaded CI machine).
fn settle_heavy(app: &mut App) {
    let start = Instant::now();
    while !layers_settled(app.world_mut()) {
        app.update();
        assert!(start.elapsed() < Duration::from_secs(60));
    }
}

/// A capturing app with [`spawn_heavy_layer`]'s layer computed, its G-code sorted.
fn heavy_capture_app(name: &str) -> (App, std::path::PathBuf) {
    let (mut app, dir) = capture_app(name);
    let mut export = ExportSettings::default();
    // Sorting tens of thousands of dashes keeps the export busy for a while.
    export.gcode.sort_polylines = true;
    app.insert_resource(SceneExport(export));
    spawn_heavy_layer(&mut app);
    settle_heavy(&mut app);
    (app, dir)
}

#[test]
fn quitting_with_captures_in_flight_finishes_them_first() {
    let (mut app, dir) = heavy_capture_app("capture-quit");
    app.world_mut()
        .resource_mut::<CaptureQueue>()
        .0
        .extend([CaptureKind::Gcode, CaptureKind::Svg]);
    app.update();
    assert!(app.world().resource::<CaptureLog>().pending > 0);
    app.world_mut().resource_mut::<QuitAfterCaptures>().ask();
    let start = Instant::now();
    let mut frames_waited = 0;
    loop {
        app.update();
        if app.should_exit().is_some() {
            break;
        }
        frames_waited += 1;
        assert!(start.elapsed() < Duration::from_secs(60), "never quit");
        std::thread::sleep(Duration::from_millis(2));
    }
    let log = app.world().resource::<CaptureLog>();
    assert_eq!(log.pending, 0, "quit only once nothing was in flight");
    assert_eq!(log.done.len(), 2);
    assert!(log.done.iter().all(|o| o.result.is_ok()), "{:?}", log.done);
    let written = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(written, 2, "both files are there");
    assert!(
        frames_waited > 0,
        "the G-code was still being written when quitting was asked"
    );
}

#[test]
fn quitting_twice_quits_at_once_and_says_what_was_not_written() {
    let (mut app, _dir) = heavy_capture_app("capture-quit-now");
    app.world_mut()
        .resource_mut::<CaptureQueue>()
        .0
        .push(CaptureKind::Gcode);
    app.update();
    app.world_mut().resource_mut::<QuitAfterCaptures>().ask();
    app.update();
    assert!(app.should_exit().is_none(), "the first ask waits");
    app.world_mut().resource_mut::<QuitAfterCaptures>().ask();
    app.update();
    assert!(app.should_exit().is_some(), "the second ask quits");
    let log = app.world().resource::<CaptureLog>();
    assert_eq!(log.pending, 0);
    let last = log.last().unwrap();
    assert_eq!(last.kind, CaptureKind::Gcode);
    assert!(
        last.result
            .as_ref()
            .is_err_and(|e| e.contains("not written")),
        "{last:?}"
    );
}

#[test]
fn a_heavy_gcode_capture_in_flight_does_not_hold_back_another_layers_live_results() {
    let (mut app, _dir) = heavy_capture_app("capture-live");
    let live = Recipe {
        source: call("circle", &[("radius", 20.0.into())]),
        effects: vec![call(
            "rotate",
            &[(
                "rotation",
                graft::ops::RawParam::expression("(0, 0, t * 90)"),
            )],
        )],
    };
    let live = spawn_layer(app.world_mut(), "live", "#ff0000", 0.3, live);
    settle_heavy(&mut app);
    app.world_mut()
        .resource_mut::<CaptureQueue>()
        .0
        .push(CaptureKind::Gcode);
    // Frames at about 60 fps while the capture runs on the I/O pool: each frame the
    // clock moves on, and the live layer must show a time at most one frame later than
    // the best case (the result of the previous frame's request).
    const FRAME: f64 = 1.0 / 60.0;
    let mut frames_in_flight = 0;
    let mut worst_lag = 0;
    for frame in 1..=600 {
        app.world_mut()
            .resource_mut::<graft::ecs::SceneClock>()
            .seek(frame as f64 * FRAME);
        app.update();
        let pending = app.world().resource::<CaptureLog>().pending > 0;
        if frame > 2 && pending {
            frames_in_flight += 1;
            let shown = app.world().get::<graft::ecs::Realized>(live).unwrap().t;
            let lag = ((frame as f64 * FRAME - shown) / FRAME).round() as i64;
            worst_lag = worst_lag.max(lag);
        }
        if !pending && frame > 2 {
            break;
        }
        std::thread::sleep(Duration::from_secs_f64(FRAME));
    }
    let log = app.world().resource::<CaptureLog>();
    assert_eq!(log.pending, 0, "the capture finished");
    assert!(log.last().unwrap().result.is_ok(), "{:?}", log.last());
    assert!(
        frames_in_flight >= 5,
        "the capture was in flight for only {frames_in_flight} frames: make the layer heavier"
    );
    assert!(
        worst_lag <= 2,
        "the live layer fell {worst_lag} frames behind during the capture"
    );
    println!(
        "G-code capture in flight for {frames_in_flight} frames; live layer lag at most {worst_lag} frames"
    );
}

#[test]
fn a_draft_on_screen_is_never_captured_and_the_full_result_is() {
    let (mut app, dir) = capture_app("capture-draft");
    let recipe = Recipe {
        source: call(
            "circle",
            &[("radius", 20.into()), ("center", (50.0, 50.0, 0.0).into())],
        ),
        effects: vec![call(
            "reaction_diffusion",
            &[
                ("steps", 400.into()),
                ("grid_pitch", 0.5.into()),
                ("level", 0.1.into()),
            ],
        )],
    };
    spawn_layer(app.world_mut(), "coral", "black", 0.3, recipe);
    let drafting = |app: &mut App, on: bool| {
        set_drafting(app, "coral", on);
        crate::pipeline::settle(app);
    };
    // A parameter is being dragged: the layer shows a draft, and a capture says so.
    drafting(&mut app, true);
    let refused = capture_all(&mut app, &[CaptureKind::Svg]);
    let message = refused[0].as_ref().unwrap_err();
    assert!(message.contains("layer 'coral' shows a draft"), "{message}");
    assert_eq!(
        std::fs::read_dir(&dir).map_or(0, |d| d.count()),
        0,
        "nothing written"
    );
    // Let go: the full result, captured.
    drafting(&mut app, false);
    let written = capture_all(&mut app, &[CaptureKind::Svg]);
    let files = written[0].as_ref().unwrap();
    assert_eq!(files.len(), 1);
    assert!(
        std::fs::read_to_string(&files[0])
            .unwrap()
            .contains("<path")
    );
}

#[test]
fn a_long_frame_export_lets_other_file_work_through_after_at_most_one_frame() {
    // 300 dpi is 2362 px square: each frame takes a while to render.
    let (mut app, _dir) = paper_app("capture-frames-io", (200.0, 200.0), 300.0);
    let recipe = Recipe {
        source: call(
            "grid",
            &[
                ("nx", 60.into()),
                ("ny", 60.into()),
                ("scale", 180.0.into()),
            ],
        ),
        effects: vec![call(
            "rotate",
            &[(
                "rotation",
                graft::ops::RawParam::expression("(0, 0, t * 90)"),
            )],
        )],
    };
    spawn_layer(app.world_mut(), "grid", "#000000", 0.3, recipe);
    settle_heavy(&mut app);
    {
        let mut anim = app.world_mut().resource_mut::<AnimationExport>();
        anim.from = 0.0;
        anim.to = 1.0;
        anim.fps = 12.0;
    }
    app.world_mut()
        .resource_mut::<CaptureQueue>()
        .0
        .push(CaptureKind::Frames);
    let start = Instant::now();
    let done = |app: &App| app.world().resource::<AnimationExport>().running();
    // Once the export has written a frame, other file work (a save, a scene reload) is
    // queued on the same I/O pool.
    while done(&app).is_none_or(|(d, _)| d == 0) {
        app.update();
        assert!(start.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(1));
    }
    let (at_ask, total) = done(&app).unwrap();
    let progress = app.world().resource::<AnimationExport>().progress.clone();
    let other = bevy::tasks::IoTaskPool::get()
        .spawn(async move { progress.0.load(std::sync::atomic::Ordering::SeqCst) });
    let mut other = Some(other);
    let mut at_run = None;
    while app.world().resource::<CaptureLog>().pending > 0 {
        app.update();
        if let Some(task) = other.as_mut()
            && let Some(frames) = bevy::tasks::futures::check_ready(task)
        {
            at_run = Some(frames);
            other = None;
        }
        assert!(start.elapsed() < Duration::from_secs(120));
        std::thread::sleep(Duration::from_millis(1));
    }
    let at_run = at_run.expect("the other work ran before the export ended");
    assert!(
        at_run <= at_ask + 1,
        "the other work waited for {} frames (asked after frame {at_ask} of {total})",
        at_run - at_ask
    );
    assert!(at_run < total, "it ran while the export was still going");
    let log = app.world().resource::<CaptureLog>();
    let folder = &log.last().unwrap().result.as_ref().unwrap()[0];
    let pngs = std::fs::read_dir(folder)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(pngs, 12, "every frame is there");
    println!("other I/O work ran after frame {at_run} (asked after {at_ask} of {total})");
}
