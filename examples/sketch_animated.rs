//! An animated sketch: a Bevy system drives parameters from the scene clock, and the
//! arrow keys change the number of petals (state kept in a resource). Only the stages a
//! change touches are recomputed; the rest comes from the cache.
//!
//! `cargo run --release --example sketch_animated` (Space plays/pauses, ↑/↓ petals);
//! `cargo run --release --example sketch_animated -- frames --to 2 --fps 12 --out out/anim`.

use graft::prelude::*;

struct Animated;

/// The sketch's own state: how many lobes the curve has.
#[derive(Resource)]
struct Petals(u32);

impl Plugin for Animated {
    fn build(&self, app: &mut App) {
        app.insert_resource(Petals(5))
            .add_systems(Startup, spawn_layers)
            // Before the pipeline resolves, so each frame shows this frame's parameters.
            .add_systems(
                Update,
                (petal_keys, animate).chain().before(GraftSystems::Resolve),
            );
    }
}

fn spawn_layers(mut commands: Commands, registry: Res<OpsRegistry>) -> Result {
    commands.spawn_layer(
        &registry,
        LayerSpec::new("flower")
            .color("#2a9d8f")
            .pen(0.35)
            .source(Lissajous {
                a: 5,
                b: 4,
                scale: 160.0,
                center: Vec3::new(105.0, 140.0, 0.0),
                ..default()
            })
            .then(Rotate::default())
            .then(Dash {
                dash_length: 3.0,
                gap_length: 1.0,
                ..default()
            }),
    )?;
    Ok(())
}

fn petal_keys(keys: Res<ButtonInput<KeyCode>>, mut petals: ResMut<Petals>) {
    if keys.just_pressed(KeyCode::ArrowUp) {
        petals.0 = (petals.0 + 1).min(24);
    }
    if keys.just_pressed(KeyCode::ArrowDown) {
        petals.0 = petals.0.saturating_sub(1).max(1);
    }
}

/// Rotation and dash offset follow the clock; the lobe count follows the state.
fn animate(
    clock: Res<SceneClock>,
    petals: Res<Petals>,
    mut layers: Query<(&Layer, &mut LayerRecipe)>,
) -> Result {
    for (layer, mut recipe) in &mut layers {
        if layer.name != "flower" {
            continue;
        }
        let t = clock.t as f32;
        recipe.set(field!(Lissajous::a), petals.0)?;
        recipe.set(
            field!(Rotate::rotation),
            Vec3::new(0.0, 0.0, (15.0 * t) % 360.0),
        )?;
        recipe.set(field!(Dash::offset), 2.0 * clock.t)?;
    }
    Ok(())
}

fn main() -> std::process::ExitCode {
    Sketch::new(Animated).run()
}
