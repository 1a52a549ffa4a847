//! PNG capture from the GPU: an offscreen camera draws the paper at export resolution,
//! Bevy's screenshot machinery reads it back asynchronously, and a task encodes and
//! writes it.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use bevy::asset::{Assets, Handle};
use bevy::color::Color;
use bevy::ecs::entity::Entity;
use bevy::ecs::observer::On;
use bevy::ecs::resource::Resource;
use bevy::ecs::world::World;
use bevy::image::Image;
use bevy::math::Vec2;
use bevy::render::renderer::RenderDevice;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::tasks::IoTaskPool;

use super::files::write_numbered;
use super::{CaptureKind, CaptureOutcome, CaptureSettings, fail_capture, spawn_capture, stem};
use crate::ecs::{SceneCanvas, SceneExport};
use crate::export::pixel_size;
use crate::render::GpuLineStats;
use crate::render::headless::{add_target_image, spawn_image_camera};

/// Frames a PNG capture may wait for its camera to be drawn before it gives up.
const MAX_WAIT_FRAMES: u32 = 600;

struct PngJob {
    camera: Entity,
    target: Handle<Image>,
    frames: u32,
    requested: bool,
    image: Arc<Mutex<Option<Image>>>,
}

/// PNG captures waiting for the GPU.
#[derive(Resource, Default)]
pub(super) struct PngJobs(Vec<PngJob>);

/// Run condition: a PNG capture is waiting for the GPU.
pub(super) fn has_jobs(jobs: bevy::ecs::system::Res<PngJobs>) -> bool {
    !jobs.0.is_empty()
}

/// Pixel size of the paper at the scene's PNG dpi (the export's own limits), checked
/// against the largest texture the GPU draws.
fn export_size(world: &World) -> Result<(u32, u32, f32), String> {
    let canvas = &world.resource::<SceneCanvas>().0;
    let dpi = world.resource::<SceneExport>().0.png.dpi;
    let (w, h) = pixel_size(canvas, dpi)?;
    let max = world
        .get_resource::<RenderDevice>()
        .map(|d| d.limits().max_texture_dimension_2d)
        .unwrap_or(8192);
    if w > max || h > max {
        return Err(format!(
            "a PNG of {w} × {h} pixels ({dpi} dpi) is more than the GPU draws ({max} pixels a side); lower export.png.dpi in the scene"
        ));
    }
    Ok((w, h, (dpi / 25.4) as f32))
}

/// Starts a PNG capture: a camera on an export-sized image.
pub(super) fn start_png(world: &mut World) {
    let (w, h, px_per_mm) = match export_size(world) {
        Ok(size) => size,
        Err(e) => return fail_capture(world, CaptureKind::Png, e),
    };
    let canvas = world.resource::<SceneCanvas>().0.clone();
    let [r, g, b, a] = canvas.background.0;
    let center = Vec2::new(canvas.width as f32 / 2.0, canvas.height as f32 / 2.0);
    let target = add_target_image(world, w, h);
    let camera = spawn_image_camera(world, &target, px_per_mm, center, Color::srgba(r, g, b, a));
    world.resource_mut::<PngJobs>().0.push(PngJob {
        camera,
        target,
        frames: 0,
        requested: false,
        image: Arc::default(),
    });
}

/// Requests the readback once the capture camera has been drawn, then hands the image to
/// a task that encodes and writes it.
pub(super) fn advance_png_jobs(world: &mut World) {
    let jobs = std::mem::take(&mut world.resource_mut::<PngJobs>().0);
    let drawn = world
        .get_resource::<GpuLineStats>()
        .map(|s| s.get().drawn_views)
        .unwrap_or_default();
    let mut keep = Vec::new();
    for mut job in jobs {
        job.frames += 1;
        if let Some(image) = job.image.lock().unwrap_or_else(|e| e.into_inner()).take() {
            world.despawn(job.camera);
            world.resource_mut::<Assets<Image>>().remove(&job.target);
            let dir = world.resource::<CaptureSettings>().dir.clone();
            let stem = stem(world);
            let task = IoTaskPool::get().spawn(async move {
                let result = encode_png(image).and_then(|bytes| {
                    write_numbered(&dir, &stem, &[(String::new(), "png", bytes)])
                });
                CaptureOutcome {
                    kind: CaptureKind::Png,
                    result,
                    note: None,
                    at: SystemTime::now(),
                }
            });
            spawn_capture(world, task);
            continue;
        }
        if !job.requested && drawn.contains(&job.camera) {
            let slot = Arc::clone(&job.image);
            world.spawn(Screenshot::image(job.target.clone())).observe(
                move |ev: On<ScreenshotCaptured>| {
                    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(ev.image.clone());
                },
            );
            job.requested = true;
        }
        if job.frames > MAX_WAIT_FRAMES {
            world.despawn(job.camera);
            fail_capture(
                world,
                CaptureKind::Png,
                "the GPU did not draw the capture in time; try again".into(),
            );
            continue;
        }
        keep.push(job);
    }
    world.resource_mut::<PngJobs>().0.extend(keep);
}

/// PNG bytes of a read-back sRGB RGBA image.
fn encode_png(image: Image) -> Result<Vec<u8>, String> {
    let (w, h) = (image.width(), image.height());
    let data = image
        .data
        .ok_or("the GPU returned no pixels for the capture")?;
    if data.len() != (w * h * 4) as usize {
        return Err(format!(
            "the GPU returned {} bytes for a {w} × {h} capture",
            data.len()
        ));
    }
    // The paper is opaque, so straight and premultiplied alpha agree.
    let size = resvg::tiny_skia::IntSize::from_wh(w, h).ok_or("empty capture")?;
    let pixmap = resvg::tiny_skia::Pixmap::from_vec(data, size).ok_or("bad capture size")?;
    pixmap
        .encode_png()
        .map_err(|e| format!("PNG encoding failed: {e}"))
}
