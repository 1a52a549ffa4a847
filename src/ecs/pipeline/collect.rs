//! Collection: finished evaluations are polled without blocking and handed to every
//! layer that asked for them; the latest request wins.

use std::collections::HashMap;
use std::sync::Arc;

use bevy::ecs::entity::Entity;
use bevy::ecs::system::{Commands, Query, ResMut};
use bevy::log::warn;
use bevy::tasks::futures::check_ready;

use super::{Evaluations, PipelineWork};
use crate::ecs::layer::{
    InFlight, LayerError, LayerRecipe, Realized, Resolved, StageTimes, TaskOutput,
};
use crate::ecs::stats::PipelineStats;
use crate::geometry::{GeometryId, LineVertices, Polylines};
use crate::ops::StageName;

type CollectQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static mut InFlight,
        Option<&'static Resolved>,
        &'static mut LayerError,
        Option<&'static LayerRecipe>,
        Option<&'static mut StageTimes>,
    ),
>;

/// Polls every evaluation without blocking and hands each finished one to every layer
/// that asked for it. A result for the id the layer wants becomes its `Realized`; a
/// superseded one is shown only while it is newer than what is on screen (latest
/// request wins; a result never replaces a newer one). Used in [`GraftSystems::Collect`].
pub(super) fn collect_layers(
    mut commands: Commands,
    mut evaluations: ResMut<Evaluations>,
    mut stats: ResMut<PipelineStats>,
    mut work: ResMut<PipelineWork>,
    mut layers: CollectQuery,
) {
    let mut finished: HashMap<GeometryId, TaskOutput> = HashMap::new();
    evaluations
        .running
        .retain(|id, running| match check_ready(&mut running.task) {
            Some(output) => {
                stats.tasks_finished += 1;
                if matches!(&output.result, Err(e) if e.failure == crate::ops::OpFailure::Cancelled)
                {
                    stats.tasks_stopped += 1;
                }
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
    // Readers waiting for this geometry, and layers deferred for a free slot, go again.
    work.dispatch_due = true;
    work.release_due = true;
    for (entity, mut in_flight, resolved, mut error, recipe, mut times) in &mut layers {
        let wanted = resolved.map(Resolved::wanted);
        // The stages' names, made only for a layer that has a finished task.
        let mut names: Option<Vec<StageName>> = None;
        let mut new_times: Option<StageTimes> = None;
        let mut i = 0;
        while i < in_flight.tasks.len() {
            let Some(output) = finished.get(&in_flight.tasks[i].id) else {
                i += 1;
                continue;
            };
            let seq = in_flight.tasks.swap_remove(i).seq;
            // Each stage's time, by its address, for the inspector.
            if let Some(recipe) = recipe {
                let names = names.get_or_insert_with(|| recipe.0.stage_names());
                let times = match times.as_deref_mut() {
                    Some(t) => t,
                    None => new_times.get_or_insert_with(StageTimes::default),
                };
                for (call, millis) in &output.stage_millis {
                    if let Some(name) = names.get(*call) {
                        times.0.entry(name.to_string()).or_default().push(*millis);
                    }
                }
            }
            let cancelled = matches!(
                &output.result,
                Err(e) if e.failure == crate::ops::OpFailure::Cancelled
            );
            if !cancelled {
                in_flight.last_millis = Some(output.millis);
            }
            if cancelled && Some(output.id) == wanted {
                // Cancelled, then wanted again before it noticed: asked for anew.
                work.dispatch_due = true;
                continue;
            }
            if Some(output.id) == wanted {
                // What the layer wants now, whatever was shown in between.
                in_flight.shown_seq = in_flight.shown_seq.max(seq);
                match &output.result {
                    Ok((geometry, vertices)) => {
                        commands
                            .entity(entity)
                            .insert(realized(output, geometry, vertices));
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
                    commands
                        .entity(entity)
                        .insert(realized(output, geometry, vertices));
                    in_flight.delivered = Some(output.id);
                }
                Err(_) => stats.stale_dropped += 1,
            }
        }
        if let Some(times) = new_times {
            commands.entity(entity).insert(times);
        }
    }
}

/// What a layer shows of a finished evaluation.
fn realized(
    output: &TaskOutput,
    geometry: &Arc<Polylines>,
    vertices: &Arc<LineVertices>,
) -> Realized {
    Realized {
        id: output.id,
        geometry: Arc::clone(geometry),
        vertices: Arc::clone(vertices),
        t: output.t,
    }
}
