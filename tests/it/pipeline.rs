//! The ECS pipeline in a headless app: scene assets, hot reload, cached async stages.

use std::path::Path;
use std::time::{Duration, Instant};

use bevy::asset::AssetPlugin;
use bevy::prelude::*;
use graft::ecs::{
    GraftPlugins, InFlight, Layer, LayerError, LayerRecipe, OpsRegistry, PipelineStats, Realized,
    Resolved, SceneClock, SceneState, SceneStatus, layers_settled,
};
use graft::geometry::Polylines;
use graft::ops::{EvalContext, Evaluate, Op, OpFailure, RawParam};
use graft::scene::Scene;

use crate::util::{registry, rust_app, spawn_layer, tempdir};

pub(crate) const SCENE: &str = "test.scene.ron";

/// A headless app (no window, no renderer) showing `dir/test.scene.ron`, clock paused at 0.
pub(crate) fn app(dir: &Path, watch: bool) -> App {
    let mut app = App::new();
    app.add_plugins((
        crate::util::minimal_plugins(),
        AssetPlugin {
            file_path: dir.to_string_lossy().into_owned(),
            watch_for_changes_override: Some(watch),
            ..default()
        },
    ))
    .add_plugins(GraftPlugins {
        scene: Some(SCENE.into()),
        scene_root: Some(dir.to_path_buf()),
    })
    .insert_resource(SceneClock::paused_at(0.0));
    app
}

/// Pumps frames until `done` holds (panics after 20 s).
pub(crate) fn run_until(app: &mut App, what: &str, mut done: impl FnMut(&mut App) -> bool) {
    let start = Instant::now();
    loop {
        app.update();
        if done(app) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}; scene status: {:?}",
            app.world().get_resource::<SceneStatus>()
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

pub(crate) fn settle(app: &mut App) {
    run_until(app, "the pipeline to settle", |app| {
        layers_settled(app.world_mut())
    });
}

pub(crate) fn entity(app: &mut App, name: &str) -> Entity {
    let mut q = app.world_mut().query::<(Entity, &Layer)>();
    q.iter(app.world())
        .find(|(_, l)| l.name == name)
        .map(|(e, _)| e)
        .unwrap_or_else(|| panic!("no layer named {name}"))
}

fn names(app: &mut App) -> Vec<String> {
    let mut q = app.world_mut().query::<&Layer>();
    let mut layers: Vec<(usize, String)> = q
        .iter(app.world())
        .map(|l| (l.order, l.name.clone()))
        .collect();
    layers.sort();
    layers.into_iter().map(|(_, n)| n).collect()
}

fn realized(app: &App, e: Entity) -> Realized {
    app.world().get::<Realized>(e).expect("realized").clone()
}

fn stats(app: &App) -> PipelineStats {
    app.world().resource::<PipelineStats>().clone()
}

fn scene_text(layers: &str) -> String {
    format!("(\n    canvas: (size: (200, 200)),\n    layers: [\n{layers}    ],\n)\n")
}

const FIVE_STAGES: &str = "        (name: \"chain\", source: grid(nx: 10, ny: 10, scale: 100), effects: [\n            subdivide(subdivisions: 3),\n            displace(amplitude: (2, 2, 0)),\n            rotate(rotation: (0, 0, 10)),\n            dash(dash_length: 3, gap_length: 1),\n        ]),\n";
const CIRCLE: &str = "        (name: \"circle\", source: circle(radius: 40, center: (100, 100, 0)), effects: [fill(density: 20)]),\n";

#[test]
fn loaded_layers_realise_the_ids_and_geometry_of_the_pure_core() {
    let dir = tempdir("pipe-ids");
    let text = scene_text(&format!("{FIVE_STAGES}{CIRCLE}"));
    std::fs::write(dir.join(SCENE), &text).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    assert_eq!(names(&mut app), ["chain", "circle"]);
    let scene = Scene::parse(&text, SCENE, &registry()).unwrap();
    for def in &scene.layers {
        let e = entity(&mut app, &def.name);
        let resolved = def
            .recipe
            .resolve(0.0, &graft::ops::EvalContext::default())
            .unwrap();
        let expected = resolved.evaluate(&EvalContext::default()).unwrap();
        let got = realized(&app, e);
        assert_eq!(got.id, resolved.final_id(), "{}", def.name);
        assert_eq!(*got.geometry, **expected.last().unwrap(), "{}", def.name);
        assert_eq!(app.world().get::<Resolved>(e).unwrap().ids, resolved.ids());
    }
    let s = stats(&app);
    assert_eq!((s.tasks_spawned, s.stage_misses, s.failures), (2, 7, 0));
    let status = app.world().resource::<SceneStatus>();
    assert!(
        matches!(status.state, SceneState::Loaded { .. }),
        "{:?}",
        status.state
    );
}

#[test]
fn editing_the_last_effect_recomputes_exactly_one_stage_of_one_layer() {
    let dir = tempdir("pipe-edit");
    std::fs::write(
        dir.join(SCENE),
        scene_text(&format!("{FIVE_STAGES}{CIRCLE}")),
    )
    .unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let (chain, circle) = (entity(&mut app, "chain"), entity(&mut app, "circle"));
    let circle_before = realized(&app, circle).id;
    let before = stats(&app);
    {
        let mut recipe = app.world_mut().get_mut::<LayerRecipe>(chain).unwrap();
        recipe.0.effects[3]
            .set("dash_length", &RawParam::from(4.0))
            .unwrap();
    }
    settle(&mut app);
    let after = stats(&app);
    assert_eq!(after.tasks_spawned - before.tasks_spawned, 1);
    assert_eq!(
        after.stage_misses - before.stage_misses,
        1,
        "only the dash stage runs"
    );
    assert_eq!(
        after.stage_hits - before.stage_hits,
        4,
        "grid, subdivide, displace and rotate come from the cache"
    );
    assert_eq!(realized(&app, circle).id, circle_before);
    // Going back to the previous value is a full cache hit: no task at all.
    {
        let mut recipe = app.world_mut().get_mut::<LayerRecipe>(chain).unwrap();
        recipe.0.effects[3]
            .set("dash_length", &RawParam::from(3.0))
            .unwrap();
    }
    settle(&mut app);
    let back = stats(&app);
    assert_eq!(back.tasks_spawned, after.tasks_spawned);
    assert_eq!(back.full_hits - after.full_hits, 1);
    // Switching an effect off reuses the stage before it.
    {
        let mut recipe = app.world_mut().get_mut::<LayerRecipe>(chain).unwrap();
        recipe.0.effects[3].enabled = false;
    }
    settle(&mut app);
    // No stage runs again; only the GPU layout of the new final result is built.
    assert_eq!(stats(&app).stage_misses, back.stage_misses);
    assert!(stats(&app).tasks_spawned - back.tasks_spawned <= 1);
}

#[test]
fn scene_files_hot_reload_by_layer_name_and_broken_files_keep_the_last_good_scene() {
    let dir = tempdir("pipe-reload");
    let path = dir.join(SCENE);
    let a = "        (name: \"a\", source: line(length: 50)),\n";
    let b = "        (name: \"b\", source: circle(radius: 20)),\n";
    let c = "        (name: \"c\", source: rect()),\n";
    std::fs::write(&path, scene_text(&format!("{a}{b}{c}"))).unwrap();
    let mut app = app(&dir, true);
    settle(&mut app);
    let (ea, eb, ec) = (
        entity(&mut app, "a"),
        entity(&mut app, "b"),
        entity(&mut app, "c"),
    );
    let b_id = realized(&app, eb).id;
    let before = stats(&app);

    // Change a, keep b, drop c, add d before b.
    let a2 = "        (name: \"a\", source: line(length: 70)),\n";
    let d = "        (name: \"d\", source: polygon()),\n";
    std::fs::write(&path, scene_text(&format!("{a2}{d}{b}"))).unwrap();
    run_until(&mut app, "the reload", |app| {
        app.world().resource::<SceneStatus>().loads >= 2
    });
    settle(&mut app);
    assert_eq!(names(&mut app), ["a", "d", "b"]);
    assert_eq!(entity(&mut app, "a"), ea);
    assert_eq!(entity(&mut app, "b"), eb);
    assert!(app.world().get_entity(ec).is_err(), "c is despawned");
    assert_eq!(realized(&app, eb).id, b_id);
    assert_eq!(
        stats(&app).tasks_spawned - before.tasks_spawned,
        2,
        "only a and d compute"
    );
    assert!(matches!(
        app.world().resource::<SceneStatus>().state,
        SceneState::Reloaded { .. }
    ));

    // A broken file: the error names line and column, the layers stay.
    std::fs::write(&path, scene_text("        (name: \"a\", source: line(length: 70)),\n        (name: \"b\" source: circle()),\n")).unwrap();
    run_until(&mut app, "the failed reload", |app| {
        app.world().resource::<SceneStatus>().failures >= 1
    });
    let status = app.world().resource::<SceneStatus>().clone();
    let err = status.error().expect("the error is published");
    assert_eq!(err.line, 5, "{err}");
    assert!(err.column > 0 && err.file.ends_with(SCENE), "{err}");
    for _ in 0..5 {
        app.update();
    }
    assert_eq!(names(&mut app), ["a", "d", "b"]);
    assert_eq!(realized(&app, eb).id, b_id);

    // Repairing it recovers without a restart.
    let loads = app.world().resource::<SceneStatus>().loads;
    std::fs::write(&path, scene_text(&format!("{a}{b}"))).unwrap();
    run_until(&mut app, "the repaired reload", |app| {
        let status = app.world().resource::<SceneStatus>();
        status.loads > loads && status.error().is_none()
    });
    settle(&mut app);
    assert_eq!(names(&mut app), ["a", "b"]);
    assert!(app.world().resource::<SceneStatus>().error().is_none());
    assert_eq!(entity(&mut app, "a"), ea);
}

graft::op! {
    /// passes its input through, or panics
    #[op(effect, name = "explode", version = 1)]
    struct Explode {
        /// panic
        now: bool = false,
    }
}

impl Evaluate for Explode {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.now {
            panic!("the op blew up");
        }
        Ok(input.clone())
    }
}

fn exploding_op() -> Op {
    Op::of::<Explode>()
}

#[test]
fn a_panicking_op_marks_only_its_layer_and_keeps_its_last_good_result() {
    let dir = tempdir("pipe-panic");
    let layers = "        (name: \"fragile\", source: line(), effects: [explode()]),\n        (name: \"sturdy\", source: circle(), effects: [fill()]),\n";
    std::fs::write(dir.join(SCENE), scene_text(layers)).unwrap();
    let mut app = app(&dir, false);
    app.world()
        .resource::<OpsRegistry>()
        .register(exploding_op())
        .unwrap();
    settle(&mut app);
    let (fragile, sturdy) = (entity(&mut app, "fragile"), entity(&mut app, "sturdy"));
    let good = realized(&app, fragile);
    assert!(!app.world().get::<LayerError>(fragile).unwrap().is_set());
    app.world_mut()
        .get_mut::<LayerRecipe>(fragile)
        .unwrap()
        .0
        .effects[0]
        .set("now", &true.into())
        .unwrap();
    app.world_mut()
        .get_mut::<LayerRecipe>(sturdy)
        .unwrap()
        .0
        .effects[0]
        .set("density", &30.0.into())
        .unwrap();
    settle(&mut app);
    let error = app.world().get::<LayerError>(fragile).unwrap().clone();
    assert_eq!(
        error.message.as_deref(),
        Some("op 'explode': panicked: the op blew up")
    );
    assert_eq!(
        realized(&app, fragile).id,
        good.id,
        "the last good result stays"
    );
    assert!(!app.world().get::<LayerError>(sturdy).unwrap().is_set());
    assert_eq!(
        realized(&app, sturdy).id,
        app.world().get::<Resolved>(sturdy).unwrap().wanted()
    );
    // The failed id is not retried every frame.
    let failures = stats(&app).failures;
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(stats(&app).failures, failures);
    assert_eq!(failures, 1);
    // Fixing the parameter clears the error.
    app.world_mut()
        .get_mut::<LayerRecipe>(fragile)
        .unwrap()
        .0
        .effects[0]
        .set("now", &false.into())
        .unwrap();
    settle(&mut app);
    assert!(!app.world().get::<LayerError>(fragile).unwrap().is_set());
}

#[test]
fn animated_layers_recompute_on_each_tick_while_static_layers_do_no_work() {
    let dir = tempdir("pipe-anim");
    let layers = "        (name: \"still\", source: grid(nx: 20, ny: 20), effects: [subdivide(subdivisions: 4)]),\n        (name: \"moving\", source: polygon(), effects: [subdivide(subdivisions: 3), rotate(rotation: (0, 0, \"t * 30\"))]),\n";
    std::fs::write(dir.join(SCENE), scene_text(layers)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let (still, moving) = (entity(&mut app, "still"), entity(&mut app, "moving"));
    let still_id = realized(&app, still).id;
    let mut last = realized(&app, moving).id;
    let start = stats(&app);
    for tick in 1..=5 {
        let t = tick as f64 * 0.1;
        app.world_mut().resource_mut::<SceneClock>().seek(t);
        settle(&mut app);
        let now = realized(&app, moving);
        assert_ne!(now.id, last, "tick {tick} recomputes the animated layer");
        assert_eq!(now.t, t);
        last = now.id;
        let s = stats(&app);
        assert_eq!(
            s.tasks_spawned - start.tasks_spawned,
            tick,
            "one task per tick"
        );
        assert_eq!(
            s.stage_misses - start.stage_misses,
            tick,
            "only the rotate stage runs"
        );
        assert_eq!(realized(&app, still).id, still_id);
    }
    // With the clock paused, frames do no work at all.
    let idle = stats(&app);
    for _ in 0..20 {
        app.update();
    }
    let s = stats(&app);
    assert_eq!(
        (s.tasks_spawned, s.full_hits, s.deferred),
        (idle.tasks_spawned, idle.full_hits, idle.deferred)
    );
}

#[test]
fn layers_spawned_from_rust_run_through_the_same_pipeline() {
    // No scene file: a sketch spawns its own layer entity.
    let mut app = rust_app();
    let recipe = graft::ops::Recipe {
        source: crate::util::call("rect", &[("width", 10.0.into()), ("height", 10.0.into())]),
        effects: vec![],
    };
    let expected: Polylines = (*recipe
        .resolve(0.0, &graft::ops::EvalContext::default())
        .unwrap()
        .evaluate(&EvalContext::default())
        .unwrap()[0])
        .clone();
    let e = spawn_layer(app.world_mut(), "rust", "black", 0.3, recipe);
    settle(&mut app);
    assert_eq!(*realized(&app, e).geometry, expected);
}

// `slow`: shifts lines by `dx` after sleeping `ms` milliseconds.
graft::op! {
    /// shifts lines after a pause
    #[op(effect, name = "slow", version = 1)]
    struct Slow {
        dx: f32 = 0.0,
        ms: f64 = 0.0 => min(0.0),
    }
}

impl Evaluate for Slow {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        std::thread::sleep(Duration::from_millis(self.ms as u64));
        let dx = self.dx;
        Ok(input.with_points(input.points().iter().map(|q| *q + Vec3::X * dx).collect()))
    }
}

fn slow_op() -> Op {
    Op::of::<Slow>()
}

/// Registers `slow` and spawns a layer `name`: a 10 mm line through `slow(params)`.
fn spawn_slow_line(app: &mut App, name: &str, params: &[(&str, RawParam)]) -> Entity {
    app.world()
        .resource::<OpsRegistry>()
        .register(slow_op())
        .unwrap();
    let registry = app.world().resource::<OpsRegistry>().snapshot();
    let recipe = graft::ops::Recipe {
        source: registry.call("line", &[("length", 10.0.into())]).unwrap(),
        effects: vec![registry.call("slow", params).unwrap()],
    };
    spawn_layer(app.world_mut(), name, "black", 0.3, recipe)
}

#[test]
fn superseded_results_show_on_the_way_but_never_replace_newer_ones() {
    let mut app = rust_app();
    let e = spawn_slow_line(&mut app, "drag", &[]);
    settle(&mut app);
    let set = |app: &mut App, dx: f64, ms: f64| {
        let mut r = app.world_mut().get_mut::<LayerRecipe>(e).unwrap();
        r.0.effects[0].set("dx", &RawParam::from(dx)).unwrap();
        r.0.effects[0].set("ms", &RawParam::from(ms)).unwrap();
        app.update();
        app.world().get::<Resolved>(e).unwrap().wanted()
    };
    let shown = |app: &App| app.world().get::<Realized>(e).unwrap().id;

    // A slow request, then a fast one. With several pool threads the fast (newer) result
    // comes first and the slow one is dropped; with one thread the slow one shows on the
    // way. Either way the newest request ends on screen and is never replaced.
    let before = stats(&app);
    let _slow = set(&mut app, 1.0, 300.0);
    let fast = set(&mut app, 2.0, 0.0);
    run_until(&mut app, "both tasks to finish", |app| {
        app.world().get::<InFlight>(e).unwrap().is_empty()
    });
    assert_eq!(shown(&app), fast);
    let after = stats(&app);
    assert_eq!(
        (after.stale_dropped - before.stale_dropped) + (after.interim_shown - before.interim_shown),
        1
    );

    // A drag: a request superseded by a slower one shows on the way, then the wanted one.
    let first = set(&mut app, 3.0, 100.0);
    let last = set(&mut app, 4.0, 400.0);
    run_until(&mut app, "the interim result", |app| shown(app) != fast);
    assert_eq!(
        shown(&app),
        first,
        "the superseded but newer result is shown"
    );
    assert!(stats(&app).interim_shown >= 1);
    settle(&mut app);
    assert_eq!(shown(&app), last);
}

#[test]
fn an_animated_layer_slower_than_a_frame_overlaps_two_evaluations_and_shows_them_in_time_order() {
    let mut app = rust_app();
    let e = spawn_slow_line(
        &mut app,
        "moving",
        &[("ms", 120.0.into()), ("dx", RawParam::Str("t * 10".into()))],
    );
    // The first evaluation tells the layer how long one takes.
    settle(&mut app);
    let threads = bevy::tasks::AsyncComputeTaskPool::get().thread_num();
    let before = stats(&app);
    let began = Instant::now();
    let (mut most_in_flight, mut shown_t) = (0, vec![]);
    // The clock plays for about ten evaluations, a frame every 5 ms.
    while began.elapsed() < Duration::from_millis(1300) {
        let t = began.elapsed().as_secs_f64();
        app.world_mut().resource_mut::<SceneClock>().seek(t);
        app.update();
        most_in_flight = most_in_flight.max(app.world().get::<InFlight>(e).unwrap().len());
        let now = realized(&app, e).t;
        if shown_t.last() != Some(&now) {
            shown_t.push(now);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let after = stats(&app);
    // With an idle evaluation thread the next time is sampled half way through the
    // running evaluation; with one thread, one at a time.
    assert_eq!(
        most_in_flight,
        threads.min(2),
        "{threads} evaluation threads"
    );
    assert!(
        shown_t.windows(2).all(|w| w[0] < w[1]),
        "results arrive in time order: {shown_t:?}"
    );
    assert_eq!(
        after.tasks_stopped, before.tasks_stopped,
        "nothing is cancelled"
    );
    if threads >= 2 {
        // The older of two overlapping evaluations is shown on the way to the newer.
        assert!(after.interim_shown > before.interim_shown);
    }
}

#[test]
fn a_scene_budget_bounds_the_geometry_of_all_layers_together() {
    use graft::ecs::PipelineSettings;
    use graft::ops::{Recipe, SceneBudget};
    use std::sync::Arc;

    let mut app = rust_app();
    // 1000 points for the whole scene; each polygon has 401.
    let scene = Arc::new(SceneBudget::new(1000));
    {
        let mut settings = app.world_mut().resource_mut::<PipelineSettings>();
        settings.eval = settings.eval.clone().with_scene_budget(Arc::clone(&scene));
    }
    let polygon = |x: f64| Recipe {
        source: crate::util::call(
            "polygon",
            &[("n_sides", 400.into()), ("center", [x, 50.0, 0.0].into())],
        ),
        effects: vec![],
    };
    let a = spawn_layer(app.world_mut(), "a", "#000000", 0.3, polygon(10.0));
    let b = spawn_layer(app.world_mut(), "b", "#000000", 0.3, polygon(20.0));
    run_until(&mut app, "two layers", |app| {
        app.world().get::<Realized>(a).is_some() && app.world().get::<Realized>(b).is_some()
    });
    assert_eq!(scene.held(), 802);
    // A third one would take the scene past its budget: refused, naming the budget.
    let c = spawn_layer(app.world_mut(), "c", "#000000", 0.3, polygon(30.0));
    run_until(&mut app, "the third layer's error", |app| {
        app.world().get::<LayerError>(c).unwrap().is_set()
    });
    let message = app
        .world()
        .get::<LayerError>(c)
        .unwrap()
        .message
        .clone()
        .unwrap();
    assert!(
        message.contains("op 'polygon'")
            && message.contains("budget of 1000 vertices")
            && message.contains("other layers hold 802"),
        "{message}"
    );
    assert!(app.world().get::<Realized>(c).is_none());
    assert_eq!(scene.held(), 802);
    // Removing a layer gives its share back.
    app.world_mut().despawn(b);
    for _ in 0..3 {
        app.update();
    }
    assert_eq!(scene.held(), 401);
}

#[test]
fn an_oversized_scene_file_is_refused_by_the_asset_loader_with_the_cap() {
    let dir = tempdir("pipe-oversized");
    // A valid scene padded with a comment past the cap: the loader must stop reading.
    let mut text = String::from("// ");
    text.push_str(&" ".repeat((graft::host::MAX_SCENE_BYTES + 10) as usize));
    text.push('\n');
    text.push_str(&scene_text("        (name: \"a\", source: line()),\n"));
    std::fs::write(dir.join(SCENE), text).unwrap();
    let mut app = app(&dir, false);
    run_until(&mut app, "the failed load", |app| {
        app.world().resource::<SceneStatus>().failures >= 1
    });
    let status = app.world().resource::<SceneStatus>().clone();
    let err = status.error().expect("the error is published");
    assert!(err.file.ends_with(SCENE), "{err}");
    assert!(
        err.message.contains("larger than 64 MiB"),
        "{}",
        err.message
    );
    assert!(names(&mut app).is_empty());
}

#[test]
fn a_relative_file_path_in_a_scene_is_read_beside_the_scene() {
    // The tests run in the project folder; the scene and its SVG lie elsewhere.
    let dir = tempdir("pipe-svg-relative");
    std::fs::write(
        dir.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100mm\" height=\"100mm\" viewBox=\"0 0 100 100\"><path d=\"M 0,0 L 20,10\" stroke=\"black\"/></svg>",
    )
    .unwrap();
    let layers = format!("        (name: \"logo\", source: svg(path: \"logo.svg\")),\n{CIRCLE}");
    std::fs::write(dir.join(SCENE), scene_text(&layers)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let logo = entity(&mut app, "logo");
    assert!(!app.world().get::<LayerError>(logo).unwrap().is_set());
    assert_eq!(realized(&app, logo).geometry.points()[1].x, 20.0);
}

#[test]
fn editing_a_referenced_svg_on_disk_recomputes_only_the_layer_that_reads_it() {
    let dir = tempdir("pipe-svg-watch");
    let svg = dir.join("logo.svg");
    let drawing = |x: u32| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100mm\" height=\"100mm\" viewBox=\"0 0 100 100\"><path d=\"M 0,0 L {x},10\" stroke=\"black\"/></svg>"
        )
    };
    std::fs::write(&svg, drawing(10)).unwrap();
    let layers = format!(
        "        (name: \"logo\", source: svg(path: {:?})),\n{CIRCLE}",
        svg.to_str().unwrap()
    );
    std::fs::write(dir.join(SCENE), scene_text(&layers)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let (logo, circle) = (entity(&mut app, "logo"), entity(&mut app, "circle"));
    let end_x = |app: &App| realized(app, logo).geometry.points()[1].x;
    assert_eq!(end_x(&app), 10.0);
    let circle_id = realized(&app, circle).id;
    let before = stats(&app);

    // A new drawing in the file: only the svg stage runs again.
    std::fs::write(&svg, drawing(70)).unwrap();
    run_until(&mut app, "the edited SVG to show", |app| end_x(app) == 70.0);
    settle(&mut app);
    let after = stats(&app);
    assert_eq!(
        after.stage_misses - before.stage_misses,
        1,
        "only the svg stage"
    );
    assert_eq!(realized(&app, circle).id, circle_id);

    // Saving the same content again changes no id: nothing runs.
    let edited_id = realized(&app, logo).id;
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&svg, drawing(70)).unwrap();
    let until = Instant::now() + Duration::from_millis(400);
    while Instant::now() < until {
        app.update();
        std::thread::sleep(Duration::from_millis(5));
    }
    settle(&mut app);
    assert_eq!(stats(&app).stage_misses, after.stage_misses);
    assert_eq!(realized(&app, logo).id, edited_id);

    // A file that disappears is an error naming it; the last good drawing stays.
    std::fs::remove_file(&svg).unwrap();
    run_until(&mut app, "the missing file's error", |app| {
        app.world().get::<LayerError>(logo).unwrap().is_set()
    });
    let message = format!("{:?}", app.world().get::<LayerError>(logo).unwrap());
    assert!(message.contains("logo.svg"), "{message}");
    assert_eq!(end_x(&app), 70.0);
    // And when it is back, the layer recovers by itself.
    std::fs::write(&svg, drawing(30)).unwrap();
    run_until(&mut app, "the restored SVG", |app| end_x(app) == 30.0);
}

#[test]
fn a_drag_over_a_slow_simulation_starts_at_most_two_full_runs_and_ends_on_the_last() {
    let mut app = rust_app();
    let registry = app.world().resource::<OpsRegistry>().snapshot();
    // About half a second of reaction–diffusion per run here.
    let recipe = graft::ops::Recipe {
        source: registry
            .call(
                "rect",
                &[
                    ("width", 60.0.into()),
                    ("height", 60.0.into()),
                    ("center", [50.0, 50.0, 0.0].into()),
                ],
            )
            .unwrap(),
        effects: vec![
            registry
                .call(
                    "reaction_diffusion",
                    &[("grid_pitch", 0.3.into()), ("steps", 3000.into())],
                )
                .unwrap(),
        ],
    };
    let e = spawn_layer(app.world_mut(), "coral", "black", 0.3, recipe);
    let before = stats(&app);
    // 20 changes, one per frame, as a slider drag makes them.
    let mut last = None;
    for k in 0..20 {
        let mut r = app.world_mut().get_mut::<LayerRecipe>(e).unwrap();
        r.0.effects[0]
            .set("feed", &RawParam::from(0.030 + 0.0005 * k as f64))
            .unwrap();
        app.update();
        last = Some(app.world().get::<Resolved>(e).unwrap().wanted());
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    settle(&mut app);
    let after = stats(&app);
    assert_eq!(app.world().get::<Realized>(e).unwrap().id, last.unwrap());
    let finished = after.tasks_finished - before.tasks_finished;
    let stopped = after.tasks_stopped - before.tasks_stopped;
    // Every run but the last two stopped at its next check.
    assert!(
        finished - stopped <= 2,
        "{finished} runs ended, {stopped} of them stopped early"
    );
    assert!(stopped >= 1, "the drag cancelled runs ({finished} ended)");
    assert!(app.world().get::<LayerError>(e).unwrap().message.is_none());
}
