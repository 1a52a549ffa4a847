//! Host services the pure core borrows through its evaluation context: files from
//! disk. No Bevy here either; the Bevy executor lives with the pipeline in `ecs`.

mod files;

pub use files::DiskFiles;
