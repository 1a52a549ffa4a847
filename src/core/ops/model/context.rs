//! What evaluation borrows from its host: file access and an executor for parallel
//! chunks. The core never opens a file or starts a thread pool itself, so the same op
//! runs unchanged in tests, the CLI and the app.

use std::sync::Arc;

/// A file an op asked for could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// This context gives no file access.
    #[error("cannot read '{path}': file access is not available here")]
    Unavailable {
        /// The path asked for.
        path: String,
    },
    /// The file could not be opened or read.
    #[error("cannot read '{path}': {reason}")]
    Unreadable {
        /// The path asked for.
        path: String,
        /// Why, in plain words.
        reason: String,
    },
    /// The path is not a regular file (a directory, a device, a pipe).
    #[error("cannot read '{path}': not a regular file")]
    NotAFile {
        /// The path asked for.
        path: String,
    },
    /// The file is larger than the reader accepts.
    #[error("cannot read '{path}': {size} bytes is more than the {limit} bytes allowed")]
    TooLarge {
        /// The path asked for.
        path: String,
        /// Its size.
        size: u64,
        /// The most accepted.
        limit: u64,
    },
}

impl FileError {
    /// Why the file could not be read, without the path (for messages that name it already).
    pub fn reason(&self) -> String {
        match self {
            FileError::Unavailable { .. } => "file access is not available here".into(),
            FileError::Unreadable { reason, .. } => reason.clone(),
            FileError::NotAFile { .. } => "not a regular file".into(),
            FileError::TooLarge { size, limit, .. } => {
                format!("{size} bytes is more than the {limit} bytes allowed")
            }
        }
    }
}

/// Read access to files that ops depend on (font files, imported drawings).
pub trait FileSource: Send + Sync {
    /// The whole file, at most `limit` bytes.
    fn read(&self, path: &str, limit: u64) -> Result<Arc<[u8]>, FileError>;

    /// A value that changes whenever the file does (size and modification time), or
    /// `None` when the file cannot be seen; it enters the ids of stages that read it.
    fn stamp(&self, path: &str) -> Option<u64>;
}

/// No file access: every read fails with [`FileError::Unavailable`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFiles;

impl FileSource for NoFiles {
    fn read(&self, path: &str, _limit: u64) -> Result<Arc<[u8]>, FileError> {
        Err(FileError::Unavailable { path: path.into() })
    }

    fn stamp(&self, _path: &str) -> Option<u64> {
        None
    }
}

/// A unit of parallel work handed to an [`Executor`].
pub type Job<'a> = Box<dyn FnOnce() + Send + 'a>;

/// Runs a batch of jobs to completion, in parallel where it can.
pub trait Executor: Send + Sync {
    /// How many jobs it runs at once; ops split their work into at most this many parts.
    fn threads(&self) -> usize;

    /// Runs every job and returns when all have finished.
    fn run<'a>(&self, jobs: Vec<Job<'a>>);
}

/// Runs every job on the calling thread, one after the other.
#[derive(Clone, Copy, Debug, Default)]
pub struct Serial;

impl Executor for Serial {
    fn threads(&self) -> usize {
        1
    }

    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        for job in jobs {
            job();
        }
    }
}

/// Runs jobs on scoped OS threads, at most `threads` at once (for hosts without a
/// thread pool of their own; the app hands in Bevy's compute pool instead).
#[derive(Clone, Copy, Debug)]
pub struct ScopedThreads {
    /// Jobs run at once.
    pub threads: usize,
}

impl Executor for ScopedThreads {
    fn threads(&self) -> usize {
        self.threads.max(1)
    }

    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        if self.threads <= 1 || jobs.len() <= 1 {
            return Serial.run(jobs);
        }
        std::thread::scope(|s| {
            let mut jobs = jobs.into_iter();
            let first = jobs.next();
            for job in jobs {
                s.spawn(job);
            }
            // The calling thread takes a share instead of only waiting.
            if let Some(job) = first {
                job();
            }
        });
    }
}
