//! Errors returned by sketch systems: logged and kept (the inspector shows them, a
//! headless render fails with them) instead of stopping the app.

use std::sync::Mutex;

use bevy::ecs::error::{BevyError, ErrorContext};

/// Errors not yet taken, process-wide (Bevy's error handlers are plain functions).
static ERRORS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Most errors kept between takes.
const KEEP: usize = 100;

/// Bevy error handler for sketch apps: logs the error and keeps it for [`take_errors`].
pub fn record_error(error: BevyError, ctx: ErrorContext) {
    let message = format!("{ctx}: {error}");
    bevy::log::error!("{message}");
    let mut errors = ERRORS.lock().unwrap_or_else(|e| e.into_inner());
    if errors.len() < KEEP {
        errors.push(message);
    }
}

/// The errors recorded since the last call.
pub fn take_errors() -> Vec<String> {
    std::mem::take(&mut *ERRORS.lock().unwrap_or_else(|e| e.into_inner()))
}
