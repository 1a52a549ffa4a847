//! Time keys: `Space` play/pause, `Home` back to 0, `←`/`→` one frame (1/60 s), `[`/`]` speed.

use bevy::prelude::*;

use crate::ecs::SceneClock;

/// One frame at 60 fps, the step of the arrow keys.
pub const FRAME_STEP: f64 = 1.0 / 60.0;

pub(super) struct TimeKeysPlugin;

impl Plugin for TimeKeysPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(PreUpdate, time_keys);
    }
}

fn time_keys(keys: Res<ButtonInput<KeyCode>>, mut clock: ResMut<SceneClock>) {
    if keys.just_pressed(KeyCode::Space) {
        let playing = !clock.playing;
        clock.set_playing(playing);
    }
    if keys.just_pressed(KeyCode::Home) {
        clock.seek(0.0);
    }
    for (key, step) in [
        (KeyCode::ArrowLeft, -FRAME_STEP),
        (KeyCode::ArrowRight, FRAME_STEP),
    ] {
        if keys.just_pressed(key) {
            clock.set_playing(false);
            let t = (clock.t + step).max(0.0);
            clock.seek(t);
        }
    }
    for (key, factor) in [(KeyCode::BracketLeft, 0.5), (KeyCode::BracketRight, 2.0)] {
        if keys.just_pressed(key) {
            let speed = clock.speed * factor;
            clock.set_speed(speed);
        }
    }
}
