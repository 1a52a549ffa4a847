//! The pipeline: resolve parameters into stage ids, reuse cached stages, evaluate only
//! what is missing on the async compute pool, and publish results without blocking.
//!
//! The main thread never evaluates an op: it evaluates parameter expressions, hashes ids,
//! looks up the cache and polls tasks.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bevy::app::{App, Plugin, Update};
use bevy::ecs::change_detection::Ref;
use bevy::ecs::change_detection::{DetectChanges, DetectChangesMut};
use bevy::ecs::entity::Entity;
use bevy::ecs::query::With;
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Commands, Local, Query, Res, ResMut};
use bevy::ecs::world::World;
use bevy::log::warn;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};

use super::GraftSystems;
use super::clock::SceneClock;
use super::executor::ComputePoolExecutor;
use super::layer::{
    InFlight, Layer, LayerError, LayerRecipe, PendingTask, Realized, Resolved, TaskOutput,
};
use super::scene::{ActiveScene, SceneCanvas, SceneSeed};
use super::stats::PipelineStats;
use crate::cache::{CacheBudget, GeometryCache};
use crate::geometry::{GeometryId, LineVertices, Polylines};
use crate::host::DiskFiles;
use crate::ops::{
    EvalContext, OpError, OpFailure, Page, RefError, ResolvedRecipe, ResourceBudget, SceneBudget,
};
use crate::scene::{GraphError, Node, evaluation_order};

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

/// How often the files ops read are looked at again (a `stat` each).
pub const FILE_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// When a file an op read changed on disk, every layer is resolved again: the ids of
/// the stages that read it change (they hold its content hash), so exactly those
/// stages run again and everything else comes from the cache.
fn notice_file_changes(
    settings: Res<PipelineSettings>,
    mut last: Local<(u64, Option<Instant>)>,
    mut recipes: Query<&mut LayerRecipe>,
) {
    let now = std::time::Instant::now();
    if last.1.is_none_or(|at| now - at >= FILE_POLL) {
        last.1 = Some(now);
        settings.files.poll();
    }
    // The app's watcher thread may have polled too; either way the generation moved.
    let generation = settings.files.generation();
    if generation != last.0 {
        last.0 = generation;
        for mut recipe in &mut recipes {
            recipe.set_changed();
        }
    }
}

/// The scene's canvas is the page ops such as `crop(shape: "paper")` work to: when it
/// changes, every layer is resolved again (only stages that read the page get new ids).
fn follow_canvas(
    canvas: Option<Res<SceneCanvas>>,
    mut settings: ResMut<PipelineSettings>,
    mut recipes: Query<&mut LayerRecipe>,
) {
    let Some(canvas) = canvas else {
        return;
    };
    let page = Page {
        width: canvas.0.width,
        height: canvas.0.height,
    };
    if settings.eval.page != Some(page) {
        settings.eval.page = Some(page);
        for mut recipe in &mut recipes {
            recipe.set_changed();
        }
    }
}

/// The scene's seed enters the ids of random stages: when it changes, every layer is
/// resolved again (only stages that draw from it get new ids).
fn follow_seed(
    seed: Option<Res<SceneSeed>>,
    mut settings: ResMut<PipelineSettings>,
    mut recipes: Query<&mut LayerRecipe>,
) {
    let Some(seed) = seed else {
        return;
    };
    if settings.eval.seed != seed.0 {
        settings.eval.seed = seed.0;
        for mut recipe in &mut recipes {
            recipe.set_changed();
        }
    }
}

/// Files a scene names by relative paths (svg, fonts) are read beside the scene: when
/// the open scene's folder changes, every layer is resolved again.
fn follow_scene_folder(
    scene: Option<Res<ActiveScene>>,
    settings: Res<PipelineSettings>,
    mut recipes: Query<&mut LayerRecipe>,
) {
    let Some(scene) = scene.filter(|s| s.is_changed()) else {
        return;
    };
    if settings
        .files
        .set_base(scene.file.parent().map(|d| d.to_path_buf()))
    {
        for mut recipe in &mut recipes {
            recipe.set_changed();
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
    running: HashMap<GeometryId, Task<TaskOutput>>,
}

impl Evaluations {
    /// Number of evaluations running.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    /// True when nothing runs.
    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }
}

/// The pipeline's frame counter (for fair scheduling and for telling churning stages).
/// Counted from 1, so 0 can mean "never".
#[derive(Resource, Default)]
struct PipelineFrame(u64);

/// Most tasks one layer may have in flight: the newest request, plus one it superseded
/// (which still fills the cache but is dropped when it finishes).
const MAX_TASKS_PER_LAYER: usize = 2;

/// Resolve, dispatch and collect, in [`GraftSystems`] order.
pub struct PipelinePlugin;

impl Plugin for PipelinePlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<PipelineSettings>()
            .init_resource::<SharedCache>()
            .init_resource::<Evaluations>()
            .init_resource::<PipelineFrame>()
            .init_resource::<PipelineStats>()
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
                    (
                        follow_canvas,
                        follow_seed,
                        follow_scene_folder,
                        notice_file_changes,
                        resolve_layers,
                    )
                        .chain()
                        .in_set(GraftSystems::Resolve),
                    dispatch_layers.in_set(GraftSystems::Dispatch),
                    collect_layers.in_set(GraftSystems::Collect),
                    release_scene_budget.after(dispatch_layers),
                ),
            );
    }
}

/// Frees the scene budget of geometry no layer shows, wants or computes any more.
fn release_scene_budget(
    settings: Res<PipelineSettings>,
    evaluations: Res<Evaluations>,
    layers: Query<(Option<&Realized>, Option<&Resolved>)>,
) {
    let Some(scene) = &settings.eval.scene else {
        return;
    };
    let mut live: Vec<GeometryId> = evaluations.running.keys().copied().collect();
    for (realized, resolved) in &layers {
        live.extend(realized.map(|r| r.id));
        live.extend(resolved.map(Resolved::wanted));
    }
    scene.retain(|id| live.contains(&id));
}

type ResolveQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static Layer,
        Ref<'static, LayerRecipe>,
        Option<&'static mut Resolved>,
        &'static InFlight,
        &'static mut LayerError,
    ),
>;

/// The order to resolve layers in (every layer after the layers and shapes it reads),
/// and the layers that cannot be resolved with why: those in a cycle, and those that
/// read a name nothing has.
fn resolution_order(graph: &[(Entity, String, Vec<String>)]) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut reads: Vec<Vec<String>> = graph.iter().map(|(.., r)| r.clone()).collect();
    let mut broken: Vec<(usize, String)> = Vec::new();
    // Each round takes the layers one error names out of the graph (they read nothing
    // any more and are skipped), until the rest can be ordered.
    loop {
        let nodes: Vec<Node<'_>> = graph
            .iter()
            .zip(&reads)
            .map(|((_, name, _), reads)| Node {
                name,
                reads: reads.clone(),
            })
            .collect();
        let error = match evaluation_order(&nodes, None) {
            Ok(order) => {
                let skip: Vec<usize> = broken.iter().map(|(i, _)| *i).collect();
                return (
                    order.into_iter().filter(|i| !skip.contains(i)).collect(),
                    broken,
                );
            }
            Err(e) => e,
        };
        let named: Vec<usize> = match &error {
            GraphError::Missing { from, .. } => graph
                .iter()
                .position(|(_, n, _)| n == from)
                .into_iter()
                .collect(),
            GraphError::Cycle(names) => graph
                .iter()
                .enumerate()
                .filter(|(_, (_, n, _))| names.contains(n))
                .map(|(i, _)| i)
                .collect(),
        };
        if named.is_empty() {
            return (Vec::new(), broken);
        }
        for i in named {
            reads[i].clear();
            broken.push((i, error.to_string()));
        }
    }
}

/// Resolves layers whose recipe changed, animated layers when the clock moved, and
/// layers whose stages read a layer or shape whose id moved; readers are resolved after
/// what they read, so their ids cover its new id in the same frame. An animated layer
/// that is still computing keeps its request: when it is free it samples the newest
/// time, so slow layers skip frames instead of queueing them.
/// Used in [`GraftSystems::Resolve`].
fn resolve_layers(
    mut commands: Commands,
    clock: Res<SceneClock>,
    settings: Res<PipelineSettings>,
    mut frame: ResMut<PipelineFrame>,
    mut layers: ResolveQuery,
) {
    frame.0 += 1;
    let now = frame.0;
    let graph: Vec<(Entity, String, Vec<String>)> = layers
        .iter()
        .map(|(entity, layer, recipe, ..)| (entity, layer.name.clone(), recipe.0.references()))
        .collect();
    let (order, broken) = resolution_order(&graph);
    for (i, message) in broken {
        if let Ok((.., mut error)) = layers.get_mut(graph[i].0)
            && error.message.as_deref() != Some(message.as_str())
        {
            warn!("layer '{}': {message}", graph[i].1);
            error.set(message, None);
        }
    }
    // The id each layer wants, as resolved so far this frame.
    let mut final_ids: HashMap<&str, GeometryId> = HashMap::new();
    let valid: Vec<&str> = graph.iter().map(|(_, n, _)| n.as_str()).collect();
    for i in order {
        let (entity, name, reads) = &graph[i];
        let Ok((_, _, recipe, resolved, in_flight, mut error)) = layers.get_mut(*entity) else {
            continue;
        };
        let edited = recipe.is_changed();
        let due = match &resolved {
            None => true,
            Some(r) => r.animated && r.t != clock.t && in_flight.is_empty(),
        };
        let reads_moved = resolved.as_ref().is_some_and(|r| {
            r.recipe
                .references()
                .iter()
                .any(|(read, id)| final_ids.get(read.as_str()) != Some(id))
        });
        // A reader that could not bind waits for what it reads to come right.
        let retry = !reads.is_empty() && error.is_set() && error.failed.is_none();
        if !(edited || due || reads_moved || retry) {
            if let Some(r) = &resolved
                && !error.is_set()
            {
                final_ids.insert(name, r.wanted());
            }
            continue;
        }
        let bind = |read: &str| {
            final_ids.get(read).copied().ok_or_else(|| {
                if valid.contains(&read) {
                    RefError::Unavailable {
                        name: read.into(),
                        why: "it has an error of its own".into(),
                    }
                } else {
                    RefError::Missing {
                        name: read.into(),
                        valid: valid.join(", "),
                    }
                }
            })
        };
        match recipe.0.resolve_as(name, clock.t, &settings.eval, &bind) {
            Ok(stages) => {
                let ids = stages.ids();
                if error.is_set() && error.failed != ids.last().copied() {
                    error.clear();
                }
                final_ids.insert(name, *ids.last().expect("a recipe has a source"));
                let previous = resolved.as_deref();
                let changes: Vec<(u64, u64)> = ids
                    .iter()
                    .enumerate()
                    .map(|(i, id)| {
                        let before =
                            previous.and_then(|p| Some((*p.ids.get(i)?, *p.changes.get(i)?)));
                        match before {
                            Some((old, kept)) if old == *id => kept,
                            Some((_, (last, _))) => (now, last),
                            // The first resolution is no change.
                            None => (0, 0),
                        }
                    })
                    .collect();
                let next = Resolved {
                    animated: recipe.0.is_animated(),
                    recipe: Arc::new(stages),
                    ids,
                    t: clock.t,
                    changes,
                };
                match resolved {
                    // Written in place so that dispatch sees it this frame.
                    Some(mut current) => {
                        if edited || current.ids != next.ids {
                            *current = next;
                        } else {
                            // A tick that changes no id (below the quantum) is no new request.
                            current.t = next.t;
                        }
                    }
                    None => {
                        commands.entity(*entity).insert(next);
                    }
                }
            }
            Err(e) => {
                let message = e.to_string();
                if error.message.as_deref() != Some(message.as_str()) {
                    warn!("layer '{name}': {message}");
                    error.set(message, None);
                }
            }
        }
    }
}

type DispatchQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static Resolved,
        Option<&'static Realized>,
        &'static mut InFlight,
        &'static mut LayerError,
    ),
    With<Layer>,
>;

/// Serves wanted geometry from the cache, joins an evaluation of the same id already
/// running, or starts one for the missing stages from the longest cached prefix. When
/// more layers want work than may run, the longest waiting go first. Used in
/// [`GraftSystems::Dispatch`].
fn dispatch_layers(
    mut commands: Commands,
    settings: Res<PipelineSettings>,
    cache: Res<SharedCache>,
    frame: Res<PipelineFrame>,
    mut evaluations: ResMut<Evaluations>,
    mut stats: ResMut<PipelineStats>,
    mut layers: DispatchQuery,
) {
    // What readers may read: every layer's last good geometry, and the ids that failed.
    let shown: HashMap<GeometryId, Arc<Polylines>> = layers
        .iter()
        .filter_map(|(_, _, realized, ..)| realized.map(|r| (r.id, Arc::clone(&r.geometry))))
        .collect();
    let failed: Vec<GeometryId> = layers.iter().filter_map(|(.., e)| e.failed).collect();
    let mut order: Vec<(u64, Entity)> = layers
        .iter()
        .map(|(entity, .., in_flight, _)| (in_flight.waiting_since.unwrap_or(frame.0), entity))
        .collect();
    order.sort_unstable();
    for (_, entity) in order {
        let Ok((entity, resolved, realized, mut in_flight, mut error)) = layers.get_mut(entity)
        else {
            continue;
        };
        let wanted = resolved.wanted();
        let delivered = in_flight.delivered.take();
        if realized.is_some_and(|r| r.id == wanted)
            || delivered == Some(wanted)
            || error.failed == Some(wanted)
        {
            in_flight.waiting_since = None;
            continue;
        }
        if in_flight.has(wanted) {
            continue;
        }
        if evaluations.running.contains_key(&wanted) {
            // Another layer (or an earlier request of this one) is computing it already.
            stats.shared += 1;
            in_flight.next_seq += 1;
            let seq = in_flight.next_seq;
            in_flight.tasks.push(PendingTask { id: wanted, seq });
            in_flight.waiting_since = None;
            continue;
        }
        let n = resolved.ids.len();
        let (start, input) = {
            let mut cache = cache.lock();
            let cached = cache.get(wanted);
            if let Some(geometry) = &cached
                && let Some(vertices) = cache.get_vertices(wanted)
            {
                stats.full_hits += 1;
                stats.stage_hits += n as u64;
                in_flight.next_seq += 1;
                in_flight.shown_seq = in_flight.next_seq;
                in_flight.waiting_since = None;
                commands.entity(entity).insert(Realized {
                    id: wanted,
                    geometry: Arc::clone(geometry),
                    vertices,
                    t: resolved.t,
                });
                continue;
            }
            match cached {
                // Only the GPU layout is missing: a task with no stage to run builds it.
                Some(geometry) => (n, Some(geometry)),
                None => cache.resume_point(&resolved.recipe),
            }
        };
        // A stage that reads other layers or shapes needs their geometry: until it is
        // there the layer keeps showing its last good result.
        let references = resolved.recipe.references();
        let recipe = if references.is_empty() {
            Arc::clone(&resolved.recipe)
        } else {
            let read = |id: GeometryId| cache.lock().get(id).or_else(|| shown.get(&id).cloned());
            match resolved.recipe.with_inputs(read) {
                Ok(bound) => Arc::new(bound),
                Err(name) => {
                    if let Some((read, id)) = references.iter().find(|(n, _)| *n == name)
                        && failed.contains(id)
                        && error.failed != Some(wanted)
                    {
                        error.set(
                            format!("reads '{read}', which failed; see that layer's error"),
                            Some(wanted),
                        );
                    }
                    continue;
                }
            }
        };
        if in_flight.len() >= MAX_TASKS_PER_LAYER || evaluations.len() >= settings.max_in_flight {
            stats.deferred += 1;
            in_flight.waiting_since.get_or_insert(frame.0);
            continue;
        }
        stats.stage_hits += start as u64;
        stats.tasks_spawned += 1;
        let task = spawn_evaluation(
            recipe,
            resolved.churning(),
            start,
            input,
            resolved.t,
            settings.eval.clone(),
            cache.clone(),
        );
        evaluations.running.insert(wanted, task);
        in_flight.next_seq += 1;
        let seq = in_flight.next_seq;
        in_flight.tasks.push(PendingTask { id: wanted, seq });
        in_flight.waiting_since = None;
    }
    stats.in_flight = evaluations.len();
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

/// Evaluates stages `start..` of `recipe` on the async compute pool, caching each result.
fn spawn_evaluation(
    recipe: Arc<ResolvedRecipe>,
    churning: Vec<bool>,
    start: usize,
    input: Option<Arc<Polylines>>,
    t: f64,
    ctx: EvalContext,
    cache: SharedCache,
) -> bevy::tasks::Task<TaskOutput> {
    AsyncComputeTaskPool::get().spawn(async move {
        let began = Instant::now();
        let id = recipe.final_id();
        let mut evaluated = 0;
        // Op panics are already errors; this also covers the code around them.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut index = start;
            let geometry = recipe.evaluate_from(start, input, &ctx, |stage, geometry| {
                evaluated += 1;
                // Results of churning stages are rarely asked for again: the time pool.
                let churns = churning.get(index).copied().unwrap_or(stage.animated);
                index += 1;
                cache.lock().insert(stage.id, Arc::clone(geometry), churns);
            })?;
            let vertices = Arc::new(LineVertices::build(&geometry));
            cache.lock().insert_vertices(id, Arc::clone(&vertices));
            Ok((geometry, vertices))
        }))
        .unwrap_or_else(|_| {
            Err(OpError::new(
                "pipeline",
                OpFailure::Panicked("evaluation panicked".into()),
            ))
        });
        TaskOutput {
            id,
            t,
            result,
            stages_evaluated: evaluated,
            millis: began.elapsed().as_secs_f64() * 1e3,
        }
    })
}

type CollectQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static mut InFlight,
        Option<&'static Resolved>,
        &'static mut LayerError,
    ),
>;

/// Polls every evaluation without blocking and hands each finished one to every layer
/// that asked for it. A result for the id the layer wants becomes its `Realized`; a
/// superseded one is shown only while it is newer than what is on screen (latest
/// request wins; a result never replaces a newer one). Used in [`GraftSystems::Collect`].
fn collect_layers(
    mut commands: Commands,
    mut evaluations: ResMut<Evaluations>,
    mut stats: ResMut<PipelineStats>,
    mut layers: CollectQuery,
) {
    let mut finished: HashMap<GeometryId, TaskOutput> = HashMap::new();
    evaluations
        .running
        .retain(|id, task| match check_ready(task) {
            Some(output) => {
                stats.tasks_finished += 1;
                stats.stage_misses += output.stages_evaluated as u64;
                stats.task_times.push(output.millis);
                finished.insert(*id, output);
                false
            }
            None => true,
        });
    if finished.is_empty() {
        return;
    }
    for (entity, mut in_flight, resolved, mut error) in &mut layers {
        let wanted = resolved.map(Resolved::wanted);
        let mut i = 0;
        while i < in_flight.tasks.len() {
            let Some(output) = finished.get(&in_flight.tasks[i].id) else {
                i += 1;
                continue;
            };
            let seq = in_flight.tasks.swap_remove(i).seq;
            if Some(output.id) == wanted {
                // What the layer wants now, whatever was shown in between.
                in_flight.shown_seq = in_flight.shown_seq.max(seq);
                match &output.result {
                    Ok((geometry, vertices)) => {
                        commands.entity(entity).insert(Realized {
                            id: output.id,
                            geometry: Arc::clone(geometry),
                            vertices: Arc::clone(vertices),
                            t: output.t,
                        });
                        in_flight.delivered = Some(output.id);
                        if error.is_set() {
                            error.clear();
                        }
                    }
                    Err(e) => {
                        stats.failures += 1;
                        warn!("layer {entity}: {e}");
                        error.set(e.to_string(), Some(output.id));
                    }
                }
                continue;
            }
            if seq < in_flight.shown_seq {
                // Older than what is on screen: never shown.
                stats.stale_dropped += 1;
                continue;
            }
            // Superseded but newer than what is shown (a slider being dragged): shown
            // until the wanted result arrives, so a drag shows its way there.
            match &output.result {
                Ok((geometry, vertices)) => {
                    stats.interim_shown += 1;
                    in_flight.shown_seq = seq;
                    commands.entity(entity).insert(Realized {
                        id: output.id,
                        geometry: Arc::clone(geometry),
                        vertices: Arc::clone(vertices),
                        t: output.t,
                    });
                    in_flight.delivered = Some(output.id);
                }
                Err(_) => stats.stale_dropped += 1,
            }
        }
    }
}
