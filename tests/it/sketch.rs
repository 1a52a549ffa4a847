//! Sketches: Rust layers, custom ops through the pipeline and the registry, headless
//! renders that repeat byte for byte, and frame sequences.

use graft::ecs::{OpsRegistry, PipelineStats, Resolved};
use graft::export::{FrameFormats, FrameRange, export_frames, frame_path, to_svg};
use graft::prelude::*;
use graft::sketch::{OpRegistrationErrors, render_at};

use crate::util::tempdir;

/// Errors of sketch systems are collected process-wide; sketch tests run one at a time so
/// that one test's error never shows in another's render.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

op! {
    /// moves lines right
    #[op(effect, name = "shift", version = 1)]
    pub struct Shift {
        /// how far
        pub dx: f32 = 1.0 => ui(0.0, 10.0).unit("mm"),
    }
}

/// `shift`: moves every point right by `dx` mm.
impl Evaluate for Shift {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let dx = self.dx;
        Ok(input.with_points(
            input
                .points()
                .iter()
                .map(|q| Vec3::new(q.x + dx, q.y, q.z))
                .collect(),
        ))
    }
}

op! {
    /// a default outside its own domain
    #[op(effect, name = "bad", version = 1)]
    pub struct Bad {
        pub x: f64 = -1.0 => min(0.0),
    }
}

impl Evaluate for Bad {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        Ok(input.clone())
    }
}

op! {
    /// always fails
    #[op(effect, name = "fails", version = 1)]
    pub struct Fails {}
}

impl Evaluate for Fails {
    fn eval(&self, _: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        Err(OpFailure::bad_input("no luck"))
    }
}

op! {
    /// never registered
    #[op(primitive, name = "nope", version = 1)]
    pub struct Nope {}
}

op! {
    /// never registered either
    #[op(primitive, name = "hexagon", version = 1)]
    pub struct Hexagon {}
}

struct TestSketch;

impl Plugin for TestSketch {
    fn build(&self, app: &mut App) {
        app.register_op::<Shift>().add_systems(Startup, spawn);
    }
}

fn spawn(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    commands.spawn_layer(
        &registry,
        LayerSpec::new("shifted")
            .color("#ff0000")
            .source(Line {
                length: 10.0,
                center: Vec3::new(50.0, 50.0, 0.0),
                ..default()
            })
            .then(Shift { dx: 5.0 })
            .then(Rotate::default())
            .animate(field!(Rotate::rotation), "(0, 0, t * 10)"),
    )?;
    Ok(())
}

#[test]
fn a_custom_effect_is_registered_realised_and_cached_like_a_built_in() {
    let _serial = one_at_a_time();
    let mut app = Sketch::new(TestSketch).headless().unwrap();
    // Listed with its schema.
    let registry = app.world().resource::<OpsRegistry>().snapshot();
    let listing = registry.listing(Some("shift")).unwrap();
    assert!(
        listing.starts_with("shift (effect, v1): moves lines right"),
        "{listing}"
    );
    assert!(
        listing.contains("dx") && listing.contains("mm"),
        "{listing}"
    );
    assert!(registry.listing(None).unwrap().contains("shift (effect"));

    // Realised: the 10 mm line centred at (50, 50), shifted by 5 mm.
    render_at(&mut app, 0.0).unwrap();
    let mut q = app.world_mut().query::<(Entity, &Realized)>();
    let (entity, realized) = q
        .iter(app.world())
        .next()
        .map(|(e, r)| (e, r.clone()))
        .unwrap();
    let xs: Vec<f32> = realized.geometry.points().iter().map(|p| p.x).collect();
    assert_eq!(xs, [50.0, 60.0]);

    // Only the last stage changes: the custom stage comes from the cache.
    let before = app.world().resource::<PipelineStats>().clone();
    let ids_before = app.world().get::<Resolved>(entity).unwrap().ids.clone();
    render_at(&mut app, 1.0).unwrap();
    let after = app.world().resource::<PipelineStats>().clone();
    let ids_after = app.world().get::<Resolved>(entity).unwrap().ids.clone();
    assert_eq!(
        ids_after[..2],
        ids_before[..2],
        "source and shift keep their ids"
    );
    assert_ne!(ids_after[2], ids_before[2]);
    assert_eq!(
        after.stage_misses - before.stage_misses,
        1,
        "only rotate is computed"
    );
    assert_eq!(
        after.stage_hits - before.stage_hits,
        2,
        "line and shift come from the cache"
    );

    // The op is usable from scene text through the same registry.
    let scene = graft::scene::Scene::parse(
        "(canvas: (size: (100, 100)), layers: [(name: \"a\", source: line(), effects: [shift(dx: 2)])])",
        "s.scene.ron",
        &registry,
    )
    .unwrap();
    assert_eq!(scene.layers[0].recipe.effects[0].op.name(), "shift");
}

#[test]
fn wrong_custom_schemas_and_failing_ops_are_clear_errors_naming_the_op() {
    let _serial = one_at_a_time();
    let mut app = App::new();
    let err = app.try_register_op::<Bad>().unwrap_err().to_string();
    assert!(
        err.contains("op 'bad'") && err.contains("default of parameter 'x'"),
        "{err}"
    );
    app.register_op::<Bad>();
    let errors = &app.world().resource::<OpRegistrationErrors>().0;
    assert!(
        errors[0].contains("custom op 'bad' not registered"),
        "{errors:?}"
    );
    assert!(app.try_register_op::<Shift>().is_ok());
    assert!(
        app.try_register_op::<Shift>()
            .unwrap_err()
            .to_string()
            .contains("already registered")
    );

    // A layer spec with an op that is not registered, or a wrong value, says so.
    let reg = graft::ops::OpRegistry::builtin();
    let err = LayerSpec::new("x")
        .source(Nope::default())
        .build(&reg)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("layer 'x'")
            && err.contains("unknown primitive 'nope'")
            && err.contains("app.register_op::<Nope>()"),
        "{err}"
    );
    let err = LayerSpec::new("x")
        .source(Line {
            length: -3.0,
            ..default()
        })
        .build(&reg)
        .unwrap_err()
        .to_string();
    assert!(err.contains("line.length"), "{err}");
    let err = LayerSpec::new("x")
        .color("#12")
        .source(Line::default())
        .build(&reg)
        .unwrap_err()
        .to_string();
    assert!(err.contains("#12"), "{err}");

    // A failing custom op marks its layer; a headless render reports it by name.
    struct Failing;
    impl Plugin for Failing {
        fn build(&self, app: &mut App) {
            app.register_op::<Fails>().add_systems(
                Startup,
                |mut c: Commands, r: Res<OpsRegistry>| -> Result {
                    c.spawn_layer(
                        &r,
                        LayerSpec::new("doomed")
                            .source(Line::default())
                            .then(Fails::default()),
                    )?;
                    Ok(())
                },
            );
        }
    }
    let mut app = Sketch::new(Failing).headless().unwrap();
    let err = render_at(&mut app, 0.0).unwrap_err().to_string();
    assert!(
        err.contains("layer 'doomed'") && err.contains("op 'fails': no luck"),
        "{err}"
    );
}

#[test]
fn a_headless_sketch_renders_byte_identical_svg_across_runs() {
    let _serial = one_at_a_time();
    let render = || {
        let mut app = Sketch::new(TestSketch).headless().unwrap();
        to_svg(&render_at(&mut app, 2.5).unwrap())
    };
    let a = render();
    let b = render();
    assert_eq!(a, b);
    assert!(a.contains("inkscape:label=\"1 shifted\""));
    // And through the sketch's command line.
    let dir = tempdir("sketch-cli");
    let out = dir.join("s.svg");
    Sketch::new(TestSketch)
        .run_with([
            "sketch",
            "render",
            "--t",
            "2.5",
            "--svg",
            out.to_str().unwrap(),
        ])
        .unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), a);
    // A second render never replaces the file.
    let err = Sketch::new(TestSketch)
        .run_with([
            "sketch",
            "render",
            "--t",
            "1",
            "--svg",
            out.to_str().unwrap(),
        ])
        .unwrap_err()
        .to_string();
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_frame_sequence_of_ten_frames_writes_ten_numbered_files_of_the_right_size() {
    let _serial = one_at_a_time();
    let dir = tempdir("frames");
    let mut app = Sketch::new(TestSketch).headless().unwrap();
    let mut seen = Vec::new();
    let range = FrameRange {
        from: 0.0,
        to: 1.0,
        fps: 10.0,
    };
    // Default canvas A4 at 25.4 dpi: 1 px per mm.
    let formats = FrameFormats {
        png: true,
        svg: false,
        dpi: 25.4,
    };
    let written = export_frames(
        &dir,
        range,
        formats,
        false,
        |t| render_at(&mut app, t),
        |d, n| seen.push((d, n)),
    )
    .unwrap();
    assert_eq!(written.len(), 10);
    assert_eq!(seen.last(), Some(&(10, 10)));
    for i in 0..10 {
        let path = frame_path(&dir, i, "png");
        assert_eq!(written[i], path);
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            format!("frame_{i:05}.png")
        );
        let png = resvg::tiny_skia::Pixmap::load_png(&path).unwrap();
        assert_eq!((png.width(), png.height()), (210, 297));
    }
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "{names:?}");
    // The frames differ (the rotation follows t) and a second export refuses to overwrite.
    assert_ne!(
        std::fs::read(&written[0]).unwrap(),
        std::fs::read(&written[9]).unwrap()
    );
    // Encoded on several threads, each frame holds what encoding it in turn gives.
    let one_by_one = dir.join("one-by-one");
    let mut sequence =
        graft::export::FrameSequence::start(&one_by_one, range, formats, false).unwrap();
    while !sequence.is_done() {
        sequence.write_next(|t| render_at(&mut app, t)).unwrap();
    }
    for (i, path) in sequence.commit().unwrap().iter().enumerate() {
        assert_eq!(
            std::fs::read(path).unwrap(),
            std::fs::read(&written[i]).unwrap()
        );
    }
    let err = export_frames(
        &dir,
        range,
        formats,
        false,
        |t| render_at(&mut app, t),
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("already exists"), "{err}");
    // A sequence that fails at its fourth frame leaves no frame behind.
    let failing = dir.join("failing");
    let err = export_frames(
        &failing,
        range,
        formats,
        false,
        |t| {
            if t > 0.25 {
                Err("the sketch gave up".to_string())
            } else {
                render_at(&mut app, t).map_err(|e| e.to_string())
            }
        },
        |_, _| {},
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("frame 3") && err.contains("gave up"), "{err}");
    assert_eq!(std::fs::read_dir(&failing).unwrap().count(), 0);
    assert!(
        FrameRange {
            from: 1.0,
            to: 0.0,
            fps: 10.0
        }
        .times()
        .is_err()
    );
    assert!(
        FrameRange {
            from: 0.0,
            to: 1.0,
            fps: 0.0
        }
        .times()
        .is_err()
    );
}

#[test]
fn an_error_returned_by_a_sketch_system_fails_a_headless_render_with_its_message() {
    let _serial = one_at_a_time();
    struct Broken;
    impl Plugin for Broken {
        fn build(&self, app: &mut App) {
            app.add_systems(Startup, |mut c: Commands, r: Res<OpsRegistry>| -> Result {
                c.spawn_layer(&r, LayerSpec::new("x").source(Hexagon::default()))?;
                Ok(())
            });
        }
    }
    let start = std::time::Instant::now();
    let mut app = Sketch::new(Broken).headless().unwrap();
    let err = render_at(&mut app, 0.0).unwrap_err().to_string();
    assert!(err.contains("unknown primitive 'hexagon'"), "{err}");
    assert!(
        start.elapsed().as_secs() < 10,
        "fails at once, not after a timeout"
    );
}

struct Masked;

impl Plugin for Masked {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_masked);
    }
}

fn spawn_masked(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    // A hidden layer serves as the mask of another, named as in a scene file.
    commands.spawn_layer(
        &registry,
        LayerSpec::new("frame").hidden().source(Rect {
            width: 20.0,
            height: 20.0,
            center: Vec3::new(50.0, 50.0, 0.0),
            ..default()
        }),
    )?;
    commands.spawn_layer(
        &registry,
        LayerSpec::new("cut")
            .source(Line {
                length: 100.0,
                center: Vec3::new(50.0, 50.0, 0.0),
                ..default()
            })
            .then(Clip {
                mask: Inputs::named(["frame"]),
                ..default()
            }),
    )?;
    Ok(())
}

#[test]
fn a_sketch_layer_clips_by_another_layer_named_in_a_typed_op() {
    let _serial = one_at_a_time();
    let mut app = Sketch::new(Masked).headless().unwrap();
    let drawing = render_at(&mut app, 0.0).unwrap();
    let names: Vec<&str> = drawing.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["cut"], "the hidden mask is not drawn");
    let xs: Vec<f32> = drawing.layers[0]
        .geometry
        .points()
        .iter()
        .map(|p| p.x)
        .collect();
    assert_eq!(xs, [40.0, 60.0], "the line is cut at the frame's edges");
}
