//! Host services the pure core borrows: files from disk (fonts, scene files), and what
//! the process costs (CPU time, resident memory) for the statistics. No Bevy
//! here either; the Bevy executor lives with the pipeline in `ecs`.

mod files;
pub mod process;
mod scene_file;

pub use files::DiskFiles;
pub use scene_file::{MAX_SCENE_BYTES, load_scene};
