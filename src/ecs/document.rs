//! The open scene as an editable document: edits of layer entities with undo/redo, and
//! saving the edited scene back to its file. The inspector queues [`EditCommand`]s;
//! tests and sketches may call [`apply_edit`], [`undo`], [`redo`] and [`save`] directly.

use std::path::Path;
use std::time::SystemTime;

use bevy::app::{App, Plugin, Update};
use bevy::ecs::entity::Entity;
use bevy::ecs::message::MessageReader;
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Res, ResMut};
use bevy::ecs::world::World;

use super::GraftSystems;
use super::layer::{FromScene, Layer, LayerRecipe, Stroke, layer_def_of};
use super::scene::{ActiveScene, SceneLoaded};
use crate::edit::{Edit, EditHistory};
use crate::export::write_atomic;
use crate::scene::{LayerDef, Scene};

/// The scene as edited, what is on disk, and the edit history.
#[derive(Resource, Default, Clone, Debug)]
pub struct SceneDocument {
    /// The scene with every edit applied (none before the first load).
    pub scene: Option<Scene>,
    /// The scene as last loaded from or saved to the file.
    pub saved: Option<Scene>,
    /// Comment lines that open the file; kept when saving.
    pub header: String,
    /// Undo and redo.
    pub history: EditHistory,
    /// The outcome of the last save, for the inspector.
    pub last_save: Option<Result<(String, SystemTime), String>>,
}

impl SceneDocument {
    /// True when the edited scene differs from the file.
    pub fn is_dirty(&self) -> bool {
        self.scene != self.saved
    }

    /// Takes a freshly loaded file. The loaded scene becomes the saved state; when it is
    /// what the document already holds (the reload a save triggers) nothing else changes.
    fn loaded(&mut self, scene: Scene, header: String) {
        self.header = header;
        if self.scene.as_ref() != Some(&scene) {
            self.scene = Some(scene.clone());
        }
        self.saved = Some(scene);
    }
}

/// A request from the inspector (or any system), applied in [`GraftSystems::SceneSync`].
#[derive(Clone, Debug)]
pub enum EditCommand {
    /// Edits the layer named `layer`. Edits with the same `merge` key form one undo step
    /// until [`EditCommand::Seal`].
    Edit {
        /// Layer name.
        layer: String,
        /// The change.
        edit: Edit,
        /// Merge key of a continuous gesture (a slider drag), if any.
        merge: Option<u64>,
    },
    /// Ends the current gesture.
    Seal,
    /// Undoes the last step.
    Undo,
    /// Redoes the last undone step.
    Redo,
    /// Saves the scene to its file.
    Save,
}

/// Commands waiting for the next frame, and the last problem they met.
#[derive(Resource, Default, Debug)]
pub struct EditQueue {
    /// Commands in order.
    pub commands: Vec<EditCommand>,
    /// The last refused edit or failed command, in plain words.
    pub last_error: Option<String>,
}

impl EditQueue {
    /// Queues a command.
    pub fn push(&mut self, command: EditCommand) {
        self.commands.push(command);
    }
}

/// [`SceneDocument`], [`EditQueue`] and the system that applies queued commands.
pub(super) struct DocumentPlugin;

impl Plugin for DocumentPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SceneDocument>()
            .init_resource::<EditQueue>()
            .add_systems(
                Update,
                (
                    take_loaded_scene,
                    apply_queued_edits.run_if(|q: Res<EditQueue>| !q.commands.is_empty()),
                )
                    .chain()
                    .in_set(GraftSystems::SceneSync)
                    .after(super::scene::sync_scene),
            );
    }
}

/// A (re)loaded file becomes the document's saved state.
fn take_loaded_scene(mut loads: MessageReader<SceneLoaded>, mut document: ResMut<SceneDocument>) {
    for SceneLoaded { scene, header } in loads.read().cloned() {
        document.loaded(scene, header);
    }
}

fn apply_queued_edits(world: &mut World) {
    let commands = std::mem::take(&mut world.resource_mut::<EditQueue>().commands);
    for command in commands {
        let result = match command {
            EditCommand::Edit { layer, edit, merge } => apply_edit(world, &layer, &edit, merge),
            EditCommand::Seal => {
                world.resource_mut::<SceneDocument>().history.seal();
                Ok(())
            }
            EditCommand::Undo => {
                undo(world);
                Ok(())
            }
            EditCommand::Redo => {
                redo(world);
                Ok(())
            }
            EditCommand::Save => save(world).map(|_| ()),
        };
        if let Err(e) = result {
            bevy::log::warn!("{e}");
            world.resource_mut::<EditQueue>().last_error = Some(e);
        }
    }
}

/// The layer named `name` as a scene layer definition, with its entity.
pub fn layer_def(world: &mut World, name: &str) -> Option<(Entity, LayerDef)> {
    let mut q = world.query::<(Entity, &Layer, &Stroke, &LayerRecipe)>();
    q.iter(world)
        .find(|(_, l, ..)| l.name == name)
        .map(|(e, l, s, r)| (e, layer_def_of(l, s, r)))
}

/// Writes `def` to the layer entity (only the components that differ, so untouched
/// parts keep their caches) and to the document when the layer comes from the file.
fn write_layer(world: &mut World, entity: Entity, old_name: &str, def: &LayerDef) {
    let mut e = world.entity_mut(entity);
    if let Some(mut l) = e.get_mut::<Layer>()
        && (l.name != def.name || l.visible != def.visible)
    {
        l.name = def.name.clone();
        l.visible = def.visible;
    }
    let stroke = Stroke {
        color: def.color,
        width_mm: def.pen_width,
    };
    if let Some(mut s) = e.get_mut::<Stroke>()
        && *s != stroke
    {
        *s = stroke;
    }
    if let Some(mut r) = e.get_mut::<LayerRecipe>()
        && r.0 != def.recipe
    {
        r.0 = def.recipe.clone();
    }
    if e.contains::<FromScene>()
        && let Some(scene) = world.resource_mut::<SceneDocument>().scene.as_mut()
        && let Some(slot) = scene.layers.iter_mut().find(|l| l.name == old_name)
    {
        *slot = def.clone();
    }
}

/// Applies `edit` to the layer named `layer` and records it for undo (merged with the
/// previous step when `merge` matches). Renames must keep names unique.
pub fn apply_edit(
    world: &mut World,
    layer: &str,
    edit: &Edit,
    merge: Option<u64>,
) -> Result<(), String> {
    let (entity, before) =
        layer_def(world, layer).ok_or_else(|| format!("there is no layer named '{layer}'"))?;
    let mut after = before.clone();
    edit.apply(&mut after)?;
    if after.name != before.name && layer_def(world, &after.name).is_some() {
        return Err(format!(
            "a layer named '{}' exists already; layer names must be unique",
            after.name
        ));
    }
    write_layer(world, entity, &before.name, &after);
    world
        .resource_mut::<SceneDocument>()
        .history
        .record(before, after, merge);
    Ok(())
}

/// Undoes the last step; returns the name of the layer it changed.
pub fn undo(world: &mut World) -> Option<String> {
    let step = world.resource_mut::<SceneDocument>().history.undo()?;
    let (entity, _) = layer_def(world, &step.after.name)?;
    write_layer(world, entity, &step.after.name, &step.before);
    Some(step.before.name)
}

/// Redoes the last undone step; returns the name of the layer it changed.
pub fn redo(world: &mut World) -> Option<String> {
    let step = world.resource_mut::<SceneDocument>().history.redo()?;
    let (entity, _) = layer_def(world, &step.before.name)?;
    write_layer(world, entity, &step.before.name, &step.after);
    Some(step.after.name)
}

/// Saves the edited scene to the open scene's file, atomically; the previous content is
/// kept beside it as `FILE.bak`. Returns the path written.
pub fn save(world: &mut World) -> Result<String, String> {
    let file = world
        .get_resource::<ActiveScene>()
        .map(|a| a.file.clone())
        .ok_or("no scene file is open: nothing to save to")?;
    let doc = world.resource::<SceneDocument>();
    let scene = doc
        .scene
        .as_ref()
        .ok_or("the scene has not loaded yet: nothing to save")?;
    let text = scene.to_ron(&doc.header);
    let result = write_scene_file(&file, &text);
    let mut doc = world.resource_mut::<SceneDocument>();
    match result {
        Ok(()) => {
            doc.saved = doc.scene.clone();
            let shown = file.display().to_string();
            doc.last_save = Some(Ok((shown.clone(), SystemTime::now())));
            bevy::log::info!("saved {shown}");
            Ok(shown)
        }
        Err(e) => {
            doc.last_save = Some(Err(e.clone()));
            Err(e)
        }
    }
}

fn write_scene_file(file: &Path, text: &str) -> Result<(), String> {
    if let Ok(previous) = std::fs::read(file) {
        let mut backup = file.as_os_str().to_owned();
        backup.push(".bak");
        write_atomic(Path::new(&backup), &previous, true)
            .map_err(|e| format!("not saved: cannot keep a backup of the file: {e}"))?;
    }
    write_atomic(file, text.as_bytes(), true).map_err(|e| format!("not saved: {e}"))
}
