//! Files from the local disk, for ops that read fonts or drawings, and the watch on them
//! that makes editing a referenced file re-evaluate the layers that read it.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use crate::ops::{FileError, FileSource};

/// Files larger than this are identified by size and modification time instead of
/// their content (no op reads them whole anyway).
const HASH_LIMIT: u64 = 256 << 20;

/// What a file looked like when last asked about: its size and modification time (none
/// when it could not be seen) and its content hash, computed on demand.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Seen {
    meta: Option<(u64, SystemTime)>,
    hash: Option<u64>,
}

/// Size and modification time of a regular file (a device or folder is never read).
fn meta_of(path: &str) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then_some(())?;
    Some((meta.len(), meta.modified().ok()?))
}

/// xxh3 of the file's content, if it is readable and at most `HASH_LIMIT` bytes.
fn content_hash(path: &str) -> Option<u64> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(HASH_LIMIT + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= HASH_LIMIT).then(|| xxhash_rust::xxh3::xxh3_64(&bytes))
}

/// Reads files from the local file system: regular files only, never more than the
/// limit the op asks for (so `/dev/zero` or a huge file is an error, not a hang).
/// Stamps are content hashes (so saving a file unchanged recomputes nothing), and every
/// file asked about is remembered for [`DiskFiles::poll`]. Relative paths are read from
/// the base folder (the open scene's), else from the working directory. Clones share
/// all of this.
#[derive(Clone, Debug, Default)]
pub struct DiskFiles {
    seen: Arc<Mutex<HashMap<String, Seen>>>,
    generation: Arc<AtomicU64>,
    base: Arc<RwLock<Option<PathBuf>>>,
}

impl DiskFiles {
    /// Reads relative paths from `dir` (a scene's folder, so that `svg(path: "logo.svg")`
    /// finds the file beside the scene wherever graft is started); `None`: from the
    /// working directory. Returns whether the base changed.
    pub fn set_base(&self, dir: Option<PathBuf>) -> bool {
        let dir = dir.filter(|d| !d.as_os_str().is_empty());
        let mut base = self.base.write().unwrap_or_else(|e| e.into_inner());
        let changed = *base != dir;
        *base = dir;
        changed
    }

    /// `path` as it is read: relative paths joined to the base folder.
    fn resolve(&self, path: &str) -> String {
        let base = self.base.read().unwrap_or_else(|e| e.into_inner());
        match base.as_deref() {
            Some(dir) if Path::new(path).is_relative() => {
                dir.join(path).to_string_lossy().into_owned()
            }
            _ => path.to_owned(),
        }
    }

    /// Looks again at every file a stage has read or stamped (a `stat` each); when one
    /// changed, appeared or disappeared, forgets its hash, counts a new generation and
    /// returns true.
    pub fn poll(&self) -> bool {
        let mut changed = false;
        for (path, seen) in self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter_mut()
        {
            let now = meta_of(path);
            if now != seen.meta {
                *seen = Seen {
                    meta: now,
                    hash: None,
                };
                changed = true;
            }
        }
        if changed {
            self.generation.fetch_add(1, Ordering::Relaxed);
        }
        changed
    }

    /// Counts the changes [`DiskFiles::poll`] has seen.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Relaxed)
    }

    fn remember(&self, path: &str) {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(path.to_owned())
            .or_insert_with(|| Seen {
                meta: meta_of(path),
                hash: None,
            });
    }
}

impl FileSource for DiskFiles {
    fn read(&self, path: &str, limit: u64) -> Result<Arc<[u8]>, FileError> {
        let path = &self.resolve(path);
        self.remember(path);
        let unreadable = |e: std::io::Error| FileError::Unreadable {
            path: path.into(),
            reason: e.to_string(),
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(FileError::NotAFile { path: path.into() });
        }
        if meta.len() > limit {
            return Err(FileError::TooLarge {
                path: path.into(),
                size: meta.len(),
                limit,
            });
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        std::fs::File::open(path)
            .map_err(unreadable)?
            // The file may grow after the size check: read one byte past the limit to see it.
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > limit {
            return Err(FileError::TooLarge {
                path: path.into(),
                size: bytes.len() as u64,
                limit,
            });
        }
        Ok(Arc::from(bytes))
    }

    fn stamp(&self, path: &str) -> Option<u64> {
        let path = &self.resolve(path);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let meta = meta_of(path);
        let entry = seen
            .entry(path.to_owned())
            .or_insert(Seen { meta, hash: None });
        if entry.meta != meta {
            *entry = Seen { meta, hash: None };
        }
        let (len, mtime) = meta?;
        if entry.hash.is_none() {
            // Too large to hash (or unreadable now): size and time stand in.
            let by_time = || {
                let nanos = mtime
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64);
                len.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(nanos)
            };
            let hash = (len <= HASH_LIMIT).then(|| content_hash(path)).flatten();
            entry.hash = Some(hash.unwrap_or_else(by_time));
        }
        entry.hash
    }
}
