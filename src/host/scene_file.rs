//! Reading scene files from disk for the pure scene parser.

use std::path::Path;
use std::sync::Arc;

use super::files::DiskFiles;
use crate::ops::{FileSource, OpRegistry};
use crate::scene::{Scene, SceneError};

/// Largest scene file read (a scene is text; this is far above any real one).
pub const MAX_SCENE_BYTES: u64 = 64 << 20;

/// Reads and parses a scene file; errors name the file (and line and column).
pub fn load_scene(path: &Path, registry: &Arc<OpRegistry>) -> Result<Scene, SceneError> {
    let file = path.display().to_string();
    let unreadable = |message: String| SceneError {
        file: file.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the scene file: {message}"),
    };
    let bytes = DiskFiles::default()
        .read(&file, MAX_SCENE_BYTES)
        .map_err(|e| unreadable(e.to_string()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| unreadable(format!("not UTF-8 text ({e})")))?;
    Scene::parse(text, &file, registry)
}
