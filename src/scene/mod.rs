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

use std::path::Path;
use std::sync::Arc;

use crate::export::{GcodeProfile, PngSettings};
use crate::ops::{OpRegistry, Recipe, Rgba};

pub use parse::SceneError;
pub use write::leading_comments;

/// The paper.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    /// Width in mm.
    pub width: f64,
    /// Height in mm.
    pub height: f64,
    /// Paper colour (used by previews and PNG; never drawn by the plotter).
    pub background: Rgba,
}

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

    /// Reads and parses a scene file.
    pub fn load(path: &Path, registry: &Arc<OpRegistry>) -> Result<Scene, SceneError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SceneError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the scene file: {e}"),
        })?;
        Self::parse(&text, &file, registry)
    }

    /// Layers that are drawn and exported.
    pub fn visible_layers(&self) -> impl Iterator<Item = &LayerDef> {
        self.layers.iter().filter(|l| l.visible)
    }
}
