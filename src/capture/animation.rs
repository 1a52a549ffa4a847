//! Animation export from the app: the visible layers' recipes evaluated at every frame
//! time on the I/O pool, one task per frame, written as a numbered PNG (and SVG) sequence, then an MP4
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
use bevy::tasks::futures::check_ready;
use bevy::tasks::{IoTaskPool, Task};

use super::{CaptureKind, CaptureLog, CaptureOutcome, CaptureSettings, stem};
use crate::ecs::{PipelineSettings, SceneCanvas, SceneExport, SharedCache, scene_defs};
use crate::export::{FrameFormats, FrameRange, FrameSequence, assemble_mp4, create_numbered_dir};

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
    // A range that is not allowed creates no folder.
    if let Err(e) = range.times() {
        return super::fail_capture(world, CaptureKind::Frames, e.to_string());
    }
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
    let frames = match FrameSequence::start(&dir, range, formats, false) {
        Ok(frames) => frames,
        Err(e) => return super::fail_capture(world, CaptureKind::Frames, e.to_string()),
    };
    let progress = Arc::clone(&export.progress);
    progress.0.store(0, Ordering::Relaxed);
    progress.1.store(frames.total(), Ordering::Relaxed);
    let running = Running {
        frames,
        dir,
        fps: range.fps,
        progress,
        canvas,
        layers,
        shapes,
        ctx,
        cache,
    };
    world.resource_mut::<FrameTask>().0 = Some(running.spawn_step());
}

/// The running animation export's current piece of work on the I/O pool: one frame, or
/// the publishing at the end. Each frame is a task of its own, so a save, a reload or a
/// capture asked for meanwhile waits at most for one frame.
#[derive(Resource, Default)]
pub(super) struct FrameTask(pub(super) Option<Task<Step>>);

/// What one piece of the export hands back.
pub(super) enum Step {
    /// A frame was written; the export goes on.
    Frame(Box<Running>),
    /// The export ended.
    Done(CaptureOutcome),
}

/// What the export carries from one frame to the next.
pub(super) struct Running {
    frames: FrameSequence,
    dir: std::path::PathBuf,
    fps: f64,
    progress: Arc<(AtomicUsize, AtomicUsize)>,
    canvas: crate::scene::Canvas,
    layers: Vec<crate::scene::LayerDef>,
    shapes: Vec<crate::scene::ShapeDef>,
    ctx: crate::ops::EvalContext,
    cache: SharedCache,
}

impl Running {
    /// Spawns the next piece: the next frame (drawn and encoded on a thread of its own,
    /// its files staged on the I/O pool), or the publishing once all are written. Neither
    /// the pool live layers evaluate on nor the one scenes and shaders load on is held
    /// by the export's CPU work.
    fn spawn_step(self) -> Task<Step> {
        IoTaskPool::get().spawn(async move {
            let ended = |result, note| {
                Step::Done(CaptureOutcome {
                    kind: CaptureKind::Frames,
                    result,
                    note,
                    at: SystemTime::now(),
                })
            };
            if self.frames.is_done() {
                self.progress.1.store(0, Ordering::Relaxed);
                return match self.frames.commit() {
                    Ok(_) => match assemble_mp4(&self.dir, self.fps) {
                        Ok(mp4) => ended(Ok(vec![self.dir, mp4]), None),
                        Err(message) => ended(Ok(vec![self.dir]), Some(message.to_string())),
                    },
                    Err(e) => ended(Err(e.to_string()), None),
                };
            }
            // Through the pipeline's cache: what the window already computed is reused,
            // and stages that do not change with t are computed once for the sequence.
            let (mut this, encoded) = super::offload::offload(move || {
                let mut this = self;
                let encoded = {
                    let Running {
                        frames,
                        canvas,
                        layers,
                        shapes,
                        ctx,
                        cache,
                        ..
                    } = &mut this;
                    frames
                        .draw_next(|t| {
                            crate::scene::realize_layers_cached(
                                canvas, layers, shapes, t, ctx, &cache.0,
                            )
                        })
                        .and_then(|frame| {
                            let (i, drawing) = frame.expect("a sequence not done has a next frame");
                            Ok((i, frames.encoder().encode(&drawing)?))
                        })
                };
                (this, encoded)
            })
            .await;
            match encoded.and_then(|(i, files)| this.frames.stage(i, files)) {
                Ok(()) => {
                    this.progress.0.store(this.frames.done(), Ordering::Relaxed);
                    Step::Frame(Box::new(this))
                }
                Err(e) => {
                    this.progress.1.store(0, Ordering::Relaxed);
                    ended(Err(e.to_string()), None)
                }
            }
        })
    }
}

/// Moves the running export on: when a frame is written, the next one is spawned; when
/// it ended, its outcome is logged.
pub(super) fn advance_frames(world: &mut World) {
    let Some(step) = world
        .resource_mut::<FrameTask>()
        .0
        .as_mut()
        .and_then(check_ready)
    else {
        return;
    };
    match step {
        Step::Frame(running) => world.resource_mut::<FrameTask>().0 = Some(running.spawn_step()),
        Step::Done(outcome) => {
            world.resource_mut::<FrameTask>().0 = None;
            super::log_outcome(world, outcome);
        }
    }
}

/// Drops a running export (the app is quitting now); true if one ran.
pub(super) fn abandon(world: &mut World) -> bool {
    let export = world.resource::<AnimationExport>().progress.clone();
    export.1.store(0, Ordering::Relaxed);
    world.resource_mut::<FrameTask>().0.take().is_some()
}
