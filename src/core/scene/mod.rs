//! Scene files (`*.scene.ron`): canvas, layers (one per pen) and export settings.
//!
//! ```ron
//! (
//!     canvas: (size: (210, 297), background: "#f4efe6"),
//!     layers: [
//!         (
//!             name: "waves",
//!             color: "#1d3557",
//!             pen_width: 0.35,
//!             source: grid(nx: 40, ny: 40, scale: 150),
//!             effects: [
//!                 subdivide(subdivisions: 6),
//!                 displace(amplitude: (3, 3, 0), t: "t * 0.2"),
//!                 fill(density: 40, enabled: false),
//!             ],
//!         ),
//!     ],
//! )
//! ```
//! Ops are written as `name(param: value, …)`; any numeric parameter may be a string
//! holding an expression of `t` (seconds). `enabled: false` switches an effect off.

mod explore;
mod graph;
mod overrides;
mod parse;
mod separate;
mod write;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::core::cache::{GeometryCache, evaluate_cached};
pub use crate::core::drawing::Canvas;
use crate::core::drawing::{Drawing, DrawnLayer, RealizeError};
use crate::core::export::{GcodeProfile, PngSettings};
use crate::geometry::{GeometryId, Polylines};
use crate::ops::{
    EvalContext, EvalError, OpError, OpFailure, OpRegistry, Recipe, ResolvedRecipe, Rgba,
};

pub use graph::{GraphError, Node, bind_by_name, evaluation_order, order_around_errors};

pub use explore::{Preset, morph, morph_over_time, nudge, randomise, raw_to_ron};
pub use overrides::{OverrideError, SceneOverrides};
pub use parse::{SceneError, field_position, parse_param_text};
pub use separate::{SeparateError, Separation};
pub use write::leading_comments;

/// One layer: a pen, and the recipe of what it draws.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerDef {
    /// Unique name (also the layer name in SVG and G-code files).
    pub name: String,
    /// Pen colour.
    pub color: Rgba,
    /// Pen width in mm.
    pub pen_width: f64,
    /// Hidden layers are neither shown nor exported.
    pub visible: bool,
    /// Source op and effects.
    pub recipe: Recipe,
}

/// A shape: geometry defined once and never drawn, read by stages of layers
/// (`clip(mask: "frame")`).
#[derive(Clone, Debug, PartialEq)]
pub struct ShapeDef {
    /// Unique name among layers and shapes.
    pub name: String,
    /// Source op and effects.
    pub recipe: Recipe,
}

/// Export settings stored with the scene.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExportSettings {
    /// G-code profile.
    pub gcode: GcodeProfile,
    /// PNG settings.
    pub png: PngSettings,
}

/// A loaded scene.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    /// The scene's seed (`seed: 7` in the file): random stages whose own `seed` is not
    /// written draw from it, each by its address; none keeps each op's own seed.
    pub seed: Option<u64>,
    /// The paper.
    pub canvas: Canvas,
    /// Layers in drawing order.
    pub layers: Vec<LayerDef>,
    /// Named recipes that are never drawn; stages of layers (and other shapes) read them.
    pub shapes: Vec<ShapeDef>,
    /// Named image files (`images:` in the file), as (name, path): picture ops may name
    /// an image instead of writing its path, and every layer reading it shares one
    /// decode.
    pub images: Vec<(String, String)>,
    /// Export settings.
    pub export: ExportSettings,
    /// Named snapshots of parameter values (`presets:` in the file), by address.
    pub presets: Vec<Preset>,
    /// Parameters that randomise and nudge leave alone (`locks:` in the file).
    pub locks: Vec<crate::ops::ParamAddress>,
    /// MIDI controls mapped to parameters (`midi:` in the file).
    pub midi: Vec<crate::core::midi::MidiMapping>,
}

impl Scene {
    /// Parses scene text; `file` names the source in error messages.
    pub fn parse(text: &str, file: &str, registry: &Arc<OpRegistry>) -> Result<Scene, SceneError> {
        parse::parse_scene(text, file, registry)
    }

    /// Layers that are drawn and exported.
    pub fn visible_layers(&self) -> impl Iterator<Item = &LayerDef> {
        self.layers.iter().filter(|l| l.visible)
    }

    /// Evaluates every visible layer at time `t` (seconds), stage by stage without a
    /// cache: for code using the pure core alone. The app, the CLI and sketches evaluate
    /// through the cached ECS pipeline instead.
    pub fn realize(&self, t: f64, ctx: &EvalContext) -> Result<Drawing, RealizeError> {
        let ctx = &ctx
            .clone()
            .with_seed(self.seed)
            .with_named_files(&self.images);
        realize_layers(&self.canvas, &self.layers, &self.shapes, t, ctx)
    }

    /// Every layer and shape name, layers first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.layers
            .iter()
            .map(|l| l.name.as_str())
            .chain(self.shapes.iter().map(|s| s.name.as_str()))
    }

    /// Checks that every name a stage reads exists and that no layer or shape reads
    /// itself through others.
    pub fn check_graph(&self) -> Result<(), GraphError> {
        evaluation_order(&nodes(&self.layers, &self.shapes), None).map(|_| ())
    }
}

/// Evaluates the visible `layers` at time `t` on `canvas`, every stage from scratch.
/// `layers` is every layer of the scene, hidden ones too, and `shapes` its shapes:
/// a stage may read any of them.
pub fn realize_layers(
    canvas: &Canvas,
    layers: &[LayerDef],
    shapes: &[ShapeDef],
    t: f64,
    ctx: &EvalContext,
) -> Result<Drawing, RealizeError> {
    realize_with(canvas, layers, shapes, t, ctx, |recipe, ctx| {
        Ok(recipe.evaluate(ctx)?.pop().unwrap_or_default())
    })
}

/// Like [`realize_layers`], through `cache` (the pipeline's cache, when called from the
/// app): stages that do not change with `t` are computed once for a whole frame sequence.
pub fn realize_layers_cached(
    canvas: &Canvas,
    layers: &[LayerDef],
    shapes: &[ShapeDef],
    t: f64,
    ctx: &EvalContext,
    cache: &Mutex<GeometryCache>,
) -> Result<Drawing, RealizeError> {
    realize_with(canvas, layers, shapes, t, ctx, |recipe, ctx| {
        evaluate_cached(recipe, ctx, cache)
    })
}

/// The graph nodes of `layers` then `shapes`.
fn nodes<'a>(layers: &'a [LayerDef], shapes: &'a [ShapeDef]) -> Vec<Node<'a>> {
    layers
        .iter()
        .map(|l| (l.name.as_str(), &l.recipe))
        .chain(shapes.iter().map(|s| (s.name.as_str(), &s.recipe)))
        .map(|(name, recipe)| Node {
            name,
            reads: recipe.references(),
        })
        .collect()
}

fn realize_with(
    canvas: &Canvas,
    layers: &[LayerDef],
    shapes: &[ShapeDef],
    t: f64,
    ctx: &EvalContext,
    evaluate: impl Fn(&ResolvedRecipe, &EvalContext) -> Result<Arc<Polylines>, OpError>,
) -> Result<Drawing, RealizeError> {
    // The canvas is the page of ops that work to the paper.
    let ctx = &ctx.clone().with_page(canvas.width, canvas.height);
    let nodes = nodes(layers, shapes);
    let visible: Vec<usize> = (0..layers.len()).filter(|&i| layers[i].visible).collect();
    let order = evaluation_order(&nodes, Some(&visible)).map_err(|e| RealizeError {
        layer: match &e {
            GraphError::Missing { from, .. } => from.clone(),
            GraphError::Cycle(names) => names[0].clone(),
        },
        error: EvalError::Graph(e.to_string()),
    })?;
    let recipe_of = |i: usize| {
        if i < layers.len() {
            &layers[i].recipe
        } else {
            &shapes[i - layers.len()].recipe
        }
    };
    let valid: Vec<&str> = nodes.iter().map(|n| n.name).collect();
    let mut ids: HashMap<&str, GeometryId> = HashMap::new();
    let mut geometry_of: HashMap<GeometryId, Arc<Polylines>> = HashMap::new();
    for i in order {
        let name = nodes[i].name;
        let err = |e: EvalError| RealizeError {
            layer: name.to_string(),
            error: e,
        };
        let bind = |read: &str| bind_by_name(read, &ids, &valid);
        let resolved = recipe_of(i)
            .resolve_as(name, t, ctx, &bind)
            .map_err(|e| err(e.into()))?;
        let bound = resolved
            .with_inputs(|id| geometry_of.get(&id).cloned())
            .map_err(|missing| {
                err(EvalError::Op(OpError::new(
                    "scene",
                    OpFailure::MissingInput(missing),
                )))
            })?;
        let geometry = evaluate(&bound, ctx).map_err(|e| err(e.into()))?;
        ids.insert(name, resolved.final_id());
        geometry_of.insert(resolved.final_id(), geometry);
    }
    let layers = layers
        .iter()
        .filter(|l| l.visible)
        .map(|layer| {
            let id = ids[layer.name.as_str()];
            let geometry = Arc::clone(&geometry_of[&id]);
            DrawnLayer {
                name: layer.name.clone(),
                color: layer.color,
                pen_width: layer.pen_width,
                id,
                geometry,
            }
        })
        .collect();
    Ok(Drawing {
        canvas: canvas.clone(),
        layers,
    })
}
