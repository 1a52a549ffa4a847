//! Layer components: what a layer is (name, pen, recipe) and the pipeline's state of it.

use std::sync::Arc;

use bevy::ecs::component::Component;

use crate::geometry::{GeometryId, LineVertices, Polylines};
use crate::ops::{OpError, Recipe, ResolvedRecipe, Rgba};
use crate::scene::{LayerDef, ShapeDef};

/// A layer: one pen. `order` is the drawing order (lower first).
#[derive(Component, Clone, Debug, PartialEq)]
pub struct Layer {
    /// Unique name (scene reloads match layers by it).
    pub name: String,
    /// Drawing order.
    pub order: usize,
    /// Hidden layers are neither drawn nor exported (their geometry is still kept).
    pub visible: bool,
}

/// The pen: colour and width on paper. Changing it never recomputes geometry.
#[derive(Component, Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Pen colour.
    pub color: Rgba,
    /// Pen width in millimetres.
    pub width_mm: f64,
}

/// The layer's source op and effects, with parameters as written (constants or expressions).
/// Adding it to an entity (with a [`Layer`]) is all the pipeline needs.
#[derive(Component, Clone, Debug, PartialEq)]
#[require(LayerError, InFlight)]
pub struct LayerRecipe(pub Recipe);

/// Marks a shape of the scene: a recipe that is evaluated like a layer (hidden, so
/// never drawn or exported) for other layers' stages to read.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct Shape;

/// Marks layers that come from the scene file (reloads may despawn them; layers a sketch
/// spawns itself are left alone).
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct FromScene;

/// The recipe resolved at the clock's time: the stages and their ids.
///
/// Stored as a sparse set, as are [`Realized`] and [`StageTimes`]: they arrive after the
/// layer is spawned, and in a table each arrival would move the layer to a new table
/// (every table keeps its capacity: three copies of every layer's columns).
#[derive(Component, Clone, Debug)]
#[component(storage = "SparseSet")]
pub struct Resolved {
    /// Stages with parameters and ids.
    pub recipe: Arc<ResolvedRecipe>,
    /// Ids of every stage, source first.
    pub ids: Vec<GeometryId>,
    /// Scene time it was resolved at.
    pub t: f64,
    /// True when some parameter depends on `t`.
    pub animated: bool,
    /// Per stage: the last two pipeline frames its id changed on (0 = never).
    pub(crate) changes: Vec<(u64, u64)>,
}

/// A stage whose id changed twice within this many frames counts as churning.
const CHURN_FRAMES: u64 = 30;

impl Resolved {
    /// Per stage: true when its output depends on `t` or its id keeps changing
    /// (`set` every frame, a drag): its results go to the cache's small time pool.
    pub fn churning(&self) -> Vec<bool> {
        self.recipe
            .stages
            .iter()
            .zip(&self.changes)
            .map(|(stage, &(last, prev))| {
                stage.animated || (prev > 0 && last - prev <= CHURN_FRAMES)
            })
            .collect()
    }

    /// True when the final stage depends on `t` or its id keeps changing: the layer is
    /// animated, whatever drives it.
    pub fn final_churning(&self) -> bool {
        match (self.recipe.stages.last(), self.changes.last()) {
            (Some(stage), Some(&(last, prev))) => {
                stage.animated || (prev > 0 && last - prev <= CHURN_FRAMES)
            }
            _ => false,
        }
    }

    /// Id of the final stage: the geometry the layer wants.
    pub fn wanted(&self) -> GeometryId {
        *self.ids.last().expect("a recipe has a source")
    }
}

/// The last good result of a layer.
#[derive(Component, Clone, Debug)]
#[component(storage = "SparseSet")]
pub struct Realized {
    /// Id of the final stage.
    pub id: GeometryId,
    /// The geometry, in mm.
    pub geometry: Arc<Polylines>,
    /// The geometry laid out for the GPU (built by the task, not the main thread).
    pub vertices: Arc<LineVertices>,
    /// Scene time it was resolved at.
    pub t: f64,
}

/// The layer's current problem, if any (a bad expression value, a failing op). The last
/// good [`Realized`] stays while it is set.
#[derive(Component, Clone, Debug, Default, PartialEq)]
pub struct LayerError {
    /// What went wrong, naming the op and parameter.
    pub message: Option<String>,
    /// The id whose evaluation failed: not retried until the layer wants another id.
    pub(crate) failed: Option<GeometryId>,
}

impl LayerError {
    /// True when the layer has a problem.
    pub fn is_set(&self) -> bool {
        self.message.is_some()
    }

    pub(crate) fn set(&mut self, message: String, failed: Option<GeometryId>) {
        self.message = Some(message);
        self.failed = failed;
    }

    pub(crate) fn clear(&mut self) {
        self.message = None;
        self.failed = None;
    }
}

/// What a pipeline task hands back.
pub(crate) struct TaskOutput {
    pub(crate) id: GeometryId,
    pub(crate) t: f64,
    pub(crate) result: Result<(Arc<Polylines>, Arc<LineVertices>), OpError>,
    pub(crate) stages_evaluated: usize,
    pub(crate) millis: f64,
    /// Milliseconds of each stage this task evaluated, by the stage's call index.
    pub(crate) stage_millis: Vec<(usize, f64)>,
}

/// Recent evaluation times of a layer's stages, by stage address (`displace`,
/// `rotate#2`, an `id`), for the inspector: last and p95 of each.
#[derive(Component, Clone, Debug, Default)]
#[component(storage = "SparseSet")]
pub struct StageTimes(pub std::collections::HashMap<String, crate::ecs::TaskTimes>);

/// A layer's request for an evaluation that runs in [`Evaluations`](crate::ecs::Evaluations)
/// (shared with every other layer that wants the same id).
pub(crate) struct PendingTask {
    pub(crate) id: GeometryId,
    /// Order of the request among this layer's requests.
    pub(crate) seq: u64,
    /// When it was asked for.
    pub(crate) asked: std::time::Instant,
}

/// Requests in flight for a layer (at most two: the newest and one it superseded).
#[derive(Component, Default)]
pub struct InFlight {
    pub(crate) tasks: Vec<PendingTask>,
    /// Number of the next request.
    pub(crate) next_seq: u64,
    /// Request number of the result on screen: an older request's result never replaces it.
    pub(crate) shown_seq: u64,
    /// Frame since which the layer has waited for a free slot (fair scheduling: the
    /// longest waiting layer goes first).
    pub(crate) waiting_since: Option<u64>,
    /// The id `Collect` handed over this frame through commands (not applied until the
    /// frame ends): dispatch must not ask for it again.
    pub(crate) delivered: Option<GeometryId>,
    /// How long this layer's last finished evaluation took (ms).
    pub(crate) last_millis: Option<f64>,
}

impl InFlight {
    /// Number of tasks running.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// True when nothing runs for this layer.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// True when a task for `id` is running.
    pub fn has(&self, id: GeometryId) -> bool {
        self.tasks.iter().any(|t| t.id == id)
    }

    /// Whether an animated layer may sample a newer time now: when nothing of it runs,
    /// or, with `spare_thread` (an evaluation thread is idle), when its one running
    /// evaluation is half way through by the last one's time. Two evaluations then
    /// overlap by half, so a chain slower than a frame updates twice as often, evenly.
    pub fn may_sample_again(&self, spare_thread: bool) -> bool {
        match self.tasks.as_slice() {
            [] => true,
            [running] => {
                spare_thread
                    && self
                        .last_millis
                        .is_some_and(|ms| running.asked.elapsed().as_secs_f64() * 1e3 >= ms / 2.0)
            }
            _ => false,
        }
    }
}

/// A shape entity's components as a scene shape definition.
pub(crate) fn shape_def_of(layer: &Layer, recipe: &LayerRecipe) -> ShapeDef {
    ShapeDef {
        name: layer.name.clone(),
        recipe: recipe.0.clone(),
    }
}

/// A layer entity's components as a scene layer definition.
pub(crate) fn layer_def_of(layer: &Layer, stroke: &Stroke, recipe: &LayerRecipe) -> LayerDef {
    LayerDef {
        name: layer.name.clone(),
        color: stroke.color,
        pen_width: stroke.width_mm,
        visible: layer.visible,
        recipe: recipe.0.clone(),
    }
}
