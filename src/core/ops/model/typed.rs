//! Typed ops: one declaration ([`op!`](crate::op)) gives an op its parameter struct,
//! its [`OpSchema`] (which drives scene reading, validation, listings and the
//! inspector) and the conversions between the struct and schema-ordered values.
//! Evaluation ([`Evaluate`]) receives the struct, so no parameter is looked up by name.

use std::marker::PhantomData;

use crate::geometry::{IdHasher, Polylines, Vec3};

use super::failure::{OpError, OpFailure};
use super::op::{EvalContext, Op};
use super::reference::Inputs;
use super::schema::{OpKind, OpSchema, ParamSpec};
use super::value::{Rgba, Value};

/// A Rust type that can be an op parameter: its schema kind and value conversions.
pub trait ParamType: Sized + Clone {
    /// The parameter declaration for a field `name` with default `default`
    /// (kind, default and the type's own bounds; the op adds ranges, units and docs).
    fn spec(name: &str, default: &Self) -> ParamSpec;
    /// The value as the schema stores it.
    fn to_value(&self) -> Value;
    /// The field from a value already checked against [`ParamType::spec`].
    fn from_value(value: &Value) -> Option<Self>;
}

impl ParamType for f64 {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::float(name, *default)
    }
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Float(v) => Some(*v),
            Value::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

/// The f64 with the same shortest decimal form as `x` (0.1f32 → 0.1, not 0.10000000149),
/// so defaults and values written from f32 fields read as the author wrote them.
fn widen(x: f32) -> f64 {
    if !x.is_finite() {
        return x as f64;
    }
    x.to_string().parse().unwrap_or(x as f64)
}

impl ParamType for f32 {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::float(name, widen(*default)).single()
    }
    fn to_value(&self) -> Value {
        Value::Float(widen(*self))
    }
    fn from_value(value: &Value) -> Option<Self> {
        f64::from_value(value).map(|v| v as f32)
    }
}

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl ParamType for $t {
            fn spec(name: &str, default: &Self) -> ParamSpec {
                // The type's own range is a hard bound, so a value that would not fit never reaches the op.
                ParamSpec::int(name, *default as i64)
                    .domain((<$t>::MIN as f64).max(-9.0e15), (<$t>::MAX as f64).min(9.0e15))
            }
            fn to_value(&self) -> Value {
                Value::Int(*self as i64)
            }
            fn from_value(value: &Value) -> Option<Self> {
                match value {
                    Value::Int(v) => <$t>::try_from(*v).ok(),
                    _ => None,
                }
            }
        }
    )*};
}
int_param!(i64, i32, u32, u64, usize);

impl ParamType for bool {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::bool(name, *default)
    }
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Bool(v) => Some(*v),
            _ => None,
        }
    }
}

impl ParamType for String {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::string(name, default)
    }
    fn to_value(&self) -> Value {
        Value::Str(self.clone())
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Str(v) => Some(v.clone()),
            _ => None,
        }
    }
}

impl ParamType for Vec3 {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::vec3(name, default.to_array().map(widen)).single()
    }
    fn to_value(&self) -> Value {
        Value::Vec3(self.to_array().map(widen))
    }
    fn from_value(value: &Value) -> Option<Self> {
        value.as_vec3()
    }
}

impl ParamType for Vec<Vec3> {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::points(
            name,
            default.iter().map(|p| p.to_array().map(widen)).collect(),
        )
        .single()
    }
    fn to_value(&self) -> Value {
        Value::Points(self.iter().map(|p| p.to_array().map(widen)).collect())
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Points(ps) => Some(
                ps.iter()
                    .map(|p| Vec3::new(p[0] as f32, p[1] as f32, p[2] as f32))
                    .collect(),
            ),
            _ => None,
        }
    }
}

impl ParamType for Inputs {
    fn spec(name: &str, _default: &Self) -> ParamSpec {
        ParamSpec::refs(name)
    }
    fn to_value(&self) -> Value {
        Value::Inputs(self.0.clone())
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Inputs(refs) => Some(Inputs(refs.clone())),
            _ => None,
        }
    }
}

impl ParamType for [f64; 3] {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::vec3(name, *default)
    }
    fn to_value(&self) -> Value {
        Value::Vec3(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Vec3(v) => Some(*v),
            _ => None,
        }
    }
}

impl ParamType for Rgba {
    fn spec(name: &str, default: &Self) -> ParamSpec {
        ParamSpec::color(name, *default)
    }
    fn to_value(&self) -> Value {
        Value::Color(*self)
    }
    fn from_value(value: &Value) -> Option<Self> {
        match value {
            Value::Color(c) => Some(*c),
            _ => None,
        }
    }
}

/// A parameter type that is one of a fixed list of names (declared with
/// [`choice!`](crate::choice)).
pub trait Choice: Sized + Copy + 'static {
    /// Every variant with its name in scene files, in declaration order.
    const VARIANTS: &'static [(Self, &'static str)];

    /// The variant's name in scene files.
    fn name(self) -> &'static str;
}

/// What [`op!`](crate::op) generates for an op's parameter struct.
pub trait OpParams: Sized + Clone + Default + Send + Sync + 'static {
    /// Name in scene files and the registry.
    const NAME: &'static str;
    /// Primitive or effect.
    const KIND: OpKind;
    /// The op's schema: parameters in field order.
    fn schema() -> OpSchema;
    /// The struct from values in schema order (already validated against the schema).
    fn from_values(values: &[Value]) -> Option<Self>;
    /// The fields as values in schema order.
    fn to_values(&self) -> Vec<Value>;
}

/// Marks a typed op declared as a primitive (a layer's source).
pub trait PrimitiveOp: OpParams {}
/// Marks a typed op declared as an effect (a stage of a layer's chain).
pub trait EffectOp: OpParams {}

/// How a typed op evaluates: the parameter struct applied to the previous stage's
/// geometry (empty for primitives).
pub trait Evaluate: OpParams {
    /// The op's output.
    /// Failures are returned without the op's name: whoever runs the op adds it.
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure>;

    /// Adds what the output depends on beyond the parameters (a font file's content
    /// stamp, say) to the stage id. Most ops depend on nothing else.
    fn fingerprint(&self, _ctx: &EvalContext, _h: &mut IdHasher) {}

    /// The lighter parameters drawn instead while one of them is being dragged
    /// ([`EvalContext::draft`]): a coarser grid, fewer steps. `None` (most ops) when the
    /// op is quick enough as it is. [`Op::of`] marks the result with
    /// [`DRAFT_NOTE`](super::op::DRAFT_NOTE) and gives it an id of its own.
    fn draft(&self) -> Option<Self> {
        None
    }

    /// True when the output would be the input unchanged (a zero distance, no
    /// subdivisions): the evaluator then shares the input instead of evaluating, so a
    /// pass-through stage costs neither time nor memory.
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        false
    }

    /// Runs the op outside a recipe (a pass of `graft optimize`, a sketch's own call): a
    /// failure comes back with the op's name.
    fn apply(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        self.eval(input, ctx)
            .map_err(|failure| OpError::new(Self::NAME, failure))
    }
}

impl Op {
    /// The registry entry of a typed op: its schema, and an evaluation that hands the
    /// typed parameters to [`Evaluate::eval`].
    pub fn of<T: Evaluate>() -> Op {
        let typed = |p: &super::op::Params| {
            T::from_values(p.values()).ok_or_else(|| {
                OpFailure::bad_input("parameter values do not match the op's declaration")
            })
        };
        Op::new(T::schema(), move |input, p, ctx| {
            let params = typed(p)?;
            match ctx.draft.then(|| params.draft()).flatten() {
                Some(draft) => {
                    let mut out = draft.eval(input, ctx)?;
                    out.add_note(super::op::DRAFT_NOTE);
                    Ok(out)
                }
                None => params.eval(input, ctx),
            }
        })
        .with_fingerprint(move |p, ctx, h| {
            if let Ok(params) = typed(p) {
                params.fingerprint(ctx, h);
                // Drafts and full results are cached apart.
                if ctx.draft && params.draft().is_some() {
                    h.bytes(b"draft");
                }
            }
        })
        .with_passthrough(move |input, p, ctx| {
            typed(p).is_ok_and(|params| params.passes_through(input, ctx))
        })
    }
}

/// One parameter of a typed op, named at compile time with [`field!`](crate::field):
/// a misspelt field does not compile.
pub struct Field<Op, V> {
    name: &'static str,
    marker: PhantomData<fn(&Op) -> &V>,
}

impl<Op, V> Clone for Field<Op, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<Op, V> Copy for Field<Op, V> {}

impl<Op: OpParams, V: ParamType> Field<Op, V> {
    /// The field called `name`; `_access` proves at compile time that it exists.
    pub fn new(name: &'static str, _access: fn(&Op) -> &V) -> Self {
        Self {
            name,
            marker: PhantomData,
        }
    }

    /// The parameter's name in the schema.
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// Joins doc-comment lines into the one-line description a schema keeps.
pub fn doc_text(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The base declaration of a choice parameter of type `C`.
pub fn choice_spec<C: Choice>(name: &str, default: C) -> ParamSpec {
    let names: Vec<&str> = C::VARIANTS.iter().map(|(_, n)| *n).collect();
    ParamSpec::choice(name, default.name(), &names)
}

/// The variant of `C` a choice value names.
pub fn choice_from_value<C: Choice>(value: &Value) -> Option<C> {
    match value {
        Value::Choice(s) => C::VARIANTS.iter().find(|(_, n)| n == s).map(|(v, _)| *v),
        _ => None,
    }
}

/// Declares a typed op: a parameter struct whose fields are the op's parameters.
///
/// Each field gives its type, its default and, after `=>`, the [`ParamSpec`](crate::ops::ParamSpec)
/// builder calls (UI range, hard bounds, unit…); its doc comment is the parameter's
/// description. The op's name, kind and version come from the attribute. Then
/// implement [`Evaluate`](crate::ops::Evaluate) and register it with `Op::of::<T>()`.
///
/// ```
/// use graft::ops::{EvalContext, Evaluate, OpFailure, OpParams};
/// use graft::geometry::Polylines;
///
/// graft::op! {
///     /// moves every point down by `dy`
///     #[op(effect, name = "nudge", version = 1)]
///     pub struct Nudge {
///         /// how far to move
///         pub dy: f64 = 1.0 => ui(0.0, 10.0).min(0.0).unit("mm"),
///     }
/// }
///
/// impl Evaluate for Nudge {
///     fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
///         let dy = self.dy as f32;
///         Ok(input.with_points(input.points().iter().map(|p| *p + glam::Vec3::Y * dy).collect()))
///     }
/// }
///
/// assert_eq!(Nudge::schema().params[0].name, "dy");
/// assert_eq!(Nudge::default().dy, 1.0);
/// ```
///
/// A misspelt parameter is a compile error:
///
/// ```compile_fail
/// use graft::ops::Subdivide;
/// let s = Subdivide { subdivisons: 6 };
/// ```
#[macro_export]
macro_rules! op {
    (
        $(#[doc = $doc:literal])*
        #[op($kind:ident, name = $name:literal, version = $version:literal)]
        $vis:vis struct $T:ident {
            $(
                $(#[doc = $fdoc:literal])*
                $fvis:vis $field:ident : $fty:ty = $default:expr
                $(=> $m0:ident ( $($a0:expr),* ) $(. $m:ident ( $($a:expr),* ))* )?
            ),* $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Debug, PartialEq)]
        $vis struct $T {
            $( $(#[doc = $fdoc])* $fvis $field: $fty, )*
        }

        impl ::core::default::Default for $T {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        impl $crate::ops::OpParams for $T {
            const NAME: &'static str = $name;
            const KIND: $crate::ops::OpKind = $crate::__op_kind!($kind);

            fn schema() -> $crate::ops::OpSchema {
                $crate::ops::OpSchema::declare(
                    $name,
                    $version,
                    Self::KIND,
                    &$crate::ops::doc_text(&[$($doc),*]),
                    ::std::vec![$(
                        <$fty as $crate::ops::ParamType>::spec(::core::stringify!($field), &$default)
                            $(.$m0($($a0),*) $(.$m($($a),*))*)?
                            .doc(&$crate::ops::doc_text(&[$($fdoc),*])),
                    )*],
                )
            }

            fn from_values(values: &[$crate::ops::Value]) -> ::core::option::Option<Self> {
                // An op without parameters reads nothing.
                #[allow(unused_mut, unused_variables)]
                let mut values = values.iter();
                ::core::option::Option::Some(Self {
                    $($field: <$fty as $crate::ops::ParamType>::from_value(values.next()?)?,)*
                })
            }

            fn to_values(&self) -> ::std::vec::Vec<$crate::ops::Value> {
                ::std::vec![$($crate::ops::ParamType::to_value(&self.$field)),*]
            }
        }

        $crate::__op_marker!($kind, $T);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __op_kind {
    (effect) => {
        $crate::ops::OpKind::Effect
    };
    (primitive) => {
        $crate::ops::OpKind::Primitive
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __op_marker {
    (effect, $T:ident) => {
        impl $crate::ops::EffectOp for $T {}
    };
    (primitive, $T:ident) => {
        impl $crate::ops::PrimitiveOp for $T {}
    };
}

/// Declares the enum of a choice parameter: each variant with its name in scene files.
///
/// ```
/// graft::choice! {
///     /// where copies go
///     pub enum Layout { Grid = "grid", Radial = "radial" }
/// }
/// assert_eq!(graft::ops::Choice::name(Layout::Radial), "radial");
/// ```
#[macro_export]
macro_rules! choice {
    (
        $(#[doc = $doc:literal])*
        $vis:vis enum $E:ident { $($(#[doc = $vdoc:literal])* $V:ident = $n:literal),+ $(,)? }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $E { $($(#[doc = $vdoc])* #[doc = ::core::concat!("`\"", $n, "\"` in scene files")] $V),+ }

        impl $crate::ops::Choice for $E {
            const VARIANTS: &'static [(Self, &'static str)] = &[$(($E::$V, $n)),+];
            fn name(self) -> &'static str {
                match self { $($E::$V => $n),+ }
            }
        }

        impl $crate::ops::ParamType for $E {
            fn spec(name: &str, default: &Self) -> $crate::ops::ParamSpec {
                $crate::ops::choice_spec(name, *default)
            }
            fn to_value(&self) -> $crate::ops::Value {
                $crate::ops::Value::Choice($crate::ops::Choice::name(*self).into())
            }
            fn from_value(value: &$crate::ops::Value) -> ::core::option::Option<Self> {
                $crate::ops::choice_from_value(value)
            }
        }
    };
}

/// Names a parameter of a typed op, checked at compile time: `field!(Wobble::phase)`.
#[macro_export]
macro_rules! field {
    ($Op:ident :: $f:ident) => {
        $crate::ops::Field::<$Op, _>::new(::core::stringify!($f), |op: &$Op| &op.$f)
    };
}
