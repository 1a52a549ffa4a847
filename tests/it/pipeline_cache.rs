//! The pipeline as an async cache by id: shared evaluations, fair scheduling, churning
//! stages kept out of the static pool, and a new result on every frame for fast layers.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use graft::ecs::{
    Evaluations, GraftSystems, LayerRecipe, PipelineSettings, PipelineStats, Realized, Resolved,
    SceneClock, SharedCache,
};
use graft::ops::{ReactionDiffusion, Recipe, Subdivide, Translate};
use graft::prelude::{SetParam, field};

use crate::pipeline::{run_until, settle};
use crate::util::{call, rust_app, set_drafting, spawn_layer};

fn grid_recipe() -> Recipe {
    Recipe {
        source: call("grid", &[("nx", 30.into()), ("ny", 30.into())]),
        effects: vec![call("subdivide", &[("subdivisions", 3.into())])],
    }
}

/// Held by the tests that time frames against the compute pool and by those that load it
/// with simulations: the pool is shared by every app of the process.
static COMPUTE_POOL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn hold_pool() -> std::sync::MutexGuard<'static, ()> {
    COMPUTE_POOL.lock().unwrap_or_else(|e| e.into_inner())
}

fn stats(app: &App) -> PipelineStats {
    app.world().resource::<PipelineStats>().clone()
}

#[test]
fn two_layers_with_the_same_recipe_share_one_evaluation() {
    let mut app = rust_app();
    let a = spawn_layer(app.world_mut(), "a", "black", 0.3, grid_recipe());
    let b = spawn_layer(app.world_mut(), "b", "red", 0.5, grid_recipe());
    settle(&mut app);
    let s = stats(&app);
    assert_eq!(s.tasks_spawned, 1, "one evaluation for both layers");
    assert_eq!(s.stage_misses, 2, "grid and subdivide computed once");
    assert_eq!(s.shared, 1, "the second layer joined the first one's task");
    let (ra, rb) = (
        app.world().get::<Realized>(a).unwrap(),
        app.world().get::<Realized>(b).unwrap(),
    );
    assert_eq!(ra.id, rb.id);
    assert!(std::sync::Arc::ptr_eq(&ra.geometry, &rb.geometry));
}

#[test]
fn twelve_animated_layers_at_eight_in_flight_all_get_results() {
    let _pool = hold_pool();
    let mut app = rust_app();
    app.world_mut()
        .resource_mut::<PipelineSettings>()
        .max_in_flight = 8;
    let layers: Vec<Entity> = (0..12)
        .map(|i| {
            let mut translate = call("translate", &[]);
            translate
                .set(
                    "delta",
                    &(format!("t * {}", i + 1).as_str(), 0.0, 0.0).into(),
                )
                .unwrap();
            let recipe = Recipe {
                source: call("circle", &[("radius", (10.0 + i as f64).into())]),
                effects: vec![translate],
            };
            spawn_layer(app.world_mut(), &format!("l{i}"), "black", 0.3, recipe)
        })
        .collect();
    // Every frame moves the clock, so every layer wants a new id every frame.
    let mut served = vec![0usize; layers.len()];
    let mut last_t = vec![f64::NAN; layers.len()];
    // Until every layer has been served ten times (other tests share the compute pool,
    // so how many frames that takes varies); starving one would stall here.
    let start = Instant::now();
    let mut frame = 0;
    while served.iter().any(|&n| n < 10) && start.elapsed() < Duration::from_secs(30) {
        frame += 1;
        app.world_mut()
            .resource_mut::<SceneClock>()
            .seek(frame as f64 / 60.0);
        app.update();
        for (i, e) in layers.iter().enumerate() {
            if let Some(r) = app.world().get::<Realized>(*e)
                && r.t != last_t[i]
            {
                last_t[i] = r.t;
                served[i] += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(
        stats(&app).deferred > 0,
        "more layers wanted work than could run"
    );
    assert!(
        served.iter().all(|&n| n >= 10),
        "every layer is served again and again, none starves: {served:?} in {frame} frames"
    );
    // Fair: the most served layer got at most a few times the least served one's turns.
    let (least, most) = (served.iter().min().unwrap(), served.iter().max().unwrap());
    assert!(most <= &(least * 4), "{served:?}");
}

/// Moves the "moving" layer's translate every frame, as a sketch animating from Rust does.
fn nudge(mut frame: Local<u32>, mut layers: Query<(&graft::ecs::Layer, &mut LayerRecipe)>) {
    *frame += 1;
    for (layer, mut recipe) in &mut layers {
        if layer.name == "moving" {
            let x = *frame as f32 * 0.5;
            recipe
                .set(field!(Translate::delta), Vec3::new(x, 0.0, 0.0))
                .unwrap();
        }
    }
}

#[test]
fn a_layer_changed_by_set_param_every_frame_leaves_static_results_in_place() {
    let mut app = rust_app();
    let still = spawn_layer(app.world_mut(), "still", "black", 0.3, grid_recipe());
    settle(&mut app);
    let still_ids = app.world().get::<Resolved>(still).unwrap().ids.clone();
    let moving = Recipe {
        source: call("grid", &[("nx", 10.into()), ("ny", 10.into())]),
        effects: vec![
            graft::ops::OpCall::of(Subdivide { subdivisions: 2 }).unwrap(),
            call("translate", &[]),
        ],
    };
    spawn_layer(app.world_mut(), "moving", "blue", 0.3, moving);
    settle(&mut app);
    let stable_before = app.world().resource::<SharedCache>().lock().stable_len();
    app.add_systems(Update, nudge.before(GraftSystems::Resolve));
    for _ in 0..100 {
        app.update();
        std::thread::sleep(Duration::from_millis(1));
    }
    let cache = app.world().resource::<SharedCache>();
    let cache = cache.lock();
    assert!(
        still_ids.iter().all(|id| cache.holds_stable(*id)),
        "the static layer's stages stay in the static pool"
    );
    assert!(
        cache.stable_len() <= stable_before + 2,
        "at most the first changes reach the static pool: {} -> {}",
        stable_before,
        cache.stable_len()
    );
}

#[test]
fn a_fast_animated_layer_gets_a_new_result_on_every_frame() {
    let _pool = hold_pool();
    let mut app = rust_app();
    let mut translate = call("translate", &[]);
    translate
        .set("delta", &("t * 10", 0.0, 0.0).into())
        .unwrap();
    let e = spawn_layer(
        app.world_mut(),
        "fast",
        "black",
        0.3,
        Recipe {
            source: call("line", &[]),
            effects: vec![translate],
        },
    );
    settle(&mut app);
    let mut last = app.world().get::<Realized>(e).unwrap().t;
    let mut new_results = 0;
    for frame in 1..=60 {
        app.world_mut()
            .resource_mut::<SceneClock>()
            .seek(frame as f64 / 60.0);
        app.update();
        let t = app.world().get::<Realized>(e).unwrap().t;
        if t != last {
            new_results += 1;
            last = t;
        }
        // The (microsecond) task finishes within the frame, however busy the machine
        // (other tests) keeps the pool's threads.
        let until = Instant::now() + Duration::from_secs(2);
        while !app.world().resource::<Evaluations>().all_finished() && Instant::now() < until {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    assert!(new_results >= 55, "{new_results} new results in 60 frames");
    run_until(&mut app, "the last result", |app| {
        app.world().get::<Realized>(e).unwrap().t == 1.0
    });
}

/// A layer "coral": reaction–diffusion of `steps` steps in a circle of `radius` mm.
fn spawn_coral(app: &mut App, radius: i32, steps: i32) -> Entity {
    let recipe = Recipe {
        source: call("circle", &[("radius", radius.into())]),
        effects: vec![call(
            "reaction_diffusion",
            &[("steps", steps.into()), ("grid_pitch", 0.5.into())],
        )],
    };
    spawn_layer(app.world_mut(), "coral", "black", 0.3, recipe)
}

#[test]
fn twenty_rapid_changes_of_a_simulation_run_at_most_two_of_them_to_the_end() {
    let _pool = hold_pool();
    let mut app = rust_app();
    let e = spawn_coral(&mut app, 40, 4000);
    // A slider dragged across 20 values, one per frame.
    for k in 0..20 {
        app.world_mut()
            .get_mut::<LayerRecipe>(e)
            .unwrap()
            .set(field!(ReactionDiffusion::feed), 0.030 + k as f64 * 0.001)
            .unwrap();
        app.update();
    }
    settle(&mut app);
    let s = stats(&app);
    let full = s.tasks_spawned - s.tasks_stopped;
    assert!(
        full <= 2,
        "{full} full simulations ({} started, {} stopped early)",
        s.tasks_spawned,
        s.tasks_stopped
    );
    assert!(s.tasks_stopped >= 1, "superseded runs were asked to stop");
    // The layer shows the last value's result.
    let wanted = *app.world().get::<Resolved>(e).unwrap().ids.last().unwrap();
    assert_eq!(app.world().get::<Realized>(e).unwrap().id, wanted);
}

#[test]
fn a_dragged_simulation_shows_drafts_then_the_full_result_and_keeps_both_cached() {
    let _pool = hold_pool();
    use graft::ecs::{DraftLayers, SharedCache};
    let mut app = rust_app();
    let e = spawn_coral(&mut app, 30, 1200);
    settle(&mut app);
    let full_before = app.world().get::<Realized>(e).unwrap().id;
    assert!(!graft::ops::is_draft(
        &app.world().get::<Realized>(e).unwrap().geometry
    ));
    // Dragging: the layer resolves and shows a draft of the new value.
    set_drafting(&mut app, "coral", true);
    app.world_mut()
        .get_mut::<LayerRecipe>(e)
        .unwrap()
        .set(field!(ReactionDiffusion::feed), 0.04)
        .unwrap();
    settle(&mut app);
    assert!(app.world().resource::<DraftLayers>().0.contains("coral"));
    let draft = app.world().get::<Realized>(e).unwrap().clone();
    assert!(
        graft::ops::is_draft(&draft.geometry),
        "{:?}",
        draft.geometry.notes()
    );
    assert!(app.world().get::<Resolved>(e).unwrap().recipe.draft);
    // Let go: the full result of the same value replaces it.
    set_drafting(&mut app, "coral", false);
    settle(&mut app);
    let full = app.world().get::<Realized>(e).unwrap().clone();
    assert!(!graft::ops::is_draft(&full.geometry));
    assert_ne!(full.id, draft.id);
    assert_ne!(full.id, full_before);
    // Both stay cached: dragging again to the same value is served at once.
    let cache = app.world().resource::<SharedCache>().clone();
    assert!(cache.lock().get(draft.id).is_some(), "the draft is cached");
    assert!(
        cache.lock().get(full.id).is_some(),
        "the full result is cached"
    );
    let hits = stats(&app).full_hits;
    set_drafting(&mut app, "coral", true);
    app.update();
    assert_eq!(stats(&app).full_hits, hits + 1);
    assert_eq!(app.world().get::<Realized>(e).unwrap().id, draft.id);
}
