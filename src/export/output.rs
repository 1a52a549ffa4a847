//! The one writer of every file graft produces: files are staged beside their target and
//! published together (a family appears whole or not at all), an existing file is never
//! replaced unless asked, and numbered names (`demo_001.svg`, `demo_frames_002/`) are
//! picked in one place.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
    /// The folder for the output could not be created.
    #[error("cannot create the output folder {}: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The target is a folder (which `--overwrite` does not replace).
    #[error("{} is a folder; give a file name for the output", .0.display())]
    IsFolder(PathBuf),
    /// Every numbered name is taken.
    #[error("no free numbered name left for {stem} in {}", dir.display())]
    NoFreeName {
        /// The folder searched.
        dir: PathBuf,
        /// The name stem.
        stem: String,
    },
}

fn folder_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Folder {
        path: path.to_path_buf(),
        source,
    }
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Fails if any of `paths` exists (a cheap check before a family is computed).
/// A folder is named as such: `--overwrite` could not replace it either.
pub fn ensure_absent(paths: &[PathBuf]) -> Result<(), OutputError> {
    match paths.iter().find(|p| p.exists()) {
        Some(p) if p.is_dir() => Err(OutputError::IsFolder(p.clone())),
        Some(p) => Err(OutputError::Exists(p.clone())),
        None => Ok(()),
    }
}

/// A family of files written together: every file is staged (written and synced) in a
/// new temporary file beside its target, and [`FileFamily::commit`] publishes them all.
/// Dropping an uncommitted family, or a commit that fails halfway, removes what it
/// staged and every file it had published: readers never see half a family.
///
/// Staging uses `tempfile` (created exclusively, so never through a symlink or over
/// another file) and publishing its no-clobber rename (`renameat2(RENAME_NOREPLACE)`,
/// or a hard link where that is missing): a name taken meanwhile is never replaced.
#[derive(Debug)]
pub struct FileFamily {
    overwrite: bool,
    staged: Vec<(tempfile::NamedTempFile, PathBuf)>,
}

impl FileFamily {
    /// An empty family; with `overwrite`, existing targets are replaced on commit.
    pub fn new(overwrite: bool) -> Self {
        Self {
            overwrite,
            staged: Vec::new(),
        }
    }

    /// Stages `bytes` for `path`. Without `overwrite` an existing `path` is an error at
    /// once (and again at commit, should one appear meanwhile).
    pub fn add(&mut self, path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
        if path.is_dir() {
            return Err(OutputError::IsFolder(path.to_path_buf()));
        }
        if !self.overwrite && path.exists() {
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
        // The temporary file is removed when dropped: on an error here, on a failed
        // commit and when the family is dropped uncommitted.
        // A new file gets the usual mode (0666 less the umask: the kernel applies it to
        // the mode asked for here); a replaced one keeps the mode it had.
        let kept = fs::metadata(path).ok().map(|m| plain_mode(m.permissions()));
        let staged = (|| {
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(".graft-tmp");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                builder.permissions(fs::Permissions::from_mode(0o666));
            }
            let mut f = builder.tempfile_in(&dir)?;
            if let Some(mode) = kept {
                f.as_file().set_permissions(mode)?;
            }
            f.write_all(bytes)?;
            f.as_file().sync_all()?;
            Ok(f)
        })()
        .map_err(io_err(path))?;
        self.staged.push((staged, path.to_path_buf()));
        Ok(())
    }

    /// Files staged so far.
    pub fn len(&self) -> usize {
        self.staged.len()
    }

    /// Whether nothing is staged.
    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Publishes every staged file under its name; returns the names in order.
    pub fn commit(mut self) -> Result<Vec<PathBuf>, OutputError> {
        let staged = std::mem::take(&mut self.staged);
        let mut published: Vec<PathBuf> = Vec::with_capacity(staged.len());
        for (file, path) in staged {
            let persisted = if self.overwrite {
                file.persist(&path)
            } else {
                file.persist_noclobber(&path)
            };
            if let Err(e) = persisted {
                // Files published by this family were new (or replaced on request):
                // take them back so the family is all or nothing. The rest of the
                // staged files are removed as they drop.
                for p in &published {
                    let _ = fs::remove_file(p);
                }
                return Err(if e.error.kind() == io::ErrorKind::AlreadyExists {
                    OutputError::Exists(path)
                } else {
                    io_err(&path)(e.error)
                });
            }
            published.push(path);
        }
        Ok(published)
    }
}

/// The read/write/execute bits of a mode, without setuid, setgid or sticky: a file graft
/// rewrites keeps who may read it, never a special bit.
fn plain_mode(mode: fs::Permissions) -> fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(mode.mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        mode
    }
}

/// Writes `bytes` to `path` atomically (a family of one): readers never see a
/// half-written file. Without `overwrite` an existing file is left untouched.
pub fn write_atomic(path: &Path, bytes: &[u8], overwrite: bool) -> Result<(), OutputError> {
    let mut family = FileFamily::new(overwrite);
    family.add(path, bytes)?;
    family.commit().map(drop)
}

/// Highest number a numbered name takes.
const MAX_NUMBER: u32 = 99_999;

/// `dir/STEM_NNN{suffix}.EXT` (NNN from 001, at least three digits).
pub fn numbered_name(dir: &Path, stem: &str, n: u32, suffix: &str, ext: &str) -> PathBuf {
    dir.join(format!("{stem}_{n:03}{suffix}.{ext}"))
}

/// The first number from 1 at which none of `names(n)` exists, with those names.
fn first_free(
    dir: &Path,
    stem: &str,
    names: impl Fn(u32) -> Vec<PathBuf>,
) -> Result<(u32, Vec<PathBuf>), OutputError> {
    (1..=MAX_NUMBER)
        .map(|n| (n, names(n)))
        .find(|(_, paths)| paths.iter().all(|p| !p.exists()))
        .ok_or_else(|| OutputError::NoFreeName {
            dir: dir.to_path_buf(),
            stem: stem.to_string(),
        })
}

/// The first free name `dir/stem_NNN.ext`, for a file someone else writes (e.g. ffmpeg).
pub fn numbered_path(dir: &Path, stem: &str, ext: &str) -> Result<PathBuf, OutputError> {
    first_free(dir, stem, |n| vec![numbered_name(dir, stem, n, "", ext)])
        .map(|(_, mut p)| p.remove(0))
}

/// Writes a family of files `dir/STEM_NNN{suffix}.EXT` at the first `NNN` where none of
/// them exists; `files` gives each suffix, extension and bytes. A name taken meanwhile
/// by another writer is never replaced: the next number is tried.
pub fn write_numbered(
    dir: &Path,
    stem: &str,
    files: &[(String, &str, Vec<u8>)],
) -> Result<Vec<PathBuf>, OutputError> {
    fs::create_dir_all(dir).map_err(folder_err(dir))?;
    let names = |n: u32| -> Vec<PathBuf> {
        files
            .iter()
            .map(|(suffix, ext, _)| numbered_name(dir, stem, n, suffix, ext))
            .collect()
    };
    loop {
        let (_, paths) = first_free(dir, stem, names)?;
        let mut family = FileFamily::new(false);
        let staged = paths
            .iter()
            .zip(files)
            .try_for_each(|(path, (_, _, bytes))| family.add(path, bytes));
        match staged.and_then(|()| family.commit()) {
            Err(OutputError::Exists(_)) => continue,
            other => return other,
        }
    }
}

/// `dir/STEM.EXT` holding `bytes`: reused when it holds exactly them, written when it is
/// free, otherwise the same at the first `dir/STEM_NNN.EXT` that is free or identical
/// (the numbering of [`write_numbered`]; what is there is never replaced).
pub fn write_beside(
    dir: &Path,
    stem: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(dir).map_err(folder_err(dir))?;
    let plain = dir.join(format!("{stem}.{ext}"));
    let candidates = std::iter::once(plain)
        .chain((1..=MAX_NUMBER).map(|n| numbered_name(dir, stem, n, "", ext)));
    for path in candidates {
        if fs::read(&path).is_ok_and(|old| old == bytes) {
            return Ok(path);
        }
        match write_atomic(&path, bytes, false) {
            Ok(()) => return Ok(path),
            Err(OutputError::Exists(_) | OutputError::IsFolder(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(OutputError::NoFreeName {
        dir: dir.to_path_buf(),
        stem: stem.to_string(),
    })
}

/// Creates a new folder `dir/STEM_NNN` at the first free number (e.g. a frame sequence).
pub fn create_numbered_dir(dir: &Path, stem: &str) -> Result<PathBuf, OutputError> {
    fs::create_dir_all(dir).map_err(folder_err(dir))?;
    loop {
        let (_, mut paths) = first_free(dir, stem, |n| vec![dir.join(format!("{stem}_{n:03}"))])?;
        let path = paths.remove(0);
        match fs::create_dir(&path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(&path)(e)),
        }
    }
}
