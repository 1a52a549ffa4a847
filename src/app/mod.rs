//! The windowed app: the scene on its paper, pan and zoom, live reload, idle when
//! nothing moves. `graft [SCENE]` runs [`run`].

mod keys;
mod pacing;
mod title;
mod view;

use std::path::{Path, PathBuf};

use bevy::app::PluginGroupBuilder;
use bevy::app::{App, AppExit};
use bevy::asset::AssetPlugin;
use bevy::prelude::{DefaultPlugins, PluginGroup};
use bevy::window::{Window, WindowPlugin};

pub use pacing::PacingPlugin;
pub use view::{ViewPlugin, ViewState};

use crate::capture::CapturePlugin;
use crate::ecs::GraftPlugins;
use crate::inspector::InspectorPlugin;
use crate::render::GraftRenderPlugin;

/// Why the app could not open.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The scene file cannot be opened.
    #[error("cannot open scene {}: {source}", path.display())]
    OpenScene {
        /// The path given.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The scene path is a folder or a device.
    #[error("{} is not a file", .0.display())]
    NotAFile(PathBuf),
    /// No display to open a window on.
    #[error(
        "no display: set DISPLAY (or WAYLAND_DISPLAY) to a running display server, or render without a window with `graft render`"
    )]
    NoDisplay,
    /// No GPU adapter (not even a software one).
    #[error("{0}")]
    NoAdapter(String),
    /// The screenshot file exists.
    #[error("{} already exists; pass --overwrite to replace it", .0.display())]
    ScreenshotExists(PathBuf),
}

/// Fails when there is no display to open a window on (winit would panic): neither
/// `DISPLAY` nor `WAYLAND_DISPLAY` is set, or a local one names a server that is not
/// there (no socket).
pub fn check_display() -> Result<(), AppError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let wayland = var("WAYLAND_DISPLAY").is_some_and(|w| {
        let runtime = var("XDG_RUNTIME_DIR").unwrap_or_default();
        Path::new(&w).is_absolute() || Path::new(&runtime).join(&w).exists()
    });
    let x11 = var("DISPLAY").is_some_and(|d| match d.strip_prefix(':') {
        // A local display ":N" or ":N.S" has its socket in /tmp/.X11-unix.
        Some(local) => {
            let n = local.split('.').next().unwrap_or_default();
            Path::new("/tmp/.X11-unix").join(format!("X{n}")).exists()
        }
        // A remote or abstract one cannot be checked cheaply: let winit try it.
        None => true,
    });
    if wayland || x11 {
        Ok(())
    } else {
        Err(AppError::NoDisplay)
    }
}

/// The bundled demo scene.
pub fn demo_scene() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/demo.scene.ron")
}

/// Options of the windowed app.
#[derive(Clone, Debug, Default)]
pub struct AppOptions {
    /// Save a screenshot of the window here once every layer is drawn, then quit.
    pub screenshot: Option<PathBuf>,
    /// Replace an existing screenshot file.
    pub overwrite: bool,
    /// Open paused at this time (an SVG reopened at the `t` it was drawn at) instead of
    /// playing from 0.
    pub start_at: Option<f64>,
}

/// Everything the windowed app is made of: Bevy's default plugins with the window and
/// the asset root set, graft's plugins, the renderer, view, keys, pacing, captures and
/// the inspector. A sketch runs windowed with
/// `App::new().add_plugins((GraftAppPlugins::new(None)?, MySketch)).run()`.
pub struct GraftAppPlugins {
    scene: Option<(String, PathBuf)>,
    title: String,
}

impl GraftAppPlugins {
    /// The app showing `scene` (hot-reloaded while it runs), or no scene (layers come from
    /// Rust). Fails when the scene file cannot be opened.
    pub fn new(scene: Option<&Path>) -> Result<Self, AppError> {
        let Some(scene) = scene else {
            return Ok(Self {
                scene: None,
                title: "graft".into(),
            });
        };
        let file = scene.canonicalize().map_err(|source| AppError::OpenScene {
            path: scene.to_path_buf(),
            source,
        })?;
        if !file.is_file() {
            return Err(AppError::NotAFile(file));
        }
        let dir = file.parent().expect("a file has a parent").to_path_buf();
        let name = file
            .file_name()
            .expect("a file has a name")
            .to_string_lossy()
            .into_owned();
        Ok(Self {
            title: format!("graft - {name}"),
            scene: Some((name, dir)),
        })
    }
}

impl PluginGroup for GraftAppPlugins {
    fn build(self) -> PluginGroupBuilder {
        let mut asset = AssetPlugin {
            watch_for_changes_override: Some(true),
            ..Default::default()
        };
        let graft = match &self.scene {
            Some((name, dir)) => {
                // The scene's folder is the asset root, so the file itself is watched.
                asset.file_path = dir.to_string_lossy().into_owned();
                GraftPlugins {
                    scene: Some(name.clone()),
                    scene_root: Some(dir.clone()),
                }
            }
            None => GraftPlugins::default(),
        };
        let defaults = DefaultPlugins
            .set(bevy::app::TaskPoolPlugin {
                task_pool_options: crate::ecs::task_pool_options(),
            })
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: self.title.clone(),
                    resolution: (1400u32, 900u32).into(),
                    ..Default::default()
                }),
                // The inspector asks first when there are unsaved changes.
                close_when_requested: false,
                ..Default::default()
            })
            .set(asset);
        PluginGroupBuilder::start::<Self>()
            .add_group(defaults)
            .add_group(graft)
            .add(GraftRenderPlugin)
            // GPU time per pass, for the inspector's statistics (timestamp queries).
            .add(bevy::render::diagnostic::RenderDiagnosticsPlugin)
            .add(crate::ecs::midi::MidiPlugin)
            .add(ViewPlugin)
            .add(PacingPlugin)
            .add(title::TitlePlugin)
            .add(keys::CanvasKeysPlugin)
            .add(CapturePlugin)
            .add(InspectorPlugin)
    }
}

/// Opens a window showing `scene` (hot-reloaded while it runs) and blocks until it closes.
pub fn run(scene: &Path, options: AppOptions) -> Result<AppExit, AppError> {
    if let Some(path) = &options.screenshot
        && !options.overwrite
        && path.exists()
    {
        return Err(AppError::ScreenshotExists(path.clone()));
    }
    check_display()?;
    crate::render::probe_adapter().map_err(AppError::NoAdapter)?;
    let mut app = App::new();
    app.add_plugins(GraftAppPlugins::new(Some(scene))?);
    if let Some(t) = options.start_at.filter(|t| t.is_finite()) {
        app.insert_resource(crate::ecs::SceneClock::paused_at(t));
    }
    if let Some(path) = options.screenshot {
        app.add_plugins(pacing::ScreenshotAndExit {
            path,
            overwrite: options.overwrite,
        });
    }
    Ok(app.run())
}
