//! Scene files as Bevy assets: the loader, the open scene, its status, and the system
//! that turns a (re)loaded scene into layer entities.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use bevy::app::{App, Plugin, Startup, Update};
use bevy::asset::io::Reader;
use bevy::asset::{
    Asset, AssetApp, AssetEvent, AssetLoadError, AssetLoadFailedEvent, AssetLoader, AssetServer,
    Assets, Handle, LoadContext,
};
use bevy::ecs::change_detection::DetectChangesMut;
use bevy::ecs::entity::Entity;
use bevy::ecs::message::{Message, MessageReader, MessageWriter};
use bevy::ecs::query::{Has, With};
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Commands, Query, Res, ResMut};
use bevy::ecs::world::Mut;
use bevy::log::{error, info};
use bevy::reflect::TypePath;

use bevy::tasks::futures_lite::AsyncReadExt;

use super::GraftSystems;
use super::layer::{FromScene, Layer, LayerError, LayerRecipe, Shape, Stroke};
use super::registry::OpsRegistry;
use crate::host::MAX_SCENE_BYTES;
use crate::scene::{Canvas, ExportSettings, Scene, SceneError, SceneOverrides, leading_comments};

/// A parsed scene file.
#[derive(Asset, TypePath, Clone, Debug)]
pub struct SceneAsset {
    /// The scene (shared with the document's saved state: one copy, however many hold it).
    pub scene: Arc<Scene>,
    /// The comment lines that open the file (kept when the scene is saved).
    pub header: String,
}

/// Loads `*.scene.ron` files, checking every op and parameter against the registry.
#[derive(TypePath)]
pub struct SceneLoader {
    registry: OpsRegistry,
    overrides: SceneLoadOverrides,
}

/// A seed and parameter values laid over every scene as it loads (the CLI's `--seed` and
/// `--set`); empty in the window.
#[derive(Resource, Clone, Default)]
pub struct SceneLoadOverrides(pub Arc<std::sync::RwLock<SceneOverrides>>);

impl SceneLoadOverrides {
    /// Lays `overrides` over the scenes loaded from now on.
    pub fn set(&self, overrides: SceneOverrides) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = overrides;
    }
}

impl AssetLoader for SceneLoader {
    type Asset = SceneAsset;
    type Settings = ();
    type Error = SceneError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<SceneAsset, SceneError> {
        let file = load_context.path().to_string();
        let unreadable = |message: String| SceneError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the scene file: {message}"),
        };
        // Read at most one byte past the cap, so a huge file or a device such as
        // /dev/zero is refused instead of filling memory.
        let mut bytes = Vec::new();
        let mut capped = AsyncReadExt::take(&mut *reader, MAX_SCENE_BYTES + 1);
        AsyncReadExt::read_to_end(&mut capped, &mut bytes)
            .await
            .map_err(|e| unreadable(e.to_string()))?;
        if bytes.len() as u64 > MAX_SCENE_BYTES {
            return Err(unreadable(format!(
                "it is larger than {} MiB, the most a scene file may hold",
                MAX_SCENE_BYTES >> 20
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| SceneError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("the scene file is not UTF-8 text: {e}"),
        })?;
        let mut scene = Scene::parse(&text, &file, &self.registry.snapshot())?;
        let overrides = self.overrides.0.read().unwrap_or_else(|e| e.into_inner());
        overrides.apply(&mut scene).map_err(|e| SceneError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        Ok(SceneAsset {
            scene: Arc::new(scene),
            header: leading_comments(&text),
        })
    }

    fn extensions(&self) -> &[&str] {
        &["scene.ron"]
    }
}

/// A scene file was (re)loaded and its layers applied: what the document keeps as saved.
#[derive(Message, Clone, Debug)]
pub struct SceneLoaded {
    /// The scene as in the file.
    pub scene: Arc<Scene>,
    /// The comment lines that open the file.
    pub header: String,
}

/// The scene the app shows.
#[derive(Resource, Clone, Debug)]
pub struct ActiveScene {
    /// Asset path in the default source.
    pub asset_path: String,
    /// The file on disk, when known (messages, saving).
    pub file: PathBuf,
    /// The asset handle (kept so the asset stays loaded and watched).
    pub handle: Handle<SceneAsset>,
}

/// Where the open scene stands.
#[derive(Clone, Debug, PartialEq)]
pub enum SceneState {
    /// No scene has loaded yet.
    Loading,
    /// Loaded for the first time.
    Loaded {
        /// When.
        at: SystemTime,
    },
    /// Reloaded after the file changed.
    Reloaded {
        /// When.
        at: SystemTime,
    },
    /// The file could not be loaded; the last good scene (if any) stays live.
    Error(SceneError),
}

/// The open scene's status, for the inspector and the log.
#[derive(Resource, Clone, Debug)]
pub struct SceneStatus {
    /// Current state.
    pub state: SceneState,
    /// Successful loads so far (1 after the first load, +1 per reload).
    pub loads: u64,
    /// Failed loads so far.
    pub failures: u64,
}

impl Default for SceneStatus {
    fn default() -> Self {
        Self {
            state: SceneState::Loading,
            loads: 0,
            failures: 0,
        }
    }
}

impl SceneStatus {
    /// The current error, if the last load failed.
    pub fn error(&self) -> Option<&SceneError> {
        match &self.state {
            SceneState::Error(e) => Some(e),
            _ => None,
        }
    }
}

/// The paper of the open scene.
#[derive(Resource, Clone, Debug, PartialEq)]
pub struct SceneCanvas(pub Canvas);

/// The open scene's seed (none: each op's own `seed` applies).
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct SceneSeed(pub Option<u64>);

/// The open scene's named image files (`images:`), as (name, path).
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct SceneImages(pub Vec<(String, String)>);

impl Default for SceneCanvas {
    fn default() -> Self {
        Self(Canvas {
            width: 210.0,
            height: 297.0,
            background: crate::ops::Rgba::WHITE,
        })
    }
}

/// The export settings of the open scene.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct SceneExport(pub ExportSettings);

/// Scene assets, the open scene and the sync system.
pub struct ScenePlugin {
    /// Asset path of the scene to open at startup.
    pub scene: Option<String>,
    /// Directory of the default asset source on disk.
    pub root: Option<PathBuf>,
}

/// Startup configuration of [`ScenePlugin`].
#[derive(Resource)]
struct SceneToOpen {
    asset_path: String,
    file: PathBuf,
}

impl Plugin for ScenePlugin {
    fn build(&self, app: &mut App) {
        let registry = app
            .world_mut()
            .get_resource_or_insert_with(OpsRegistry::default)
            .clone();
        let overrides = app
            .world_mut()
            .get_resource_or_insert_with(SceneLoadOverrides::default)
            .clone();
        app.init_asset::<SceneAsset>()
            .register_asset_loader(SceneLoader {
                registry,
                overrides,
            })
            .init_resource::<SceneStatus>()
            .init_resource::<SceneCanvas>()
            .init_resource::<SceneSeed>()
            .init_resource::<SceneImages>()
            .init_resource::<SceneExport>()
            .add_message::<SceneLoaded>()
            .add_systems(Update, sync_scene.in_set(GraftSystems::SceneSync));
        if let Some(asset_path) = &self.scene {
            let file = match &self.root {
                Some(root) => root.join(asset_path),
                None => PathBuf::from(asset_path),
            };
            app.insert_resource(SceneToOpen {
                asset_path: asset_path.clone(),
                file,
            })
            .add_systems(Startup, open_scene);
        }
    }
}

fn open_scene(mut commands: Commands, server: Res<AssetServer>, to_open: Res<SceneToOpen>) {
    let handle = server.load(to_open.asset_path.clone());
    commands.insert_resource(ActiveScene {
        asset_path: to_open.asset_path.clone(),
        file: to_open.file.clone(),
        handle,
    });
}

/// The scene error behind a failed load, with the file shown as it is on disk.
fn scene_error(failure: &AssetLoadFailedEvent<SceneAsset>, file: &PathBuf) -> SceneError {
    let file = file.display().to_string();
    if let AssetLoadError::AssetLoaderError(e) = &failure.error
        && let Some(scene) = e.error().downcast_ref::<SceneError>()
    {
        return SceneError {
            file,
            ..scene.clone()
        };
    }
    SceneError {
        file,
        line: 0,
        column: 0,
        message: failure.error.to_string(),
    }
}

/// Applies scene (re)loads and failures. Used in [`GraftSystems::SceneSync`].
#[allow(clippy::too_many_arguments)]
pub(super) fn sync_scene(
    mut commands: Commands,
    active: Option<Res<ActiveScene>>,
    scenes: Res<Assets<SceneAsset>>,
    mut loaded: MessageReader<AssetEvent<SceneAsset>>,
    mut failed: MessageReader<AssetLoadFailedEvent<SceneAsset>>,
    mut status: ResMut<SceneStatus>,
    mut canvas: ResMut<SceneCanvas>,
    mut seed: ResMut<SceneSeed>,
    mut images: ResMut<SceneImages>,
    mut export: ResMut<SceneExport>,
    mut loads: MessageWriter<SceneLoaded>,
    mut layers: SceneLayers,
) {
    let Some(active) = active else {
        loaded.clear();
        failed.clear();
        return;
    };
    let id = active.handle.id();
    let mut fresh = false;
    for event in loaded.read() {
        fresh |= event.is_added(id) || event.is_modified(id);
    }
    for failure in failed.read().filter(|f| f.id == id) {
        let err = scene_error(failure, &active.file);
        error!("scene not loaded, keeping the last good one: {err}");
        status.failures += 1;
        status.state = SceneState::Error(err);
        fresh = false;
    }
    if !fresh {
        return;
    }
    let Some(SceneAsset { scene, header }) = scenes.get(id) else {
        return;
    };
    loads.write(SceneLoaded {
        scene: Arc::clone(scene),
        header: header.clone(),
    });
    canvas.set_if_neq(SceneCanvas(scene.canvas.clone()));
    seed.set_if_neq(SceneSeed(scene.seed));
    images.set_if_neq(SceneImages(scene.images.clone()));
    export.set_if_neq(SceneExport(scene.export.clone()));
    reconcile(&mut commands, scene, &mut layers);
    status.loads += 1;
    let at = SystemTime::now();
    status.state = if status.loads == 1 {
        SceneState::Loaded { at }
    } else {
        SceneState::Reloaded { at }
    };
    info!(
        "scene {} loaded: {} layers",
        active.file.display(),
        scene.layers.len()
    );
}

/// The layer (and shape) entities a scene file made.
type SceneLayers<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static mut Layer,
        &'static mut Stroke,
        &'static mut LayerRecipe,
        Has<Shape>,
    ),
    With<FromScene>,
>;

/// Makes the scene-owned layer entities match `scene`: same names keep their entity and
/// are only written where something differs (so unchanged layers do no work).
fn reconcile(commands: &mut Commands, scene: &Scene, layers: &mut SceneLayers) {
    let mut by_name: HashMap<String, Entity> = layers
        .iter()
        .map(|(entity, layer, ..)| (layer.name.clone(), entity))
        .collect();
    // Shapes are hidden layer entities after the layers, marked `Shape`: the pipeline
    // evaluates them like any layer, and nothing draws or exports them.
    let shapes = scene.shapes.iter().enumerate().map(|(i, def)| {
        let layer = Layer {
            name: def.name.clone(),
            order: scene.layers.len() + i,
            visible: false,
        };
        let stroke = Stroke {
            color: crate::ops::Rgba::BLACK,
            width_mm: 0.3,
        };
        (layer, stroke, &def.recipe, true)
    });
    let entries = scene.layers.iter().enumerate().map(|(order, def)| {
        let layer = Layer {
            name: def.name.clone(),
            order,
            visible: def.visible,
        };
        let stroke = Stroke {
            color: def.color,
            width_mm: def.pen_width,
        };
        (layer, stroke, &def.recipe, false)
    });
    for (layer, stroke, recipe, is_shape) in entries.chain(shapes) {
        match by_name.remove(&layer.name) {
            Some(entity) => {
                let (_, l, s, r, was_shape): (
                    Entity,
                    Mut<Layer>,
                    Mut<Stroke>,
                    Mut<LayerRecipe>,
                    bool,
                ) = layers.get_mut(entity).expect("entity from this query");
                set_if_changed(l, layer);
                set_if_changed(s, stroke);
                set_if_changed(r, LayerRecipe(recipe.clone()));
                if is_shape && !was_shape {
                    commands.entity(entity).insert(Shape);
                } else if was_shape && !is_shape {
                    commands.entity(entity).remove::<Shape>();
                }
            }
            None => {
                let mut spawned = commands.spawn((
                    layer,
                    stroke,
                    LayerRecipe(recipe.clone()),
                    LayerError::default(),
                    FromScene,
                ));
                if is_shape {
                    spawned.insert(Shape);
                }
            }
        }
    }
    for entity in by_name.into_values() {
        commands.entity(entity).despawn();
    }
}

fn set_if_changed<T: PartialEq>(mut current: Mut<T>, value: T) {
    if *current != value {
        *current = value;
    }
}
