//! One address for every parameter: layer or shape → stage → parameter, written
//! `ridges/rotate#2/angle`. A stage is named by its `id:` in the scene file when it has
//! one, otherwise by its op name and ordinal among the calls of that op in the chain
//! (`rotate` is `rotate#1`). Scene files, `--set`, the inspector, sketches, presets and
//! variation locks all resolve parameters through it, so inserting an effect of another
//! op never moves an address to a different stage.

use std::fmt;

use super::chain::{OpCall, Recipe};

/// Which stage of a chain: an `id:` or an op name, with an ordinal among that op's calls.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StageName {
    /// A stage id, or an op name.
    pub name: String,
    /// 1-based ordinal among the calls of the op `name` (`None`: an id, or the first call).
    pub ordinal: Option<usize>,
}

impl StageName {
    /// The stage named by `text`: `id`, `op` or `op#k`.
    pub fn parse(text: &str) -> Result<StageName, AddressError> {
        let malformed = || AddressError::Malformed {
            text: crate::ops::model::message::shorten(text),
        };
        match text.split_once('#') {
            Some((name, k)) => {
                let ordinal: usize = k.parse().map_err(|_| malformed())?;
                if name.is_empty() || ordinal == 0 {
                    return Err(malformed());
                }
                Ok(StageName {
                    name: name.into(),
                    ordinal: Some(ordinal),
                })
            }
            None if text.is_empty() => Err(malformed()),
            None => Ok(StageName {
                name: text.into(),
                ordinal: None,
            }),
        }
    }
}

impl fmt::Display for StageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ordinal {
            Some(k) if k > 1 => write!(f, "{}#{k}", self.name),
            _ => f.write_str(&self.name),
        }
    }
}

/// A parameter of a layer's or shape's stage.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ParamAddress {
    /// The layer or shape.
    pub owner: String,
    /// The stage of its chain.
    pub stage: StageName,
    /// The parameter, as named in the op's schema.
    pub param: String,
}

impl ParamAddress {
    /// Reads `owner/stage/param`; the owner may itself hold `/` (the last two parts are
    /// the stage and the parameter).
    pub fn parse(text: &str) -> Result<ParamAddress, AddressError> {
        let mut parts = text.rsplitn(3, '/');
        let (Some(param), Some(stage), Some(owner)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(AddressError::Malformed {
                text: crate::ops::model::message::shorten(text),
            });
        };
        if owner.is_empty() || param.is_empty() {
            return Err(AddressError::Malformed {
                text: crate::ops::model::message::shorten(text),
            });
        }
        Ok(ParamAddress {
            owner: owner.into(),
            stage: StageName::parse(stage)?,
            param: param.into(),
        })
    }
}

impl fmt::Display for ParamAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.owner, self.stage, self.param)
    }
}

impl std::str::FromStr for ParamAddress {
    type Err = AddressError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ParamAddress::parse(s)
    }
}

/// An address that names nothing; each variant lists what is there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not of the form `layer/stage/param`.
    #[error(
        "'{text}' is not a parameter address: write layer/stage/param, e.g. ridges/displace/amplitude or ridges/rotate#2/angle"
    )]
    Malformed {
        /// The text given.
        text: String,
    },
    /// No layer or shape of that name.
    #[error("there is no layer or shape '{name}'; valid names: {valid}")]
    UnknownOwner {
        /// The name given.
        name: String,
        /// Every layer and shape name.
        valid: String,
    },
    /// No stage of that name in the chain.
    #[error("'{owner}' has no stage '{stage}'; its stages: {valid}")]
    UnknownStage {
        /// The layer or shape.
        owner: String,
        /// The stage given.
        stage: String,
        /// The chain's stage names.
        valid: String,
    },
    /// The stage's op has no parameter of that name.
    #[error("stage '{owner}/{stage}' ({op}) has no parameter '{param}'; its parameters: {valid}")]
    UnknownParam {
        /// The layer or shape.
        owner: String,
        /// The stage.
        stage: String,
        /// The stage's op.
        op: String,
        /// The parameter given.
        param: String,
        /// The op's parameter names.
        valid: String,
    },
}

/// Where an address lands in a recipe: the call (0 is the source, `k` is effect `k - 1`)
/// and the parameter's index in that op's schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamSlot {
    /// Index among the recipe's calls, source first.
    pub call: usize,
    /// Index of the parameter in the op's schema.
    pub param: usize,
}

impl Recipe {
    /// Every call, source first, switched-off effects included.
    pub fn calls(&self) -> impl Iterator<Item = &OpCall> {
        std::iter::once(&self.source).chain(&self.effects)
    }

    /// The call at `index` (0 is the source).
    pub fn call(&self, index: usize) -> Option<&OpCall> {
        match index {
            0 => Some(&self.source),
            k => self.effects.get(k - 1),
        }
    }

    /// The call at `index` (0 is the source), to edit.
    pub fn call_mut(&mut self, index: usize) -> Option<&mut OpCall> {
        match index {
            0 => Some(&mut self.source),
            k => self.effects.get_mut(k - 1),
        }
    }

    /// The name of every call's stage, source first: its id, or its op and ordinal.
    pub fn stage_names(&self) -> Vec<StageName> {
        let mut seen: Vec<(&str, usize)> = Vec::new();
        self.calls()
            .map(|call| {
                let op = call.op.name();
                let k = match seen.iter_mut().find(|(n, _)| *n == op) {
                    Some((_, k)) => {
                        *k += 1;
                        *k
                    }
                    None => {
                        seen.push((op, 1));
                        1
                    }
                };
                match &call.id {
                    Some(id) => StageName {
                        name: id.clone(),
                        ordinal: None,
                    },
                    None => StageName {
                        name: op.to_string(),
                        ordinal: Some(k),
                    },
                }
            })
            .collect()
    }

    /// The index of the call `stage` names (0 is the source): an id first, then the
    /// op's ordinal; `owner` names the recipe in the error.
    pub fn find_stage(&self, owner: &str, stage: &StageName) -> Result<usize, AddressError> {
        if stage.ordinal.is_none()
            && let Some(i) = self
                .calls()
                .position(|c| c.id.as_deref() == Some(stage.name.as_str()))
        {
            return Ok(i);
        }
        let want = stage.ordinal.unwrap_or(1);
        let found = self
            .calls()
            .enumerate()
            .filter(|(_, c)| c.op.name() == stage.name)
            .nth(want - 1)
            .map(|(i, _)| i);
        found.ok_or_else(|| AddressError::UnknownStage {
            owner: owner.into(),
            stage: stage.to_string(),
            valid: self
                .stage_names()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        })
    }

    /// Where `address` lands in this recipe (its owner is taken to be this recipe).
    pub fn find_param(&self, address: &ParamAddress) -> Result<ParamSlot, AddressError> {
        let call = self.find_stage(&address.owner, &address.stage)?;
        let schema = self.call(call).expect("found above").op.schema();
        let param = schema
            .index_of(&address.param)
            .ok_or_else(|| AddressError::UnknownParam {
                owner: address.owner.clone(),
                stage: address.stage.to_string(),
                op: schema.name.clone(),
                param: crate::ops::model::message::shorten(&address.param),
                valid: schema.param_names(),
            })?;
        Ok(ParamSlot { call, param })
    }

    /// The address of parameter `param` of call `call` in the recipe named `owner`.
    pub fn address_of(&self, owner: &str, call: usize, param: usize) -> Option<ParamAddress> {
        let stage = self.stage_names().into_iter().nth(call)?;
        let spec = self.call(call)?.op.schema().params.get(param)?;
        Some(ParamAddress {
            owner: owner.into(),
            stage,
            param: spec.name.clone(),
        })
    }
}
