//! Ops: schemas, the registry, parameter resolution, recipes and every built-in
//! primitive and effect. Pure Rust: no ECS or renderer types.
//!
//! Every built-in op is a typed struct declared with [`op!`](crate::op); sketches
//! build layers from the same structs (`Grid { nx: 40, ..default() }`).

// Floors, bottom up: `model` (how an op is declared and what it may consult), then
// `recipe` (calls, chains, addresses, the registry) and `kit` (shared algorithms with no
// op types), then the catalogue by kind: `primitives`, `effects`, `regions`, `plot`,
// `generative`.
// `tests/it/layering.rs` holds them to that order.
pub(crate) mod effects;
pub(crate) mod generative;
pub(crate) mod kit;
pub(crate) mod model;
pub(crate) mod pictures;
pub(crate) mod plot;
pub(crate) mod primitives;
pub(crate) mod recipe;
pub(crate) mod regions;

pub use kit::{noise, parallel};

pub use effects::dash::{Dash, Trim};
pub use effects::deform::{Collapse, Extrude, ExtrudeCenter, Twist};
pub use effects::displace::{Displace, GradientProfile};
pub use effects::fill::Fill;
pub use effects::mirror::Mirror;
pub use effects::mirror3d::{Mirror3d, Mirror3dMode};
pub use effects::path_edit::{ClosedMode, Resample, Simplify};
pub use effects::perspective::{HiddenLines, Perspective};
pub use effects::perturb::{Bold, PixelCorner, Pixelate, Quantize, Wobble};
pub use effects::repeat::{Repeat, RepeatLayout};
pub use effects::select::{DropBy, DropLines, KeepMode};
pub use effects::smooth::{Highpass, Lowpass};
pub use effects::subdivide::Subdivide;
pub use effects::transform::{Affine, Rotate, Scale, ScaleMode, Translate};
pub use generative::asemic::{Asemic, StrokeStyle};
pub use generative::conformal_grid::{ConformalMap, LaplaceFieldGrid};
pub use generative::growth::{Growth, GrowthEdge};
pub use generative::isocontour::{ContourSide, Isocontour};
pub use generative::metaball::{Metaball, MetaballOutput};
pub use generative::partition::{Partition, PartitionMode};
pub use generative::reaction_diffusion::{RdBoundary, ReactionDiffusion};
pub use generative::relax::Relax;
pub use generative::weave::Weave;
pub use kit::defaults::A4_CENTER;
pub use kit::fill_rule::FillRule;
pub use kit::symmetry::SymmetryGroup;
pub use model::context::{Executor, FileError, FileSource, Job, NoFiles, ScopedThreads, Serial};
pub use model::error::{ColorError, EvalError, ParamError, RegistryError, SchemaError, ValueError};
pub use model::expr::Expr;
pub use model::expr::{EXPR_FUNCTIONS, ExprError};
pub use model::failure::{OpError, OpFailure};
pub use model::memo::Memo;
pub use model::op::{
    DRAFT_NOTE, EvalContext, EvalFn, FingerprintFn, Op, Page, Params, PassthroughFn,
    ResourceBudget, is_draft,
};
pub use model::progress::Progress;
pub use model::reference::{Binder, GeometryRef, Inputs, RefError};
pub use model::scene_budget::{DEFAULT_SCENE_VERTICES, OverSceneBudget, SceneBudget};
pub use model::schema::{OpKind, OpSchema, ParamKind, ParamSpec};
pub use model::typed::{
    Choice, EffectOp, Evaluate, Field, OpParams, ParamType, PrimitiveOp, choice_from_value,
    choice_spec, doc_text,
};
pub use model::value::{Rgba, Value, fmt_num};
pub use pictures::edges::Edges;
pub use pictures::flow_lines::{FlowField, FlowLines};
pub use pictures::halftone::{DotShape, Halftone};
pub use pictures::source::{Channel, DecodedImages};
pub use pictures::squiggle::{Squiggle, SquigglePath};
pub use pictures::stipple::{Stipple, StippleDot};
pub use pictures::tone_contour::ToneContour;
pub use pictures::tone_hatch::ToneHatch;
pub use plot::dedupe::Deduplicate;
pub use plot::passes::{
    ClosedFilter, FilterLines, Linemerge, Linesort, Multipass, Reloop, ReverseLines, Splitall,
};
pub use primitives::basic::{Circle, Grid, Line, LineAnchor, Lissajous, Polygon, Rect, Spiral};
pub use primitives::curves::{Bezier, Polyline, Spline};
pub use primitives::lsystem::{Lsystem, LsystemKind};
pub use primitives::shapes::{CircularArc, Ellipse, Wave, WaveKind};
pub use primitives::solids::{Polyhedron, PolyhedronKind, Sphere, SphereLines, SphereStyle, Torus};
pub use primitives::svg_import::{SvgDocument, SvgFile, SvgLayer, read_svg_document};
pub use primitives::text::{
    FontCache, FontError, HersheyFont, JhfError, Text, TextAlign, bundled_font_names,
};
pub use recipe::address::{AddressError, ParamAddress, ParamSlot, StageName};
pub use recipe::chain::{
    OpCall, ParamInput, RawParam, Recipe, ResolvedRecipe, SEED_PARAM, Scalar, Stage, stage_id,
};
pub use recipe::registry::OpRegistry;
pub use regions::boolean::{Boolean, BooleanOp};
pub use regions::buffer::{Buffer, BufferJoin};
pub use regions::clip::{Clip, ClipMode};
pub use regions::crop::{Crop, CropKeep, CropShape};
pub use regions::occult::Occult;
pub use regions::offset_curve::{OffsetCurve, OffsetSide};
pub use regions::warp::{AttractDirection, LensKind, LensProfile, Warp, WarpMode};

impl OpRegistry {
    /// A registry with every built-in primitive and effect.
    pub fn builtin() -> Self {
        let mut r = Self::empty();
        for op in builtin_ops() {
            r.register(op).expect("built-in schemas are valid");
        }
        r
    }
}

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
        Op::of::<ToneContour>(),
        Op::of::<ToneHatch>(),
        Op::of::<FlowLines>(),
        Op::of::<Squiggle>(),
        Op::of::<Stipple>(),
        Op::of::<Halftone>(),
        Op::of::<Edges>(),
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
        Op::of::<Isocontour>(),
        Op::of::<Metaball>(),
        Op::of::<Partition>(),
        Op::of::<ReactionDiffusion>(),
        Op::of::<Relax>(),
        Op::of::<Growth>(),
        Op::of::<Weave>(),
        Op::of::<Asemic>(),
        Op::of::<LaplaceFieldGrid>(),
    ]
}
