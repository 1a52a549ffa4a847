//! graft: a line-art engine for pen plotters.
//!
//! Layers (one per pen) start from a primitive and run through a chain of effects;
//! the result is packed polylines that graft exports as SVG, G-code and PNG.
//! [`geometry`] and [`ops`] form the pure core; [`scene`] reads `*.scene.ron` files;
//! [`export`] writes plotter files.

pub mod bench;
pub mod export;
pub mod geometry;
pub mod ops;
pub mod scene;
