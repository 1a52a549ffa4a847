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
    let mut app = App::new();
    app.add_plugins(GraftAppPlugins::new(Some(scene))?);
    if let Some(path) = options.screenshot {
        app.add_plugins(pacing::ScreenshotAndExit(path));
    }
    Ok(app.run())
}
