//! Recipes: a source op and a chain of effects with (possibly animated) parameters,
//! resolved at a time `t` into stages with ids, and evaluated stage by stage.

use std::sync::Arc;

use crate::geometry::{GeometryId, IdHasher, Polylines};

use crate::ops::model::error::{ParamError, ValueError};
use crate::ops::model::expr::Expr;
use crate::ops::model::expr::ExprError;
use crate::ops::model::failure::{OpError, OpFailure};
use crate::ops::model::op::{EvalContext, Op, Params};
use crate::ops::model::reference::{Binder, GeometryRef, RefError};
use crate::ops::model::schema::{ParamKind, ParamSpec};
use crate::ops::model::typed::{Evaluate, OpParams};
use crate::ops::model::value::{Rgba, Value};

/// A parameter as written by a user, before it is checked against a schema.
#[derive(Clone, Debug, PartialEq)]
pub enum RawParam {
    /// A number; `true` when written as an integer.
    Num(f64, bool),
    /// A switch.
    Bool(bool),
    /// Text: a choice name, a colour, free text or an expression of `t`.
    Str(String),
    /// A tuple (vec3).
    Seq(Vec<RawParam>),
}

impl From<f64> for RawParam {
    fn from(v: f64) -> Self {
        RawParam::Num(v, false)
    }
}
impl From<f32> for RawParam {
    fn from(v: f32) -> Self {
        RawParam::Num(v as f64, false)
    }
}
impl From<i64> for RawParam {
    fn from(v: i64) -> Self {
        RawParam::Num(v as f64, true)
    }
}
impl From<i32> for RawParam {
    fn from(v: i32) -> Self {
        RawParam::Num(v as f64, true)
    }
}
impl From<bool> for RawParam {
    fn from(v: bool) -> Self {
        RawParam::Bool(v)
    }
}
impl From<&str> for RawParam {
    fn from(v: &str) -> Self {
        RawParam::Str(v.into())
    }
}
impl From<String> for RawParam {
    fn from(v: String) -> Self {
        RawParam::Str(v)
    }
}
impl<T: Into<RawParam>> From<[T; 3]> for RawParam {
    fn from(v: [T; 3]) -> Self {
        RawParam::Seq(v.into_iter().map(Into::into).collect())
    }
}
impl<A: Into<RawParam>, B: Into<RawParam>, C: Into<RawParam>> From<(A, B, C)> for RawParam {
    fn from((a, b, c): (A, B, C)) -> Self {
        RawParam::Seq(vec![a.into(), b.into(), c.into()])
    }
}

impl RawParam {
    /// A parameter written as text in Rust: `"t * 0.2"`, or `"(0, 0, t * 10)"` for the
    /// three components of a vec3 (numbers stay numbers, the rest are expressions).
    pub fn expression(text: &str) -> RawParam {
        let item = |s: &str| {
            let s = s.trim();
            match s.parse::<f64>() {
                Ok(v) => RawParam::Num(v, false),
                Err(_) => RawParam::Str(s.to_string()),
            }
        };
        let t = text.trim();
        if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            let mut parts = Vec::new();
            let (mut depth, mut start) = (0i32, 0);
            for (i, c) in inner.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    ',' if depth == 0 => {
                        parts.push(item(&inner[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            parts.push(item(&inner[start..]));
            if parts.len() == 3 {
                return RawParam::Seq(parts);
            }
        }
        RawParam::Str(t.to_string())
    }
}

/// One number that is either fixed or an expression of `t`.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A fixed number.
    Const(f64),
    /// An expression of `t`.
    Expr(Expr),
}

impl Scalar {
    fn eval(&self, t: f64) -> Result<f64, ExprError> {
        match self {
            Scalar::Const(v) => Ok(*v),
            Scalar::Expr(e) => e.eval(t),
        }
    }

    fn animated(&self) -> bool {
        matches!(self, Scalar::Expr(e) if e.uses_t())
    }

    fn to_ron(&self) -> String {
        match self {
            Scalar::Const(v) => crate::ops::model::value::fmt_num(*v),
            Scalar::Expr(e) => format!("{:?}", e.source()),
        }
    }
}

/// A checked parameter: a constant, or numbers that may depend on `t`.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamInput {
    /// A constant value.
    Const(Value),
    /// A float or int given by a scalar (possibly an expression).
    Number(Scalar),
    /// A vec3 whose components may be expressions.
    Vec3([Scalar; 3]),
}

impl ParamInput {
    /// Checks a raw parameter against its spec (kind and, for constants, domain).
    pub fn from_raw(spec: &ParamSpec, raw: &RawParam) -> Result<ParamInput, ValueError> {
        let scalar = |r: &RawParam| -> Result<Scalar, ValueError> {
            match r {
                RawParam::Num(v, _) => Ok(Scalar::Const(*v)),
                RawParam::Str(s) => Ok(Scalar::Expr(Expr::parse(s)?)),
                other => Err(ValueError::WrongKind {
                    allowed: "a number or an expression of t".into(),
                    found: raw_word(other),
                }),
            }
        };
        let input = match (&spec.kind, raw) {
            (ParamKind::Float, r) => ParamInput::Number(scalar(r)?),
            (ParamKind::Int, RawParam::Num(v, false)) if v.fract() != 0.0 => {
                return Err(ValueError::WrongKind {
                    allowed: spec.allowed(),
                    found: format!("{v}"),
                });
            }
            (ParamKind::Int, r) => ParamInput::Number(scalar(r)?),
            (ParamKind::Vec3, RawParam::Seq(items)) if items.len() == 3 => {
                ParamInput::Vec3([scalar(&items[0])?, scalar(&items[1])?, scalar(&items[2])?])
            }
            // A single number or expression for a vec3 means the same on every axis.
            (ParamKind::Vec3, RawParam::Str(s)) => {
                let e = Scalar::Expr(Expr::parse(s)?);
                ParamInput::Vec3([e.clone(), e.clone(), e])
            }
            (ParamKind::Vec3, RawParam::Num(v, _)) => {
                ParamInput::Vec3([Scalar::Const(*v), Scalar::Const(*v), Scalar::Const(*v)])
            }
            (ParamKind::Bool, RawParam::Bool(b)) => ParamInput::Const(Value::Bool(*b)),
            (ParamKind::Choice(_), RawParam::Str(s)) => ParamInput::Const(Value::Choice(s.clone())),
            (ParamKind::Color, RawParam::Str(s)) => {
                ParamInput::Const(Value::Color(Rgba::parse(s)?))
            }
            (ParamKind::String, RawParam::Str(s)) => ParamInput::Const(Value::Str(s.clone())),
            (ParamKind::Refs, RawParam::Str(s)) if s.is_empty() => {
                ParamInput::Const(Value::Inputs(Vec::new()))
            }
            (ParamKind::Refs, RawParam::Str(s)) => {
                ParamInput::Const(Value::Inputs(vec![GeometryRef::named(s.clone())]))
            }
            (ParamKind::Refs, RawParam::Seq(items)) => {
                let name = |(i, r): (usize, &RawParam)| match r {
                    RawParam::Str(s) => Ok(GeometryRef::named(s.clone())),
                    other => Err(ValueError::WrongKind {
                        allowed: format!("a layer or shape name as text in place {}", i + 1),
                        found: raw_word(other),
                    }),
                };
                let refs = items
                    .iter()
                    .enumerate()
                    .map(name)
                    .collect::<Result<_, _>>()?;
                ParamInput::Const(Value::Inputs(refs))
            }
            (ParamKind::Points, RawParam::Seq(items)) => {
                let point = |(i, r): (usize, &RawParam)| -> Result<[f64; 3], ValueError> {
                    match r {
                        RawParam::Seq(c) if (2..=3).contains(&c.len()) => {
                            let mut p = [0.0; 3];
                            for (k, x) in c.iter().enumerate() {
                                let RawParam::Num(v, _) = x else {
                                    return Err(ValueError::WrongKind {
                                        allowed: format!("numbers in point {}", i + 1),
                                        found: raw_word(x),
                                    });
                                };
                                p[k] = *v;
                            }
                            Ok(p)
                        }
                        other => Err(ValueError::WrongKind {
                            allowed: format!("point {} as (x, y) or (x, y, z)", i + 1),
                            found: raw_word(other),
                        }),
                    }
                };
                let points = items
                    .iter()
                    .enumerate()
                    .map(point)
                    .collect::<Result<_, _>>()?;
                ParamInput::Const(Value::Points(points))
            }
            (_, other) => {
                return Err(ValueError::WrongKind {
                    allowed: spec.allowed(),
                    found: raw_word(other),
                });
            }
        };
        // Constants are checked now, expressions when they are evaluated.
        if !input.is_animated() {
            if let ParamInput::Const(v) = &input {
                v.check_quantum()?;
            }
            if let ParamInput::Number(Scalar::Const(v)) = &input {
                Value::Float(*v).check_quantum()?;
            }
            if let ParamInput::Vec3(c) = &input {
                for s in c {
                    if let Scalar::Const(v) = s {
                        Value::Float(*v).check_quantum()?;
                    }
                }
            }
            input.resolve(spec, 0.0)?;
        }
        Ok(input)
    }

    /// True when the value changes with `t`.
    pub fn is_animated(&self) -> bool {
        match self {
            ParamInput::Const(_) => false,
            ParamInput::Number(s) => s.animated(),
            ParamInput::Vec3(v) => v.iter().any(Scalar::animated),
        }
    }

    /// The concrete, quantised, domain-checked value at time `t`.
    pub fn resolve(&self, spec: &ParamSpec, t: f64) -> Result<Value, ValueError> {
        let value = match self {
            ParamInput::Const(v) => v.clone(),
            ParamInput::Number(s) => {
                let v = s.eval(t)?;
                if spec.kind == ParamKind::Int {
                    Value::Int(v.round() as i64)
                } else {
                    Value::Float(v)
                }
            }
            ParamInput::Vec3(c) => Value::Vec3([c[0].eval(t)?, c[1].eval(t)?, c[2].eval(t)?]),
        }
        .quantised();
        spec.check(&value)?;
        Ok(value)
    }

    /// The parameter written as in a scene file (expressions keep their text).
    pub fn to_ron(&self) -> String {
        match self {
            ParamInput::Const(v) => v.to_ron(),
            ParamInput::Number(s) => s.to_ron(),
            ParamInput::Vec3(c) => {
                format!("({}, {}, {})", c[0].to_ron(), c[1].to_ron(), c[2].to_ron())
            }
        }
    }
}

fn raw_word(r: &RawParam) -> String {
    match r {
        RawParam::Num(v, _) => format!("the number {v}"),
        RawParam::Bool(b) => format!("{b}"),
        RawParam::Str(s) => format!("the text {:?}", crate::ops::model::message::shorten(s)),
        RawParam::Seq(s) => format!("a tuple of {} items", s.len()),
    }
}

/// An op with its parameters as written (one entry per schema parameter) and an on/off switch.
#[derive(Clone, Debug)]
pub struct OpCall {
    /// The op.
    pub op: Arc<Op>,
    /// Off means the stage passes its input through (effects only).
    pub enabled: bool,
    /// The stage's name in parameter addresses (`id: "tilt"` in a scene file); without
    /// one the stage is named by its op and ordinal (`rotate#2`).
    pub id: Option<String>,
    /// Inputs in schema order.
    pub params: Vec<ParamInput>,
    /// Indices of the parameters set explicitly (by a scene file or [`OpCall::set`]), in
    /// the order they were given: a saved scene writes them first, in that order. Not
    /// part of equality.
    pub written: Vec<usize>,
}

impl PartialEq for OpCall {
    fn eq(&self, other: &Self) -> bool {
        // The same op, or one declared identically (e.g. from another registry).
        (Arc::ptr_eq(&self.op, &other.op) || self.op.schema() == other.op.schema())
            && self.enabled == other.enabled
            && self.id == other.id
            && self.params == other.params
            // A written seed pins the stage; an unwritten one draws from the scene's.
            && self.seed_written() == other.seed_written()
    }
}

impl OpCall {
    /// A call of `op` with every parameter at its default.
    pub fn defaults(op: Arc<Op>) -> Self {
        let params = op
            .schema()
            .params
            .iter()
            .map(|p| ParamInput::Const(p.default.clone()))
            .collect();
        Self {
            op,
            enabled: true,
            id: None,
            params,
            written: Vec::new(),
        }
    }

    /// A call of `op` with the values of a typed op's parameter struct; fields that
    /// differ from the declared defaults count as written. Each value is checked
    /// against the schema (a typed field can still be out of range).
    pub fn from_typed<T: OpParams>(op: Arc<Op>, params: &T) -> Result<Self, ParamError> {
        if op.name() != T::NAME {
            return Err(ParamError::NameMismatch {
                declared: T::NAME.into(),
                registered: op.name().into(),
            });
        }
        let mut call = Self::defaults(op);
        let schema = Arc::clone(call.op.schema());
        let values = params.to_values();
        if values.len() != schema.params.len() {
            return Err(ParamError::SchemaMismatch { op: T::NAME.into() });
        }
        for (i, (spec, value)) in schema.params.iter().zip(values).enumerate() {
            spec.check(&value)
                .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))?;
            if value != spec.default {
                call.params[i] = ParamInput::Const(value);
                call.mark_written(i);
            }
        }
        Ok(call)
    }

    /// A call of the typed op `T` with `params`, without a registry (for code that
    /// evaluates recipes itself, such as the pure core's users).
    pub fn of<T: Evaluate>(params: T) -> Result<Self, ParamError> {
        Self::from_typed(Arc::new(Op::of::<T>()), &params)
    }

    /// Sets the parameter of a typed field to a constant (checked like a scene value).
    /// Returns whether the call changed.
    pub fn set_value(&mut self, name: &str, value: Value) -> Result<bool, ParamError> {
        let schema = Arc::clone(self.op.schema());
        let i = self.param_index(name)?;
        let spec = &schema.params[i];
        value
            .check_quantum()
            .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))?;
        let value = value.quantised();
        spec.check(&value)
            .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))?;
        let input = ParamInput::Const(value);
        if self.params[i] == input {
            return Ok(false);
        }
        self.params[i] = input;
        self.mark_written(i);
        Ok(true)
    }

    /// Sets parameter `name` from a raw value, with a message naming op and parameter on error.
    pub fn set(&mut self, name: &str, raw: &RawParam) -> Result<(), ParamError> {
        let i = self.param_index(name)?;
        let schema = self.op.schema();
        let spec = &schema.params[i];
        self.params[i] = ParamInput::from_raw(spec, raw)
            .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))?;
        self.mark_written(i);
        Ok(())
    }

    /// Index of parameter `name`, or a message listing the op's parameters.
    fn param_index(&self, name: &str) -> Result<usize, ParamError> {
        let schema = self.op.schema();
        schema.index_of(name).ok_or_else(|| ParamError::Unknown {
            op: schema.name.clone(),
            name: crate::ops::model::error::shorten(name),
            valid: schema.param_names(),
        })
    }

    /// True when the call writes its `seed` (which then wins over the scene's seed).
    pub fn seed_written(&self) -> bool {
        self.op
            .schema()
            .index_of(SEED_PARAM)
            .is_some_and(|i| self.written.contains(&i))
    }

    /// Records that parameter `i` was set explicitly (saved scenes write it, and a
    /// written `seed` wins over the scene's).
    pub fn mark_written(&mut self, i: usize) {
        if !self.written.contains(&i) {
            self.written.push(i);
        }
    }

    /// True when any parameter depends on `t`.
    pub fn is_animated(&self) -> bool {
        self.params.iter().any(ParamInput::is_animated)
    }

    /// Parameter values at time `t`, checked against the schema.
    pub fn resolve(&self, t: f64) -> Result<Params, ParamError> {
        let schema = self.op.schema();
        let values = schema
            .params
            .iter()
            .zip(&self.params)
            .map(|(spec, input)| {
                input
                    .resolve(spec, t)
                    .map_err(|e| ParamError::invalid(&schema.name, &spec.name, e))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Params::new(Arc::clone(schema), values))
    }
}

/// A layer's geometry recipe: a primitive followed by effects.
#[derive(Clone, Debug, PartialEq)]
pub struct Recipe {
    /// The primitive that makes the starting geometry.
    pub source: OpCall,
    /// Effects applied in order.
    pub effects: Vec<OpCall>,
}

/// One resolved stage of a recipe.
#[derive(Clone, Debug)]
pub struct Stage {
    /// The op.
    pub op: Arc<Op>,
    /// Its parameter values.
    pub params: Params,
    /// Id of the stage's output (covers every stage before it).
    pub id: GeometryId,
    /// True when the output depends on `t` (through this stage or an earlier one):
    /// such results are rarely asked for twice, so caches keep them apart.
    pub animated: bool,
    /// Index of the call it comes from among the recipe's calls (0 is the source;
    /// switched-off effects count), which names it in addresses.
    pub call: usize,
}

/// A recipe at a time `t`: the enabled stages with their ids.
#[derive(Clone, Debug)]
pub struct ResolvedRecipe {
    /// Source first, then each enabled effect.
    pub stages: Vec<Stage>,
    /// Resolved for a draft ([`EvalContext::draft`]): evaluate it with one.
    pub draft: bool,
}

/// Name of the parameter a random op draws its stream from.
pub const SEED_PARAM: &str = "seed";

/// A stage's seed drawn from the scene seed and the stage's address (`owner/stage`),
/// unless the call writes its own `seed`.
fn seed_stage(call: &OpCall, params: &mut Params, scene_seed: u64, owner: &str, stage: &str) {
    let schema = Arc::clone(call.op.schema());
    let Some(i) = schema.index_of(SEED_PARAM) else {
        return;
    };
    if call.written.contains(&i) {
        return;
    }
    let spec = &schema.params[i];
    let mut h = xxhash_rust::xxh3::Xxh3::with_seed(scene_seed);
    h.update(owner.as_bytes());
    h.update(b"/");
    h.update(stage.as_bytes());
    let drawn = h.digest();
    let lo = spec.min.unwrap_or(0.0).max(0.0) as u64;
    let hi = spec.max.unwrap_or(u32::MAX as f64).min(u32::MAX as f64) as u64;
    if hi <= lo {
        return;
    }
    let value = Value::Int((lo + drawn % (hi - lo + 1)) as i64);
    if spec.check(&value).is_ok() {
        params.values_mut()[i] = value;
    }
}

/// Id of an op applied to `input` with `params`.
pub fn stage_id(
    op: &Op,
    params: &Params,
    input: Option<GeometryId>,
    ctx: &EvalContext,
) -> GeometryId {
    let schema = op.schema();
    let mut h = IdHasher::new(&schema.name, schema.version);
    for (spec, value) in schema.params.iter().zip(params.values()) {
        h.field(&spec.name);
        value.hash_into(&mut h);
    }
    op.fingerprint(params, ctx, &mut h);
    if let Some(id) = input {
        h.input(id);
    }
    h.finish()
}

impl Recipe {
    /// True when any enabled stage depends on `t`.
    pub fn is_animated(&self) -> bool {
        self.source.is_animated() || self.effects.iter().any(|e| e.enabled && e.is_animated())
    }

    /// The enabled stages, source first.
    fn enabled_calls(&self) -> impl Iterator<Item = &OpCall> {
        std::iter::once(&self.source).chain(self.effects.iter().filter(|e| e.enabled))
    }

    /// Names of the layers and shapes the enabled stages read, each once, in order.
    pub fn references(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for call in self.enabled_calls() {
            for input in &call.params {
                if let ParamInput::Const(Value::Inputs(refs)) = input {
                    for r in refs {
                        if !names.contains(&r.name) {
                            names.push(r.name.clone());
                        }
                    }
                }
            }
        }
        names
    }

    /// Makes every reference to `from` (in any stage, switched off or not) read `to`
    /// instead: a renamed layer or shape keeps its readers. True when one changed.
    pub fn rename_reference(&mut self, from: &str, to: &str) -> bool {
        let mut changed = false;
        for call in std::iter::once(&mut self.source).chain(self.effects.iter_mut()) {
            for input in &mut call.params {
                if let ParamInput::Const(Value::Inputs(refs)) = input {
                    for r in refs.iter_mut().filter(|r| r.name == from) {
                        r.name = to.to_string();
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// Resolves every enabled stage at time `t` and computes the chain of ids (the
    /// context tells ops with external inputs, such as font files, their stamps). A
    /// recipe that reads other layers or shapes needs [`Recipe::resolve_in`].
    pub fn resolve(&self, t: f64, ctx: &EvalContext) -> Result<ResolvedRecipe, ParamError> {
        self.resolve_in(t, ctx, &|name| {
            Err(RefError::Unavailable {
                name: name.into(),
                why: "this recipe is evaluated on its own, outside a scene".into(),
            })
        })
    }

    /// Like [`Recipe::resolve`], with `bind` giving the id of each layer or shape a stage
    /// reads; a stage's id covers those ids.
    pub fn resolve_in(
        &self,
        t: f64,
        ctx: &EvalContext,
        bind: &Binder<'_>,
    ) -> Result<ResolvedRecipe, ParamError> {
        self.resolve_as("", t, ctx, bind)
    }

    /// Like [`Recipe::resolve_in`] for the layer or shape `owner`: with a scene seed in
    /// the context, every random stage whose `seed` is not written draws a seed of its
    /// own from the scene seed and its address (`owner/stage`), so adding a stage or a
    /// layer does not change the others' draws.
    pub fn resolve_as(
        &self,
        owner: &str,
        t: f64,
        ctx: &EvalContext,
        bind: &Binder<'_>,
    ) -> Result<ResolvedRecipe, ParamError> {
        let mut stages: Vec<Stage> = Vec::with_capacity(1 + self.effects.len());
        let names = ctx.seed.map(|_| self.stage_names());
        for (k, call) in self.calls().enumerate() {
            if k > 0 && !call.enabled {
                continue;
            }
            let mut params = call.resolve(t)?;
            if let (Some(scene_seed), Some(names)) = (ctx.seed, &names) {
                seed_stage(call, &mut params, scene_seed, owner, &names[k].to_string());
            }
            let schema = Arc::clone(call.op.schema());
            for (spec, value) in schema.params.iter().zip(params.values_mut()) {
                if let Value::Inputs(refs) = value {
                    for r in refs {
                        r.id = Some(bind(&r.name).map_err(|error| ParamError::Reference {
                            op: schema.name.clone(),
                            param: spec.name.clone(),
                            error,
                        })?);
                    }
                }
            }
            let id = stage_id(&call.op, &params, stages.last().map(|s| s.id), ctx);
            let animated = call.is_animated() || stages.last().is_some_and(|s| s.animated);
            stages.push(Stage {
                op: Arc::clone(&call.op),
                params,
                id,
                animated,
                call: k,
            });
        }
        Ok(ResolvedRecipe {
            stages,
            draft: ctx.draft,
        })
    }
}

impl ResolvedRecipe {
    /// Ids of every stage, source first.
    pub fn ids(&self) -> Vec<GeometryId> {
        self.stages.iter().map(|s| s.id).collect()
    }

    /// The ids of the geometry the stages read besides their input, each once.
    pub fn references(&self) -> Vec<(String, GeometryId)> {
        let mut out: Vec<(String, GeometryId)> = Vec::new();
        for stage in &self.stages {
            for value in stage.params.values() {
                if let Value::Inputs(refs) = value {
                    for r in refs {
                        if let Some(id) = r.id
                            && !out.iter().any(|(_, seen)| *seen == id)
                        {
                            out.push((r.name.clone(), id));
                        }
                    }
                }
            }
        }
        out
    }

    /// The same stages with the geometry each reference reads attached (`geometry` gives
    /// it by id); `Err` names the first reference whose geometry is not there.
    pub fn with_inputs(
        &self,
        geometry: impl Fn(GeometryId) -> Option<Arc<Polylines>>,
    ) -> Result<ResolvedRecipe, String> {
        let mut bound = self.clone();
        for stage in &mut bound.stages {
            for value in stage.params.values_mut() {
                if let Value::Inputs(refs) = value {
                    for r in refs {
                        let found = r.id.and_then(&geometry);
                        r.geometry = Some(found.ok_or_else(|| r.name.clone())?);
                    }
                }
            }
        }
        Ok(bound)
    }

    /// Id of the final geometry.
    pub fn final_id(&self) -> GeometryId {
        self.stages.last().expect("a recipe has a source").id
    }

    /// Evaluates every stage from scratch; returns each stage's output.
    pub fn evaluate(&self, ctx: &EvalContext) -> Result<Vec<Arc<Polylines>>, OpError> {
        let mut out = Vec::with_capacity(self.stages.len());
        self.evaluate_from(0, None, ctx, |_, geometry| out.push(Arc::clone(geometry)))?;
        Ok(out)
    }

    /// Evaluates stages `first..` starting from `input` (the output of stage `first - 1`,
    /// `None` when `first == 0`), handing each new stage output to `sink`. Returns the last.
    pub fn evaluate_from(
        &self,
        first: usize,
        input: Option<Arc<Polylines>>,
        ctx: &EvalContext,
        mut sink: impl FnMut(&Stage, &Arc<Polylines>),
    ) -> Result<Arc<Polylines>, OpError> {
        let mut current = input.unwrap_or_default();
        let key = self.final_id();
        let mut produced = 0u64;
        for stage in &self.stages[first..] {
            ctx.check_cancelled()
                .map_err(|f| OpError::new(stage.op.name(), f))?;
            if stage.op.passes_through(&current, &stage.params, ctx) {
                // The same geometry under the stage's id: shared, not copied.
                sink(stage, &current);
                continue;
            }
            let next = stage.op.eval(&current, &stage.params, ctx)?;
            // NaN or infinity would poison every later stage and every file: stop here,
            // naming the op that made them.
            if let Some(i) = next.first_non_finite() {
                return Err(OpError::new(
                    stage.op.name(),
                    OpFailure::NonFinite {
                        index: i,
                        point: next.points()[i].to_array(),
                    },
                ));
            }
            // Every stage draws from the scene's allowance (intermediates count too: they
            // are alive, cached or not, while the chain runs).
            produced = produced.saturating_add(next.point_count() as u64);
            if let Some(scene) = &ctx.scene {
                scene.hold(key, produced).map_err(|over| {
                    OpError::new(
                        stage.op.name(),
                        OpFailure::OverSceneBudget {
                            max: over.max,
                            this: over.this,
                            others: over.others,
                        },
                    )
                })?;
            }
            let next = Arc::new(next);
            sink(stage, &next);
            current = next;
        }
        Ok(current)
    }
}
