//! References: a stage may read other geometry besides its input, the final output of
//! another layer or of a named shape of the scene (`clip(mask: "frame")`,
//! `occult(by: ["sun", "title"])`). The scene binds each name to that geometry's id
//! before stage ids are computed (so a stage's id covers every input it reads), and the
//! evaluator attaches the geometry itself before the stage runs.

use std::sync::Arc;

use crate::geometry::{GeometryId, Polylines};

/// One referenced geometry: its name in the scene, and once bound its id and points.
#[derive(Clone, Debug)]
pub struct GeometryRef {
    /// Name of the layer or shape.
    pub name: String,
    /// Id of its final geometry (set when the scene binds the reference).
    pub id: Option<GeometryId>,
    /// The geometry (attached just before evaluation).
    pub geometry: Option<Arc<Polylines>>,
}

impl PartialEq for GeometryRef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.id == other.id
    }
}

impl GeometryRef {
    /// An unbound reference to `name`.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            id: None,
            geometry: None,
        }
    }
}

/// The names a stage reads (a typed op's field for a reference parameter): empty, one
/// name, or several. Evaluation sees the geometry of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs(pub Vec<GeometryRef>);

impl Inputs {
    /// References to `names`, in order.
    pub fn named<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Self {
        Self(names.into_iter().map(GeometryRef::named).collect())
    }

    /// No reference.
    pub fn none() -> Self {
        Self::default()
    }

    /// True when nothing is referenced.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The referenced names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|r| r.name.as_str())
    }

    /// The referenced geometries, in order (those not attached are left out; the
    /// pipeline attaches every one before a stage runs).
    pub fn geometries(&self) -> impl Iterator<Item = &Polylines> {
        self.0.iter().filter_map(|r| r.geometry.as_deref())
    }
}

/// Why a reference could not be bound.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RefError {
    /// No layer or shape has the name.
    #[error("there is no layer or shape named '{name}'; valid names: {valid}")]
    Missing {
        /// The name asked for.
        name: String,
        /// The names that exist.
        valid: String,
    },
    /// The named geometry has no id (its own recipe failed, or no scene is there).
    #[error("'{name}' cannot be read: {why}")]
    Unavailable {
        /// The name asked for.
        name: String,
        /// Why, in plain words.
        why: String,
    },
}

/// Binds reference names to the ids of their geometry.
pub type Binder<'a> = dyn Fn(&str) -> Result<GeometryId, RefError> + 'a;
