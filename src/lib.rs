//! graft: a line-art engine for pen plotters.
//!
//! Layers (one per pen) start from a primitive and run through a chain of effects;
//! the result is packed polylines that graft exports as SVG, G-code and PNG.
//! [`geometry`], [`ops`] and [`cache`] form the pure core (no Bevy types); [`scene`]
//! reads `*.scene.ron` files; [`export`] writes plotter files; [`ecs`] runs it all
//! inside a Bevy app: scene assets, layer entities and the async cached pipeline.

pub mod app;
pub mod bench;
pub mod cache;
pub mod capture;
pub mod cli;
pub mod ecs;
pub mod edit;
pub mod export;
pub mod geometry;
pub mod host;
pub mod inspector;
pub mod ops;
pub mod prelude;
pub mod render;
pub mod scene;
pub mod sketch;
