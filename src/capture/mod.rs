//! Capturing what the app shows to files: SVG, G-code (one file or one per layer), PNG
//! and frame sequences. Files are built and written on the I/O pool (live evaluation
//! never waits behind them), under numbered names in an output folder, by the export
//! module's one writer; nothing is ever overwritten.
//!
//! PNG files come from the same resvg renderer as `graft render --png`, not from the GPU
//! preview: one PNG path, the same pixels from the app, the CLI and CI without a GPU.
//!
//! Queue a [`CaptureKind`] in [`CaptureQueue`]; outcomes appear in [`CaptureLog`].

mod animation;
mod offload;

use std::path::PathBuf;
use std::time::SystemTime;

use bevy::app::{App, Plugin, Update};
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::Res;
use bevy::ecs::world::World;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{IoTaskPool, Task};

pub use animation::AnimationExport;
use animation::{FrameTask, abandon, advance_frames};

use crate::ecs::{ActiveScene, SceneExport, current_drawing};
use crate::export::{ExportError, Format, OutputError, encode, write_numbered};

/// Why a capture wrote nothing.
#[derive(Debug, thiserror::Error)]
enum CaptureError {
    /// No visible layer has geometry.
    #[error("nothing to capture: no visible layer has geometry yet")]
    Nothing,
    /// The export failed.
    #[error(transparent)]
    Export(#[from] ExportError),
}

impl From<OutputError> for CaptureError {
    fn from(e: OutputError) -> Self {
        Self::Export(e.into())
    }
}

/// What to capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureKind {
    /// The visible layers as one SVG (a group per layer).
    Svg,
    /// One G-code file for every visible layer, with the scene's profile.
    Gcode,
    /// One G-code file per visible layer.
    GcodePerLayer,
    /// The paper rendered at the scene's PNG dpi (the same renderer as `graft render`).
    Png,
    /// An animation as a numbered frame sequence (see [`AnimationExport`]).
    Frames,
}

impl CaptureKind {
    /// Short name for messages.
    pub fn label(self) -> &'static str {
        match self {
            CaptureKind::Svg => "SVG",
            CaptureKind::Gcode => "G-code",
            CaptureKind::GcodePerLayer => "G-code per layer",
            CaptureKind::Png => "PNG",
            CaptureKind::Frames => "Frames",
        }
    }
}

/// Where captures go. The default folder is `out/` under the working directory; file
/// names start with the scene's name (`demo_001.svg`, `demo_002.svg`, …).
#[derive(Resource, Clone, Debug)]
pub struct CaptureSettings {
    /// Output folder (created when needed).
    pub dir: PathBuf,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("out"),
        }
    }
}

/// Captures asked for, started on the next frame.
#[derive(Resource, Default, Debug)]
pub struct CaptureQueue(pub Vec<CaptureKind>);

/// The outcome of one capture.
#[derive(Clone, Debug)]
pub struct CaptureOutcome {
    /// What was captured.
    pub kind: CaptureKind,
    /// The files written, or what went wrong in plain words.
    pub result: Result<Vec<PathBuf>, String>,
    /// Something worth knowing besides the files (e.g. how to get an MP4).
    pub note: Option<String>,
    /// When it finished.
    pub at: SystemTime,
}

/// Captures in progress and finished ones (newest last).
#[derive(Resource, Default, Debug)]
pub struct CaptureLog {
    /// Captures started and not finished.
    pub pending: usize,
    /// Finished captures.
    pub done: Vec<CaptureOutcome>,
}

impl CaptureLog {
    /// The newest outcome.
    pub fn last(&self) -> Option<&CaptureOutcome> {
        self.done.last()
    }
}

/// Background work of captures, with what each one captures.
#[derive(Resource, Default)]
struct CaptureTasks(Vec<(CaptureKind, Task<CaptureOutcome>)>);

/// Quitting while captures are in flight: the app exits once they are written (saying
/// "finishing N files…"), or at once when asked again, saying what was not written.
/// Whatever closes the app asks through [`QuitAfterCaptures::ask`].
#[derive(Resource, Default, Debug)]
pub struct QuitAfterCaptures {
    /// Exit once no capture is queued or in flight.
    pub wanted: bool,
    /// Exit now, whatever is still in flight.
    pub now: bool,
    /// "finishing N files…" has been said.
    announced: bool,
}

impl QuitAfterCaptures {
    /// Asks to quit once the captures in flight are written; asked again, at once.
    pub fn ask(&mut self) {
        if self.wanted {
            self.now = true;
        }
        self.wanted = true;
    }
}

/// Capture queue and tasks.
pub struct CapturePlugin;

impl Plugin for CapturePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<CaptureSettings>()
            .init_resource::<CaptureQueue>()
            .init_resource::<CaptureLog>()
            .init_resource::<CaptureTasks>()
            .init_resource::<QuitAfterCaptures>()
            .init_resource::<AnimationExport>()
            .init_resource::<FrameTask>()
            .add_systems(
                Update,
                // Exclusive systems: run only when they have something to do.
                (
                    start_captures.run_if(|q: Res<CaptureQueue>| !q.0.is_empty()),
                    collect_captures.run_if(|t: Res<CaptureTasks>| !t.0.is_empty()),
                    advance_frames.run_if(|t: Res<FrameTask>| t.0.is_some()),
                    quit_when_written.run_if(|q: Res<QuitAfterCaptures>| q.wanted),
                )
                    .chain(),
            );
    }
}

/// The file name stem of captures: the scene file's name without `.scene.ron`.
fn stem(world: &World) -> String {
    world
        .get_resource::<ActiveScene>()
        .and_then(|a| a.file.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|n| {
            n.trim_end_matches(".ron")
                .trim_end_matches(".scene")
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "graft".into())
}

fn start_captures(world: &mut World) {
    let kinds = std::mem::take(&mut world.resource_mut::<CaptureQueue>().0);
    for kind in kinds {
        world.resource_mut::<CaptureLog>().pending += 1;
        if kind == CaptureKind::Frames {
            animation::start_animation_export(world);
            continue;
        }
        let drawing = current_drawing(world);
        // A draft (shown while a parameter is dragged) is never written to a file.
        if let Some(layer) = drawing
            .layers
            .iter()
            .find(|l| crate::ops::is_draft(&l.geometry))
        {
            let message = format!(
                "layer '{}' shows a draft while its full result computes; capture again in a moment",
                layer.name
            );
            fail_capture(world, kind, message);
            continue;
        }
        let export = world.resource::<SceneExport>().0.clone();
        let profile = export.gcode;
        let dpi = export.png.dpi;
        let dir = world.resource::<CaptureSettings>().dir.clone();
        let stem = stem(world);
        // The recipe for the SVG's metadata: the file as on disk when nothing is edited
        // (so a capture and `graft render` write the same bytes), else the edited scene.
        let t = world
            .get_resource::<crate::ecs::SceneClock>()
            .map_or(0.0, |c| c.t);
        let file = world.get_resource::<ActiveScene>().map(|a| a.file.clone());
        let edited = world
            .get_resource::<crate::ecs::SceneDocument>()
            .and_then(|d| {
                let scene = d.scene.as_ref()?;
                (d.saved.as_deref() != Some(scene)).then(|| scene.to_ron(&d.header))
            });
        // Encoding is CPU work, on a thread of its own (neither the pool live layers
        // evaluate on nor the one scenes load on); only the writing goes to the I/O pool.
        let task = IoTaskPool::get().spawn(async move {
            let encoded = offload::offload(
                move || -> Result<Vec<(String, &'static str, Vec<u8>)>, CaptureError> {
                    if drawing.layers.is_empty() {
                        return Err(CaptureError::Nothing);
                    }
                    drawing
                        .check_coordinates()
                        .map_err(|e| CaptureError::Export(e.into()))?;
                    let format = match kind {
                        CaptureKind::Svg => {
                            let text = edited
                                .or_else(|| file.and_then(|f| std::fs::read_to_string(f).ok()));
                            Format::Svg(text.map(|text| crate::export::SceneSource {
                                text,
                                t,
                                version: env!("CARGO_PKG_VERSION").to_string(),
                                export: String::new(),
                            }))
                        }
                        CaptureKind::Gcode => Format::Gcode,
                        CaptureKind::GcodePerLayer => Format::GcodePerLayer,
                        CaptureKind::Png => Format::Png(dpi),
                        CaptureKind::Frames => unreachable!("started by its own system"),
                    };
                    Ok(encode(&drawing, &profile, &format)?
                        .into_iter()
                        .map(|f| (f.suffix, f.ext, f.bytes))
                        .collect())
                },
            )
            .await;
            let result = encoded
                .and_then(|files| Ok(write_numbered(&dir, &stem, &files)?))
                .map_err(|e| e.to_string());
            CaptureOutcome {
                kind,
                result,
                note: None,
                at: SystemTime::now(),
            }
        });
        world.resource_mut::<CaptureTasks>().0.push((kind, task));
    }
}

fn collect_captures(world: &mut World) {
    let mut finished = Vec::new();
    world
        .resource_mut::<CaptureTasks>()
        .0
        .retain_mut(|(_, task)| match check_ready(task) {
            Some(outcome) => {
                finished.push(outcome);
                false
            }
            None => true,
        });
    for outcome in finished {
        log_outcome(world, outcome);
    }
}

/// Logs a finished capture: its files (or what went wrong) and one fewer pending.
fn log_outcome(world: &mut World, outcome: CaptureOutcome) {
    match &outcome.result {
        Ok(paths) => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            bevy::log::info!(
                "{} capture written: {}",
                outcome.kind.label(),
                names.join(", ")
            );
        }
        Err(e) => bevy::log::warn!("{} capture failed: {e}", outcome.kind.label()),
    }
    let mut log = world.resource_mut::<CaptureLog>();
    log.pending = log.pending.saturating_sub(1);
    log.done.push(outcome);
}

/// Exits once quitting was asked and every capture is written; asked to quit now, exits
/// at once and records (and prints) each capture that was not written.
fn quit_when_written(world: &mut World) {
    let queued: Vec<CaptureKind> = world.resource::<CaptureQueue>().0.clone();
    let left = world.resource::<CaptureLog>().pending + queued.len();
    let quit = world.resource::<QuitAfterCaptures>();
    if left == 0 {
        world.write_message(bevy::app::AppExit::Success);
        return;
    }
    if !quit.now {
        if !quit.announced {
            let message = format!("finishing {left} file{}…", if left == 1 { "" } else { "s" });
            bevy::log::info!("{message}");
            eprintln!("graft: {message} (close again to quit now)");
            world.resource_mut::<QuitAfterCaptures>().announced = true;
        }
        return;
    }
    // Quit now: what is in flight or queued is not written (the writer's staging leaves
    // no partial file under a final name).
    let mut in_flight: Vec<CaptureKind> =
        std::mem::take(&mut world.resource_mut::<CaptureTasks>().0)
            .into_iter()
            .map(|(kind, _task)| kind)
            .collect();
    if abandon(world) {
        in_flight.push(CaptureKind::Frames);
    }
    world.resource_mut::<CaptureQueue>().0.clear();
    let lost: Vec<CaptureKind> = in_flight.into_iter().chain(queued).collect();
    let names: Vec<&str> = lost.iter().map(|k| k.label()).collect();
    eprintln!(
        "graft: closed with {} capture{} not written: {}",
        lost.len(),
        if lost.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    let mut log = world.resource_mut::<CaptureLog>();
    log.pending = 0;
    for kind in lost {
        log.done.push(CaptureOutcome {
            kind,
            result: Err("not written: the app was closed before it finished".into()),
            note: None,
            at: SystemTime::now(),
        });
    }
    world.write_message(bevy::app::AppExit::Success);
}

/// Records a capture that failed before any background work started.
fn fail_capture(world: &mut World, kind: CaptureKind, message: String) {
    bevy::log::warn!("{} capture failed: {message}", kind.label());
    let mut log = world.resource_mut::<CaptureLog>();
    log.pending = log.pending.saturating_sub(1);
    log.done.push(CaptureOutcome {
        kind,
        result: Err(message),
        note: None,
        at: SystemTime::now(),
    });
}
