//! The windowed app: the scene on its paper, pan and zoom, live reload, idle when
//! nothing moves. `graft [SCENE]` runs [`run`].

mod keys;
mod pacing;
mod title;
mod view;

use std::path::{Path, PathBuf};

use bevy::app::{App, AppExit};
use bevy::asset::AssetPlugin;
use bevy::prelude::{DefaultPlugins, PluginGroup};
use bevy::window::{Window, WindowPlugin};
use bevy::winit::{UpdateMode, WinitSettings};

pub use keys::{FRAME_STEP, UiFocus};
pub use pacing::PacingPlugin;
pub use view::{PaperCamera, ViewPlugin, ViewState};

use crate::capture::CapturePlugin;
use crate::ecs::GraftPlugins;
use crate::inspector::InspectorPlugin;
use crate::render::GraftRenderPlugin;

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

/// Opens a window showing `scene` (hot-reloaded while it runs) and blocks until it closes.
pub fn run(scene: &Path, options: AppOptions) -> Result<AppExit, String> {
    let file = scene
        .canonicalize()
        .map_err(|e| format!("cannot open scene {}: {e}", scene.display()))?;
    if !file.is_file() {
        return Err(format!("{} is not a file", file.display()));
    }
    let dir = file.parent().expect("a file has a parent").to_path_buf();
    let name = file
        .file_name()
        .expect("a file has a name")
        .to_string_lossy()
        .into_owned();
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: format!("graft - {name}"),
                    resolution: (1400u32, 900u32).into(),
                    ..Default::default()
                }),
                // The inspector asks first when there are unsaved changes.
                close_when_requested: false,
                ..Default::default()
            })
            .set(AssetPlugin {
                // The scene's folder is the asset root, so the file itself is watched.
                file_path: dir.to_string_lossy().into_owned(),
                watch_for_changes_override: Some(true),
                ..Default::default()
            }),
    )
    .add_plugins(GraftPlugins {
        scene: Some(name),
        scene_root: Some(dir),
    })
    .add_plugins((
        GraftRenderPlugin,
        ViewPlugin,
        PacingPlugin,
        title::TitlePlugin,
        keys::CanvasKeysPlugin,
        CapturePlugin,
        InspectorPlugin,
    ))
    // Idle until something happens; the pacing plugin asks for frames while anything moves.
    .insert_resource(WinitSettings {
        focused_mode: UpdateMode::reactive(std::time::Duration::from_secs(5)),
        unfocused_mode: UpdateMode::reactive_low_power(std::time::Duration::from_secs(10)),
    });
    if let Some(path) = options.screenshot {
        app.add_plugins(pacing::ScreenshotAndExit(path));
    }
    Ok(app.run())
}
