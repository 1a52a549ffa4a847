//! The open scene as an editable document: edits of layer entities with undo/redo, and
//! saving the edited scene back to its file. The inspector queues [`EditCommand`]s;
//! tests and sketches may call [`apply_edit`], [`undo`], [`redo`] and [`save`] directly.
//! A queued save (Ctrl+S) writes on the I/O pool: the frame never waits for the disk.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use bevy::app::{App, Plugin, Update};
use bevy::ecs::entity::Entity;
use bevy::ecs::message::MessageReader;
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::system::{Res, ResMut};
use bevy::ecs::world::World;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{IoTaskPool, Task};

pub mod explore;

use super::GraftSystems;
use super::layer::{FromScene, Layer, LayerRecipe, Shape, Stroke, layer_def_of};
use super::scene::{ActiveScene, SceneLoaded};
use crate::edit::{Edit, EditHistory, LayerEditError};
use crate::export::{OutputError, write_atomic};
use crate::scene::{LayerDef, Scene};

/// The scene as edited, what is on disk, and the edit history.
#[derive(Resource, Default, Clone, Debug)]
pub struct SceneDocument {
    /// The scene with every edit applied (none before the first load).
    pub scene: Option<Scene>,
    /// The scene as last loaded from or saved to the file.
    pub saved: Option<Arc<Scene>>,
    /// Comment lines that open the file; kept when saving.
    pub header: String,
    /// Undo and redo.
    pub history: EditHistory,
    /// The outcome of the last save, for the inspector.
    pub last_save: Option<Result<(String, SystemTime), String>>,
    /// A queued save is being written.
    pub saving: bool,
    /// The file changed on disk while there were unsaved edits: the file's version is
    /// shown, and the edited scene was written beside it (its path), or could not be.
    pub kept_edits: Option<Result<PathBuf, String>>,
}

/// Why an edit or a save was refused.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No layer has this name.
    #[error("there is no layer named '{0}'")]
    NoLayer(String),
    /// A rename to a name that another layer has.
    #[error("a layer named '{0}' exists already; layer names must be unique")]
    NameTaken(String),
    /// The edit itself is not allowed.
    #[error(transparent)]
    Edit(#[from] LayerEditError),
    /// The document has no file.
    #[error("no scene file is open: nothing to save to")]
    NoFile,
    /// Nothing has loaded yet.
    #[error("the scene has not loaded yet: nothing to save")]
    NotLoaded,
    /// The previous content could not be kept.
    #[error("not saved: cannot keep a backup of the file: {0}")]
    Backup(OutputError),
    /// The file could not be written.
    #[error("not saved: {0}")]
    Write(OutputError),
    /// No preset has this name.
    #[error("there is no preset named '{0}'")]
    NoPreset(String),
    /// A preset name another preset has.
    #[error("a preset named '{0}' exists already; preset names must be unique")]
    PresetTaken(String),
    /// An empty preset name.
    #[error("a preset needs a name")]
    PresetName,
}

impl SceneDocument {
    /// True when the edited scene differs from the file.
    pub fn is_dirty(&self) -> bool {
        self.scene.as_ref() != self.saved.as_deref()
    }

    /// Takes a freshly loaded file. The loaded scene becomes the saved state; when it is
    /// what the document already holds (the reload a save triggers) nothing else changes.
    /// When the file changed under unsaved edits, returns the edited scene it displaced
    /// (and drops the undo history, which describes a scene that is gone).
    fn loaded(&mut self, scene: Arc<Scene>, header: String) -> Option<(Scene, String)> {
        let mut displaced = None;
        if self.scene.as_ref() != Some(&*scene) {
            if self.is_dirty()
                && let Some(edited) = self.scene.take()
            {
                displaced = Some((edited, std::mem::take(&mut self.header)));
                self.history = EditHistory::default();
            }
            self.scene = Some((*scene).clone());
        }
        self.header = header;
        self.saved = Some(scene);
        displaced
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
    /// A parameter of layer `layer` is being dragged (`on`) or was let go: the layer
    /// shows drafts meanwhile.
    Drafting {
        /// Layer name.
        layer: String,
        /// True while dragging.
        on: bool,
    },
    /// Undoes the last step.
    Undo,
    /// Redoes the last undone step.
    Redo,
    /// Saves the scene to its file.
    Save,
    /// Sets many parameters by address as one undo step (a preset, a randomise, a
    /// nudge, a morph, a variation adopted).
    SetParams {
        /// The values.
        sets: Vec<(crate::ops::ParamAddress, crate::ops::RawParam)>,
        /// Merge key of a continuous gesture (a morph slider), if any.
        merge: Option<u64>,
    },
    /// Applies the preset of that name (one undo step).
    ApplyPreset(String),
    /// Saves the current values as a preset (of one layer, or of all).
    SavePreset {
        /// Its name (an existing one is replaced).
        name: String,
        /// The layer; none: all.
        layer: Option<String>,
    },
    /// Renames a preset.
    RenamePreset {
        /// The current name.
        from: String,
        /// The new name.
        to: String,
    },
    /// Deletes a preset.
    DeletePreset(String),
    /// Sets the scene seed (one undo step).
    SetSeed(Option<u64>),
    /// Adopts a variation: its seed and values, one undo step.
    Adopt {
        /// The seed (none: keep the scene's).
        seed: Option<u64>,
        /// The values.
        sets: Vec<(crate::ops::ParamAddress, crate::ops::RawParam)>,
    },
    /// Removes the MIDI mapping of a control (on a channel, or any).
    RemoveMidi {
        /// The controller number.
        control: u8,
        /// Its channel.
        channel: Option<u8>,
    },
    /// Locks or unlocks a parameter.
    SetLock {
        /// The parameter.
        address: crate::ops::ParamAddress,
        /// Locked.
        locked: bool,
    },
}

/// The parameter edited last (MIDI learn maps the next control moved to it).
#[derive(Resource, Default, Debug)]
pub struct LastTouched(pub Option<crate::ops::ParamAddress>);

/// Commands waiting for the next frame, and the last problem they met.
#[derive(Resource, Default, Debug)]
pub struct EditQueue {
    /// Commands in order.
    pub commands: Vec<EditCommand>,
    /// The last refused edit or failed command, in plain words.
    pub last_error: Option<String>,
}

/// A save written on the I/O pool: the scene it writes, and then again when asked
/// while it ran.
#[derive(Resource, Default)]
struct PendingSave {
    task: Option<Task<SaveOutcome>>,
    again: bool,
}

struct SaveOutcome {
    written: Scene,
    result: Result<String, DocumentError>,
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
            .init_resource::<LastTouched>()
            .init_resource::<PendingSave>()
            .add_systems(
                Update,
                (
                    take_loaded_scene,
                    finish_save.run_if(|s: Res<PendingSave>| s.task.is_some()),
                    apply_queued_edits.run_if(|q: Res<EditQueue>| !q.commands.is_empty()),
                )
                    .chain()
                    .in_set(GraftSystems::SceneSync)
                    .after(super::scene::sync_scene),
            );
    }
}

/// A (re)loaded file becomes the document's saved state.
fn take_loaded_scene(
    mut loads: MessageReader<SceneLoaded>,
    mut document: ResMut<SceneDocument>,
    active: Option<Res<ActiveScene>>,
) {
    for SceneLoaded { scene, header } in loads.read().cloned() {
        let Some((edited, edited_header)) = document.loaded(scene, header) else {
            continue;
        };
        // Never lose work: the edits go beside the file, under a new name (a rare event,
        // and a small file: written here).
        let kept = match &active {
            Some(active) => keep_edits(&active.file, &edited.to_ron(&edited_header)),
            None => Err("no scene file is open".into()),
        };
        match &kept {
            Ok(path) => bevy::log::warn!(
                "the scene file changed on disk while there were unsaved edits; they are kept in {}",
                path.display()
            ),
            Err(e) => {
                bevy::log::error!("unsaved edits displaced by a reload could not be kept: {e}")
            }
        }
        document.kept_edits = Some(kept);
    }
}

/// Writes `text` as `STEM.unsaved_NNN.scene.ron` beside `file`.
fn keep_edits(file: &Path, text: &str) -> Result<PathBuf, String> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.trim_end_matches(".ron").trim_end_matches(".scene");
    crate::export::write_numbered(
        dir,
        &format!("{stem}.unsaved"),
        &[(String::new(), "scene.ron", text.as_bytes().to_vec())],
    )
    .map(|mut paths| paths.remove(0))
    .map_err(|e| e.to_string())
}

fn apply_queued_edits(world: &mut World) {
    let commands = std::mem::take(&mut world.resource_mut::<EditQueue>().commands);
    for command in commands {
        let result = match command {
            EditCommand::Edit { layer, edit, merge } => {
                if let Edit::SetParam(path, _) | Edit::SetRaw(path, _) = &edit {
                    world.resource_mut::<LastTouched>().0 = Some(path.in_layer(&layer));
                }
                apply_edit(world, &layer, &edit, merge)
            }
            EditCommand::Seal => {
                world.resource_mut::<SceneDocument>().history.seal();
                Ok(())
            }
            EditCommand::Drafting { layer, on } => {
                // Changed only when the set changes, so a held drag resolves nothing.
                let mut drafts = world.resource_mut::<crate::ecs::DraftLayers>();
                if drafts.0.contains(&layer) != on {
                    if on {
                        drafts.0.insert(layer);
                    } else {
                        drafts.0.remove(&layer);
                    }
                }
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
            EditCommand::Save => {
                start_save(world);
                Ok(())
            }
            EditCommand::SetParams { sets, merge } => explore::apply_sets(world, &sets, merge),
            EditCommand::ApplyPreset(name) => explore::apply_preset(world, &name),
            EditCommand::SavePreset { name, layer } => {
                explore::save_preset(world, &name, layer.as_deref())
            }
            EditCommand::RenamePreset { from, to } => explore::rename_preset(world, &from, &to),
            EditCommand::DeletePreset(name) => explore::delete_preset(world, &name),
            EditCommand::SetSeed(seed) => {
                explore::set_seed_step(world, seed);
                Ok(())
            }
            EditCommand::Adopt { seed, sets } => explore::adopt(world, seed, &sets),
            EditCommand::RemoveMidi { control, channel } => {
                if let Some(scene) = world.resource_mut::<SceneDocument>().scene.as_mut() {
                    scene
                        .midi
                        .retain(|m| !(m.control == control && m.channel == channel));
                }
                Ok(())
            }
            EditCommand::SetLock { address, locked } => explore::set_lock(world, &address, locked),
        };
        if let Err(e) = result {
            bevy::log::warn!("{e}");
            world.resource_mut::<EditQueue>().last_error = Some(e.to_string());
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
pub(super) fn write_layer(world: &mut World, entity: Entity, old_name: &str, def: &LayerDef) {
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
    let is_shape = e.contains::<Shape>();
    if e.contains::<FromScene>()
        && let Some(scene) = world.resource_mut::<SceneDocument>().scene.as_mut()
    {
        if def.name != old_name {
            // Presets, locks and MIDI mappings follow the rename (and its undo).
            scene.rename_owner(old_name, &def.name);
        }
        if is_shape {
            // A shape keeps its place in `shapes:`; only its name and recipe are its own.
            if let Some(slot) = scene.shapes.iter_mut().find(|s| s.name == old_name) {
                slot.name = def.name.clone();
                slot.recipe = def.recipe.clone();
            }
        } else if let Some(slot) = scene.layers.iter_mut().find(|l| l.name == old_name) {
            *slot = def.clone();
        }
    }
}

/// Applies `edit` to the layer named `layer` and records it for undo (merged with the
/// previous step when `merge` matches). Renames must keep names unique.
pub fn apply_edit(
    world: &mut World,
    layer: &str,
    edit: &Edit,
    merge: Option<u64>,
) -> Result<(), DocumentError> {
    let (entity, before) =
        layer_def(world, layer).ok_or_else(|| DocumentError::NoLayer(layer.into()))?;
    let mut after = before.clone();
    edit.apply(&mut after)?;
    if after.name != before.name && layer_def(world, &after.name).is_some() {
        return Err(DocumentError::NameTaken(after.name));
    }
    write_layer(world, entity, &before.name, &after);
    let linked = if after.name != before.name {
        follow_rename(world, &before.name, &after.name)
    } else {
        Vec::new()
    };
    world
        .resource_mut::<SceneDocument>()
        .history
        .record_linked(before, after, linked, merge);
    Ok(())
}

/// Points every reference to `from` (in all layers and shapes) at `to`; returns the
/// layers changed, before and after.
fn follow_rename(world: &mut World, from: &str, to: &str) -> Vec<(LayerDef, LayerDef)> {
    let readers: Vec<String> = world
        .query::<(&Layer, &LayerRecipe)>()
        .iter(world)
        .filter(|(_, r)| {
            let mut probe = r.0.clone();
            probe.rename_reference(from, to)
        })
        .map(|(l, _)| l.name.clone())
        .collect();
    let mut changed = Vec::with_capacity(readers.len());
    for name in readers {
        if let Some((entity, before)) = layer_def(world, &name) {
            let mut after = before.clone();
            after.recipe.rename_reference(from, to);
            write_layer(world, entity, &name, &after);
            changed.push((before, after));
        }
    }
    changed
}

/// Writes the `linked` layers of a step: their `before` state on undo, `after` on redo.
fn write_linked(world: &mut World, linked: &[(LayerDef, LayerDef)], undo: bool) {
    for (before, after) in linked {
        let (from, to) = if undo {
            (after, before)
        } else {
            (before, after)
        };
        if let Some((entity, _)) = layer_def(world, &from.name) {
            write_layer(world, entity, &from.name, to);
        }
    }
}

/// Undoes the last step; returns the name of the layer it changed.
pub fn undo(world: &mut World) -> Option<String> {
    let step = world.resource_mut::<SceneDocument>().history.undo()?;
    let (entity, _) = layer_def(world, &step.after.name)?;
    write_layer(world, entity, &step.after.name, &step.before);
    write_linked(world, &step.linked, true);
    if let Some((before, _)) = step.seed {
        explore::set_seed(world, before);
    }
    Some(step.before.name)
}

/// Redoes the last undone step; returns the name of the layer it changed.
pub fn redo(world: &mut World) -> Option<String> {
    let step = world.resource_mut::<SceneDocument>().history.redo()?;
    let (entity, _) = layer_def(world, &step.before.name)?;
    write_layer(world, entity, &step.before.name, &step.after);
    write_linked(world, &step.linked, false);
    if let Some((_, after)) = step.seed {
        explore::set_seed(world, after);
    }
    Some(step.after.name)
}

/// What a save writes: the file, the scene as it is now and its text.
fn save_job(world: &World) -> Result<(PathBuf, Scene, String), DocumentError> {
    let file = world
        .get_resource::<ActiveScene>()
        .map(|a| a.file.clone())
        .ok_or(DocumentError::NoFile)?;
    let doc = world.resource::<SceneDocument>();
    let scene = doc.scene.clone().ok_or(DocumentError::NotLoaded)?;
    let text = scene.to_ron(&doc.header);
    Ok((file, scene, text))
}

/// Saves the edited scene to the open scene's file now, atomically; the previous content
/// is kept beside it as `FILE.bak`. Returns the path written. (The inspector's save goes
/// through [`EditCommand::Save`] and writes off the main thread.)
pub fn save(world: &mut World) -> Result<String, DocumentError> {
    let (file, scene, text) = match save_job(world) {
        Ok(job) => job,
        Err(e) => {
            record_save(world, None, &Err(e.to_string()));
            return Err(e);
        }
    };
    let result = write_scene_file(&file, &text);
    let shown = result
        .as_ref()
        .map(Clone::clone)
        .map_err(ToString::to_string);
    record_save(world, Some(scene), &shown);
    result
}

/// Starts writing the scene on the I/O pool (or notes to save again when one runs).
fn start_save(world: &mut World) {
    if world.resource::<PendingSave>().task.is_some() {
        world.resource_mut::<PendingSave>().again = true;
        return;
    }
    let (file, scene, text) = match save_job(world) {
        Ok(job) => job,
        Err(e) => {
            bevy::log::warn!("{e}");
            record_save(world, None, &Err(e.to_string()));
            return;
        }
    };
    let task = IoTaskPool::get().spawn(async move {
        SaveOutcome {
            result: write_scene_file(&file, &text),
            written: scene,
        }
    });
    world.resource_mut::<SceneDocument>().saving = true;
    world.resource_mut::<PendingSave>().task = Some(task);
}

/// Takes a finished save: the scene it wrote becomes the saved state (edits made while
/// it ran keep the document dirty).
fn finish_save(world: &mut World) {
    let mut pending = world.resource_mut::<PendingSave>();
    let Some(outcome) = pending.task.as_mut().and_then(check_ready) else {
        return;
    };
    pending.task = None;
    let again = std::mem::take(&mut pending.again);
    world.resource_mut::<SceneDocument>().saving = false;
    let result = outcome.result.map_err(|e| e.to_string());
    if let Err(e) = &result {
        bevy::log::warn!("{e}");
    }
    record_save(world, Some(outcome.written), &result);
    if result.is_ok() && again && world.resource::<SceneDocument>().is_dirty() {
        start_save(world);
    }
}

/// Records a save's outcome in the document: on success the scene written becomes the
/// saved state.
fn record_save(world: &mut World, written: Option<Scene>, result: &Result<String, String>) {
    let mut doc = world.resource_mut::<SceneDocument>();
    match result {
        Ok(shown) => {
            if let Some(written) = written {
                doc.saved = Some(Arc::new(written));
            }
            doc.last_save = Some(Ok((shown.clone(), SystemTime::now())));
            bevy::log::info!("saved {shown}");
        }
        Err(e) => doc.last_save = Some(Err(e.clone())),
    }
}

fn write_scene_file(file: &Path, text: &str) -> Result<String, DocumentError> {
    if let Ok(previous) = std::fs::read(file) {
        let mut backup = file.as_os_str().to_owned();
        backup.push(".bak");
        write_atomic(Path::new(&backup), &previous, true).map_err(DocumentError::Backup)?;
    }
    write_atomic(file, text.as_bytes(), true).map_err(DocumentError::Write)?;
    Ok(file.display().to_string())
}
