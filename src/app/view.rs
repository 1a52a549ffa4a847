//! The camera on the paper: fit to the window, pan by dragging, zoom with the wheel.

use bevy::input::mouse::{AccumulatedMouseScroll, MouseScrollUnit};
use bevy::prelude::*;
use bevy::window::{PrimaryWindow, WindowResized};

use crate::ecs::SceneCanvas;
use crate::inspector::UiFocus;
use crate::render::PaperCamera;

/// The colour around the paper.
pub const SURROUND: Color = Color::srgb(0.16, 0.165, 0.18);

/// How the view is placed.
#[derive(Resource, Clone, Debug)]
pub struct ViewState {
    /// While true the paper is refitted whenever the window or the paper changes;
    /// panning or zooming turns it off, `F` turns it back on.
    pub auto_fit: bool,
    /// Free space around the fitted paper, in logical pixels.
    pub margin_px: f32,
}

impl Default for ViewState {
    fn default() -> Self {
        Self {
            auto_fit: true,
            margin_px: 32.0,
        }
    }
}

/// Spawns the paper camera and handles fit, pan and zoom.
pub struct ViewPlugin;

impl Plugin for ViewPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<ViewState>()
            .add_systems(Startup, spawn_camera)
            .add_systems(Update, (fit_key, pan_and_zoom, fit_view).chain());
    }
}

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Camera2d,
        Camera {
            clear_color: ClearColorConfig::Custom(SURROUND),
            ..default()
        },
        // The line shader anti-aliases itself.
        Msaa::Off,
        // Blend in sRGB space, as the SVG and PNG files are drawn.
        bevy::camera::CompositingSpace::Srgb,
        PaperCamera,
    ));
}

/// Millimetres per logical pixel that fit a `w` × `h` mm paper in `window` with `margin`.
pub fn fit_scale(w: f32, h: f32, window: Vec2, margin: f32) -> f32 {
    let free = (window - Vec2::splat(2.0 * margin)).max(Vec2::splat(1.0));
    (w / free.x).max(h / free.y)
}

fn fit_key(keys: Res<ButtonInput<KeyCode>>, focus: Res<UiFocus>, mut state: ResMut<ViewState>) {
    if !focus.keyboard && keys.just_pressed(KeyCode::KeyF) {
        state.auto_fit = true;
    }
}

fn fit_view(
    state: Res<ViewState>,
    canvas: Res<SceneCanvas>,
    mut resized: MessageReader<WindowResized>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &mut Transform, &mut Projection), With<PaperCamera>>,
    mut last_area: Local<Vec2>,
) {
    let (camera, mut transform, mut projection) = camera.into_inner();
    // The free part of the window: the camera's viewport when the inspector takes a side.
    let area = camera.logical_viewport_size().unwrap_or(window.size());
    let moved = resized.read().count() > 0 || area != *last_area;
    *last_area = area;
    if !state.auto_fit || !(state.is_changed() || canvas.is_changed() || moved) {
        return;
    }
    let (w, h) = (canvas.0.width as f32, canvas.0.height as f32);
    // Canvas y points down, the 2D world's up: the paper spans y = 0 .. -h.
    transform.translation = Vec3::new(w / 2.0, -h / 2.0, transform.translation.z);
    if let Projection::Orthographic(o) = &mut *projection {
        o.scale = fit_scale(w, h, area, state.margin_px);
    }
}

/// A drag in progress that started on the canvas.
#[derive(Default)]
struct Pan {
    last: Option<Vec2>,
}

fn pan_and_zoom(
    mut state: ResMut<ViewState>,
    focus: Res<UiFocus>,
    buttons: Res<ButtonInput<MouseButton>>,
    scroll: Res<AccumulatedMouseScroll>,
    window: Single<&Window, With<PrimaryWindow>>,
    camera: Single<(&Camera, &GlobalTransform, &mut Transform, &mut Projection), With<PaperCamera>>,
    mut pan: Local<Pan>,
) {
    let (camera, global, mut transform, mut projection) = camera.into_inner();
    let Projection::Orthographic(ortho) = &mut *projection else {
        return;
    };
    let cursor = window.cursor_position();
    // The canvas is the window left of the inspector panel; egui popups may cover it too.
    let on_canvas =
        cursor.is_some_and(|c| c.x < window.width() - focus.panel_width && !focus.pointer);
    let buttons_down = [MouseButton::Left, MouseButton::Middle];
    if buttons.any_just_pressed(buttons_down) {
        pan.last = if on_canvas { cursor } else { None };
    }
    if !buttons.any_pressed(buttons_down) {
        pan.last = None;
    }
    if let (Some(now), Some(before)) = (cursor, pan.last)
        && now != before
    {
        let d = now - before;
        transform.translation.x -= d.x * ortho.scale;
        transform.translation.y += d.y * ortho.scale;
        state.auto_fit = false;
        pan.last = Some(now);
    }
    let lines = match scroll.unit {
        MouseScrollUnit::Line => scroll.delta.y,
        MouseScrollUnit::Pixel => scroll.delta.y / MouseScrollUnit::SCROLL_UNIT_CONVERSION_FACTOR,
    };
    if lines != 0.0 && on_canvas {
        let factor = 1.2f32.powf(-lines);
        let new_scale = (ortho.scale * factor).clamp(1e-4, 1e3);
        // Keep the point under the cursor where it is.
        if let Some(c) = cursor
            && let Ok(anchor) = camera.viewport_to_world_2d(global, c)
        {
            let t = transform.translation.truncate();
            let moved = anchor + (t - anchor) * (new_scale / ortho.scale);
            transform.translation.x = moved.x;
            transform.translation.y = moved.y;
        }
        ortho.scale = new_scale;
        state.auto_fit = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_uses_the_tighter_side() {
        // A4 in 800 × 600 with 50 px margins: the height (297 mm in 500 px) decides.
        let s = fit_scale(210.0, 297.0, Vec2::new(800.0, 600.0), 50.0);
        assert!((s - 297.0 / 500.0).abs() < 1e-6);
    }
}
