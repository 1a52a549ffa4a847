//! graft: a line-art engine for pen plotters.
//!
//! Layers (one per pen) start from a primitive and run through a chain of effects;
//! the result is packed polylines that graft exports as SVG, G-code and PNG.
//!
//! [`core`] is pure (no Bevy, no file access, no globals): [`geometry`], [`ops`],
//! [`cache`], [`scene`] (`*.scene.ron` read and written), [`edit`] and the format
//! writers. [`host`] and [`export`] bring files; [`ecs`] runs it all inside a Bevy app
//! (scene assets, layer entities, the async cached pipeline), with [`render`],
//! [`capture`], [`inspector`], [`app`] and [`sketch`] as plugins above it.

pub mod app;
pub mod batch;
pub mod bench;
pub mod capture;
pub mod cli;
pub mod core;
pub mod ecs;
pub mod export;
pub mod host;
pub mod inspector;
pub mod prelude;
pub mod render;
pub mod sketch;

// The core's modules at the top level, where users (and the rest of graft) name them.
pub use crate::core::{cache, edit, geometry, midi, ops, scene};
