//! The pipeline: resolve parameters into stage ids, reuse cached stages, evaluate only
//! what is missing on the async compute pool, and publish results without blocking.
//!
//! The main thread never evaluates an op: it evaluates parameter expressions, hashes ids,
//! looks up the cache and polls tasks. One module a step: [`inputs`] (what every layer
//! depends on besides its recipe), [`resolve`], [`dispatch`], [`collect`].

mod collect;
mod dispatch;
mod inputs;
mod resolve;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bevy::app::{App, Plugin, PostUpdate, Update};
use bevy::ecs::query::With;
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Query, Res, ResMut};
use bevy::ecs::world::World;
use bevy::tasks::Task;

use super::GraftSystems;
use super::executor::ComputePoolExecutor;
use super::layer::{InFlight, Layer, LayerError, Realized, Resolved, TaskOutput};
use super::stats::PipelineStats;
use crate::cache::{CacheBudget, GeometryCache};
use crate::geometry::GeometryId;
use crate::host::DiskFiles;
use crate::ops::{EvalContext, Progress, ResourceBudget, SceneBudget};

pub use inputs::FILE_POLL;

/// Pipeline limits.
#[derive(Resource, Clone, Debug)]
pub struct PipelineSettings {
    /// Most tasks in flight across all layers. Default 8.
    pub max_in_flight: usize,
    /// Output limits every op is held to, and the scene's budget all layers draw from.
    pub eval: EvalContext,
    /// The files ops read (shared with `eval`): watched, so that editing an SVG or a
    /// font a layer reads re-evaluates that layer.
    pub files: DiskFiles,
}

impl Default for PipelineSettings {
    fn default() -> Self {
        let files = DiskFiles::default();
        Self {
            max_in_flight: 8,
            eval: EvalContext::new(
                ResourceBudget::default(),
                Arc::new(files.clone()),
                Arc::new(ComputePoolExecutor::default()),
            )
            .with_scene_budget(Arc::new(SceneBudget::default())),
            files,
        }
    }
}

/// The CPU cache of stage results, shared with the tasks that fill it.
#[derive(Resource, Clone)]
pub struct SharedCache(pub Arc<Mutex<GeometryCache>>);

impl Default for SharedCache {
    fn default() -> Self {
        Self::with_budget(CacheBudget::default())
    }
}

impl SharedCache {
    /// A cache with `budget`.
    pub fn with_budget(budget: CacheBudget) -> Self {
        Self(Arc::new(Mutex::new(GeometryCache::new(budget))))
    }

    /// Locks the cache (a poisoned lock is still usable: entries are whole `Arc`s).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, GeometryCache> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every evaluation in flight, by the id of the geometry it makes: identical requests
/// from any layers share one task (Bevy's `PipelineCache` is the model: an id is
/// queued, running, ready in the cache, or failed in the layer's error).
#[derive(Resource, Default)]
pub struct Evaluations {
    pub(super) running: HashMap<GeometryId, Running>,
}

/// One running evaluation: its task, and the progress and cancel switch it shares with
/// the ops it runs.
pub(super) struct Running {
    pub(super) task: Task<TaskOutput>,
    pub(super) progress: Arc<Progress>,
}

impl Evaluations {
    /// How far the evaluation of `id` has got in its long op now running (0..=1), if it
    /// runs.
    pub fn progress(&self, id: GeometryId) -> Option<f32> {
        self.running.get(&id).map(|r| r.progress.fraction())
    }

    /// The least progress among running evaluations that report any (what a terminal
    /// shows while `render` waits).
    pub fn running_progress(&self) -> Option<f32> {
        self.running
            .values()
            .map(|r| r.progress.fraction())
            .filter(|&p| p > 0.0)
            .min_by(f32::total_cmp)
    }

    /// True when every evaluation has finished its work and only waits for the next
    /// frame to collect it.
    pub fn all_finished(&self) -> bool {
        self.running.values().all(|r| r.task.is_finished())
    }

    /// Number of evaluations running.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    /// True when nothing runs.
    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }
}

/// What the pipeline has left to do between frames, so that a scene at rest costs
/// nothing per layer: dispatch runs when a layer's request changed or when its last run
/// left work (a task finished, a layer deferred or waiting for what it reads).
#[derive(Resource, Default)]
pub(super) struct PipelineWork {
    /// Dispatch must look at every layer again.
    pub(super) dispatch_due: bool,
    /// Dispatch or collect changed what is shown or wanted: the scene budget is released
    /// once their results are applied.
    pub(super) release_due: bool,
}

/// Frees the scene budget of geometry no layer shows, wants or computes any more. It
/// runs in `PostUpdate`, after the results collect and dispatch inserted are applied,
/// and only when they changed something.
fn release_scene_budget(
    settings: Res<PipelineSettings>,
    evaluations: Res<Evaluations>,
    mut work: ResMut<PipelineWork>,
    layers: Query<(Option<&Realized>, Option<&Resolved>)>,
) {
    if !std::mem::take(&mut work.release_due) {
        return;
    }
    let Some(scene) = &settings.eval.scene else {
        return;
    };
    let mut live: std::collections::HashSet<GeometryId> =
        evaluations.running.keys().copied().collect();
    for (realized, resolved) in &layers {
        live.extend(realized.map(|r| r.id));
        live.extend(resolved.map(Resolved::wanted));
    }
    scene.retain(|id| live.contains(&id));
}

/// The pipeline's frame counter (for fair scheduling and for telling churning stages).
/// Counted from 1, so 0 can mean "never".
#[derive(Resource, Default)]
pub(super) struct PipelineFrame(pub(super) u64);

/// The layers (by name) a parameter of which is being dragged: they are resolved and
/// evaluated as drafts ([`crate::ops::EvalContext::draft`]) until it is let go, then in
/// full. Set by the inspector through [`crate::ecs::EditCommand::Drafting`].
#[derive(Resource, Default, Debug)]
pub struct DraftLayers(pub std::collections::HashSet<String>);

/// Most tasks one layer may have in flight: the newest request, plus one it superseded
/// (which still fills the cache but is dropped when it finishes).
pub(super) const MAX_TASKS_PER_LAYER: usize = 2;

/// Resolve, dispatch and collect, in [`GraftSystems`] order.
pub struct PipelinePlugin;

impl Plugin for PipelinePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PipelineSettings>()
            .init_resource::<SharedCache>()
            .init_resource::<Evaluations>()
            .init_resource::<PipelineFrame>()
            .init_resource::<PipelineWork>()
            .init_resource::<PipelineStats>()
            .init_resource::<DraftLayers>()
            .configure_sets(
                Update,
                (
                    GraftSystems::SceneSync,
                    GraftSystems::Collect,
                    GraftSystems::Resolve,
                    GraftSystems::Dispatch,
                )
                    .chain_ignore_deferred(),
            )
            .add_systems(
                Update,
                (
                    (inputs::follow_inputs, resolve::resolve_layers)
                        .chain()
                        .in_set(GraftSystems::Resolve),
                    dispatch::dispatch_layers.in_set(GraftSystems::Dispatch),
                    collect::collect_layers.in_set(GraftSystems::Collect),
                ),
            )
            .add_systems(PostUpdate, (release_scene_budget,));
    }
}

/// True when the pipeline has nothing left to do: there is at least one layer, no task
/// runs, and every layer shows the geometry it wants or has an error.
pub fn layers_settled(world: &mut World) -> bool {
    let mut layers =
        world.query_filtered::<(Option<&Resolved>, Option<&Realized>, &InFlight, &LayerError), With<Layer>>();
    let mut any = false;
    for (resolved, realized, in_flight, error) in layers.iter(world) {
        any = true;
        let shown = matches!((resolved, realized), (Some(r), Some(z)) if r.wanted() == z.id);
        if !in_flight.is_empty() || !(shown || error.is_set()) {
            return false;
        }
    }
    any
}
