//! Animation export from the app: the visible layers' recipes evaluated at every frame
//! time on a background task, written as a numbered PNG (and SVG) sequence, then an MP4
//! when ffmpeg is installed. Progress is shared with the inspector.
//!
//! Parameters set by Rust systems are taken as they are when the export starts; what
//! changes with `t` in the recipes themselves (expressions) animates. Sketches render
//! system-driven animation with their `frames` command instead (the headless pipeline,
//! stepped frame by frame). The export evaluates through the pipeline's cache, so the
//! live window and the export share every static stage.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use bevy::ecs::resource::Resource;
use bevy::ecs::world::World;
use bevy::tasks::IoTaskPool;

use super::{CaptureKind, CaptureLog, CaptureOutcome, CaptureSettings, spawn_capture, stem};
use crate::ecs::{PipelineSettings, SceneCanvas, SceneExport, SharedCache, scene_defs};
use crate::export::{FrameFormats, FrameRange, assemble_mp4, create_numbered_dir, export_frames};

/// The animation export's settings (edited in the inspector) and progress.
#[derive(Resource, Clone, Debug)]
pub struct AnimationExport {
    /// First frame time (s).
    pub from: f64,
    /// End time (s, excluded).
    pub to: f64,
    /// Frames per second.
    pub fps: f64,
    /// Also write SVG frames.
    pub svg: bool,
    /// Frames written by the running export, and how many it writes (0 when none runs).
    pub progress: Arc<(AtomicUsize, AtomicUsize)>,
}

impl Default for AnimationExport {
    fn default() -> Self {
        Self {
            from: 0.0,
            to: 2.0,
            fps: 24.0,
            svg: false,
            progress: Arc::default(),
        }
    }
}

impl AnimationExport {
    /// `(done, total)` of the running export, if one runs.
    pub fn running(&self) -> Option<(usize, usize)> {
        let total = self.progress.1.load(Ordering::Relaxed);
        (total > 0).then(|| (self.progress.0.load(Ordering::Relaxed), total))
    }
}

/// Starts an export asked for with [`CaptureKind::Frames`] (counted as pending by the
/// caller); a second one while one runs is dropped.
pub(super) fn start_animation_export(world: &mut World) {
    let export = world.resource::<AnimationExport>().clone();
    if export.running().is_some() {
        let mut log = world.resource_mut::<CaptureLog>();
        log.pending = log.pending.saturating_sub(1);
        return;
    }
    let range = FrameRange {
        from: export.from,
        to: export.to,
        fps: export.fps,
    };
    let total = match range.times() {
        Ok(times) => times.len(),
        Err(e) => return super::fail_capture(world, CaptureKind::Frames, e.to_string()),
    };
    let canvas = world.resource::<SceneCanvas>().0.clone();
    let formats = FrameFormats {
        png: true,
        svg: export.svg,
        dpi: world.resource::<SceneExport>().0.png.dpi,
    };
    let ctx = world.resource::<PipelineSettings>().eval.clone();
    let cache = world.resource::<SharedCache>().clone();
    let (layers, shapes) = scene_defs(world);
    let stem = format!("{}_frames", stem(world));
    let dir = match create_numbered_dir(&world.resource::<CaptureSettings>().dir, &stem) {
        Ok(dir) => dir,
        Err(e) => return super::fail_capture(world, CaptureKind::Frames, e.to_string()),
    };
    let progress = Arc::clone(&export.progress);
    progress.0.store(0, Ordering::Relaxed);
    progress.1.store(total, Ordering::Relaxed);
    let task = IoTaskPool::get().spawn(async move {
        // Through the pipeline's cache: what the window already computed is reused, and
        // stages that do not change with t are computed once for the whole sequence.
        let drawing_at = |t: f64| {
            crate::scene::realize_layers_cached(&canvas, &layers, &shapes, t, &ctx, &cache.0)
        };
        let result = export_frames(&dir, range, formats, false, drawing_at, |done, _| {
            progress.0.store(done, Ordering::Relaxed)
        });
        progress.1.store(0, Ordering::Relaxed);
        let (result, note) = match result {
            Ok(_) => match assemble_mp4(&dir, range.fps) {
                Ok(mp4) => (Ok(vec![dir, mp4]), None),
                Err(message) => (Ok(vec![dir]), Some(message.to_string())),
            },
            Err(e) => (Err(e.to_string()), None),
        };
        CaptureOutcome {
            kind: CaptureKind::Frames,
            result,
            note,
            at: SystemTime::now(),
        }
    });
    spawn_capture(world, task);
}
