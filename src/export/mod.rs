//! Exports: SVG, G-code and PNG, written atomically without overwriting.

mod drawing;
mod fmt;
mod frames;
mod gcode;
mod output;
mod outputs;
mod png;
mod svg;

pub use drawing::{Drawing, DrawnLayer, LayerError, PlotStats, describe_stats};
pub use fmt::{push_fixed, push_short};
pub use frames::{
    FrameFormats, FrameRange, MAX_FRAMES, assemble_mp4, export_frames, ffmpeg_command, frame_path,
    terminal_progress,
};
pub use gcode::{GcodeFile, GcodeProfile, PenControl, layer_suffix, to_gcode, to_gcode_per_layer};
pub use output::{OutputError, ensure_absent, numbered_path, write_atomic};
pub use outputs::{OutputRequest, with_suffix, write_outputs};
pub use png::{PngSettings, pixel_size, to_png};
pub use svg::to_svg;
