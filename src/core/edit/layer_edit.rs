//! Edits of one layer: stroke, visibility, name, parameters and the effect chain.

use std::sync::Arc;

use crate::ops::{Op, OpCall, OpKind, ParamInput, RawParam, Rgba};
use crate::scene::LayerDef;

/// Which op of a layer: the source, or effect `i` of the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EffectSlot {
    /// The primitive that starts the layer.
    Source,
    /// Effect at this index of the chain.
    Effect(usize),
}

/// A parameter of a layer's op: the op and the parameter's index in its schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamPath {
    /// The op.
    pub slot: EffectSlot,
    /// Index of the parameter in the op's schema.
    pub param: usize,
}

/// One change to one layer.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Sets a parameter to a checked input (constant or expression).
    SetParam(ParamPath, ParamInput),
    /// Sets a parameter from a raw value (checked against the schema here).
    SetRaw(ParamPath, RawParam),
    /// Switches an effect on or off.
    SetEnabled(usize, bool),
    /// Sets the pen colour.
    SetColor(Rgba),
    /// Sets the pen width (mm, > 0 and <= 50).
    SetPenWidth(f64),
    /// Shows or hides the layer.
    SetVisible(bool),
    /// Renames the layer (names must stay unique; the caller checks the other layers).
    Rename(String),
    /// Inserts an effect, at its defaults, at an index of the chain.
    AddEffect(usize, Arc<Op>),
    /// Removes the effect at an index.
    RemoveEffect(usize),
    /// Moves the effect at the first index to the second.
    MoveEffect(usize, usize),
    /// Replaces the source primitive (at its defaults).
    SetSource(Arc<Op>),
}

impl Edit {
    /// Applies the edit to `layer`; on error the layer is unchanged and the message says
    /// which layer, op or parameter is wrong and what is allowed.
    pub fn apply(&self, layer: &mut LayerDef) -> Result<(), String> {
        let mut next = layer.clone();
        self.apply_in_place(&mut next)
            .map_err(|e| format!("layer '{}': {e}", layer.name))?;
        *layer = next;
        Ok(())
    }

    fn apply_in_place(&self, layer: &mut LayerDef) -> Result<(), String> {
        let effects = layer.recipe.effects.len();
        let effect_index = |i: usize| {
            if i < effects {
                Ok(i)
            } else {
                Err(format!(
                    "there is no effect {i}; the layer has {effects} effects"
                ))
            }
        };
        match self {
            Edit::SetParam(path, input) => {
                let call = op_at(layer, path.slot)?;
                let schema = Arc::clone(call.op.schema());
                let spec = schema.params.get(path.param).ok_or_else(|| {
                    format!("op '{}' has no parameter {}", schema.name, path.param)
                })?;
                if !input.is_animated() {
                    input
                        .resolve(spec, 0.0)
                        .map_err(|e| format!("{}.{}: {e}", schema.name, spec.name))?;
                }
                call.params[path.param] = input.clone();
            }
            Edit::SetRaw(path, raw) => {
                let call = op_at(layer, path.slot)?;
                let schema = Arc::clone(call.op.schema());
                let spec = schema.params.get(path.param).ok_or_else(|| {
                    format!("op '{}' has no parameter {}", schema.name, path.param)
                })?;
                call.set(&spec.name, raw)?;
            }
            Edit::SetEnabled(i, on) => {
                layer.recipe.effects[effect_index(*i)?].enabled = *on;
            }
            Edit::SetColor(c) => layer.color = *c,
            Edit::SetPenWidth(w) => {
                if !(w.is_finite() && *w > 0.0 && *w <= 50.0) {
                    return Err(format!(
                        "pen width {w} is not allowed: use a width in mm, > 0 and <= 50"
                    ));
                }
                layer.pen_width = *w;
            }
            Edit::SetVisible(v) => layer.visible = *v,
            Edit::Rename(name) => {
                let name = name.trim();
                if name.is_empty() {
                    return Err("a layer name cannot be empty".into());
                }
                layer.name = name.to_string();
            }
            Edit::AddEffect(i, op) => {
                if op.schema().kind != OpKind::Effect {
                    return Err(format!("'{}' is a primitive, not an effect", op.name()));
                }
                if *i > effects {
                    return Err(format!(
                        "cannot insert at {i}; the layer has {effects} effects"
                    ));
                }
                layer
                    .recipe
                    .effects
                    .insert(*i, OpCall::defaults(Arc::clone(op)));
            }
            Edit::RemoveEffect(i) => {
                layer.recipe.effects.remove(effect_index(*i)?);
            }
            Edit::MoveEffect(from, to) => {
                let call = layer.recipe.effects.remove(effect_index(*from)?);
                let to = (*to).min(layer.recipe.effects.len());
                layer.recipe.effects.insert(to, call);
            }
            Edit::SetSource(op) => {
                if op.schema().kind != OpKind::Primitive {
                    return Err(format!("'{}' is an effect, not a primitive", op.name()));
                }
                layer.recipe.source = OpCall::defaults(Arc::clone(op));
            }
        }
        Ok(())
    }
}

fn op_at(layer: &mut LayerDef, slot: EffectSlot) -> Result<&mut OpCall, String> {
    let n = layer.recipe.effects.len();
    match slot {
        EffectSlot::Source => Ok(&mut layer.recipe.source),
        EffectSlot::Effect(i) => layer
            .recipe
            .effects
            .get_mut(i)
            .ok_or_else(|| format!("there is no effect {i}; the layer has {n} effects")),
    }
}
