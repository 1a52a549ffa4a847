//! How far one evaluation has got, and whether it is still wanted: shared by the
//! evaluation (long ops report and check) and whoever started it (which shows the
//! fraction and cancels work a newer request replaced).

use std::sync::Mutex;

use super::failure::OpFailure;

/// The progress and the cancel switch of one evaluation.
#[derive(Debug, Default)]
pub struct Progress {
    state: Mutex<State>,
}

#[derive(Debug, Default, Clone, Copy)]
struct State {
    fraction: f32,
    cancelled: bool,
}

impl Progress {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Records that `fraction` (0..=1) of the long op now running is done.
    pub fn report(&self, fraction: f32) {
        self.state().fraction = fraction.clamp(0.0, 1.0);
    }

    /// The fraction of the long op now running that is done (0 when none reported).
    pub fn fraction(&self) -> f32 {
        self.state().fraction
    }

    /// Asks the evaluation to stop at its next check.
    pub fn cancel(&self) {
        self.state().cancelled = true;
    }

    /// Takes a cancel back (the result is wanted again).
    pub fn resume(&self) {
        self.state().cancelled = false;
    }

    /// Whether the evaluation was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.state().cancelled
    }

    /// `Err(Cancelled)` once the evaluation was asked to stop.
    pub fn check(&self) -> Result<(), OpFailure> {
        if self.is_cancelled() {
            Err(OpFailure::Cancelled)
        } else {
            Ok(())
        }
    }
}
