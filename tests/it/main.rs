//! graft's integration tests: one binary (each test binary links the whole crate).

mod address;
mod bad_input;
mod capture;
mod catalogue;
mod cli;
mod edit;
mod export;
mod extremes;
mod gcode_sim;
mod generative;
mod golden;
mod ids;
mod layering;
mod ops;
mod pacing;
mod pipeline;
mod pipeline_cache;
mod plotter_safety;
mod pools;
mod properties;
mod purity;
mod regions;
mod render;
mod scene;
mod sketch;
mod util;
