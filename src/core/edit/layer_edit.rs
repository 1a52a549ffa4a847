//! Edits of one layer: stroke, visibility, name, parameters and the effect chain.

use std::sync::Arc;

use crate::ops::{
    AddressError, Op, OpCall, OpKind, ParamAddress, ParamError, ParamInput, RawParam, Rgba,
    StageName,
};
use crate::scene::LayerDef;

/// Why an edit was refused; the layer is left as it was.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EditError {
    /// An effect index past the end of the chain.
    #[error("there is no effect {index}; the layer has {count} effects")]
    NoEffect {
        /// The index asked for.
        index: usize,
        /// Effects in the chain.
        count: usize,
    },
    /// An insertion index past the end of the chain.
    #[error("cannot insert at {index}; the layer has {count} effects")]
    CannotInsert {
        /// The index asked for.
        index: usize,
        /// Effects in the chain.
        count: usize,
    },
    /// A stage or parameter the layer does not have.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// The parameter's new value is not allowed.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// A pen width out of range.
    #[error("pen width {0} is not allowed: use {allowed}", allowed = crate::core::drawing::PEN_WIDTH_ALLOWED)]
    PenWidth(f64),
    /// An empty layer name.
    #[error("a layer name cannot be empty")]
    EmptyName,
    /// An effect where a primitive belongs, or the other way round.
    #[error("'{op}' is {is}, not {wanted}")]
    WrongKind {
        /// The op.
        op: String,
        /// "a primitive" or "an effect".
        is: &'static str,
        /// "a primitive" or "an effect".
        wanted: &'static str,
    },
}

/// An edit refused for a layer, naming it.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("layer '{layer}': {error}")]
pub struct LayerEditError {
    /// The layer's name.
    pub layer: String,
    /// Why.
    #[source]
    pub error: EditError,
}

/// A parameter of a layer: its stage (by `id:` or op and ordinal, so inserting an
/// effect of another op keeps it on the same stage) and its name. With the layer's name
/// it is a [`ParamAddress`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamPath {
    /// The stage.
    pub stage: StageName,
    /// The parameter's name in the op's schema.
    pub param: String,
}

impl ParamPath {
    /// `stage/param` (`displace/amplitude`, `rotate#2/angle`).
    pub fn parse(text: &str) -> Result<ParamPath, AddressError> {
        let address = ParamAddress::parse(&format!("_/{text}"))?;
        Ok(ParamPath {
            stage: address.stage,
            param: address.param,
        })
    }

    /// The full address of this parameter in layer `layer`.
    pub fn in_layer(&self, layer: &str) -> ParamAddress {
        ParamAddress {
            owner: layer.into(),
            stage: self.stage.clone(),
            param: self.param.clone(),
        }
    }
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
    pub fn apply(&self, layer: &mut LayerDef) -> Result<(), LayerEditError> {
        let mut next = layer.clone();
        self.apply_in_place(&mut next)
            .map_err(|error| LayerEditError {
                layer: layer.name.clone(),
                error,
            })?;
        *layer = next;
        Ok(())
    }

    fn apply_in_place(&self, layer: &mut LayerDef) -> Result<(), EditError> {
        let effects = layer.recipe.effects.len();
        let effect_index = |index: usize| {
            if index < effects {
                Ok(index)
            } else {
                Err(EditError::NoEffect {
                    index,
                    count: effects,
                })
            }
        };
        match self {
            Edit::SetParam(path, input) => {
                let (call, i) = param_at(layer, path)?;
                let schema = Arc::clone(call.op.schema());
                let spec = &schema.params[i];
                if !input.is_animated() {
                    input
                        .resolve(spec, 0.0)
                        .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))?;
                }
                call.params[i] = input.clone();
                call.mark_written(i);
            }
            Edit::SetRaw(path, raw) => {
                let (call, _) = param_at(layer, path)?;
                call.set(&path.param, raw)?;
            }
            Edit::SetEnabled(i, on) => {
                layer.recipe.effects[effect_index(*i)?].enabled = *on;
            }
            Edit::SetColor(c) => layer.color = *c,
            Edit::SetPenWidth(w) => {
                if !crate::core::drawing::pen_width_allowed(*w) {
                    return Err(EditError::PenWidth(*w));
                }
                layer.pen_width = *w;
            }
            Edit::SetVisible(v) => layer.visible = *v,
            Edit::Rename(name) => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(EditError::EmptyName);
                }
                layer.name = name.to_string();
            }
            Edit::AddEffect(i, op) => {
                if op.schema().kind != OpKind::Effect {
                    return Err(EditError::WrongKind {
                        op: op.name().into(),
                        is: "a primitive",
                        wanted: "an effect",
                    });
                }
                if *i > effects {
                    return Err(EditError::CannotInsert {
                        index: *i,
                        count: effects,
                    });
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
                    return Err(EditError::WrongKind {
                        op: op.name().into(),
                        is: "an effect",
                        wanted: "a primitive",
                    });
                }
                layer.recipe.source = OpCall::defaults(Arc::clone(op));
            }
        }
        Ok(())
    }
}

/// The call and parameter index `path` names in `layer`.
fn param_at<'a>(
    layer: &'a mut LayerDef,
    path: &ParamPath,
) -> Result<(&'a mut OpCall, usize), EditError> {
    let slot = layer.recipe.find_param(&path.in_layer(&layer.name))?;
    let call = layer
        .recipe
        .call_mut(slot.call)
        .expect("found by find_param");
    Ok((call, slot.param))
}
