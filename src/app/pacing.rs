//! Frame pacing: the app idles (reactive winit mode) unless time plays, a task runs, a
//! capture waits or the scene file just changed; then it asks for the next frame at once.
//! No fixed sleeps on the main thread.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::window::RequestRedraw;
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};

use crate::capture::CaptureLog;
use crate::ecs::{
    ActiveScene, FILE_POLL, InFlight, Layer, PipelineSettings, Realized, Resolved, SceneClock,
    SceneState, SceneStatus,
};

/// How long the app stays awake after the scene file changed on disk: the asset
/// watcher's debounce and the reload happen within it.
const RELOAD_WINDOW: Duration = Duration::from_millis(1500);

/// Requests frames while anything is moving, and wakes the idle app when the scene file
/// changes on disk so a hot reload shows at once.
pub struct PacingPlugin;

impl Plugin for PacingPlugin {
    fn build(&self, app: &mut App) {
        // Idle until something happens; `keep_awake` asks for frames while anything moves.
        app.insert_resource(WinitSettings {
            focused_mode: UpdateMode::reactive(Duration::from_secs(5)),
            unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(10)),
        })
        .init_resource::<FileChanged>()
        .add_systems(PostStartup, watch_scene_file)
        .add_systems(Last, keep_awake);
    }
}

/// When the watcher thread last saw the scene file change (ms since the app started).
#[derive(Resource, Clone)]
struct FileChanged(Arc<(Instant, AtomicU64)>);

impl Default for FileChanged {
    fn default() -> Self {
        Self(Arc::new((Instant::now(), AtomicU64::new(0))))
    }
}

/// Polls the scene file, and the files its ops read (SVG drawings, fonts), waking the
/// idle app when one changes.
fn watch_scene_file(
    active: Option<Res<ActiveScene>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    changed: Res<FileChanged>,
    settings: Option<Res<PipelineSettings>>,
) {
    let (Some(active), Some(proxy)) = (active, proxy) else {
        return;
    };
    let referenced = settings.map(|s| s.files.clone());
    let file = active.file.clone();
    let proxy = (**proxy).clone();
    let changed = changed.0.clone();
    let stamp = |f: &PathBuf| {
        std::fs::metadata(f)
            .and_then(|m| Ok((m.modified()?, m.len())))
            .ok()
    };
    std::thread::Builder::new()
        .name("graft scene watcher".into())
        .spawn(move || {
            let mut last = stamp(&file);
            loop {
                std::thread::sleep(FILE_POLL);
                let now = stamp(&file);
                let referenced_changed = referenced.as_ref().is_some_and(|f| f.poll());
                if now != last || referenced_changed {
                    last = now;
                    let ms = changed.0.elapsed().as_millis() as u64;
                    changed.1.store(ms.max(1), Ordering::Relaxed);
                    // The event loop is gone: the app is closing.
                    if proxy.send_event(WinitUserEvent::WakeUp).is_err() {
                        return;
                    }
                }
            }
        })
        .ok();
}

fn keep_awake(
    clock: Res<SceneClock>,
    status: Res<SceneStatus>,
    tasks: Query<&InFlight>,
    screenshots: Query<(), With<Screenshot>>,
    captures: Option<Res<CaptureLog>>,
    changed: Res<FileChanged>,
    active: Option<Res<ActiveScene>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let (start, at) = &*changed.0;
    let at = at.load(Ordering::Relaxed);
    let reloading =
        at > 0 && start.elapsed().as_millis() as u64 - at < RELOAD_WINDOW.as_millis() as u64;
    let busy = clock.playing
        || (active.is_some() && matches!(status.state, SceneState::Loading))
        || reloading
        || tasks.iter().any(|t| !t.is_empty())
        || !screenshots.is_empty()
        || captures.is_some_and(|c| c.pending > 0);
    if busy {
        redraw.write(RequestRedraw);
    }
}

/// Saves a screenshot of the window once every layer shows a result, then exits; exits
/// with an error when the scene cannot be loaded or the file cannot be written.
pub struct ScreenshotAndExit {
    /// The PNG to write.
    pub path: PathBuf,
    /// Replace an existing file.
    pub overwrite: bool,
}

#[derive(Resource)]
struct ScreenshotPlan {
    path: PathBuf,
    overwrite: bool,
    ready_frames: u32,
    taken: bool,
    /// The outcome of writing the file, once known.
    written: Arc<std::sync::Mutex<Option<Result<(), String>>>>,
}

impl Plugin for ScreenshotAndExit {
    fn build(&self, app: &mut App) {
        app.insert_resource(ScreenshotPlan {
            path: self.path.clone(),
            overwrite: self.overwrite,
            ready_frames: 0,
            taken: false,
            written: Arc::default(),
        })
        .add_systems(Update, screenshot_when_ready);
    }
}

/// PNG bytes of a window screenshot (sRGB RGBA as read back).
fn encode_screenshot(image: &Image) -> Result<Vec<u8>, String> {
    let rgba = image
        .clone()
        .try_into_dynamic()
        .map_err(|e| format!("the screenshot cannot be converted: {e}"))?
        .to_rgba8();
    let (w, h) = rgba.dimensions();
    let size = resvg::tiny_skia::IntSize::from_wh(w, h).ok_or("empty screenshot")?;
    // The window is opaque, so straight and premultiplied alpha agree.
    let pixmap = resvg::tiny_skia::Pixmap::from_vec(rgba.into_raw(), size)
        .ok_or("the screenshot has a wrong size")?;
    pixmap
        .encode_png()
        .map_err(|e| format!("PNG encoding failed: {e}"))
}

fn screenshot_when_ready(
    mut commands: Commands,
    mut plan: ResMut<ScreenshotPlan>,
    status: Res<SceneStatus>,
    layers: Query<(&Resolved, Option<&Realized>)>,
    all_layers: Query<(), With<Layer>>,
    pending: Query<(), With<Screenshot>>,
    gpu: Option<Res<crate::render::GpuLineStats>>,
    mut redraw: MessageWriter<RequestRedraw>,
    mut exit: MessageWriter<AppExit>,
) {
    redraw.write(RequestRedraw);
    if let Some(e) = status.error() {
        eprintln!("error: {e}");
        exit.write(AppExit::error());
        return;
    }
    if plan.taken {
        let outcome = plan
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match outcome {
            Some(Ok(())) => {
                exit.write(AppExit::Success);
            }
            Some(Err(e)) => {
                eprintln!("error: {e}");
                exit.write(AppExit::error());
            }
            None if pending.is_empty() => {}
            None => {}
        }
        return;
    }
    // Animated layers are always a frame behind their newest request: "drawn" means
    // every layer shows a result. A scene with no layers is drawn once loaded (a layer
    // that appears meanwhile resets the count below).
    // Geometry still uploading (spread over frames) is not drawn yet either.
    let drawn = status.loads > 0
        && (all_layers.is_empty() || !layers.is_empty() && layers.iter().all(|(_, z)| z.is_some()))
        && gpu.is_none_or(|g| g.uploads_done());
    plan.ready_frames = if drawn { plan.ready_frames + 1 } else { 0 };
    // A few frames after everything is realised, so the GPU has drawn it.
    if plan.ready_frames >= 10 {
        let (path, overwrite) = (plan.path.clone(), plan.overwrite);
        let written = Arc::clone(&plan.written);
        commands
            .spawn(Screenshot::primary_window())
            .observe(move |ev: On<ScreenshotCaptured>| {
                let result = encode_screenshot(&ev.image).and_then(|bytes| {
                    crate::export::write_atomic(&path, &bytes, overwrite).map_err(|e| e.to_string())
                });
                *written.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            });
        plan.taken = true;
    }
}
