//! Plotter and image formats written to memory: SVG, G-code and PNG. Writing them to
//! files (numbered names, atomic, never overwriting) is the job of [`crate::export`].

mod fmt;
mod gcode;
mod hpgl;
mod layout;
mod png;
mod svg;

pub use fmt::{push_fixed, push_short};
pub use gcode::{
    GcodeError, GcodeFile, GcodeProfile, PenControl, layer_suffix, to_gcode, to_gcode_per_layer,
};
pub use hpgl::{HPGL_DEVICES, HpglDevice, HpglError, hpgl_device, to_hpgl};
pub use layout::{
    Fit, Layout, LayoutError, MAX_SIZE_MM, PAGE_SIZES, lay_out, page_size, parse_size, sort_layers,
};
pub use png::{PngError, PngSettings, pixel_size, to_pixmap, to_png};
pub use svg::{GRAFT_SVG_NAMESPACE, SceneSource, scene_in_svg, to_svg, to_svg_with_scene};
