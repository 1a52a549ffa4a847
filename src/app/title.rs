//! The window title names the scene and its state (errors included) until the
//! inspector shows them.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::ecs::{ActiveScene, SceneClock, SceneState, SceneStatus};

pub(super) struct TitlePlugin;

impl Plugin for TitlePlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(PostUpdate, update_title);
    }
}

fn update_title(
    status: Res<SceneStatus>,
    clock: Res<SceneClock>,
    active: Option<Res<ActiveScene>>,
    mut window: Single<&mut Window, With<PrimaryWindow>>,
) {
    if !(status.is_changed() || clock.is_changed()) {
        return;
    }
    let name = active.map(|a| a.asset_path.clone()).unwrap_or_default();
    let state = match &status.state {
        SceneState::Loading => "loading".to_string(),
        SceneState::Error(e) => format!("error: {e}"),
        _ if clock.playing => format!("t = {:.1} s", clock.t),
        _ => format!("paused at t = {:.2} s", clock.t),
    };
    let title = format!("graft - {name} - {state}");
    if window.title != title {
        window.title = title;
    }
}
