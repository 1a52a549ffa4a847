//! G-code export for pen plotters: paper-margin clipping, pen up/down as Z moves or
//! command lines, travel optimisation, machine origin and Y flip, fixed decimals.
//! [`profile`] holds the settings and their checks, [`plan`] clips and orders, and
//! [`write`] makes the text.

mod plan;
mod profile;
mod write;

use super::fmt as fmt_push;
use crate::core::drawing::Drawing;

pub use profile::{GcodeError, GcodeProfile, PenControl};
use write::write_file;

/// A layer name as it may appear in a G-code comment: control characters (which would
/// end the comment and start a command) become spaces, and long names are cut.
pub fn comment_text(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(80)
        .collect()
}

/// One G-code file and what its travel optimisation achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct GcodeFile {
    /// File contents.
    pub text: String,
    /// Pen-up travel in drawing order before optimisation (mm).
    pub travel_before_mm: f64,
    /// Pen-up travel as written (mm).
    pub travel_after_mm: f64,
}

/// G-code of every layer of `drawing` in one file.
pub fn to_gcode(drawing: &Drawing, profile: &GcodeProfile) -> Result<GcodeFile, GcodeError> {
    write_file(
        drawing,
        &(0..drawing.layers.len()).collect::<Vec<_>>(),
        profile,
    )
}

/// One G-code file per layer, in layer order.
pub fn to_gcode_per_layer(
    drawing: &Drawing,
    profile: &GcodeProfile,
) -> Result<Vec<GcodeFile>, GcodeError> {
    (0..drawing.layers.len())
        .map(|i| write_file(drawing, &[i], profile))
        .collect()
}

/// File name suffix of layer `index` of `count`: `_layer001_name` (name sanitised, ≤ 32 chars).
pub fn layer_suffix(index: usize, count: usize, name: &str) -> String {
    let width = count.to_string().len().max(3);
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(32)
        .collect();
    format!("_layer{:0width$}_{clean}", index + 1)
}
