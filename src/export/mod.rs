//! Exports: SVG, G-code and PNG, written atomically without overwriting.

mod drawing;
mod fmt;
mod gcode;
mod output;
mod png;
mod svg;

pub use drawing::{Drawing, DrawnLayer, LayerError, PlotStats};
pub use fmt::{push_fixed, push_short};
pub use gcode::{GcodeFile, GcodeProfile, PenControl, layer_suffix, to_gcode, to_gcode_per_layer};
pub use output::{OutputError, ensure_absent, numbered_path, write_atomic};
pub use png::{PngSettings, pixel_size, to_png};
pub use svg::to_svg;
