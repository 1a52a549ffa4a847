//! `graft batch`: one scene rendered for many seeds and parameter values (their
//! Cartesian product), on every core, resumable, optionally as one shard of a cluster
//! job, with a manifest and a contact sheet.
//!
//! One module a step: [`plan`] (items and file names), [`shard`] (which items this
//! process renders), [`run`] (rendering and writing), [`sheet`] (the contact sheet).

pub mod command;
pub mod plan;
pub mod run;
pub mod shard;
pub mod sheet;

pub use command::{BatchArgs, batch_command};
pub use plan::{BatchItem, Sweep, Template, items, parse_seeds, parse_sweep};
pub use run::{BatchSpec, BatchSummary, ItemOutcome, run_batch};
pub use shard::Shard;

/// What stops a batch before (or instead of) rendering.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// `--seeds` text that is not a range, a list or a seed.
    #[error("--seeds '{text}': {why}")]
    Seeds {
        /// What was given.
        text: String,
        /// Why it is refused.
        why: String,
    },
    /// A `--set` sweep that cannot be read.
    #[error("--set '{text}': {why}")]
    Sweep {
        /// What was given.
        text: String,
        /// Why it is refused.
        why: String,
    },
    /// The product is too large.
    #[error("the batch holds more than {max} items: give fewer seeds or values")]
    TooMany {
        /// The limit.
        max: usize,
    },
    /// A file name template that cannot be filled.
    #[error("template '{template}': {why}")]
    Template {
        /// The template.
        template: String,
        /// Why.
        why: String,
    },
    /// Two items would write the same file.
    #[error(
        "items {first} and {second} would both write {path}: put {{seed}}, {{index}} or the swept parameters in the name"
    )]
    SamePath {
        /// The file.
        path: String,
        /// The first item.
        first: usize,
        /// The second item.
        second: usize,
    },
    /// A shard that cannot be worked out.
    #[error("{0}")]
    Shard(String),
    /// An override that does not apply to the scene.
    #[error("{file}: {error}")]
    Override {
        /// The scene file.
        file: String,
        /// What is wrong.
        error: crate::scene::OverrideError,
    },
    /// Nothing to write.
    #[error("nothing to write: give --svg, --png, --sheet or --manifest")]
    NoOutput,
    /// A sheet of too many items.
    #[error(
        "a contact sheet holds at most {max} items; this one would hold {count} (use --shard, or fewer seeds)"
    )]
    SheetTooLarge {
        /// Items on it.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Writing the manifest or the sheet failed.
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
}
