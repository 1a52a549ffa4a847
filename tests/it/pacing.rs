//! Frame pacing without a window: frames are requested only while something moves.

use bevy::ecs::message::MessageCursor;
use bevy::prelude::*;
use bevy::window::RequestRedraw;
use graft::app::PacingPlugin;
use graft::ecs::{OpsRegistry, SceneClock, layers_settled};
use graft::geometry::Polylines;
use graft::ops::Recipe;
use graft::ops::{EvalContext, Op, OpRegistry, OpSchema, Params};

use crate::util::{call, rust_app, spawn_layer};

/// Runs a frame; returns the frame requests written during it.
fn redraws(app: &mut App, cursor: &mut MessageCursor<RequestRedraw>) -> usize {
    app.update();
    cursor
        .read(app.world().resource::<Messages<RequestRedraw>>())
        .count()
}

#[test]
fn the_app_asks_for_frames_only_while_time_plays_or_work_runs() {
    // An effect that takes 50 ms, so its task spans several frames.
    let pause = Op::new(
        OpSchema::effect("pause", 1, "waits, then passes its input", vec![]),
        |input: &Polylines, _: &Params, _: &EvalContext| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            Ok(input.clone())
        },
    );
    let mut slow = OpRegistry::builtin();
    slow.register(pause.clone()).unwrap();
    let mut app = rust_app();
    app.add_plugins(PacingPlugin).add_message::<RequestRedraw>();
    app.world()
        .resource::<OpsRegistry>()
        .register(pause)
        .unwrap();
    let recipe = Recipe {
        source: call("circle", &[("radius", "10 + t".into())]),
        effects: vec![slow.call("pause", &[]).unwrap()],
    };
    spawn_layer(app.world_mut(), "l", "black", 0.3, recipe);
    let mut cursor = MessageCursor::<RequestRedraw>::default();
    // Work in flight keeps frames coming until the layer is drawn.
    let mut busy = 0;
    while !layers_settled(app.world_mut()) {
        busy += redraws(&mut app, &mut cursor);
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(busy > 0, "frames were requested while the task ran");
    // Paused and settled: idle.
    for _ in 0..5 {
        assert_eq!(redraws(&mut app, &mut cursor), 0);
    }
    // Playing: a frame every frame.
    app.world_mut()
        .resource_mut::<SceneClock>()
        .set_playing(true);
    for _ in 0..5 {
        assert_eq!(redraws(&mut app, &mut cursor), 1);
    }
}
