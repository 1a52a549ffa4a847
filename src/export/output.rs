//! Writing output files atomically, never replacing an existing file unless asked.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The target exists and overwriting was not requested.
    #[error("{0} already exists; pass --overwrite to replace it")]
    Exists(PathBuf),
    /// The file system refused.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The target path.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Fails if any of `paths` exists (checked before writing a family of files).
pub fn ensure_absent(paths: &[PathBuf]) -> Result<(), OutputError> {
    match paths.iter().find(|p| p.exists()) {
        Some(p) => Err(OutputError::Exists(p.clone())),
        None => Ok(()),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory, so readers
/// never see a half-written file. Without `overwrite` an existing file is left untouched.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), OutputError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    if !overwrite && path.exists() {
        return Err(OutputError::Exists(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(io_err(path))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(
        ".{name}.graft-tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut f = fs::File::create(&tmp).map_err(io_err(path))?;
        f.write_all(bytes).map_err(io_err(path))?;
        f.sync_all().map_err(io_err(path))?;
        drop(f);
        if overwrite {
            return fs::rename(&tmp, path).map_err(io_err(path));
        }
        // A hard link publishes the file only if the name is still free (no race with
        // another writer); file systems without links fall back to a checked rename.
        match fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                Err(OutputError::Exists(path.to_path_buf()))
            }
            Err(_) if !path.exists() => fs::rename(&tmp, path).map_err(io_err(path)),
            Err(_) => Err(OutputError::Exists(path.to_path_buf())),
        }
    })();
    let _ = fs::remove_file(&tmp);
    result
}

/// The first free name `dir/stem_NNN.ext` (NNN from 001), for captures that never overwrite.
pub fn numbered_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    (1..)
        .map(|n| dir.join(format!("{stem}_{n:03}.{ext}")))
        .find(|p| !p.exists())
        .expect("some number is free")
}
