//! Op schemas: the single place where an op and its parameters are declared.
//!
//! Validation, the scene loader, `graft ops` and the inspector all read these.

use super::error::{SchemaError, ValueError};
use std::fmt::Write as _;

use super::value::{Rgba, Value};

/// Whether an op starts a layer or transforms its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpKind {
    /// Makes geometry from parameters alone (the first stage of a layer).
    Primitive,
    /// Transforms the geometry of the previous stage.
    Effect,
}

/// The type of a parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamKind {
    /// A real number.
    Float,
    /// An integer.
    Int,
    /// A switch.
    Bool,
    /// One of a fixed list of names.
    Choice(Vec<String>),
    /// Three reals.
    Vec3,
    /// A colour (`"#rrggbb"` in scene files).
    Color,
    /// Free text.
    String,
    /// A list of points `[(x, y), (x, y, z), …]` (2D points lie at z = 0).
    Points,
    /// Names of other layers or shapes whose geometry the stage reads: `"frame"` or
    /// `["sun", "title"]`.
    Refs,
}

/// Most names a reference parameter holds.
pub const MAX_REFS: usize = 64;

/// Most points a `points` parameter holds.
pub const MAX_PARAM_POINTS: usize = 100_000;

impl ParamKind {
    /// Short name used in messages and listings.
    pub fn name(&self) -> &'static str {
        match self {
            ParamKind::Float => "float",
            ParamKind::Int => "int",
            ParamKind::Bool => "bool",
            ParamKind::Choice(_) => "choice",
            ParamKind::Vec3 => "vec3",
            ParamKind::Color => "color",
            ParamKind::String => "string",
            ParamKind::Points => "points",
            ParamKind::Refs => "refs",
        }
    }
}

/// Declaration of one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamSpec {
    /// Name as written in scene files.
    pub name: String,
    /// Value type.
    pub kind: ParamKind,
    /// Value when the scene does not set it.
    pub default: Value,
    /// Slider range shown by the inspector (per component for vec3).
    pub ui_range: Option<(f64, f64)>,
    /// Slider step.
    pub step: Option<f64>,
    /// Hard lower bound (per component for vec3); values below are rejected.
    pub min: Option<f64>,
    /// Hard upper bound (per component for vec3); values above are rejected.
    pub max: Option<f64>,
    /// Unit shown next to the value (`mm`, `deg`, …), empty when unitless.
    pub unit: String,
    /// One-line description.
    pub doc: String,
    /// The op stores the value in single precision (`f32`): values beyond
    /// ±[`SINGLE_PRECISION_LIMIT`] are refused rather than becoming infinite.
    pub single_precision: bool,
}

/// Largest magnitude a single-precision parameter accepts (`f32::MAX`).
pub const SINGLE_PRECISION_LIMIT: f64 = f32::MAX as f64;

impl ParamSpec {
    fn new(name: &str, kind: ParamKind, default: Value) -> Self {
        Self {
            name: name.into(),
            kind,
            default,
            ui_range: None,
            step: None,
            min: None,
            max: None,
            unit: String::new(),
            doc: String::new(),
            single_precision: false,
        }
    }

    /// Marks the parameter as stored in `f32` (see [`ParamSpec::single_precision`]).
    pub fn single(mut self) -> Self {
        self.single_precision = true;
        self
    }

    /// A float parameter.
    pub fn float(name: &str, default: f64) -> Self {
        Self::new(name, ParamKind::Float, Value::Float(default))
    }

    /// An integer parameter.
    pub fn int(name: &str, default: i64) -> Self {
        Self::new(name, ParamKind::Int, Value::Int(default)).step(1.0)
    }

    /// A list of points.
    pub fn points(name: &str, default: Vec<[f64; 3]>) -> Self {
        Self::new(name, ParamKind::Points, Value::Points(default))
    }

    /// A boolean parameter.
    pub fn bool(name: &str, default: bool) -> Self {
        Self::new(name, ParamKind::Bool, Value::Bool(default))
    }

    /// A choice among `choices`; the default must be one of them.
    pub fn choice(name: &str, default: &str, choices: &[&str]) -> Self {
        debug_assert!(choices.contains(&default));
        Self::new(
            name,
            ParamKind::Choice(choices.iter().map(|c| c.to_string()).collect()),
            Value::Choice(default.into()),
        )
    }

    /// A vec3 parameter.
    pub fn vec3(name: &str, default: [f64; 3]) -> Self {
        Self::new(name, ParamKind::Vec3, Value::Vec3(default))
    }

    /// A colour parameter.
    pub fn color(name: &str, default: Rgba) -> Self {
        Self::new(name, ParamKind::Color, Value::Color(default))
    }

    /// A reference parameter: names of layers or shapes (none by default).
    pub fn refs(name: &str) -> Self {
        Self::new(name, ParamKind::Refs, Value::Inputs(Vec::new()))
    }

    /// A text parameter.
    pub fn string(name: &str, default: &str) -> Self {
        Self::new(name, ParamKind::String, Value::Str(default.into()))
    }

    /// Sets the inspector's slider range.
    pub fn ui(mut self, lo: f64, hi: f64) -> Self {
        self.ui_range = Some((lo, hi));
        self
    }

    /// Sets the slider step.
    pub fn step(mut self, step: f64) -> Self {
        self.step = Some(step);
        self
    }

    /// Sets the hard lower bound.
    pub fn min(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }

    /// Sets the hard upper bound.
    pub fn max(mut self, max: f64) -> Self {
        self.max = Some(max);
        self
    }

    /// Sets both hard bounds.
    pub fn domain(self, min: f64, max: f64) -> Self {
        self.min(min).max(max)
    }

    /// Sets the unit.
    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = unit.into();
        self
    }

    /// Sets the one-line description.
    pub fn doc(mut self, doc: &str) -> Self {
        self.doc = doc.into();
        self
    }

    /// What values are allowed, in words (used by error messages and listings).
    pub fn allowed(&self) -> String {
        match &self.kind {
            ParamKind::Choice(c) => format!("one of {}", c.join(", ")),
            ParamKind::Bool => "true or false".into(),
            ParamKind::Color => "a colour such as \"#1d3557\"".into(),
            ParamKind::String => "text".into(),
            ParamKind::Refs => format!(
                "the name of a layer or shape, or a list of at most {MAX_REFS} names [\"a\", \"b\"]"
            ),
            ParamKind::Points => format!(
                "a list of at most {MAX_PARAM_POINTS} points [(x, y), (x, y, z), …], each coordinate finite{}",
                if self.single_precision {
                    " and within ±3.4e38"
                } else {
                    ""
                }
            ),
            kind => {
                let what = match kind {
                    ParamKind::Int => "an integer",
                    ParamKind::Vec3 => "three numbers (x, y, z), each",
                    _ => "a number",
                };
                let limit = if self.single_precision {
                    " within ±3.4e38 (single precision)"
                } else {
                    ""
                };
                match (self.min, self.max) {
                    (Some(lo), Some(hi)) => format!("{what} in {lo}..={hi}"),
                    (Some(lo), None) => format!("{what} >= {lo}{limit}"),
                    (None, Some(hi)) => format!("{what} <= {hi}{limit}"),
                    (None, None) if limit.is_empty() => format!("{what} (finite)"),
                    (None, None) => format!("{what}{limit}"),
                }
            }
        }
    }

    /// Checks a concrete value against kind and domain.
    pub fn check(&self, v: &Value) -> Result<(), ValueError> {
        let in_domain = |x: f64| {
            x.is_finite()
                && (!self.single_precision || x.abs() <= SINGLE_PRECISION_LIMIT)
                && self.min.is_none_or(|lo| x >= lo)
                && self.max.is_none_or(|hi| x <= hi)
        };
        let ok = match (&self.kind, v) {
            (ParamKind::Float, Value::Float(x)) => in_domain(*x),
            (ParamKind::Int, Value::Int(x)) => in_domain(*x as f64),
            (ParamKind::Vec3, Value::Vec3(x)) => x.iter().all(|c| in_domain(*c)),
            (ParamKind::Bool, Value::Bool(_))
            | (ParamKind::Color, Value::Color(_))
            | (ParamKind::String, Value::Str(_)) => true,
            (ParamKind::Choice(c), Value::Choice(x)) => c.contains(x),
            (ParamKind::Refs, Value::Inputs(refs)) => {
                refs.len() <= MAX_REFS && refs.iter().all(|r| !r.name.trim().is_empty())
            }
            (ParamKind::Points, Value::Points(ps)) => {
                ps.len() <= MAX_PARAM_POINTS
                    && ps.iter().flatten().all(|c| {
                        c.is_finite()
                            && (!self.single_precision || c.abs() <= SINGLE_PRECISION_LIMIT)
                    })
            }
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(ValueError::OutOfDomain {
                // A million points are not echoed: the start, the length, what is allowed.
                value: super::message::shorten(&v.to_ron()),
                allowed: self.allowed(),
            })
        }
    }
}

/// Declaration of an op: name, version, kind and parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct OpSchema {
    /// Name as written in scene files.
    pub name: String,
    /// Bumped whenever the op's output for the same parameters changes (enters ids).
    pub version: u32,
    /// Primitive or effect.
    pub kind: OpKind,
    /// One-line description.
    pub doc: String,
    /// Parameters in declaration order.
    pub params: Vec<ParamSpec>,
}

impl OpSchema {
    /// A primitive's schema.
    pub fn primitive(name: &str, version: u32, doc: &str, params: Vec<ParamSpec>) -> Self {
        Self::declare(name, version, OpKind::Primitive, doc, params)
    }

    /// An effect's schema.
    pub fn effect(name: &str, version: u32, doc: &str, params: Vec<ParamSpec>) -> Self {
        Self::declare(name, version, OpKind::Effect, doc, params)
    }

    /// A schema of either kind (what [`op!`](crate::op) expands to).
    pub fn declare(
        name: &str,
        version: u32,
        kind: OpKind,
        doc: &str,
        params: Vec<ParamSpec>,
    ) -> Self {
        Self {
            name: name.into(),
            version,
            kind,
            doc: doc.into(),
            params,
        }
    }

    /// Index of parameter `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// Comma-separated parameter names (for "valid names are …" messages).
    pub fn param_names(&self) -> String {
        self.params
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks that the schema itself is well formed (custom ops are checked on registration).
    pub fn validate(&self) -> Result<(), SchemaError> {
        let ident_ok = |s: &str| {
            !s.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        if !ident_ok(&self.name) {
            return Err(SchemaError::OpName(self.name.clone()));
        }
        for (i, p) in self.params.iter().enumerate() {
            if !ident_ok(&p.name) || p.name == "enabled" {
                return Err(SchemaError::ParamName {
                    op: self.name.clone(),
                    param: p.name.clone(),
                });
            }
            if self.params[..i].iter().any(|q| q.name == p.name) {
                return Err(SchemaError::Duplicate {
                    op: self.name.clone(),
                    param: p.name.clone(),
                });
            }
            if let (Some(lo), Some(hi)) = (p.min, p.max)
                && lo > hi
            {
                return Err(SchemaError::EmptyRange {
                    op: self.name.clone(),
                    param: p.name.clone(),
                });
            }
            p.check(&p.default).map_err(|error| SchemaError::Default {
                op: self.name.clone(),
                param: p.name.clone(),
                error,
            })?;
        }
        Ok(())
    }

    /// Human-readable listing (used by `graft ops`).
    pub fn describe(&self) -> String {
        let mut s = String::new();
        let kind = match self.kind {
            OpKind::Primitive => "primitive",
            OpKind::Effect => "effect",
        };
        let _ = writeln!(s, "{} ({kind}, v{}): {}", self.name, self.version, self.doc);
        for p in &self.params {
            let _ = write!(
                s,
                "    {:<20} {:<7} = {:<16}",
                p.name,
                p.kind.name(),
                p.default.to_ron()
            );
            if let Some((lo, hi)) = p.ui_range {
                let _ = write!(s, " [{lo}, {hi}]");
            }
            if !p.unit.is_empty() {
                let _ = write!(s, " {}", p.unit);
            }
            let _ = write!(s, "  {}", p.doc);
            match (&p.kind, p.min, p.max) {
                (ParamKind::Choice(c), _, _) => {
                    let _ = write!(s, " ({})", c.join(" | "));
                }
                (_, None, None) => {}
                _ => {
                    let _ = write!(s, " (allowed: {})", p.allowed());
                }
            }
            s.push('\n');
        }
        s
    }
}
