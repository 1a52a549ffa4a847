//! Layers from Rust: a builder that takes the typed op structs (`Grid { nx: 40, ..default() }`),
//! checked by the same schemas as scene files, and typed parameter updates that leave
//! untouched stages cached.

use bevy::ecs::entity::Entity;
use bevy::ecs::system::Commands;

use crate::ecs::{Layer, LayerRecipe, OpsRegistry, Stroke};
use crate::ops::{
    ColorError, EffectOp, Field, OpCall, OpKind, OpParams, OpRegistry, ParamError, ParamType,
    PrimitiveOp, RawParam, Recipe, RegistryError, Rgba, StageName, Value,
};

/// Why a [`LayerSpec`] cannot become a layer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LayerSpecError {
    /// The name is empty.
    #[error("a layer needs a name")]
    NoName,
    /// Something of the named layer is wrong.
    #[error("layer '{layer}': {problem}")]
    Layer {
        /// The layer.
        layer: String,
        /// What is wrong.
        #[source]
        problem: SpecProblem,
    },
}

/// What is wrong in a layer's spec.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SpecProblem {
    /// `animate` named a field of another op than the last stage's.
    #[error("animate({op}.{field}) must follow a {op} stage")]
    AnimateMisplaced {
        /// The op of the field.
        op: &'static str,
        /// The field.
        field: &'static str,
    },
    /// The pen colour.
    #[error(transparent)]
    Color(#[from] ColorError),
    /// The pen width.
    #[error("pen width {0} is not allowed: use {allowed}", allowed = crate::core::drawing::PEN_WIDTH_ALLOWED)]
    PenWidth(f64),
    /// No `.source(…)`.
    #[error("no source op: call .source(Polygon::default()) first")]
    NoSource,
    /// The op is not in the app's registry.
    #[error("{error} (register custom ops with app.register_op::<{type_name}>())")]
    NotRegistered {
        /// The registry's answer.
        #[source]
        error: RegistryError,
        /// The op's Rust type.
        type_name: &'static str,
    },
    /// The registered op has another declaration than the struct.
    #[error("op '{0}': values do not match its declaration")]
    Declaration(&'static str),
    /// A parameter value.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// An expression given to `animate`.
    #[error("{error} (in animate on '{op}')")]
    Animate {
        /// The op.
        op: &'static str,
        /// Why the expression is refused.
        #[source]
        error: ParamError,
    },
    /// A call from data of the wrong kind.
    #[error("'{op}' is not {wanted}")]
    Kind {
        /// The op.
        op: String,
        /// "a primitive" or "an effect".
        wanted: &'static str,
    },
}

/// Why a typed parameter update was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SetParamError {
    /// The layer's recipe has no stage of this op.
    #[error("the layer has no op '{0}'")]
    NoOp(&'static str),
    /// The stage named is not there, or is not of the field's op.
    #[error(transparent)]
    Address(#[from] crate::ops::AddressError),
    /// The stage named runs another op than the field's.
    #[error("stage '{stage}' is '{found}', not '{wanted}'")]
    WrongOp {
        /// The stage asked for.
        stage: String,
        /// The field's op.
        wanted: &'static str,
        /// The stage's op.
        found: String,
    },
    /// The value is not allowed.
    #[error(transparent)]
    Param(#[from] ParamError),
}

/// One stage as the builder holds it until [`LayerSpec::build`] checks it.
#[derive(Clone, Debug)]
enum StageSpec {
    /// A typed op: its name and its fields as values; expressions set on fields.
    Typed {
        name: &'static str,
        values: Vec<Value>,
        /// The struct's values, rebuilt into a call by the registry's op.
        build: fn(&OpRegistry, &[Value]) -> Result<OpCall, SpecProblem>,
        expressions: Vec<(&'static str, String)>,
        enabled: bool,
    },
    /// A call built from data (a name read from a file), already checked.
    Call(OpCall),
}

/// A layer described in Rust: name, pen, source op and effects.
///
/// ```
/// # use graft::prelude::*;
/// let spec = LayerSpec::new("waves")
///     .color("#1d3557")
///     .pen(0.35)
///     .source(Grid { nx: 40, ny: 40, ..default() })
///     .then(Subdivide { subdivisions: 6 })
///     .then(Displace { amplitude: Vec3::new(3.0, 3.0, 0.0), ..default() })
///     .animate(field!(Displace::t), "t * 0.2");
/// let (layer, stroke, recipe) = spec.build(&graft::ops::OpRegistry::builtin()).unwrap();
/// assert_eq!(layer.name, "waves");
/// assert!(recipe.0.is_animated());
/// ```
#[derive(Clone, Debug)]
pub struct LayerSpec {
    name: String,
    color: String,
    pen_width: f64,
    visible: bool,
    order: usize,
    source: Option<StageSpec>,
    effects: Vec<StageSpec>,
    misuse: Option<SpecProblem>,
}

fn typed_call<T: OpParams>(registry: &OpRegistry, values: &[Value]) -> Result<OpCall, SpecProblem> {
    let op = registry
        .lookup(T::NAME, T::KIND)
        .map_err(|error| SpecProblem::NotRegistered {
            error,
            type_name: short_type::<T>(),
        })?;
    let params = T::from_values(values).ok_or(SpecProblem::Declaration(T::NAME))?;
    Ok(OpCall::from_typed(std::sync::Arc::clone(op), &params)?)
}

fn short_type<T>() -> &'static str {
    let full = std::any::type_name::<T>();
    full.rsplit("::").next().unwrap_or(full)
}

fn typed<T: OpParams>(op: T, enabled: bool) -> StageSpec {
    StageSpec::Typed {
        name: T::NAME,
        values: op.to_values(),
        build: typed_call::<T>,
        expressions: Vec::new(),
        enabled,
    }
}

impl LayerSpec {
    /// A layer called `name` (unique among layers), black 0.3 mm pen, no ops yet.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            color: "#000000".into(),
            pen_width: 0.3,
            visible: true,
            order: 0,
            source: None,
            effects: Vec::new(),
            misuse: None,
        }
    }

    /// Pen colour: `#rgb`, `#rrggbb`, `#rrggbbaa` or a basic colour name.
    pub fn color(mut self, color: impl Into<String>) -> Self {
        self.color = color.into();
        self
    }

    /// Pen width in millimetres.
    pub fn pen(mut self, width_mm: f64) -> Self {
        self.pen_width = width_mm;
        self
    }

    /// Drawing order (lower first); scene layers use their position in the file.
    pub fn order(mut self, order: usize) -> Self {
        self.order = order;
        self
    }

    /// Hides the layer (kept, not drawn or exported).
    pub fn hidden(mut self) -> Self {
        self.visible = false;
        self
    }

    /// The primitive that starts the layer.
    pub fn source<P: PrimitiveOp>(mut self, primitive: P) -> Self {
        self.source = Some(typed(primitive, true));
        self
    }

    /// Appends an effect.
    pub fn then<E: EffectOp>(mut self, effect: E) -> Self {
        self.effects.push(typed(effect, true));
        self
    }

    /// Appends an effect that is switched off (its stage passes its input through).
    pub fn then_off<E: EffectOp>(mut self, effect: E) -> Self {
        self.effects.push(typed(effect, false));
        self
    }

    /// Makes a parameter of the last stage an expression of `t` (seconds), as in scene
    /// files: `.animate(field!(Displace::t), "t * 0.2")`; a vec3 takes three numbers or
    /// expressions, `.animate(field!(Rotate::rotation), "(0, 0, t * 10)")`, and a single
    /// expression means the same on every axis. The field must belong to the op of the
    /// last stage added.
    pub fn animate<O: OpParams, V: ParamType>(
        mut self,
        field: Field<O, V>,
        expression: impl Into<String>,
    ) -> Self {
        let last = self.effects.last_mut().or(self.source.as_mut());
        match last {
            Some(StageSpec::Typed {
                name, expressions, ..
            }) if *name == O::NAME => expressions.push((field.name(), expression.into())),
            _ => {
                self.misuse.get_or_insert(SpecProblem::AnimateMisplaced {
                    op: O::NAME,
                    field: field.name(),
                });
            }
        }
        self
    }

    /// The primitive that starts the layer, from a call built from data (e.g.
    /// `registry.call(name, params)` with a name read from a file).
    pub fn source_call(mut self, call: OpCall) -> Self {
        self.source = Some(StageSpec::Call(call));
        self
    }

    /// Appends an effect from a call built from data.
    pub fn then_call(mut self, call: OpCall) -> Self {
        self.effects.push(StageSpec::Call(call));
        self
    }

    /// The layer's components, every op and parameter checked against `registry`; the
    /// message names the layer, op and parameter that is wrong and what is allowed.
    pub fn build(
        &self,
        registry: &OpRegistry,
    ) -> Result<(Layer, Stroke, LayerRecipe), LayerSpecError> {
        let err = |problem: SpecProblem| LayerSpecError::Layer {
            layer: self.name.clone(),
            problem,
        };
        if self.name.trim().is_empty() {
            return Err(LayerSpecError::NoName);
        }
        if let Some(m) = &self.misuse {
            return Err(err(m.clone()));
        }
        let color = Rgba::parse(&self.color).map_err(|e| err(e.into()))?;
        if !crate::core::drawing::pen_width_allowed(self.pen_width) {
            return Err(err(SpecProblem::PenWidth(self.pen_width)));
        }
        let source = self
            .source
            .as_ref()
            .ok_or_else(|| err(SpecProblem::NoSource))?;
        let source = stage_call(registry, source, OpKind::Primitive).map_err(err)?;
        let effects = self
            .effects
            .iter()
            .map(|e| stage_call(registry, e, OpKind::Effect))
            .collect::<Result<Vec<_>, SpecProblem>>()
            .map_err(err)?;
        Ok((
            Layer {
                name: self.name.clone(),
                order: self.order,
                visible: self.visible,
            },
            Stroke {
                color,
                width_mm: self.pen_width,
            },
            LayerRecipe(Recipe { source, effects }),
        ))
    }
}

fn stage_call(
    registry: &OpRegistry,
    stage: &StageSpec,
    kind: OpKind,
) -> Result<OpCall, SpecProblem> {
    match stage {
        // The builder's bounds (`source` takes primitives, `then` effects) keep kinds apart.
        StageSpec::Typed {
            name,
            values,
            build,
            expressions,
            enabled,
        } => {
            let mut call = build(registry, values)?;
            for (param, expression) in expressions {
                call.set(param, &RawParam::expression(expression))
                    .map_err(|error| SpecProblem::Animate { op: name, error })?;
            }
            call.enabled = *enabled;
            Ok(call)
        }
        StageSpec::Call(call) => {
            let want = call.op.schema().kind;
            if want != kind {
                return Err(SpecProblem::Kind {
                    op: call.op.name().into(),
                    wanted: if kind == OpKind::Primitive {
                        "a primitive"
                    } else {
                        "an effect"
                    },
                });
            }
            Ok(call.clone())
        }
    }
}

/// Spawning [`LayerSpec`]s from systems.
pub trait SpawnLayer {
    /// Spawns the layer, or returns why it cannot (bad op, parameter or colour).
    fn spawn_layer(
        &mut self,
        registry: &OpsRegistry,
        spec: LayerSpec,
    ) -> Result<Entity, LayerSpecError>;
}

impl SpawnLayer for Commands<'_, '_> {
    fn spawn_layer(
        &mut self,
        registry: &OpsRegistry,
        spec: LayerSpec,
    ) -> Result<Entity, LayerSpecError> {
        let components = spec.build(&registry.snapshot())?;
        Ok(self.spawn(components).id())
    }
}

/// Typed parameter updates of a layer's recipe from systems (`Mut<LayerRecipe>` from a query).
pub trait SetParam {
    /// Sets a field of the first stage of op `O` (the source, or the first effect of that
    /// op), checked like a scene value: `recipe.set(field!(Rotate::rotation), v)`.
    /// Nothing is written when the value is what it was, so a system may call this
    /// every frame: the pipeline recomputes only from the stage that really changed.
    fn set<O: OpParams, V: ParamType>(
        &mut self,
        field: Field<O, V>,
        value: V,
    ) -> Result<(), SetParamError>;

    /// Sets a field of the stage named `stage` (its `id`, or its op and ordinal:
    /// `"rotate#2"` is the second `rotate`), which must be an `O` stage:
    /// `recipe.set_in("rotate#2", field!(Rotate::angle), 30.0)`.
    fn set_in<O: OpParams, V: ParamType>(
        &mut self,
        stage: &str,
        field: Field<O, V>,
        value: V,
    ) -> Result<(), SetParamError>;
}

impl SetParam for bevy::ecs::change_detection::Mut<'_, LayerRecipe> {
    fn set<O: OpParams, V: ParamType>(
        &mut self,
        field: Field<O, V>,
        value: V,
    ) -> Result<(), SetParamError> {
        if !self.0.calls().any(|c| c.op.name() == O::NAME) {
            return Err(SetParamError::NoOp(O::NAME));
        }
        self.set_in(O::NAME, field, value)
    }

    fn set_in<O: OpParams, V: ParamType>(
        &mut self,
        stage: &str,
        field: Field<O, V>,
        value: V,
    ) -> Result<(), SetParamError> {
        // Read through `Deref` first: only a real change marks the component changed.
        let recipe = &self.0;
        let name = StageName::parse(stage)?;
        let index = recipe.find_stage("this layer", &name)?;
        let current = recipe.call(index).expect("found by find_stage");
        if current.op.name() != O::NAME {
            return Err(SetParamError::WrongOp {
                stage: stage.into(),
                wanted: O::NAME,
                found: current.op.name().into(),
            });
        }
        let mut next = current.clone();
        if !next.set_value(field.name(), value.to_value())? {
            return Ok(());
        }
        *self.0.call_mut(index).expect("found by find_stage") = next;
        Ok(())
    }
}
