//! Layers from Rust: a concise builder checked by the same op schemas as scene files,
//! and in-place parameter updates that leave untouched stages cached.

use bevy::ecs::entity::Entity;
use bevy::ecs::system::Commands;

use crate::ecs::{Layer, LayerRecipe, OpsRegistry, Stroke};
use crate::ops::{OpCall, OpKind, OpRegistry, RawParam, Recipe, Rgba};

/// A layer described in Rust: name, pen, source op and effects.
///
/// ```
/// # use graft::prelude::*;
/// let spec = LayerSpec::new("waves")
///     .color("#1d3557")
///     .pen(0.35)
///     .source("grid", [("nx", 40.into()), ("ny", 40.into())])
///     .effect("subdivide", [("subdivisions", 6.into())])
///     .effect("displace", [("amplitude", [3.0, 3.0, 0.0].into())]);
/// let (layer, stroke, recipe) = spec.build(&graft::ops::OpRegistry::builtin()).unwrap();
/// assert_eq!(layer.name, "waves");
/// ```
#[derive(Clone, Debug)]
pub struct LayerSpec {
    name: String,
    color: String,
    pen_width: f64,
    visible: bool,
    order: usize,
    source: Option<(String, Vec<(String, RawParam)>)>,
    effects: Vec<(String, Vec<(String, RawParam)>, bool)>,
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

    /// The primitive that starts the layer, with parameters (the rest at defaults).
    pub fn source<'a>(
        mut self,
        op: &str,
        params: impl IntoIterator<Item = (&'a str, RawParam)>,
    ) -> Self {
        self.source = Some((op.into(), own(params)));
        self
    }

    /// Appends an effect with parameters.
    pub fn effect<'a>(
        mut self,
        op: &str,
        params: impl IntoIterator<Item = (&'a str, RawParam)>,
    ) -> Self {
        self.effects.push((op.into(), own(params), true));
        self
    }

    /// Appends an effect that is switched off (its stage passes its input through).
    pub fn effect_off<'a>(
        mut self,
        op: &str,
        params: impl IntoIterator<Item = (&'a str, RawParam)>,
    ) -> Self {
        self.effects.push((op.into(), own(params), false));
        self
    }

    /// The layer's components, every op and parameter checked against `registry`; the
    /// message names the layer, op and parameter that is wrong and what is allowed.
    pub fn build(&self, registry: &OpRegistry) -> Result<(Layer, Stroke, LayerRecipe), String> {
        let err = |e: String| format!("layer '{}': {e}", self.name);
        if self.name.trim().is_empty() {
            return Err("a layer needs a name".into());
        }
        let color = Rgba::parse(&self.color).map_err(err)?;
        if !(self.pen_width.is_finite() && self.pen_width > 0.0 && self.pen_width <= 50.0) {
            return Err(err(format!(
                "pen width {} is not allowed: use a width in mm, > 0 and <= 50",
                self.pen_width
            )));
        }
        let (name, params) = self
            .source
            .as_ref()
            .ok_or_else(|| err("no source op: call .source(\"polygon\", …) first".into()))?;
        let source = call(registry, name, params, OpKind::Primitive).map_err(err)?;
        let effects = self
            .effects
            .iter()
            .map(|(name, params, enabled)| {
                let mut c = call(registry, name, params, OpKind::Effect)?;
                c.enabled = *enabled;
                Ok(c)
            })
            .collect::<Result<Vec<_>, String>>()
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

fn own<'a>(params: impl IntoIterator<Item = (&'a str, RawParam)>) -> Vec<(String, RawParam)> {
    params
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

fn call(
    registry: &OpRegistry,
    name: &str,
    params: &[(String, RawParam)],
    kind: OpKind,
) -> Result<OpCall, String> {
    registry.lookup(name, kind)?;
    let params: Vec<(&str, RawParam)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    registry.call(name, &params)
}

/// Spawning [`LayerSpec`]s from systems.
pub trait SpawnLayer {
    /// Spawns the layer, or returns why it cannot (bad op, parameter or colour).
    fn spawn_layer(&mut self, registry: &OpsRegistry, spec: LayerSpec) -> Result<Entity, String>;
}

impl SpawnLayer for Commands<'_, '_> {
    fn spawn_layer(&mut self, registry: &OpsRegistry, spec: LayerSpec) -> Result<Entity, String> {
        let components = spec.build(&registry.snapshot())?;
        Ok(self.spawn(components).id())
    }
}

/// Parameter updates of a layer's recipe from systems (`Mut<LayerRecipe>` from a query).
pub trait SetParam {
    /// Sets parameter `param` of the op named `op` (the source, or the first effect of
    /// that name) from a raw value, checked like a scene file. Nothing is written when
    /// the value is what it was, so a system may call this every frame: the pipeline
    /// recomputes only from the stage that really changed.
    fn set_param(
        &mut self,
        op: &str,
        param: &str,
        value: impl Into<RawParam>,
    ) -> Result<(), String>;
}

impl SetParam for bevy::ecs::change_detection::Mut<'_, LayerRecipe> {
    fn set_param(
        &mut self,
        op: &str,
        param: &str,
        value: impl Into<RawParam>,
    ) -> Result<(), String> {
        // Read through `Deref` first: only a real change marks the component changed.
        let recipe = &self.0;
        let index = if recipe.source.op.name() == op {
            None
        } else {
            Some(
                recipe
                    .effects
                    .iter()
                    .position(|e| e.op.name() == op)
                    .ok_or_else(|| format!("the layer has no op '{op}'"))?,
            )
        };
        let current = match index {
            None => &recipe.source,
            Some(i) => &recipe.effects[i],
        };
        let mut next = current.clone();
        next.set(param, &value.into())?;
        if next == *current {
            return Ok(());
        }
        let recipe = &mut self.0;
        match index {
            None => recipe.source = next,
            Some(i) => recipe.effects[i] = next,
        }
        Ok(())
    }
}
