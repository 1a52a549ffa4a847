//! A windowless app that renders graft layers into images on whatever GPU adapter wgpu
//! finds (lavapipe on machines without a GPU): tests, benchmarks and batch captures.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bevy::app::PluginsState;
use bevy::camera::RenderTarget;
use bevy::log::LogPlugin;
use bevy::prelude::*;
use bevy::render::RenderPlugin;
use bevy::render::pipelined_rendering::PipelinedRenderingPlugin;
use bevy::render::render_resource::TextureFormat;
use bevy::render::renderer::RenderAdapterInfo;
use bevy::render::settings::{RenderCreation, WgpuSettings};
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::ExitCondition;
use bevy::winit::WinitPlugin;

use super::GraftRenderPlugin;
use crate::ecs::{GraftPlugins, SceneClock};

/// Why the headless renderer could not start or draw.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeadlessError {
    /// wgpu found no adapter.
    #[error("no GPU adapter found (install mesa-vulkan-drivers for software Vulkan)")]
    NoAdapter,
    /// The render plugins did not finish starting.
    #[error("the renderer did not start within {0} s")]
    StartTimeout(u64),
    /// No frame came back.
    #[error("no image was read back after {0} frames")]
    NoImage(u32),
}

/// A headless app with graft's plugins and the line renderer, plugins finished
/// and a GPU adapter found; the clock is paused at 0. Errors when no adapter exists (install
/// `mesa-vulkan-drivers` for software Vulkan).
pub fn headless_render_app() -> Result<App, HeadlessError> {
    super::probe_adapter().map_err(|_| HeadlessError::NoAdapter)?;
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(bevy::app::TaskPoolPlugin {
                task_pool_options: crate::ecs::task_pool_options(),
            })
            .set(WindowPlugin {
                primary_window: None,
                exit_condition: ExitCondition::DontExit,
                close_when_requested: false,
                ..default()
            })
            .set(RenderPlugin {
                render_creation: RenderCreation::Automatic(Box::new(WgpuSettings::default())),
                synchronous_pipeline_compilation: true,
                ..default()
            })
            .set(AssetPlugin {
                watch_for_changes_override: Some(false),
                ..default()
            })
            .disable::<WinitPlugin>()
            .disable::<PipelinedRenderingPlugin>()
            .disable::<LogPlugin>(),
    )
    .add_plugins((GraftPlugins::default(), GraftRenderPlugin))
    .insert_resource(SceneClock::paused_at(0.0));
    let start = Instant::now();
    while app.plugins_state() == PluginsState::Adding {
        bevy::tasks::tick_global_task_pools_on_main_thread();
        if start.elapsed() > Duration::from_secs(60) {
            return Err(HeadlessError::StartTimeout(60));
        }
    }
    app.finish();
    app.cleanup();
    if app.world().get_resource::<RenderAdapterInfo>().is_none() {
        return Err(HeadlessError::NoAdapter);
    }
    Ok(app)
}

/// An sRGB render target of `width` × `height` pixels.
pub fn add_target_image(world: &mut World, width: u32, height: u32) -> Handle<Image> {
    world
        .resource_mut::<Assets<Image>>()
        .add(Image::new_target_texture(
            width,
            height,
            TextureFormat::Rgba8UnormSrgb,
            None,
        ))
}

/// A 2D camera drawing into `target`: `px_per_mm` pixels per millimetre, the canvas point
/// `center` (mm, y down) in the middle of the image, `clear` around the paper.
pub fn spawn_image_camera(
    world: &mut World,
    target: &Handle<Image>,
    px_per_mm: f32,
    center: Vec2,
    clear: Color,
) -> Entity {
    world
        .spawn((
            Camera2d,
            Camera {
                clear_color: ClearColorConfig::Custom(clear),
                ..default()
            },
            RenderTarget::Image(target.clone().into()),
            Msaa::Off,
            // As the window's paper camera: blending in sRGB space, as SVG renderers do.
            bevy::camera::CompositingSpace::Srgb,
            // Canvas y points down, the 2D world's up.
            Transform::from_xyz(center.x, -center.y, 0.0),
            Projection::Orthographic(OrthographicProjection {
                scale: 1.0 / px_per_mm,
                ..OrthographicProjection::default_2d()
            }),
        ))
        .id()
}

/// Renders frames until a screenshot of `target` is read back, and returns it.
pub fn capture_image(app: &mut App, target: &Handle<Image>) -> Result<Image, HeadlessError> {
    const FRAMES: u32 = 200;
    // Geometry uploads spread over frames: the shot waits until every layer is on the GPU.
    let gpu = app.world().get_resource::<super::GpuLineStats>().cloned();
    app.update();
    for _ in 0..FRAMES {
        if gpu.as_ref().is_none_or(|g| g.uploads_done()) {
            break;
        }
        app.update();
    }
    let slot = Arc::new(Mutex::new(None::<Image>));
    let s = Arc::clone(&slot);
    app.world_mut()
        .spawn(Screenshot::image(target.clone()))
        .observe(move |ev: On<ScreenshotCaptured>| {
            *s.lock().unwrap_or_else(|e| e.into_inner()) = Some(ev.image.clone())
        });
    for _ in 0..FRAMES {
        app.update();
        if let Some(image) = slot.lock().unwrap_or_else(|e| e.into_inner()).take() {
            return Ok(image);
        }
    }
    Err(HeadlessError::NoImage(FRAMES))
}
