//! What a sketch needs: `use graft::prelude::*;` brings graft's plugins, layer
//! components and builders, op types, and Bevy's own prelude.

pub use bevy::prelude::*;

pub use crate::app::GraftAppPlugins;
pub use crate::ecs::{
    GraftPlugins, GraftSystems, Layer, LayerError, LayerRecipe, OpsRegistry, Realized, SceneClock,
    Stroke,
};
pub use crate::geometry::Polylines;
pub use crate::ops::{
    EvalContext, Op, OpError, OpKind, OpSchema, ParamSpec, Params, RawParam, Rgba,
};
pub use crate::sketch::{LayerSpec, RegisterOp, SetParam, Sketch, SpawnLayer};
