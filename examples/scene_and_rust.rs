//! A scene file and Rust layers together: the bundled demo scene (hot-reloaded, editable
//! and savable in the inspector) plus a border and a date line drawn from Rust.
//!
//! `cargo run --release --example scene_and_rust`;
//! `cargo run --release --example scene_and_rust -- render --t 2 --svg out/mixed.svg`.

use graft::prelude::*;

struct Frame;

impl Plugin for Frame {
    fn build(&self, app: &mut App) {
        app.add_systems(Startup, spawn_border);
    }
}

fn spawn_border(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    // Scene layers take orders 0..n; a high order draws the border last.
    commands.spawn_layer(
        &registry,
        LayerSpec::new("border")
            .color("#264653")
            .pen(0.5)
            .order(100)
            .source(Rect {
                width: 190.0,
                height: 277.0,
                center: Vec3::new(105.0, 148.5, 0.0),
                ..default()
            })
            .then(Repeat {
                count: 2,
                scale: Vec3::new(0.985, 0.99, 1.0),
                offset: Vec3::ZERO,
                ..default()
            }),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    let scene =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/scenes/demo.scene.ron");
    Sketch::new(Frame).scene(scene).run()
}
