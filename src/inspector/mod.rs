//! The inspector: a panel beside the canvas (toggled with `I`) with the scene's state,
//! the transport, every layer's pen and op parameters (widgets from the op schemas),
//! undo/redo and save, captures and live statistics.

mod explore;
mod format;
mod layers;
mod panel;
mod params;
mod stats;
pub mod variations;

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, Viewport};
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy::window::{PrimaryWindow, WindowCloseRequested};
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiGlobalSettings, EguiPlugin, EguiPrimaryContextPass, PrimaryEguiContext};

pub use stats::LiveStats;

use crate::ecs::SceneDocument;
use crate::render::PaperCamera;

/// Whether the inspector is using the keyboard or the pointer this frame (canvas keys
/// and pan/zoom then stand aside). Written by the inspector.
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct UiFocus {
    /// A text field or widget has keyboard focus.
    pub keyboard: bool,
    /// The pointer is over a popup or dragging a widget.
    pub pointer: bool,
    /// Width of the inspector panel on the right of the window (logical pixels, 0 when
    /// hidden): the canvas is what is left of it.
    pub panel_width: f32,
}

/// What the inspector remembers between frames.
#[derive(Resource)]
pub struct InspectorState {
    /// Whether the panel is shown (`I` toggles it).
    pub open: bool,
    /// Width of the panel in logical pixels, as last laid out (0 when closed).
    pub width: f32,
    /// The window asked to close while there were unsaved changes: ask first.
    pub confirm_quit: bool,
    /// "Save and quit" was chosen: quit once the save went through.
    pub quit_after_save: bool,
    params: params::ParamWidgets,
    effect_search: std::collections::HashMap<String, String>,
    explore: explore::ExploreState,
}

impl Default for InspectorState {
    fn default() -> Self {
        Self {
            open: true,
            width: 0.0,
            confirm_quit: false,
            quit_after_save: false,
            params: Default::default(),
            effect_search: Default::default(),
            explore: Default::default(),
        }
    }
}

/// The inspector panel, its statistics and the "unsaved changes" question on close.
/// Needs a window (the app adds it; tests of the edit model use the ECS directly).
pub struct InspectorPlugin;

impl Plugin for InspectorPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiFocus>();
        if !app.is_plugin_added::<EguiPlugin>() {
            app.add_plugins(EguiPlugin::default());
        }
        app.init_resource::<InspectorState>()
            .init_resource::<variations::VariationGrid>()
            .add_plugins(stats::StatsPlugin)
            .add_systems(Startup, spawn_ui_camera)
            .add_systems(
                PreUpdate,
                (
                    (toggle_key, track_focus).after(bevy_egui::EguiPreUpdateSet::ProcessInput),
                    drop_unchanged_modifiers
                        .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                        .before(bevy_egui::EguiPreUpdateSet::BeginPass),
                ),
            )
            .add_systems(Update, ask_before_closing)
            .add_systems(
                EguiPrimaryContextPass,
                (
                    variations::compute_grid,
                    panel::inspector_ui,
                    fit_camera_viewport,
                )
                    .chain(),
            );
    }
}

/// The egui overlay camera: draws only the UI, over the paper camera.
fn spawn_ui_camera(mut commands: Commands, mut settings: ResMut<EguiGlobalSettings>) {
    settings.auto_create_primary_context = false;
    commands.spawn((
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
        Msaa::Off,
    ));
}

/// bevy_egui reports the modifier keys as an event every frame; egui answers any event
/// with a repaint, which would keep the app from ever going idle. Only changes are kept.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut bevy_egui::EguiInput>,
    mut last: Local<Option<bevy_egui::egui::Modifiers>>,
) {
    for mut input in &mut inputs {
        let mut previous = *last;
        input.0.events.retain(|event| match event {
            bevy_egui::egui::Event::ModifiersChanged(m) => {
                let changed = previous != Some(*m);
                previous = Some(*m);
                changed
            }
            _ => true,
        });
        *last = previous;
    }
}

fn toggle_key(
    keys: Res<ButtonInput<KeyCode>>,
    focus: Res<UiFocus>,
    mut state: ResMut<InspectorState>,
) {
    if !focus.keyboard && keys.just_pressed(KeyCode::KeyI) {
        state.open = !state.open;
    }
}

fn track_focus(wants: Res<EguiWantsInput>, state: Res<InspectorState>, mut focus: ResMut<UiFocus>) {
    let next = UiFocus {
        keyboard: wants.wants_keyboard_input(),
        pointer: wants.is_using_pointer() || wants.is_popup_open(),
        panel_width: if state.open { state.width } else { 0.0 },
    };
    if focus.keyboard != next.keyboard
        || focus.pointer != next.pointer
        || focus.panel_width != next.panel_width
    {
        *focus = next;
    }
}

/// Keeps the paper camera's viewport beside the panel, so fitting centres the paper in
/// the free part of the window.
fn fit_camera_viewport(
    state: Res<InspectorState>,
    window: Single<&Window, With<PrimaryWindow>>,
    mut camera: Single<&mut Camera, With<PaperCamera>>,
) {
    let scale = window.scale_factor();
    let panel = (state.width * scale).round() as u32;
    let (w, h) = (window.physical_width(), window.physical_height());
    let viewport = (panel > 0 && panel + 16 < w).then(|| Viewport {
        physical_position: UVec2::ZERO,
        physical_size: UVec2::new(w - panel, h.max(1)),
        ..default()
    });
    let same = match (&camera.viewport, &viewport) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.physical_position == b.physical_position && a.physical_size == b.physical_size
        }
        _ => false,
    };
    if !same {
        camera.viewport = viewport;
    }
}

/// Closing the window with unsaved changes asks first (the panel shows the question);
/// captures still being written are finished first (closing again quits at once).
fn ask_before_closing(
    mut requests: MessageReader<WindowCloseRequested>,
    document: Res<SceneDocument>,
    mut state: ResMut<InspectorState>,
    mut quit: Option<ResMut<crate::capture::QuitAfterCaptures>>,
    mut exit: MessageWriter<AppExit>,
) {
    let mut leave = |quit: &mut Option<ResMut<crate::capture::QuitAfterCaptures>>| match quit {
        Some(quit) => quit.ask(),
        None => {
            exit.write(AppExit::Success);
        }
    };
    if state.quit_after_save && !document.saving {
        if !document.is_dirty() {
            state.quit_after_save = false;
            leave(&mut quit);
        } else if matches!(document.last_save, Some(Err(_))) {
            // The save failed (its message is in the panel): ask again.
            state.quit_after_save = false;
            state.confirm_quit = true;
        }
    }
    for _ in requests.read() {
        if document.is_dirty() && !quit.as_ref().is_some_and(|q| q.wanted) {
            state.confirm_quit = true;
            state.open = true;
        } else {
            leave(&mut quit);
        }
    }
}
