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

mod parse;
mod write;

use std::sync::{Arc, Mutex};

use crate::core::cache::{GeometryCache, evaluate_cached};
pub use crate::core::drawing::Canvas;
use crate::core::drawing::{Drawing, DrawnLayer, RealizeError};
use crate::core::export::{GcodeProfile, PngSettings};
use crate::geometry::Polylines;
use crate::ops::{EvalContext, EvalError, OpError, OpRegistry, Recipe, ResolvedRecipe, Rgba};

pub use parse::{SceneError, parse_param_text};
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
    /// The paper.
    pub canvas: Canvas,
    /// Layers in drawing order.
    pub layers: Vec<LayerDef>,
    /// Export settings.
    pub export: ExportSettings,
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
        realize_layers(&self.canvas, self.visible_layers(), t, ctx)
    }
}

/// Evaluates `layers` (in the order given) at time `t` on `canvas`, every stage from
/// scratch.
pub fn realize_layers<'a>(
    canvas: &Canvas,
    layers: impl IntoIterator<Item = &'a LayerDef>,
    t: f64,
    ctx: &EvalContext,
) -> Result<Drawing, RealizeError> {
    realize_with(canvas, layers, t, ctx, |recipe| {
        Ok(recipe.evaluate(ctx)?.pop().unwrap_or_default())
    })
}

/// Evaluates `layers` at time `t` through `cache` (the pipeline's cache, when called
/// from the app): stages that do not change with `t` are computed once for a whole
/// frame sequence.
pub fn realize_layers_cached<'a>(
    canvas: &Canvas,
    layers: impl IntoIterator<Item = &'a LayerDef>,
    t: f64,
    ctx: &EvalContext,
    cache: &Mutex<GeometryCache>,
) -> Result<Drawing, RealizeError> {
    realize_with(canvas, layers, t, ctx, |recipe| {
        evaluate_cached(recipe, ctx, cache)
    })
}

fn realize_with<'a>(
    canvas: &Canvas,
    layers: impl IntoIterator<Item = &'a LayerDef>,
    t: f64,
    ctx: &EvalContext,
    evaluate: impl Fn(&ResolvedRecipe) -> Result<Arc<Polylines>, OpError>,
) -> Result<Drawing, RealizeError> {
    let layers = layers
        .into_iter()
        .map(|layer| {
            let err = |e: EvalError| RealizeError {
                layer: layer.name.clone(),
                error: e,
            };
            let resolved = layer.recipe.resolve(t, ctx).map_err(|e| err(e.into()))?;
            let geometry = evaluate(&resolved).map_err(|e| err(e.into()))?;
            Ok(DrawnLayer {
                name: layer.name.clone(),
                color: layer.color,
                pen_width: layer.pen_width,
                id: resolved.final_id(),
                geometry,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Drawing {
        canvas: canvas.clone(),
        layers,
    })
}
