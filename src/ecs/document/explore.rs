//! Exploring from the app: many parameters set as one undo step (a preset applied, a
//! randomise, a nudge, a morph, a variation adopted), the scene seed, presets and locks.
//! Presets, locks and the seed live in the scene file: changing them makes the document
//! unsaved, as any edit does.

use bevy::ecs::world::World;

use super::{DocumentError, SceneDocument, layer_def, write_layer};
use crate::ecs::scene::SceneSeed;
use crate::edit::{Edit, ParamPath};
use crate::ops::{ParamAddress, RawParam};
use crate::scene::Preset;

/// Sets every `(address, value)` as one undo step (merged with the previous step when
/// `merge` matches, as a slider drag). All or nothing: a value refused leaves every
/// layer as it was and names the address.
pub fn apply_sets(
    world: &mut World,
    sets: &[(ParamAddress, RawParam)],
    merge: Option<u64>,
) -> Result<(), DocumentError> {
    let mut owners: Vec<&str> = Vec::new();
    for (address, _) in sets {
        if !owners.contains(&address.owner.as_str()) {
            owners.push(&address.owner);
        }
    }
    let mut changes = Vec::with_capacity(owners.len());
    for owner in owners {
        let (entity, before) =
            layer_def(world, owner).ok_or_else(|| DocumentError::NoLayer(owner.to_string()))?;
        let mut after = before.clone();
        for (address, raw) in sets.iter().filter(|(a, _)| a.owner == owner) {
            let path = ParamPath {
                stage: address.stage.clone(),
                param: address.param.clone(),
            };
            Edit::SetRaw(path, raw.clone()).apply(&mut after)?;
        }
        changes.push((entity, before, after));
    }
    for (entity, before, after) in &changes {
        write_layer(world, *entity, &before.name, after);
    }
    let mut steps = changes.into_iter().map(|(_, b, a)| (b, a));
    if let Some((before, after)) = steps.next() {
        let linked: Vec<_> = steps.collect();
        world
            .resource_mut::<SceneDocument>()
            .history
            .record_linked(before, after, linked, merge);
    }
    Ok(())
}

/// Applies the preset named `name`, its seed too when it has one (one undo step).
pub fn apply_preset(world: &mut World, name: &str) -> Result<(), DocumentError> {
    let preset = preset(world, name)?;
    adopt(world, preset.seed, &preset.values)
}

/// The preset named `name`.
pub fn preset(world: &World, name: &str) -> Result<Preset, DocumentError> {
    world
        .resource::<SceneDocument>()
        .scene
        .as_ref()
        .and_then(|s| s.presets.iter().find(|p| p.name == name).cloned())
        .ok_or_else(|| DocumentError::NoPreset(name.to_string()))
}

/// Sets the scene seed as one undo step.
pub fn set_seed_step(world: &mut World, seed: Option<u64>) {
    let before = world
        .resource::<SceneDocument>()
        .scene
        .as_ref()
        .and_then(|s| s.seed);
    set_seed(world, seed);
    let any_layer = world
        .query::<&crate::ecs::Layer>()
        .iter(world)
        .next()
        .map(|l| l.name.clone());
    if let Some((_, layer)) = any_layer.and_then(|name| layer_def(world, &name)) {
        world
            .resource_mut::<SceneDocument>()
            .history
            .record_seed(layer, before, seed);
    }
}

/// Adopts a variation: its seed and values as one undo step.
pub fn adopt(
    world: &mut World,
    seed: Option<u64>,
    sets: &[(ParamAddress, RawParam)],
) -> Result<(), DocumentError> {
    let steps = world.resource::<SceneDocument>().history.undo_len();
    let before = world
        .resource::<SceneDocument>()
        .scene
        .as_ref()
        .and_then(|s| s.seed);
    apply_sets(world, sets, None)?;
    let Some(seed) = seed.filter(|s| Some(*s) != before) else {
        return Ok(());
    };
    if world.resource::<SceneDocument>().history.undo_len() > steps {
        set_seed(world, Some(seed));
        world
            .resource_mut::<SceneDocument>()
            .history
            .attach_seed(before, Some(seed));
    } else {
        set_seed_step(world, Some(seed));
    }
    Ok(())
}

/// Sets the scene seed (none: each op's own); every random stage draws anew.
pub fn set_seed(world: &mut World, seed: Option<u64>) {
    if let Some(scene) = world.resource_mut::<SceneDocument>().scene.as_mut() {
        scene.seed = seed;
    }
    let mut current = world.resource_mut::<SceneSeed>();
    if current.0 != seed {
        current.0 = seed;
    }
}

/// Saves the current values as the preset `name` (of `layer`, or of all), replacing one
/// of that name.
pub fn save_preset(
    world: &mut World,
    name: &str,
    layer: Option<&str>,
) -> Result<(), DocumentError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DocumentError::PresetName);
    }
    let mut doc = world.resource_mut::<SceneDocument>();
    let scene = doc.scene.as_mut().ok_or(DocumentError::NotLoaded)?;
    let preset = scene.capture_preset(name, layer);
    match scene.presets.iter_mut().find(|p| p.name == name) {
        Some(slot) => *slot = preset,
        None => scene.presets.push(preset),
    }
    Ok(())
}

/// Renames a preset (names stay unique).
pub fn rename_preset(world: &mut World, from: &str, to: &str) -> Result<(), DocumentError> {
    let to = to.trim();
    if to.is_empty() {
        return Err(DocumentError::PresetName);
    }
    let mut doc = world.resource_mut::<SceneDocument>();
    let scene = doc.scene.as_mut().ok_or(DocumentError::NotLoaded)?;
    if from != to && scene.presets.iter().any(|p| p.name == to) {
        return Err(DocumentError::PresetTaken(to.to_string()));
    }
    let preset = scene
        .presets
        .iter_mut()
        .find(|p| p.name == from)
        .ok_or_else(|| DocumentError::NoPreset(from.to_string()))?;
    preset.name = to.to_string();
    Ok(())
}

/// Deletes a preset.
pub fn delete_preset(world: &mut World, name: &str) -> Result<(), DocumentError> {
    let mut doc = world.resource_mut::<SceneDocument>();
    let scene = doc.scene.as_mut().ok_or(DocumentError::NotLoaded)?;
    let before = scene.presets.len();
    scene.presets.retain(|p| p.name != name);
    if scene.presets.len() == before {
        return Err(DocumentError::NoPreset(name.to_string()));
    }
    Ok(())
}

/// Locks or unlocks a parameter (randomise and nudge leave locked ones alone).
pub fn set_lock(
    world: &mut World,
    address: &ParamAddress,
    locked: bool,
) -> Result<(), DocumentError> {
    // As the address reads when written (`drop`, not `drop#1`), as the file has it.
    let address = &ParamAddress::parse(&address.to_string()).unwrap_or_else(|_| address.clone());
    let mut doc = world.resource_mut::<SceneDocument>();
    let scene = doc.scene.as_mut().ok_or(DocumentError::NotLoaded)?;
    let held = scene.locks.contains(address);
    if locked && !held {
        scene.locks.push(address.clone());
    } else if !locked && held {
        scene.locks.retain(|a| a != address);
    }
    Ok(())
}
