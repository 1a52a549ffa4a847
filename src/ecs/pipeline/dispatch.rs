//! Dispatch: each wanted geometry is served from the cache, joins an evaluation already
//! running, or starts one from the longest cached prefix on the compute pool.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use bevy::ecs::entity::Entity;
use bevy::ecs::query::{Changed, With};
use bevy::ecs::system::{Commands, Query, Res, ResMut};
use bevy::tasks::AsyncComputeTaskPool;

use super::{
    Evaluations, MAX_TASKS_PER_LAYER, PipelineFrame, PipelineSettings, PipelineWork, Running,
    SharedCache,
};
use crate::ecs::layer::{InFlight, Layer, LayerError, PendingTask, Realized, Resolved, TaskOutput};
use crate::ecs::stats::PipelineStats;
use crate::geometry::{GeometryId, LineVertices, Polylines};
use crate::ops::{EvalContext, OpError, OpFailure, Progress, ResolvedRecipe};

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
pub(super) fn dispatch_layers(
    mut commands: Commands,
    settings: Res<PipelineSettings>,
    cache: Res<SharedCache>,
    frame: Res<PipelineFrame>,
    mut evaluations: ResMut<Evaluations>,
    mut stats: ResMut<PipelineStats>,
    mut work: ResMut<PipelineWork>,
    requests: Query<(), (Changed<Resolved>, With<Layer>)>,
    mut layers: DispatchQuery,
) {
    if !work.dispatch_due && requests.is_empty() {
        return;
    }
    work.dispatch_due = false;
    // What readers may read: every layer's last good geometry, and the ids that failed.
    let shown: HashMap<GeometryId, Arc<Polylines>> = layers
        .iter()
        .filter_map(|(_, _, realized, ..)| realized.map(|r| (r.id, Arc::clone(&r.geometry))))
        .collect();
    let failed: Vec<GeometryId> = layers.iter().filter_map(|(.., e)| e.failed).collect();
    // What some layer wants now: a running evaluation of anything else may be cancelled.
    let wanted_now: std::collections::HashSet<GeometryId> = layers
        .iter()
        .map(|(_, resolved, ..)| resolved.wanted())
        .collect();
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
        if let Some(running) = evaluations.running.get(&wanted) {
            // Another layer (or an earlier request of this one) is computing it already;
            // wanted again, it is not cancelled after all.
            running.progress.resume();
            stats.shared += 1;
            in_flight.next_seq += 1;
            let seq = in_flight.next_seq;
            in_flight.tasks.push(PendingTask {
                id: wanted,
                seq,
                asked: Instant::now(),
            });
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
                    // Looked at again when what it reads arrives.
                    work.dispatch_due = true;
                    continue;
                }
            }
        };
        if in_flight.len() >= MAX_TASKS_PER_LAYER {
            // Latest wins: what this layer asked for before and nobody wants now stops
            // at its next check, so a drag over a slow simulation does not queue them.
            for task in &in_flight.tasks {
                if !wanted_now.contains(&task.id)
                    && let Some(running) = evaluations.running.get(&task.id)
                    && !running.progress.is_cancelled()
                {
                    running.progress.cancel();
                    stats.tasks_cancelled += 1;
                }
            }
        }
        if in_flight.len() >= MAX_TASKS_PER_LAYER || evaluations.len() >= settings.max_in_flight {
            stats.deferred += 1;
            in_flight.waiting_since.get_or_insert(frame.0);
            work.dispatch_due = true;
            continue;
        }
        stats.stage_hits += start as u64;
        stats.tasks_spawned += 1;
        let progress = Arc::new(Progress::default());
        let task = spawn_evaluation(
            recipe,
            resolved.churning(),
            start,
            input,
            resolved.t,
            settings
                .eval
                .clone()
                .with_progress(Arc::clone(&progress))
                .with_draft(resolved.recipe.draft),
            cache.clone(),
        );
        evaluations
            .running
            .insert(wanted, Running { task, progress });
        in_flight.next_seq += 1;
        let seq = in_flight.next_seq;
        in_flight.tasks.push(PendingTask {
            id: wanted,
            seq,
            asked: Instant::now(),
        });
        in_flight.waiting_since = None;
    }
    stats.in_flight = evaluations.len();
    work.release_due = true;
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
        let _evaluating = crate::ecs::executor::Evaluating::start();
        let began = Instant::now();
        let id = recipe.final_id();
        let mut evaluated = 0;
        let mut stage_millis = Vec::new();
        // Op panics are already errors; this also covers the code around them.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut index = start;
            let mut stage_began = Instant::now();
            let geometry = recipe.evaluate_from(start, input, &ctx, |stage, geometry| {
                evaluated += 1;
                stage_millis.push((stage.call, stage_began.elapsed().as_secs_f64() * 1e3));
                // Results of churning stages are rarely asked for again: the time pool.
                let churns = churning.get(index).copied().unwrap_or(stage.animated);
                index += 1;
                cache.lock().insert(stage.id, Arc::clone(geometry), churns);
                stage_began = Instant::now();
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
            stage_millis,
        }
    })
}
