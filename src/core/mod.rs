//! The pure core: geometry, ids, ops, the scene model with its RON reader and writer,
//! the edit model, the stage cache and the SVG/G-code/PNG writers.
//!
//! Nothing here uses Bevy, opens a file or keeps global state: fonts and files come in
//! through [`ops::FileSource`], parallel work through [`ops::Executor`], both carried by
//! the [`ops::EvalContext`] the caller hands in. `tests/it/purity.rs` keeps it so.
//! Everything above it (`host`, `export`, `ecs`, `render`, …) depends on it, never the
//! other way round.

pub mod cache;
pub mod drawing;
pub mod edit;
pub mod export;
pub mod geometry;
pub mod midi;
pub mod ops;
pub mod scene;
pub mod stats;
