//! Frame pacing: the app idles (reactive winit mode) unless time plays, a task runs or
//! a screenshot waits; then it asks for the next frame at once. No fixed sleeps.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};
use bevy::window::RequestRedraw;

use crate::capture::CaptureLog;
use crate::ecs::{InFlight, Realized, Resolved, SceneClock, SceneState, SceneStatus};

/// Requests frames while anything is moving.
pub struct PacingPlugin;

impl Plugin for PacingPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(Last, keep_awake);
    }
}

fn keep_awake(
    clock: Res<SceneClock>,
    status: Res<SceneStatus>,
    tasks: Query<&InFlight>,
    screenshots: Query<(), With<Screenshot>>,
    captures: Option<Res<CaptureLog>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let busy = clock.playing
        || matches!(status.state, SceneState::Loading)
        || tasks.iter().any(|t| !t.is_empty())
        || !screenshots.is_empty()
        || captures.is_some_and(|c| c.pending > 0);
    if busy {
        redraw.write(RequestRedraw);
    }
}

/// Saves a screenshot of the window once every layer shows a result, then exits.
pub struct ScreenshotAndExit(pub PathBuf);

#[derive(Resource)]
struct ScreenshotPlan {
    path: PathBuf,
    ready_frames: u32,
    taken: bool,
}

impl Plugin for ScreenshotAndExit {
    fn build(&self, app: &mut App) {
        app.insert_resource(ScreenshotPlan {
            path: self.0.clone(),
            ready_frames: 0,
            taken: false,
        })
        .add_systems(Update, screenshot_when_ready);
    }
}

fn screenshot_when_ready(
    mut commands: Commands,
    mut plan: ResMut<ScreenshotPlan>,
    status: Res<SceneStatus>,
    layers: Query<(&Resolved, Option<&Realized>)>,
    pending: Query<(), With<Screenshot>>,
    mut redraw: MessageWriter<RequestRedraw>,
    mut exit: MessageWriter<AppExit>,
) {
    redraw.write(RequestRedraw);
    if plan.taken {
        if pending.is_empty() {
            exit.write(AppExit::Success);
        }
        return;
    }
    // Animated layers are always a frame behind their newest request: "drawn" means
    // every layer shows a result.
    let drawn = status.loads > 0 && !layers.is_empty() && layers.iter().all(|(_, z)| z.is_some());
    plan.ready_frames = if drawn { plan.ready_frames + 1 } else { 0 };
    // A few frames after everything is realised, so the GPU has drawn it.
    if plan.ready_frames >= 10 {
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(plan.path.clone()));
        plan.taken = true;
    }
}
