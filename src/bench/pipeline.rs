//! Pipeline benchmarks: the main thread's frame cost in a headless app with graft's
//! plugins, at rest and while an animated layer recomputes.

use std::time::{Duration, Instant};

use bevy::MinimalPlugins;
use bevy::app::{App, PostUpdate, Update};
use bevy::asset::AssetPlugin;

use super::{call, grid_displace_recipe, report, summarise};
use crate::ecs::{
    GraftPlugins, Layer, LayerRecipe, PipelineStats, Realized, Resolved, SceneClock, Stroke,
    layers_settled,
};
use crate::ops::{OpRegistry, Recipe, Rgba};

fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .add_plugins(GraftPlugins::default())
        .insert_resource(SceneClock::paused_at(0.0));
    app
}

/// Spawns a layer with a black 0.3 mm pen.
pub(super) fn spawn_layer(app: &mut App, name: String, order: usize, recipe: Recipe) {
    app.world_mut().spawn((
        Layer {
            name,
            order,
            visible: true,
        },
        Stroke {
            color: Rgba::BLACK,
            width_mm: 0.3,
        },
        LayerRecipe(recipe),
    ));
}

/// Frames until every layer shows what it wants.
fn settle(app: &mut App) {
    let start = Instant::now();
    loop {
        app.update();
        if layers_settled(app.world_mut()) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "pipeline did not settle"
        );
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn stats(app: &App) -> PipelineStats {
    app.world().resource::<PipelineStats>().clone()
}

/// Frames of `layers` static layers (40 vertical lines each, subdivided `subdivisions`
/// times): the whole frame, graft's systems in Bevy's multi-threaded executor (what an
/// app pays, scheduling included), and their own work (the same systems run one after
/// the other on this thread).
fn at_rest(registry: &OpRegistry, runs: usize, label: &str, layers: usize, subdivisions: i64) {
    let mut app = headless_app();
    for i in 0..layers {
        let recipe = Recipe {
            source: call(
                registry,
                "grid",
                &[
                    ("nx", 39.into()),
                    ("ny", 0.into()),
                    ("scale", 150.0.into()),
                    ("center", [105.0, 148.5, i as f64 * 0.01].into()),
                ],
            ),
            effects: vec![call(
                registry,
                "subdivide",
                &[("subdivisions", subdivisions.into())],
            )],
        };
        spawn_layer(&mut app, format!("layer{i}"), i, recipe);
    }
    settle(&mut app);
    let mut q = app.world_mut().query::<&Realized>();
    let vertices: usize = q.iter(app.world()).map(|r| r.geometry.point_count()).sum();
    let before = stats(&app);
    let frames = runs.max(1) * 20;
    let whole = super::time(frames, |_| app.update());
    // graft's systems alone: the Update schedule holds nothing else in this app.
    let graft_only = super::time(frames, |_| app.world_mut().run_schedule(Update));
    app.edit_schedule(Update, |s| {
        s.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
    });
    let own_work = super::time(frames, |_| app.world_mut().run_schedule(Update));
    let after = stats(&app);
    let mut bare = App::new();
    bare.add_plugins((MinimalPlugins, AssetPlugin::default()));
    let bevy_only = super::time(frames, |_| bare.update());
    println!("{label}. {layers} static layers, {vertices} vertices, nothing changing");
    report("   bare Bevy frame, no graft (baseline)", bevy_only, "-");
    report("   whole frame (app.update)", whole, "<= 0.2 ms for graft");
    report(
        "   graft's systems, Bevy's multi-threaded executor",
        graft_only,
        "-",
    );
    report("   graft's systems' own work", own_work, "<= 0.1 ms");
    println!(
        "   tasks spawned while at rest: {} (target 0)",
        after.tasks_spawned - before.tasks_spawned
    );
}

/// Runs the pipeline benchmarks.
pub fn run(runs: usize) {
    let registry = OpRegistry::builtin();
    variation_grid(runs);

    // 4. Static layers: frames at rest cost the same for 100 layers as for 1 000.
    for (label, layers, subdivisions) in [("4", 100, 8), ("4b", 1000, 5)] {
        at_rest(&registry, runs, label, layers, subdivisions);
    }

    // 5. The 410k-vertex animated grid at 60 frames per second.
    let mut app = headless_app();
    spawn_layer(
        &mut app,
        "grid".into(),
        0,
        grid_displace_recipe(&registry, "t"),
    );
    settle(&mut app);
    let frame = Duration::from_secs_f64(1.0 / 60.0);
    let mut frame_ms = Vec::new();
    let mut latencies_ms = Vec::new();
    let mut requested: std::collections::HashMap<u64, Instant> = Default::default();
    let mut last_shown = f64::NAN;
    let entity = {
        let mut q = app
            .world_mut()
            .query::<(bevy::ecs::entity::Entity, &Layer)>();
        q.iter(app.world()).next().expect("one layer").0
    };
    // Warm-up: the first frames also fill the cache's pool of time-dependent results.
    let warm_up = 60;
    let began = Instant::now();
    let mut start_stats = stats(&app);
    for i in 1..=(warm_up + runs.max(1) * 6) {
        if i == warm_up + 1 {
            frame_ms.clear();
            latencies_ms.clear();
            app.world_mut().resource_mut::<PipelineStats>().task_times = Default::default();
            start_stats = stats(&app);
        }
        let next_frame = began + frame * i as u32;
        if let Some(wait) = next_frame.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        app.world_mut()
            .resource_mut::<SceneClock>()
            .seek(i as f64 / 60.0);
        let t0 = Instant::now();
        app.update();
        frame_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        let world = app.world();
        let resolved_t = world.get::<Resolved>(entity).map(|r| r.t);
        let shown_t = world.get::<Realized>(entity).map(|r| r.t);
        // When each time was first asked for; a result is timed from its own request
        // (results arrive before the next request is resolved in the same frame).
        if let Some(t) = resolved_t {
            requested.entry(t.to_bits()).or_insert(t0);
        }
        if let Some(shown) = shown_t
            && shown != last_shown
        {
            if let Some(at) = requested.remove(&shown.to_bits()) {
                latencies_ms.push(at.elapsed().as_secs_f64() * 1e3);
            }
            last_shown = shown;
            requested.retain(|&t, _| f64::from_bits(t) > shown);
        }
    }
    let end_stats = stats(&app);
    let task = &end_stats.task_times;
    println!("5. animated 410k-vertex grid, clock ticking at 60 fps");
    report("   main-thread frame cost", summarise(frame_ms), "<= 1 ms");
    report(
        "   latency from tick to new Realized",
        summarise(latencies_ms.clone()),
        "~ one task",
    );
    println!(
        "   task time p50 {:.3} ms, p95 {:.3} ms; {} new results, {} tasks, {} stale",
        task.quantile(0.5).unwrap_or(f64::NAN),
        task.quantile(0.95).unwrap_or(f64::NAN),
        latencies_ms.len(),
        end_stats.tasks_spawned - start_stats.tasks_spawned,
        end_stats.stale_dropped - start_stats.stale_dropped,
    );
}

/// 5c. The variation grid's 4 × 4 thumbnails of the demo: time from a change of the
/// scene (its seed) until all sixteen are drawn, and the main thread's time per frame
/// meanwhile (the work is on the async compute pool).
fn variation_grid(runs: usize) {
    use crate::ecs::SceneDocument;
    use crate::inspector::variations::{VariationGrid, compute_grid};
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/demo.scene.ron");
    let Ok(scene) = crate::host::load_scene(&path, &std::sync::Arc::new(OpRegistry::builtin()))
    else {
        println!("5c. skipped: the demo scene is not beside the binary's sources");
        return;
    };
    let mut app = headless_app();
    // After the frame's edits, as in the app (the inspector's pass follows `Update`): a
    // scene change reaches the grid in the frame it is made.
    app.init_resource::<VariationGrid>()
        .add_systems(PostUpdate, compute_grid);
    app.world_mut().resource_mut::<SceneDocument>().scene = Some(scene);
    {
        let mut grid = app.world_mut().resource_mut::<VariationGrid>();
        grid.open = true;
        grid.size = (4, 4);
    }
    let mut fill_ms = Vec::new();
    let mut frame_ms = Vec::new();
    for r in 0..runs.clamp(5, 30) + 1 {
        if let Some(scene) = app
            .world_mut()
            .resource_mut::<SceneDocument>()
            .scene
            .as_mut()
        {
            scene.seed = Some(1000 + r as u64);
        }
        let began = Instant::now();
        loop {
            let frame = Instant::now();
            app.update();
            frame_ms.push(frame.elapsed().as_secs_f64() * 1e3);
            let (done, all) = app.world().resource::<VariationGrid>().progress();
            if all > 0 && done == all {
                break;
            }
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "the grid never filled"
            );
            std::thread::sleep(Duration::from_micros(500));
        }
        // The first fill also fills the cache of the stages no seed changes.
        if r > 0 {
            fill_ms.push(began.elapsed().as_secs_f64() * 1e3);
        }
    }
    report(
        "5c. variation grid 4x4 of the demo: fill after a change",
        summarise(fill_ms),
        "<= 250 ms",
    );
    report(
        "    main-thread time per frame while it fills",
        summarise(frame_ms),
        "well under a 16.7 ms frame",
    );
}
