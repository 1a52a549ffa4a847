//! Files from the local disk, for ops that read fonts or drawings, and the watch on them
//! that makes editing a referenced file re-evaluate the layers that read it.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use crate::ops::{FileError, FileSource};

/// Files larger than this are identified by size and modification time instead of
/// their content (no op reads them whole anyway).
const HASH_LIMIT: u64 = 256 << 20;

/// Files up to this size are hashed when first stamped, on the asking thread (about a
/// millisecond); larger ones on a thread of their own, so that neither the frame nor
/// another reader waits for them.
const INLINE_HASH_LIMIT: u64 = 1 << 20;

/// What a file looked like when last asked about: its size and modification time (none
/// when it could not be seen) and its content hash, computed on demand.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Seen {
    meta: Option<(u64, SystemTime)>,
    hash: Option<u64>,
    /// A background thread is hashing this version of the file.
    hashing: bool,
}

impl Seen {
    fn new(meta: Option<(u64, SystemTime)>) -> Seen {
        Seen {
            meta,
            hash: None,
            hashing: false,
        }
    }
}

/// The stamp of a file not hashed (yet): its size and modification time.
fn stamp_by_time((len, mtime): (u64, SystemTime)) -> u64 {
    let nanos = mtime
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    len.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(nanos)
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
/// Stamps are content hashes (so saving a file unchanged recomputes nothing; a file over
/// 1 MiB is stamped by size and time until a background thread has hashed it, which
/// counts as a change), and every file asked about is remembered for
/// [`DiskFiles::poll`]. Relative paths are read from the base folder (the open scene's),
/// else from the working directory. Clones share all of this.
#[derive(Clone, Debug, Default)]
pub struct DiskFiles {
    seen: Arc<Mutex<HashMap<String, Seen>>>,
    generation: Arc<AtomicU64>,
    /// A background hash has finished since the last [`DiskFiles::poll`].
    hashed: Arc<AtomicBool>,
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
    /// returns true. Also true when a background hash has finished since (its stamp
    /// replaced the size-and-time one).
    pub fn poll(&self) -> bool {
        let mut changed = self.hashed.swap(false, Ordering::Relaxed);
        for (path, seen) in self
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter_mut()
        {
            let now = meta_of(path);
            if now != seen.meta {
                *seen = Seen::new(now);
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
            .or_insert_with(|| Seen::new(meta_of(path)));
    }

    /// Hashes `path` (at `meta`) on a thread of its own; when done, and the file is still
    /// the same, its stamp becomes the hash and the change is counted.
    fn hash_in_background(&self, path: &str, meta: (u64, SystemTime)) {
        let (this, owned) = (self.clone(), path.to_owned());
        let spawned = std::thread::Builder::new()
            .name("graft file hash".into())
            .spawn(move || {
                let hash = content_hash(&owned);
                let mut seen = this.seen.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(entry) = seen.get_mut(&owned)
                    && entry.meta == Some(meta)
                    && entry.hashing
                {
                    entry.hashing = false;
                    entry.hash = Some(hash.unwrap_or_else(|| stamp_by_time(meta)));
                    this.generation.fetch_add(1, Ordering::Relaxed);
                    this.hashed.store(true, Ordering::Relaxed);
                }
            });
        if spawned.is_err() {
            // No thread to spare: size and time stay the stamp.
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(entry) = seen.get_mut(path) {
                entry.hashing = false;
            }
        }
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
        let meta = meta_of(path);
        let meta = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let entry = seen.entry(path.to_owned()).or_insert(Seen::new(meta));
            if entry.meta != meta {
                *entry = Seen::new(meta);
            }
            let meta = meta?;
            if let Some(hash) = entry.hash {
                return Some(hash);
            }
            if meta.0 > HASH_LIMIT {
                // Too large to hash: size and time stand in for good.
                entry.hash = Some(stamp_by_time(meta));
                return entry.hash;
            }
            if meta.0 > INLINE_HASH_LIMIT {
                if !entry.hashing {
                    entry.hashing = true;
                    drop(seen);
                    self.hash_in_background(path, meta);
                }
                return Some(stamp_by_time(meta));
            }
            meta
        };
        // A small file: hashed here, without holding the lock other readers need.
        let hash = content_hash(path).unwrap_or_else(|| stamp_by_time(meta));
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = seen.get_mut(path)
            && entry.meta == Some(meta)
        {
            entry.hash = Some(hash);
        }
        Some(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> String {
        let dir = std::env::temp_dir().join(format!("graft-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    #[test]
    fn a_small_file_is_stamped_by_its_content_and_saving_it_unchanged_keeps_the_stamp() {
        let path = temp_file("small.svg", b"<svg/>");
        let files = DiskFiles::default();
        let stamp = files.stamp(&path);
        assert_eq!(stamp, Some(xxhash_rust::xxh3::xxh3_64(b"<svg/>")));
        // Saved again with the same content (a later modification time).
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&path, b"<svg/>").unwrap();
        files.poll();
        assert_eq!(files.stamp(&path), stamp);
    }

    #[test]
    fn a_large_file_is_hashed_off_the_asking_thread_and_then_stamped_by_its_content() {
        let bytes: Vec<u8> = (0..3 << 20).map(|i| (i % 251) as u8).collect();
        let path = temp_file("large.svg", &bytes);
        let files = DiskFiles::default();
        let generation = files.generation();
        // At once: size and time stand in while a thread hashes it.
        let meta = meta_of(&path).unwrap();
        assert_eq!(files.stamp(&path), Some(stamp_by_time(meta)));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while files.generation() == generation && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(
            files.generation(),
            generation + 1,
            "the hash was counted as a change"
        );
        assert!(files.poll(), "the watch sees it (and wakes the window)");
        assert!(!files.poll());
        assert_eq!(files.stamp(&path), Some(xxhash_rust::xxh3::xxh3_64(&bytes)));
    }
}
