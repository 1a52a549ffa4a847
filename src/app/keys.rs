//! Keys of the canvas: `Space` play/pause, `Home` back to 0, `←`/`→` one frame (1/60 s),
//! `[`/`]` speed, `S` SVG, `G` G-code, `Shift+G` G-code per layer, `P` PNG; `Ctrl+Z` undo,
//! `Ctrl+Shift+Z` (or `Ctrl+Y`) redo, `Ctrl+S` save. None of them but save acts while a
//! text field or slider of the inspector has the keyboard.

use bevy::prelude::*;

use crate::capture::{CaptureKind, CaptureQueue};
use crate::ecs::{EditCommand, EditQueue, FRAME_STEP, SceneClock};
use crate::inspector::UiFocus;

pub(super) struct CanvasKeysPlugin;

impl Plugin for CanvasKeysPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiFocus>()
            .add_systems(PreUpdate, (time_keys, capture_keys, edit_keys));
    }
}

fn time_keys(keys: Res<ButtonInput<KeyCode>>, focus: Res<UiFocus>, mut clock: ResMut<SceneClock>) {
    if focus.keyboard {
        return;
    }
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

fn capture_keys(
    keys: Res<ButtonInput<KeyCode>>,
    focus: Res<UiFocus>,
    mut queue: ResMut<CaptureQueue>,
) {
    let modifier = |a, b| held(&keys, a) || held(&keys, b);
    if focus.keyboard || modifier(KeyCode::ControlLeft, KeyCode::ControlRight) {
        return;
    }
    let shift = modifier(KeyCode::ShiftLeft, KeyCode::ShiftRight);
    if keys.just_pressed(KeyCode::KeyS) {
        queue.0.push(CaptureKind::Svg);
    }
    if keys.just_pressed(KeyCode::KeyG) {
        queue.0.push(if shift {
            CaptureKind::GcodePerLayer
        } else {
            CaptureKind::Gcode
        });
    }
    if keys.just_pressed(KeyCode::KeyP) {
        queue.0.push(CaptureKind::Png);
    }
}

fn edit_keys(keys: Res<ButtonInput<KeyCode>>, focus: Res<UiFocus>, mut queue: ResMut<EditQueue>) {
    let modifier = |a, b| held(&keys, a) || held(&keys, b);
    if !modifier(KeyCode::ControlLeft, KeyCode::ControlRight) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyS) {
        queue.push(EditCommand::Save);
    }
    if focus.keyboard {
        return;
    }
    let shift = modifier(KeyCode::ShiftLeft, KeyCode::ShiftRight);
    if keys.just_pressed(KeyCode::KeyZ) {
        queue.push(if shift {
            EditCommand::Redo
        } else {
            EditCommand::Undo
        });
    }
    if keys.just_pressed(KeyCode::KeyY) {
        queue.push(EditCommand::Redo);
    }
}

/// Down now, or released during this frame (a quick chord arrives within one frame).
fn held(keys: &ButtonInput<KeyCode>, key: KeyCode) -> bool {
    keys.pressed(key) || keys.just_released(key)
}
