//! A custom effect: `wobble` bends every line with a sine wave. It is declared once, with
//! a schema, and from then on it is an op like any other: `-- ops wobble` lists it, the
//! inspector shows its sliders, scene files may use it, and its results are cached.
//!
//! `cargo run --release --example custom_effect` (window);
//! `cargo run --release --example custom_effect -- ops wobble`;
//! `cargo run --release --example custom_effect -- render --t 1 --svg out/wobble.svg`.

use graft::prelude::*;

/// The effect: y += amplitude · sin(2π · x / wavelength + phase + speed · t).
pub fn wobble() -> Op {
    Op::new(
        OpSchema::effect(
            "wobble",
            1,
            "bends lines with a sine wave along x",
            vec![
                ParamSpec::float("amplitude", 4.0)
                    .ui(0.0, 20.0)
                    .min(0.0)
                    .unit("mm")
                    .doc("height of the wave"),
                ParamSpec::float("wavelength", 30.0)
                    .ui(1.0, 200.0)
                    .min(0.1)
                    .unit("mm")
                    .doc("length of one wave"),
                ParamSpec::float("phase", 0.0)
                    .ui(0.0, 360.0)
                    .unit("deg")
                    .doc("shift of the wave"),
            ],
        ),
        |input: &Polylines, p: &Params, _ctx: &EvalContext| {
            let (amplitude, wavelength) = (p.f32("amplitude"), p.f32("wavelength"));
            let phase = p.f32("phase").to_radians();
            let k = std::f32::consts::TAU / wavelength;
            let points = input
                .points()
                .iter()
                .map(|q| Vec3::new(q.x, q.y + amplitude * (k * q.x + phase).sin(), q.z))
                .collect();
            Ok(input.with_points(points))
        },
    )
}

struct CustomEffect;

impl Plugin for CustomEffect {
    fn build(&self, app: &mut App) {
        app.register_op(wobble()).add_systems(Startup, spawn_layers);
    }
}

fn spawn_layers(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    commands.spawn_layer(
        &registry,
        LayerSpec::new("waves")
            .color("#264653")
            .source(
                "grid",
                [
                    ("nx", 0.into()),
                    ("ny", 40.into()),
                    ("scale", 170.0.into()),
                    ("center", [105.0, 148.5, 0.0].into()),
                ],
            )
            .effect("subdivide", [("subdivisions", 6.into())])
            // Parameters may be expressions of t, as in scene files.
            .effect(
                "wobble",
                [("amplitude", 5.0.into()), ("phase", "t * 90".into())],
            ),
    )?;
    Ok(())
}

fn main() -> std::process::ExitCode {
    Sketch::new(CustomEffect).run()
}
