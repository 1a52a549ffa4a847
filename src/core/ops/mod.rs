//! Ops: schemas, the registry, parameter resolution, recipes and every built-in
//! primitive and effect. Pure Rust: no ECS or renderer types.
//!
//! Every built-in op is a typed struct declared with [`op!`](crate::op); sketches
//! build layers from the same structs (`Grid { nx: 40, ..default() }`).

mod arclength;
mod boolean;
mod buffer;
mod clip;
mod context;
mod crop;
mod curves;
mod dash;
mod dedupe;
mod deform;
mod displace;
mod error;
mod expr;
mod fill;
mod lsystem;
mod mirror;
mod mirror3d;
pub mod noise;
mod occult;
mod offset_curve;
mod op;
pub mod parallel;
mod passes;
mod path_edit;
mod perspective;
mod perturb;
mod planar;
mod primitives;
mod random;
mod recipe;
mod reference;
mod registry;
mod repeat;
mod scene_budget;
mod schema;
mod select;
mod shapes;
mod smooth;
mod solids;
mod subdivide;
mod svg_import;
mod symmetry;
mod text;
mod transform;
mod typed;
mod value;
mod warp;

pub use boolean::{Boolean, BooleanOp};
pub use buffer::{Buffer, BufferJoin};
pub use clip::{Clip, ClipMode};
pub use context::{Executor, FileError, FileSource, Job, NoFiles, ScopedThreads, Serial};
pub use crop::{Crop, CropKeep, CropShape};
pub use curves::{Bezier, Polyline, Spline};
pub use dash::{Dash, Trim};
pub use dedupe::Deduplicate;
pub use deform::{Collapse, Extrude, ExtrudeCenter, Twist};
pub use displace::{Displace, GradientProfile};
pub use error::{
    ColorError, EvalError, ExprError, ParamError, RegistryError, SchemaError, ValueError,
};
pub use expr::Expr;
pub use fill::{Fill, FillRule};
pub use lsystem::{Lsystem, LsystemKind};
pub use mirror::Mirror;
pub use mirror3d::{Mirror3d, Mirror3dMode, SymmetryGroup};
pub use occult::Occult;
pub use offset_curve::{OffsetCurve, OffsetSide};
pub use op::{EvalContext, EvalFn, FingerprintFn, Op, OpError, Page, Params, ResourceBudget};
pub use passes::{
    ClosedFilter, FilterLines, Linemerge, Linesort, Multipass, Reloop, ReverseLines, Splitall,
};
pub use path_edit::{ClosedMode, Resample, Simplify};
pub use perspective::{HiddenLines, Perspective};
pub use perturb::{Bold, PixelCorner, Pixelate, Quantize, Wobble};
pub use primitives::{A4_CENTER, Circle, Grid, Line, LineAnchor, Lissajous, Polygon, Rect, Spiral};
pub use recipe::{OpCall, ParamInput, RawParam, Recipe, ResolvedRecipe, Scalar, Stage, stage_id};
pub use reference::{Binder, GeometryRef, Inputs, RefError};
pub use registry::OpRegistry;
pub use repeat::{Repeat, RepeatLayout};
pub use scene_budget::{DEFAULT_SCENE_VERTICES, OverSceneBudget, SceneBudget};
pub use schema::{OpKind, OpSchema, ParamKind, ParamSpec};
pub use select::{DropBy, DropLines, KeepMode};
pub use shapes::{CircularArc, Ellipse, Wave, WaveKind};
pub use smooth::{Highpass, Lowpass};
pub use solids::{Polyhedron, PolyhedronKind, Sphere, SphereLines, SphereStyle, Torus};
pub use subdivide::Subdivide;
pub use svg_import::{SvgDocument, SvgFile, SvgLayer, read_svg_document};
pub use text::{FontCache, FontError, HersheyFont, JhfError, Text, TextAlign, bundled_font_names};
pub use transform::{Affine, Rotate, Scale, ScaleMode, Translate};
pub use typed::{
    Choice, EffectOp, Evaluate, Field, OpParams, ParamType, PrimitiveOp, choice_from_value,
    choice_spec, doc_text,
};
pub use value::{Rgba, Value, fmt_num};
pub use warp::{AttractDirection, LensKind, LensProfile, Warp, WarpMode};

/// Every built-in op, primitives first.
pub(crate) fn builtin_ops() -> Vec<Op> {
    vec![
        Op::of::<Line>(),
        Op::of::<Polygon>(),
        Op::of::<Circle>(),
        Op::of::<Rect>(),
        Op::of::<Grid>(),
        Op::of::<Spiral>(),
        Op::of::<Lissajous>(),
        Op::of::<Text>(),
        Op::of::<CircularArc>(),
        Op::of::<Ellipse>(),
        Op::of::<Wave>(),
        Op::of::<Polyhedron>(),
        Op::of::<Sphere>(),
        Op::of::<Torus>(),
        Op::of::<Lsystem>(),
        Op::of::<Polyline>(),
        Op::of::<Bezier>(),
        Op::of::<Spline>(),
        Op::of::<SvgFile>(),
        Op::of::<Translate>(),
        Op::of::<Rotate>(),
        Op::of::<Scale>(),
        Op::of::<Affine>(),
        Op::of::<Repeat>(),
        Op::of::<Subdivide>(),
        Op::of::<Displace>(),
        Op::of::<Fill>(),
        Op::of::<Dash>(),
        Op::of::<Trim>(),
        Op::of::<Resample>(),
        Op::of::<Simplify>(),
        Op::of::<Quantize>(),
        Op::of::<Wobble>(),
        Op::of::<Bold>(),
        Op::of::<DropLines>(),
        Op::of::<Mirror>(),
        Op::of::<Perspective>(),
        Op::of::<Lowpass>(),
        Op::of::<Highpass>(),
        Op::of::<Pixelate>(),
        Op::of::<Twist>(),
        Op::of::<Extrude>(),
        Op::of::<Collapse>(),
        Op::of::<Deduplicate>(),
        Op::of::<Mirror3d>(),
        Op::of::<Linemerge>(),
        Op::of::<Linesort>(),
        Op::of::<Reloop>(),
        Op::of::<Multipass>(),
        Op::of::<FilterLines>(),
        Op::of::<Splitall>(),
        Op::of::<ReverseLines>(),
        Op::of::<Crop>(),
        Op::of::<Buffer>(),
        Op::of::<OffsetCurve>(),
        Op::of::<Occult>(),
        Op::of::<Clip>(),
        Op::of::<Boolean>(),
        Op::of::<Warp>(),
    ]
}
