//! A drawing: the paper and evaluated layers, the geometry every export reads.

use std::sync::Arc;

use crate::geometry::{GeometryId, GeometryStats, Polylines};
use crate::ops::{EvalError, Rgba};

/// Widest pen a layer may have (mm).
pub const MAX_PEN_WIDTH_MM: f64 = 50.0;

/// The pen widths allowed, for messages.
pub const PEN_WIDTH_ALLOWED: &str = "a width in mm, > 0 and <= 50";

/// True for a pen width a layer may have: finite, above 0 and at most
/// [`MAX_PEN_WIDTH_MM`].
pub fn pen_width_allowed(width_mm: f64) -> bool {
    width_mm.is_finite() && width_mm > 0.0 && width_mm <= MAX_PEN_WIDTH_MM
}

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

/// One evaluated layer.
#[derive(Clone, Debug)]
pub struct DrawnLayer {
    /// Layer name.
    pub name: String,
    /// Pen colour.
    pub color: Rgba,
    /// Pen width in mm.
    pub pen_width: f64,
    /// Id of the final geometry.
    pub id: GeometryId,
    /// The polylines, in mm.
    pub geometry: Arc<Polylines>,
}

/// Every visible layer of a scene evaluated at one time.
#[derive(Clone, Debug)]
pub struct Drawing {
    /// The paper.
    pub canvas: Canvas,
    /// Layers in drawing order.
    pub layers: Vec<DrawnLayer>,
}

pub use crate::geometry::MAX_COORDINATE_MM;

/// A point no file can hold: not finite, or absurdly far away.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error(
    "layer '{layer}': point {index} is at ({}, {}, {}); coordinates must be finite and within ±{MAX_COORDINATE_MM} mm (check scale, amplitude and expression values)",
    point[0], point[1], point[2]
)]
pub struct CoordinateError {
    /// The layer.
    pub layer: String,
    /// Index of the point in the layer's geometry.
    pub index: usize,
    /// The point (mm).
    pub point: [f32; 3],
}

impl Drawing {
    /// Checks every point of every layer before anything is written.
    pub fn check_coordinates(&self) -> Result<(), CoordinateError> {
        for layer in &self.layers {
            let bad = layer
                .geometry
                .points()
                .iter()
                .position(|p| !(p.is_finite() && p.abs().max_element() <= MAX_COORDINATE_MM));
            if let Some(index) = bad {
                return Err(CoordinateError {
                    layer: layer.name.clone(),
                    index,
                    point: layer.geometry.points()[index].to_array(),
                });
            }
        }
        Ok(())
    }
}

/// A layer that failed to evaluate while a scene was realised.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("layer '{layer}': {error}")]
pub struct RealizeError {
    /// Layer name.
    pub layer: String,
    /// What went wrong.
    #[source]
    pub error: EvalError,
}

/// Plot statistics of a drawing, in drawing order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlotStats {
    /// Layers.
    pub layers: usize,
    /// Polylines.
    pub polylines: usize,
    /// Points.
    pub vertices: usize,
    /// Segments.
    pub segments: usize,
    /// Length drawn with the pen down (mm).
    pub pen_down_mm: f64,
    /// Pen-up travel between consecutive polylines of each layer, in file order (mm).
    pub pen_up_mm: f64,
}

impl PlotStats {
    /// Statistics of `drawing`.
    pub fn of(drawing: &Drawing) -> PlotStats {
        let mut s = PlotStats {
            layers: drawing.layers.len(),
            ..Default::default()
        };
        for layer in &drawing.layers {
            s.add(&GeometryStats::of(&layer.geometry));
        }
        s
    }

    /// Adds one layer's figures.
    pub fn add(&mut self, g: &GeometryStats) {
        self.polylines += g.polylines;
        self.vertices += g.vertices;
        self.segments += g.segments;
        self.pen_down_mm += g.pen_down_mm;
        self.pen_up_mm += g.pen_up_mm;
    }
}

/// The statistics lines `graft render` prints for `drawing` of scene `name` at `t`.
pub fn describe_stats(name: &str, t: f64, drawing: &Drawing) -> [String; 2] {
    let s = PlotStats::of(drawing);
    [
        format!(
            "{name}: t = {t} s, {} layers, {} polylines, {} vertices, {} segments",
            s.layers, s.polylines, s.vertices, s.segments
        ),
        format!(
            "pen-down length {:.1} mm, pen-up travel {:.1} mm (file order)",
            s.pen_down_mm, s.pen_up_mm
        ),
    ]
}
