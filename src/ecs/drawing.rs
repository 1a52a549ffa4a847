//! The drawing the app shows: every visible layer's last good geometry, in order.

use std::sync::Arc;

use bevy::ecs::world::World;

use bevy::ecs::query::Has;

use super::layer::{Layer, LayerRecipe, Realized, Shape, Stroke, layer_def_of, shape_def_of};
use super::scene::SceneCanvas;
use crate::export::{Drawing, DrawnLayer};
use crate::scene::{LayerDef, ShapeDef};

/// Items keyed by their layer, in drawing order (by `order`, then name).
fn in_drawing_order<T>(mut layers: Vec<(&Layer, T)>) -> Vec<T> {
    layers.sort_by(|a, b| {
        a.0.order
            .cmp(&b.0.order)
            .then_with(|| a.0.name.cmp(&b.0.name))
    });
    layers.into_iter().map(|(_, t)| t).collect()
}

/// The visible layers' realised geometry (shared `Arc`s, no copy) on the scene's paper,
/// in drawing order. Layers without a result yet are left out.
pub fn current_drawing(world: &mut World) -> Drawing {
    let canvas = world
        .get_resource::<SceneCanvas>()
        .cloned()
        .unwrap_or_default()
        .0;
    let mut q = world.query::<(&Layer, &Stroke, &Realized)>();
    let layers = q
        .iter(world)
        .filter(|(l, ..)| l.visible)
        .map(|(l, s, r)| {
            let drawn = DrawnLayer {
                name: l.name.clone(),
                color: s.color,
                pen_width: s.width_mm,
                id: r.id,
                geometry: Arc::clone(&r.geometry),
            };
            (l, drawn)
        })
        .collect();
    Drawing {
        canvas,
        layers: in_drawing_order(layers),
    }
}

/// Every layer (hidden ones too) and every shape as scene definitions (recipes as
/// written), layers in drawing order: what evaluating the scene away from the pipeline
/// needs, since a stage may read any of them.
pub fn scene_defs(world: &mut World) -> (Vec<LayerDef>, Vec<ShapeDef>) {
    let mut q = world.query::<(&Layer, &Stroke, &LayerRecipe, Has<Shape>)>();
    let mut layers = Vec::new();
    let mut shapes = Vec::new();
    for (l, s, r, shape) in q.iter(world) {
        if shape {
            shapes.push((l, shape_def_of(l, r)));
        } else {
            layers.push((l, layer_def_of(l, s, r)));
        }
    }
    (in_drawing_order(layers), in_drawing_order(shapes))
}
