//! What a sketch needs: `use graft::prelude::*;` brings graft's plugins, layer
//! components and builders, every built-in op struct, the op declaration macros, and
//! Bevy's own prelude. graft's op structs (`Circle`, `Rect`, `Line`, …) shadow Bevy's
//! shapes of the same names.

pub use bevy::prelude::*;

pub use crate::app::GraftAppPlugins;
pub use crate::ecs::{
    GraftPlugins, GraftSystems, Layer, LayerError, LayerRecipe, OpsRegistry, Realized, SceneClock,
    Stroke,
};
pub use crate::geometry::Polylines;
pub use crate::ops::{
    Affine, Circle, Dash, Displace, EvalContext, Evaluate, Fill, GradientProfile, Grid, Line,
    LineAnchor, Lissajous, Op, OpError, OpFailure, OpKind, OpParams, OpSchema, ParamSpec, Params,
    Polygon, RawParam, Rect, Repeat, RepeatLayout, Rgba, Rotate, Scale, ScaleMode, Spiral,
    Subdivide, Text, TextAlign, Translate, Trim,
};
// Region ops, which read other layers by name (`Inputs::named(["frame"])`).
pub use crate::ops::{
    Boolean, BooleanOp, Buffer, Clip, ClipMode, Crop, CropShape, FillRule, Inputs, Occult,
    OffsetCurve, Warp, WarpMode,
};
pub use crate::sketch::{LayerSpec, RegisterOp, SetParam, Sketch, SpawnLayer};
pub use crate::{choice, field, op};
