//! The scene clock: the time `t` that animated parameters read.

use bevy::app::{App, Plugin, PreUpdate};
use bevy::ecs::resource::Resource;
use bevy::ecs::system::{Res, ResMut};
use bevy::time::Time;

/// One frame at 60 fps: the step of the arrow keys and the inspector's frame buttons.
pub const FRAME_STEP: f64 = 1.0 / 60.0;

/// Scene time in seconds, with play, pause, seek and speed.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct SceneClock {
    /// Current time in seconds.
    pub t: f64,
    /// Whether time advances with the frame clock.
    pub playing: bool,
    /// Multiplier of real time while playing (0.125..=8 in the inspector).
    pub speed: f64,
}

impl Default for SceneClock {
    fn default() -> Self {
        Self {
            t: 0.0,
            playing: true,
            speed: 1.0,
        }
    }
}

impl SceneClock {
    /// A paused clock at `t`.
    pub fn paused_at(t: f64) -> Self {
        Self {
            t,
            playing: false,
            speed: 1.0,
        }
    }

    /// Jumps to `t` (non-finite values are ignored).
    pub fn seek(&mut self, t: f64) {
        if t.is_finite() {
            self.t = t;
        }
    }

    /// Starts or stops time.
    pub fn set_playing(&mut self, playing: bool) {
        self.playing = playing;
    }

    /// Sets the speed, clamped to 0.125..=8.
    pub fn set_speed(&mut self, speed: f64) {
        if speed.is_finite() {
            self.speed = speed.clamp(0.125, 8.0);
        }
    }
}

/// Inserts [`SceneClock`] and advances it each frame while playing.
pub struct ClockPlugin;

impl Plugin for ClockPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SceneClock>()
            .add_systems(PreUpdate, advance_clock);
    }
}

fn advance_clock(time: Res<Time>, mut clock: ResMut<SceneClock>) {
    // Only a playing clock is written, so a paused one never looks changed.
    if clock.playing {
        let dt = time.delta_secs_f64() * clock.speed;
        if dt > 0.0 {
            clock.t += dt;
        }
    }
}
