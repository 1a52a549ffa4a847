//! Errors returned by sketch systems: logged and kept in [`SystemErrors`] (the inspector
//! shows them, a headless render fails with them) instead of stopping the app.
//!
//! Bevy's error handler is a plain function, so it cannot reach an app's world: it hands
//! errors to a process-wide queue that [`SketchErrorsPlugin`] drains into the world every
//! frame. That queue is the one global of graft's Bevy layer; the core has none.

use std::sync::Mutex;

use bevy::app::{App, Last, Plugin};
use bevy::ecs::error::{BevyError, ErrorContext};
use bevy::ecs::system::ResMut;

use crate::ecs::SystemErrors;

/// Errors handed over by [`record_error`] and not yet drained into a world.
static QUEUE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Most errors queued between two frames (the rest are only logged).
const QUEUE_LIMIT: usize = 100;

/// Bevy error handler for sketch apps: logs the error and queues it for [`SystemErrors`].
pub fn record_error(error: BevyError, ctx: ErrorContext) {
    let message = format!("{ctx}: {error}");
    bevy::log::error!("{message}");
    let mut queue = QUEUE.lock().unwrap_or_else(|e| e.into_inner());
    if queue.len() < QUEUE_LIMIT {
        queue.push(message);
    }
}

/// Moves errors queued by [`record_error`] into [`SystemErrors`] at the end of each frame.
pub struct SketchErrorsPlugin;

impl Plugin for SketchErrorsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SystemErrors>()
            .add_systems(Last, drain_errors);
    }
}

fn drain_errors(mut errors: ResMut<SystemErrors>) {
    let queued = std::mem::take(&mut *QUEUE.lock().unwrap_or_else(|e| e.into_inner()));
    if !queued.is_empty() {
        errors.extend(queued);
    }
}
