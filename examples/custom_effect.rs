//! A custom effect: `wobble` bends every line with a sine wave. It is declared once, as
//! a typed op, and from then on it is an op like any other: `-- ops wobble` lists it,
//! the inspector shows its sliders, scene files may use it, and its results are cached.
//!
//! `cargo run --release --example custom_effect` (window);
//! `cargo run --release --example custom_effect -- ops wobble`;
//! `cargo run --release --example custom_effect -- render --t 1 --svg out/wobble.svg`.

use graft::prelude::*;

op! {
    /// bends lines with a sine wave along x
    #[op(effect, name = "wobble", version = 1)]
    pub struct Wobble {
        /// height of the wave
        pub amplitude: f32 = 4.0 => ui(0.0, 20.0).min(0.0).unit("mm"),
        /// length of one wave
        pub wavelength: f32 = 30.0 => ui(1.0, 200.0).min(0.1).unit("mm"),
        /// shift of the wave
        pub phase: f32 = 0.0 => ui(0.0, 360.0).unit("deg"),
    }
}

/// The effect: y += amplitude · sin(2π · x / wavelength + phase).
impl Evaluate for Wobble {
    fn eval(&self, input: &Polylines, _ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let k = std::f32::consts::TAU / self.wavelength;
        let phase = self.phase.to_radians();
        let points = input
            .points()
            .iter()
            .map(|q| Vec3::new(q.x, q.y + self.amplitude * (k * q.x + phase).sin(), q.z))
            .collect();
        Ok(input.with_points(points))
    }
}

struct CustomEffect;

impl Plugin for CustomEffect {
    fn build(&self, app: &mut App) {
        app.register_op::<Wobble>()
            .add_systems(Startup, spawn_layers);
    }
}

fn spawn_layers(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    commands.spawn_layer(
        &registry,
        LayerSpec::new("waves")
            .color("#264653")
            .source(Grid {
                nx: 0,
                ny: 40,
                scale: 170.0,
                center: Vec3::new(105.0, 148.5, 0.0),
            })
            .then(Subdivide { subdivisions: 6 })
            .then(Wobble {
                amplitude: 5.0,
                ..default()
            })
            // Parameters may be expressions of t, as in scene files.
            .animate(field!(Wobble::phase), "t * 90"),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    Sketch::new(CustomEffect).run()
}
