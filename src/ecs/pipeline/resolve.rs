//! Resolution: recipes at the clock's time into stage ids, every layer after what it
//! reads. A still scene is not looked at again.

use std::collections::HashMap;
use std::sync::Arc;

use bevy::ecs::change_detection::{DetectChanges, Ref};
use bevy::ecs::entity::Entity;
use bevy::ecs::lifecycle::RemovedComponents;
use bevy::ecs::query::{Changed, Or};
use bevy::ecs::system::{Commands, Local, Query, Res, ResMut};
use bevy::log::warn;

use super::{Evaluations, PipelineFrame, PipelineSettings, PipelineWork};
use crate::ecs::clock::SceneClock;
use crate::ecs::layer::{InFlight, Layer, LayerError, LayerRecipe, Resolved};
use crate::geometry::GeometryId;
use crate::scene::{Node, bind_by_name, order_around_errors};

/// What the last full resolution pass left pending.
#[derive(Default)]
pub(super) struct ResolveRest {
    /// The clock time it resolved at (NaN before the first pass).
    t: Option<f64>,
    /// An animated layer still wants a newer time (it was busy).
    animated_waiting: bool,
    /// A reader waits to bind what it reads.
    retrying: bool,
    /// Some layer changes with `t`.
    has_animated: bool,
}

type ResolveQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        Ref<'static, Layer>,
        Ref<'static, LayerRecipe>,
        Option<&'static mut Resolved>,
        &'static InFlight,
        &'static mut LayerError,
    ),
>;

/// Resolves layers whose recipe changed, animated layers when the clock moved, and
/// layers whose stages read a layer or shape whose id moved; readers are resolved after
/// what they read, so their ids cover its new id in the same frame. An animated layer
/// that is still computing keeps its request: when it is free (or half way through and
/// an evaluation thread is idle) it samples the newest time, so slow layers skip frames
/// instead of queueing them.
/// Used in [`GraftSystems::Resolve`].
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_layers(
    mut commands: Commands,
    clock: Res<SceneClock>,
    settings: Res<PipelineSettings>,
    drafts: Res<super::DraftLayers>,
    evaluations: Res<Evaluations>,
    mut frame: ResMut<PipelineFrame>,
    mut rest: Local<ResolveRest>,
    mut work: ResMut<PipelineWork>,
    changed: Query<(), Or<(Changed<LayerRecipe>, Changed<Layer>)>>,
    mut removed: RemovedComponents<Layer>,
    mut layers: ResolveQuery,
) {
    frame.0 += 1;
    let now = frame.0;
    // At rest (no recipe, layer or time changed, nobody waiting) nothing is resolved:
    // the cost of a still frame does not grow with the number of layers.
    let layers_gone = removed.read().count() > 0;
    let time_moved = rest.t != Some(clock.t);
    if changed.is_empty()
        && !layers_gone
        && !drafts.is_changed()
        && !rest.retrying
        && !(rest.animated_waiting || time_moved && rest.has_animated)
        && rest.t.is_some()
    {
        rest.t = Some(clock.t);
        return;
    }
    rest.t = Some(clock.t);
    // Something changed: dispatch looks at every layer (a removed layer's geometry, say,
    // leaves the scene budget).
    work.dispatch_due = true;
    rest.animated_waiting = false;
    rest.retrying = false;
    rest.has_animated = layers
        .iter()
        .any(|(_, _, recipe, ..)| recipe.0.is_animated());
    let graph: Vec<(Entity, String, Vec<String>)> = layers
        .iter()
        .map(|(entity, layer, recipe, ..)| (entity, layer.name.clone(), recipe.0.references()))
        .collect();
    let nodes: Vec<Node<'_>> = graph
        .iter()
        .map(|(_, name, reads)| Node {
            name,
            reads: reads.clone(),
        })
        .collect();
    let (order, broken) = order_around_errors(&nodes);
    // An evaluation thread is idle: an animated layer may overlap two evaluations.
    let spare_thread = evaluations.len()
        < bevy::tasks::AsyncComputeTaskPool::try_get().map_or(1, |p| p.thread_num());
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
        let Ok((_, layer, recipe, resolved, in_flight, mut error)) = layers.get_mut(*entity) else {
            continue;
        };
        // A renamed layer is resolved again too: its random stages draw by its name.
        let edited = recipe.is_changed() || layer.is_changed();
        let due = match &resolved {
            None => true,
            Some(r) => r.animated && r.t != clock.t && in_flight.may_sample_again(spare_thread),
        };
        let reads_moved = resolved.as_ref().is_some_and(|r| {
            r.recipe
                .references()
                .iter()
                .any(|(read, id)| final_ids.get(read.as_str()) != Some(id))
        });
        // Dragging a parameter of it starts or ends: drafts, or the full result.
        let drafting = drafts.0.contains(name.as_str());
        let draft_moved = resolved
            .as_ref()
            .is_some_and(|r| r.recipe.draft != drafting);
        // A reader that could not bind waits for what it reads to come right.
        let retry = !reads.is_empty() && error.is_set() && error.failed.is_none();
        rest.retrying |= retry;
        if let Some(r) = &resolved
            && r.animated
            && r.t != clock.t
            && !due
        {
            rest.animated_waiting = true;
        }
        if !(edited || due || reads_moved || retry || draft_moved) {
            if let Some(r) = &resolved
                && !error.is_set()
            {
                final_ids.insert(name, r.wanted());
            }
            continue;
        }
        let bind = |read: &str| bind_by_name(read, &final_ids, &valid);
        let draft_ctx;
        let ctx = if drafting {
            draft_ctx = settings.eval.clone().with_draft(true);
            &draft_ctx
        } else {
            &settings.eval
        };
        match recipe.0.resolve_as(name, clock.t, ctx, &bind) {
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
                        if edited || current.ids != next.ids || draft_moved {
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
