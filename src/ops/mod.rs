//! Ops: schemas, the registry, parameter resolution, recipes and every built-in
//! primitive and effect. Pure Rust: no ECS or renderer types.

mod dash;
mod displace;
mod expr;
mod fill;
pub mod noise;
mod op;
pub mod parallel;
mod primitives;
mod recipe;
mod registry;
mod repeat;
mod schema;
mod subdivide;
mod text;
mod transform;
mod value;

pub use expr::Expr;
pub use op::{EvalContext, EvalFn, FingerprintFn, Op, OpError, Params, ResourceBudget};
pub use primitives::A4_CENTER;
pub use recipe::{OpCall, ParamInput, RawParam, Recipe, ResolvedRecipe, Scalar, Stage, stage_id};
pub use registry::OpRegistry;
pub use schema::{OpKind, OpSchema, ParamKind, ParamSpec};
pub use text::{HersheyFont, bundled_font_names};
pub use value::{Rgba, Value, fmt_num};

/// Every built-in op, primitives first.
pub(crate) fn builtin_ops() -> Vec<Op> {
    [
        primitives::ops(),
        text::ops(),
        transform::ops(),
        repeat::ops(),
        subdivide::ops(),
        displace::ops(),
        fill::ops(),
        dash::ops(),
    ]
    .concat()
}
