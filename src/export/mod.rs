//! Writing drawings to files: SVG, G-code and PNG (formatted by the core's writers),
//! frame sequences, atomically and without overwriting.

mod error;
mod frames;
mod optimize;
mod output;
mod outputs;

pub use crate::core::drawing::{
    CoordinateError, Drawing, DrawnLayer, MAX_COORDINATE_MM, PlotStats, RealizeError,
    describe_stats,
};
pub use crate::core::export::*;
pub use error::ExportError;
pub use frames::{
    FrameEncoder, FrameFormats, FrameRange, FrameSequence, MAX_FRAMES, assemble_mp4, export_frames,
    ffmpeg_command, frame_path, terminal_progress,
};
pub use optimize::{OptimizeOptions, OptimizeReport, optimize};
pub use output::{
    FileFamily, OutputError, create_numbered_dir, ensure_absent, numbered_name, numbered_path,
    write_atomic, write_beside, write_numbered,
};
pub use outputs::{Encoded, Format, OutputRequest, encode, with_suffix, write_outputs};
