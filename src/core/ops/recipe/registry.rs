//! The op registry: every primitive and effect by name.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::chain::{OpCall, RawParam};
use crate::ops::model::error::{RegistryError, shorten};
use crate::ops::model::op::Op;
use crate::ops::model::schema::OpKind;

/// All known ops, by name. Built-ins are registered by `OpRegistry::builtin` (beside
/// the catalogue's list, in `ops/mod.rs`: this floor never names an op);
/// sketches add their own with [`OpRegistry::register`].
#[derive(Clone, Debug, Default)]
pub struct OpRegistry {
    ops: BTreeMap<String, Arc<Op>>,
}

impl OpRegistry {
    /// A registry with no ops.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Adds an op after checking its schema; a name already taken is refused.
    pub fn register(&mut self, op: Op) -> Result<(), RegistryError> {
        op.schema().validate()?;
        let name = op.name().to_string();
        if self.ops.contains_key(&name) {
            return Err(RegistryError::Taken(name));
        }
        self.ops.insert(name, Arc::new(op));
        Ok(())
    }

    /// The op called `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<Op>> {
        self.ops.get(name)
    }

    /// The op called `name`, or a message listing every valid name.
    fn get_or_list(&self, name: &str) -> Result<&Arc<Op>, RegistryError> {
        self.ops.get(name).ok_or_else(|| {
            let names: Vec<&str> = self.ops.keys().map(String::as_str).collect();
            RegistryError::Unknown {
                noun: "op",
                name: shorten(name),
                plural: "ops",
                valid: names.join(", "),
            }
        })
    }

    /// The op called `name` of the wanted kind, or a message listing the valid names.
    pub fn lookup(&self, name: &str, kind: OpKind) -> Result<&Arc<Op>, RegistryError> {
        match self.ops.get(name) {
            Some(op) if op.schema().kind == kind => Ok(op),
            Some(_) => Err(RegistryError::WrongKind {
                name: shorten(name),
                is: kind_word(other(kind)),
                wanted: kind_word(kind),
                plural: plural(kind),
                valid: self.names(kind).join(", "),
            }),
            None => Err(RegistryError::Unknown {
                noun: noun(kind),
                name: shorten(name),
                plural: plural(kind),
                valid: self.names(kind).join(", "),
            }),
        }
    }

    /// A call of op `name` with `params` set (the rest at their defaults), validated as a
    /// scene file would be; the message names the op or parameter that is wrong.
    pub fn call(&self, name: &str, params: &[(&str, RawParam)]) -> Result<OpCall, RegistryError> {
        let op = self.get_or_list(name)?;
        let mut call = OpCall::defaults(Arc::clone(op));
        for (param, value) in params {
            call.set(param, value)?;
        }
        Ok(call)
    }

    /// Names of every op of a kind, sorted.
    pub fn names(&self, kind: OpKind) -> Vec<&str> {
        self.ops
            .values()
            .filter(|op| op.schema().kind == kind)
            .map(|op| op.name())
            .collect()
    }

    /// The `ops` listing: one op's schema, or every primitive then every effect.
    pub fn listing(&self, name: Option<&str>) -> Result<String, RegistryError> {
        if let Some(name) = name {
            let op = self.get_or_list(name)?;
            return Ok(op.schema().describe());
        }
        let mut out = String::new();
        for (title, kind) in [
            ("PRIMITIVES", OpKind::Primitive),
            ("EFFECTS", OpKind::Effect),
        ] {
            out.push_str(title);
            out.push_str("\n\n");
            for op in self.ops.values().filter(|o| o.schema().kind == kind) {
                out.push_str(&op.schema().describe());
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// Every op, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Op>> {
        self.ops.values()
    }
}

fn other(kind: OpKind) -> OpKind {
    match kind {
        OpKind::Primitive => OpKind::Effect,
        OpKind::Effect => OpKind::Primitive,
    }
}

fn kind_word(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Primitive => "a primitive",
        OpKind::Effect => "an effect",
    }
}

fn noun(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Primitive => "primitive",
        OpKind::Effect => "effect",
    }
}

fn plural(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Primitive => "primitives",
        OpKind::Effect => "effects",
    }
}
