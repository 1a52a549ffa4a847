//! graft on Bevy: scene files as hot-reloaded assets, layers as entities, and the
//! pipeline that realises their recipes on async compute tasks with a shared cache.
//!
//! Add [`GraftPlugins`] to an app that already has an `AssetPlugin` (e.g. through
//! `DefaultPlugins`, or `MinimalPlugins` + `AssetPlugin` when headless).

mod clock;
mod document;
mod drawing;
mod executor;
mod layer;
pub mod midi;
mod pipeline;
mod registry;
mod scene;
mod stats;

use std::path::PathBuf;

use bevy::app::{PluginGroup, PluginGroupBuilder};

pub use clock::{ClockPlugin, FRAME_STEP, SceneClock};
pub use document::{
    DocumentError, EditCommand, EditQueue, LastTouched, SceneDocument, apply_edit, explore,
    layer_def, redo, save, undo,
};
pub use drawing::{current_drawing, scene_defs};
pub use executor::{ComputePoolExecutor, task_pool_options};
pub use layer::{
    FromScene, InFlight, Layer, LayerError, LayerRecipe, Realized, Resolved, Shape, StageTimes,
    Stroke,
};
pub use pipeline::{
    DraftLayers, Evaluations, FILE_POLL, PipelinePlugin, PipelineSettings, SharedCache,
    layers_settled,
};
pub use registry::{OpRegistrationErrors, OpsRegistry, SystemErrors};
pub use scene::{
    ActiveScene, SceneAsset, SceneCanvas, SceneExport, SceneImages, SceneLoadOverrides,
    SceneLoader, ScenePlugin, SceneSeed, SceneState, SceneStatus,
};
pub use stats::{PipelineStats, TaskTimes};

/// graft's system sets in `Update`, run in this order.
#[derive(bevy::ecs::schedule::SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GraftSystems {
    /// Scene files become layer entities (spawn, update, despawn by layer name).
    SceneSync,
    /// Finished evaluations are collected without blocking; results become `Realized`.
    /// It runs before `Resolve` so that a layer whose result just arrived asks for the
    /// next time in the same frame: fast animated layers update on every frame.
    Collect,
    /// Parameters are evaluated at the clock's time into stage ids.
    Resolve,
    /// Cache lookups; evaluations are started (or joined) for what is missing.
    Dispatch,
}

/// Every non-render graft plugin: ops registry, clock, scene assets and the pipeline.
#[derive(Clone, Debug, Default)]
pub struct GraftPlugins {
    /// The scene to open: an asset path in the app's default asset source
    /// (e.g. `"scenes/demo.scene.ron"`), or none for sketches that spawn layers themselves.
    pub scene: Option<String>,
    /// Where that asset source lives on disk (for messages and saving); `None` means
    /// the asset path is shown as is.
    pub scene_root: Option<PathBuf>,
}

impl GraftPlugins {
    /// Plugins that open the scene at `asset_path` in the default asset source.
    pub fn with_scene(asset_path: impl Into<String>) -> Self {
        Self {
            scene: Some(asset_path.into()),
            scene_root: None,
        }
    }
}

impl PluginGroup for GraftPlugins {
    fn build(self) -> PluginGroupBuilder {
        PluginGroupBuilder::start::<Self>()
            .add(registry::RegistryPlugin)
            .add(ClockPlugin)
            .add(ScenePlugin {
                scene: self.scene,
                root: self.scene_root,
            })
            .add(document::DocumentPlugin)
            .add(PipelinePlugin)
    }
}
