//! Animation export from the app: the visible layers' recipes evaluated at every frame
//! time on a background task, written as a numbered PNG (and SVG) sequence, then an MP4
//! when ffmpeg is installed. Progress is shared with the inspector.
//!
//! Parameters set by Rust systems are taken as they are when the export starts; what
//! changes with `t` in the recipes themselves (expressions) animates. Sketches render
//! system-driven animation with their `frames` command instead.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use bevy::ecs::resource::Resource;
use bevy::ecs::world::World;
use bevy::tasks::AsyncComputeTaskPool;

use super::{CaptureKind, CaptureLog, CaptureOutcome, CaptureSettings, spawn_capture, stem};
use crate::ecs::{Layer, LayerRecipe, PipelineSettings, SceneCanvas, SceneExport, Stroke};
use crate::export::{Drawing, FrameFormats, FrameRange, assemble_mp4, export_frames};
use crate::scene::LayerDef;

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
    /// Start an export on the next frame.
    pub requested: bool,
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
            requested: false,
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

/// The first free `DIR/STEM_frames_NNN` folder.
fn frames_dir(dir: &std::path::Path, stem: &str) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("{stem}_frames_{n:03}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}

/// Starts a requested export (one at a time).
pub(super) fn start_animation_export(world: &mut World) {
    let mut export = world.resource_mut::<AnimationExport>();
    if !export.requested {
        return;
    }
    export.requested = false;
    if export.running().is_some() {
        return;
    }
    let export = export.clone();
    let range = FrameRange {
        from: export.from,
        to: export.to,
        fps: export.fps,
    };
    let total = match range.times() {
        Ok(times) => times.len(),
        Err(e) => return super::fail_capture(world, CaptureKind::Frames, e),
    };
    let canvas = world.resource::<SceneCanvas>().0.clone();
    let formats = FrameFormats {
        png: true,
        svg: export.svg,
        dpi: world.resource::<SceneExport>().0.png.dpi,
    };
    let ctx = world.resource::<PipelineSettings>().eval.clone();
    let mut q = world.query::<(&Layer, &Stroke, &LayerRecipe)>();
    let mut layers: Vec<(usize, LayerDef)> = q
        .iter(world)
        .filter(|(l, ..)| l.visible)
        .map(|(l, s, r)| {
            let def = LayerDef {
                name: l.name.clone(),
                color: s.color,
                pen_width: s.width_mm,
                visible: true,
                recipe: r.0.clone(),
            };
            (l.order, def)
        })
        .collect();
    layers.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let layers: Vec<LayerDef> = layers.into_iter().map(|(_, l)| l).collect();
    let dir = frames_dir(&world.resource::<CaptureSettings>().dir, &stem(world));
    let progress = Arc::clone(&export.progress);
    progress.0.store(0, Ordering::Relaxed);
    progress.1.store(total, Ordering::Relaxed);
    world.resource_mut::<CaptureLog>().pending += 1;
    let task = AsyncComputeTaskPool::get().spawn(async move {
        let drawing_at =
            |t: f64| Drawing::realize_layers(&canvas, &layers, t, &ctx).map_err(|e| e.to_string());
        let result = export_frames(&dir, range, formats, false, drawing_at, |done, _| {
            progress.0.store(done, Ordering::Relaxed)
        });
        progress.1.store(0, Ordering::Relaxed);
        let (result, note) = match result {
            Ok(_) => match assemble_mp4(&dir, range.fps) {
                Ok(mp4) => (Ok(vec![dir, mp4]), None),
                Err(message) => (Ok(vec![dir]), Some(message)),
            },
            Err(e) => (Err(e), None),
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
