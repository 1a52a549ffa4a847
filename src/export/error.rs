//! What can go wrong while writing drawings to files.

use std::path::PathBuf;

use super::output::OutputError;
use crate::core::drawing::CoordinateError;
use crate::core::export::{GcodeError, PngError};

/// Why an export (a render's files, a frame sequence, an MP4) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A point cannot be written.
    #[error(transparent)]
    Coordinates(#[from] CoordinateError),
    /// An output's extension is not one of its format's.
    #[error("{} does not end in {allowed}, the extension of {format} files: name the file so", .path.display())]
    WrongExtension {
        /// The path given.
        path: PathBuf,
        /// The format asked for.
        format: &'static str,
        /// The extensions allowed, e.g. ".png".
        allowed: String,
    },
    /// An output would replace a file the command reads.
    #[error("{} is an input of this command (the scene); write the output elsewhere", .0.display())]
    OutputIsInput(PathBuf),
    /// A file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// G-code could not be made with this profile.
    #[error(transparent)]
    Gcode(#[from] GcodeError),
    /// The page layout cannot be made.
    #[error(transparent)]
    Layout(#[from] crate::core::export::LayoutError),
    /// HPGL could not be made for this device.
    #[error(transparent)]
    Hpgl(#[from] crate::core::export::HpglError),
    /// A PNG could not be made at this resolution.
    #[error(transparent)]
    Png(#[from] PngError),
    /// The frame times are not allowed.
    #[error("frames from {from} to {to} s are not allowed: use finite times with from < to")]
    FrameRange {
        /// First time.
        from: f64,
        /// End time.
        to: f64,
    },
    /// The frame rate is not allowed.
    #[error("fps {0} is not allowed: use 0 < fps <= 1000")]
    Fps(f64),
    /// More frames than one export may write.
    #[error("{count} frames is too many (at most {max}); shorten the range or lower the fps")]
    TooManyFrames {
        /// Frames asked for.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Neither PNG nor SVG frames were asked for.
    #[error("nothing to write: choose PNG and/or SVG frames")]
    NoFrameFormat,
    /// A frame's drawing could not be made.
    #[error("frame {index} (t = {t} s): {message}")]
    Frame {
        /// Frame number (0-based).
        index: usize,
        /// Its time.
        t: f64,
        /// Why, as the caller said.
        message: String,
    },
    /// Existing frames would be replaced.
    #[error("{0} (frames are never replaced unless asked)")]
    FramesExist(OutputError),
    /// ffmpeg is not installed.
    #[error(
        "no MP4: ffmpeg is not installed (e.g. `sudo apt-get install ffmpeg`); then run: {command}"
    )]
    NoFfmpeg {
        /// The command that would make the MP4.
        command: String,
    },
    /// ffmpeg ran and failed.
    #[error("ffmpeg failed ({status}): {message}")]
    Ffmpeg {
        /// Its exit status.
        status: String,
        /// The last line it printed.
        message: String,
    },
    /// The frame folder could not be created.
    #[error("cannot create the frame folder {}: {source}", path.display())]
    FrameFolder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
