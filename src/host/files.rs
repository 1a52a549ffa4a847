//! Files from the local disk, for ops that read fonts or drawings.

use std::io::Read;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use crate::ops::{FileError, FileSource};

/// Reads files from the local file system: regular files only, never more than the
/// limit the op asks for (so `/dev/zero` or a huge file is an error, not a hang).
#[derive(Clone, Copy, Debug, Default)]
pub struct DiskFiles;

impl FileSource for DiskFiles {
    fn read(&self, path: &str, limit: u64) -> Result<Arc<[u8]>, FileError> {
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
        let meta = std::fs::metadata(path).ok()?;
        let mtime = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(
            meta.len()
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(mtime.as_nanos() as u64),
        )
    }
}
