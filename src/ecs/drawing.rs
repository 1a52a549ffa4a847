//! The drawing the app shows: every visible layer's last good geometry, in order.

use std::sync::Arc;

use bevy::ecs::world::World;

use super::layer::{Layer, Realized, Stroke};
use super::scene::SceneCanvas;
use crate::export::{Drawing, DrawnLayer};

/// The visible layers' realised geometry (shared `Arc`s, no copy) on the scene's paper,
/// in drawing order. Layers without a result yet are left out.
pub fn current_drawing(world: &mut World) -> Drawing {
    let canvas = world
        .get_resource::<SceneCanvas>()
        .cloned()
        .unwrap_or_default()
        .0;
    let mut q = world.query::<(&Layer, &Stroke, &Realized)>();
    let mut layers: Vec<(usize, DrawnLayer)> = q
        .iter(world)
        .filter(|(l, ..)| l.visible)
        .map(|(l, s, r)| {
            (
                l.order,
                DrawnLayer {
                    name: l.name.clone(),
                    color: s.color,
                    pen_width: s.width_mm,
                    id: r.id,
                    geometry: Arc::clone(&r.geometry),
                },
            )
        })
        .collect();
    layers.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Drawing {
        canvas,
        layers: layers.into_iter().map(|(_, l)| l).collect(),
    }
}
