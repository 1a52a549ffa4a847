//! Changes laid over a scene as it is read: the seed and parameters set by address
//! (`graft render --seed 7 --set 'ridges/rotate#2/angle=30'`). The changed scene is the
//! one evaluated and the one recorded in the files written, so they can be made again.

use crate::ops::{AddressError, ParamAddress, ParamError, RawParam, Recipe};

use super::Scene;
use super::parse::parse_param_text;

/// A seed and parameter values to lay over a scene.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SceneOverrides {
    /// Replaces the scene's seed.
    pub seed: Option<u64>,
    /// Parameters set by address, in order (a later one wins).
    pub sets: Vec<(ParamAddress, RawParam)>,
}

/// An override that cannot be applied; the scene is left as it was.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OverrideError {
    /// `--set` text that is not `ADDRESS=VALUE`.
    #[error(
        "--set '{0}' is not ADDRESS=VALUE; write e.g. --set 'ridges/displace/amplitude=(9, 9, 0)'"
    )]
    NotAssignment(String),
    /// The address names nothing.
    #[error("--set {0}")]
    Address(#[from] AddressError),
    /// The value is not allowed there.
    #[error("--set {address}: {error}")]
    Value {
        /// The address.
        address: String,
        /// Why the value is refused.
        error: ParamError,
    },
    /// The value does not parse as a scene-file value.
    #[error("--set {address}: {error}")]
    Parse {
        /// The address.
        address: String,
        /// Why.
        error: crate::ops::ValueError,
    },
}

impl SceneOverrides {
    /// True when nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.seed.is_none() && self.sets.is_empty()
    }

    /// Adds `ADDRESS=VALUE`, the value written as in a scene file (`30`, `(9, 9, 0)`,
    /// `"t * 0.2"`, `true`).
    pub fn push_assignment(&mut self, text: &str) -> Result<(), OverrideError> {
        let (address, value) = text.split_once('=').ok_or_else(|| {
            OverrideError::NotAssignment(crate::ops::model::message::shorten(text))
        })?;
        let address = ParamAddress::parse(address.trim())?;
        let raw = parse_param_text(value.trim()).map_err(|error| OverrideError::Parse {
            address: address.to_string(),
            error,
        })?;
        self.sets.push((address, raw));
        Ok(())
    }

    /// The scene with the overrides laid over it; on error the scene is unchanged.
    pub fn apply(&self, scene: &mut Scene) -> Result<(), OverrideError> {
        if self.is_empty() {
            return Ok(());
        }
        // Applied to a copy: a failing override leaves the scene as it was.
        let mut next = scene.clone();
        if let Some(seed) = self.seed {
            next.seed = Some(seed);
        }
        for (address, raw) in &self.sets {
            next.set_param(address, raw)?;
        }
        *scene = next;
        Ok(())
    }
}

impl Scene {
    /// The recipe of the layer or shape `name`.
    pub fn recipe_mut(&mut self, name: &str) -> Result<&mut Recipe, AddressError> {
        let valid = self.names().collect::<Vec<_>>().join(", ");
        let layer = self.layers.iter().position(|l| l.name == name);
        let shape = self.shapes.iter().position(|s| s.name == name);
        match (layer, shape) {
            (Some(i), _) => Ok(&mut self.layers[i].recipe),
            (None, Some(i)) => Ok(&mut self.shapes[i].recipe),
            (None, None) => Err(AddressError::UnknownOwner {
                name: crate::ops::model::message::shorten(name),
                valid: if valid.is_empty() {
                    "(none)".into()
                } else {
                    valid
                },
            }),
        }
    }

    /// Sets the parameter at `address` from a value as written in a scene file.
    pub fn set_param(
        &mut self,
        address: &ParamAddress,
        raw: &RawParam,
    ) -> Result<(), OverrideError> {
        let recipe = self.recipe_mut(&address.owner)?;
        let slot = recipe.find_param(address)?;
        let call = recipe.call_mut(slot.call).expect("found by find_param");
        call.set(&address.param, raw)
            .map_err(|error| OverrideError::Value {
                address: address.to_string(),
                error,
            })
    }
}
