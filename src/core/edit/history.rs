//! Undo and redo: each step holds a layer before and after, so undoing restores the
//! exact previous recipe (and so the exact previous stage ids).

use crate::scene::LayerDef;

/// One undoable change of one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// The layer before the change.
    pub before: LayerDef,
    /// The layer after it.
    pub after: LayerDef,
    /// Other layers changed with it, before and after (the readers of a renamed layer,
    /// whose references follow the new name); undone and redone together.
    pub linked: Vec<(LayerDef, LayerDef)>,
    /// The scene seed before and after, when the step changed it (a preset applied).
    pub seed: Option<(Option<u64>, Option<u64>)>,
    /// Edits with the same key merge into this step until it is sealed (a slider drag).
    key: Option<u64>,
    sealed: bool,
}

/// The undo and redo stacks. Capped at [`EditHistory::LIMIT`] steps.
#[derive(Clone, Debug, Default)]
pub struct EditHistory {
    undo: Vec<Step>,
    redo: Vec<Step>,
}

impl EditHistory {
    /// Most steps kept; the oldest is dropped beyond it.
    pub const LIMIT: usize = 500;

    /// Records a change. With a `merge_key` equal to the last step's (and that step not
    /// sealed) the change joins it: a drag of many small moves is one step.
    /// A change that changes nothing is not recorded. Any new change clears redo.
    pub fn record(&mut self, before: LayerDef, after: LayerDef, merge_key: Option<u64>) {
        self.record_linked(before, after, Vec::new(), merge_key);
    }

    /// Records a change of one layer together with changes of others (`linked`, before
    /// and after each) as one step. With a merge key, it joins the last step when that
    /// changed the same layers under the same key (a morph dragged over many layers).
    pub fn record_linked(
        &mut self,
        before: LayerDef,
        after: LayerDef,
        linked: Vec<(LayerDef, LayerDef)>,
        merge_key: Option<u64>,
    ) {
        if before == after && linked.is_empty() {
            return;
        }
        self.redo.clear();
        let same_layers = |last: &Step| {
            last.after.name == before.name
                && last.linked.len() == linked.len()
                && last
                    .linked
                    .iter()
                    .zip(&linked)
                    .all(|((_, a), (b, _))| a.name == b.name)
        };
        if let (Some(key), Some(last)) = (merge_key, self.undo.last_mut())
            && last.key == Some(key)
            && !last.sealed
            && last.seed.is_none()
            && same_layers(last)
        {
            last.after = after;
            for (slot, (_, now)) in last.linked.iter_mut().zip(linked) {
                slot.1 = now;
            }
            if last.before == last.after && last.linked.iter().all(|(b, a)| b == a) {
                self.undo.pop();
            }
            return;
        }
        self.seal();
        self.undo.push(Step {
            before,
            after,
            linked,
            seed: None,
            key: merge_key,
            sealed: merge_key.is_none(),
        });
        if self.undo.len() > Self::LIMIT {
            self.undo.remove(0);
        }
    }

    /// Records a change of the scene seed alone as a step (`layer` is any layer of the
    /// scene, unchanged: steps are kept by layer).
    pub fn record_seed(&mut self, layer: LayerDef, before: Option<u64>, after: Option<u64>) {
        if before == after {
            return;
        }
        self.redo.clear();
        self.seal();
        self.undo.push(Step {
            before: layer.clone(),
            after: layer,
            linked: Vec::new(),
            seed: Some((before, after)),
            key: None,
            sealed: true,
        });
        if self.undo.len() > Self::LIMIT {
            self.undo.remove(0);
        }
    }

    /// Adds a change of the scene seed to the last step (recorded just before): undoing
    /// it restores `before`, redoing sets `after`.
    pub fn attach_seed(&mut self, before: Option<u64>, after: Option<u64>) {
        if before != after
            && let Some(last) = self.undo.last_mut()
        {
            last.seed = Some((before, after));
            last.sealed = true;
        }
    }

    /// Ends the current merge (the drag was released): the next change is a new step.
    pub fn seal(&mut self) {
        if let Some(last) = self.undo.last_mut() {
            last.sealed = true;
        }
    }

    /// Takes the last step for undoing: the caller sets the layer named `after.name` to
    /// `before`.
    pub fn undo(&mut self) -> Option<Step> {
        let mut step = self.undo.pop()?;
        step.sealed = true;
        self.redo.push(step.clone());
        Some(step)
    }

    /// Takes the last undone step for redoing: the caller sets the layer named
    /// `before.name` to `after`.
    pub fn redo(&mut self) -> Option<Step> {
        let step = self.redo.pop()?;
        self.undo.push(step.clone());
        Some(step)
    }

    /// Steps that can be undone.
    pub fn undo_len(&self) -> usize {
        self.undo.len()
    }

    /// Steps that can be redone.
    pub fn redo_len(&self) -> usize {
        self.redo.len()
    }
}
