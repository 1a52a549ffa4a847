//! The smallest sketch: a plugin that spawns two layers from Rust.
//!
//! `cargo run --release --example sketch_minimal` opens it in a window with the inspector;
//! `cargo run --release --example sketch_minimal -- render --svg out/minimal.svg` writes it.

use graft::prelude::*;

struct Minimal;

impl Plugin for Minimal {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_layers);
    }
}

fn spawn_layers(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    commands.spawn_layer(
        &registry,
        LayerSpec::new("rings")
            .color("#1d3557")
            .pen(0.3)
            .source(Circle {
                radius: 60.0,
                center: Vec3::new(105.0, 148.5, 0.0),
                ..default()
            })
            .then(Repeat {
                count: 12,
                scale: Vec3::new(0.88, 0.88, 1.0),
                offset: Vec3::ZERO,
                ..default()
            }),
    )?;
    commands.spawn_layer(
        &registry,
        LayerSpec::new("hatch")
            .color("#e76f51")
            .pen(0.4)
            .order(1)
            .source(Polygon {
                n_sides: 6,
                scale: 50.0,
                center: Vec3::new(105.0, 148.5, 0.0),
                ..default()
            })
            .then(Fill {
                density: 30.0,
                ..default()
            }),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    Sketch::new(Minimal).run()
}
