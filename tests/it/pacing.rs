//! Frame pacing without a window: frames are requested only while something moves.

use bevy::ecs::message::MessageCursor;
use bevy::prelude::*;
use bevy::window::RequestRedraw;
use graft::app::PacingPlugin;
use graft::ecs::{GraftPlugins, Layer, LayerRecipe, SceneClock, Stroke, layers_settled};
use graft::ops::{Recipe, Rgba};

use crate::util::call;

/// Runs a frame; returns the frame requests written during it.
fn redraws(app: &mut App, cursor: &mut MessageCursor<RequestRedraw>) -> usize {
    app.update();
    cursor
        .read(app.world().resource::<Messages<RequestRedraw>>())
        .count()
}

#[test]
fn the_app_asks_for_frames_only_while_time_plays_or_work_runs() {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default()))
        .add_plugins((GraftPlugins::default(), PacingPlugin))
        .add_message::<RequestRedraw>()
        .insert_resource(SceneClock::paused_at(0.0));
    app.world_mut().spawn((
        Layer {
            name: "l".into(),
            order: 0,
            visible: true,
        },
        Stroke {
            color: Rgba::BLACK,
            width_mm: 0.3,
        },
        LayerRecipe(Recipe {
            source: call("circle", &[("radius", "10 + t".into())]),
            effects: vec![],
        }),
    ));
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
