//! RON parsing of scene files. Ops are validated *while* parsing (through the registry
//! of the current thread) so that every error carries the line and column of its value.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, MapAccess, VariantAccess, Visitor};

use super::{Canvas, ExportSettings, GraphError, LayerDef, Scene, ShapeDef};
use crate::core::export::{GcodeProfile, PngSettings};
use crate::ops::{OpCall, OpKind, OpRegistry, RawParam, Recipe, Rgba, ValueError};

/// A scene that could not be loaded: where and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct SceneError {
    /// The scene file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// What is wrong and what is allowed.
    pub message: String,
}

thread_local! {
    static REGISTRY: RefCell<Option<Arc<OpRegistry>>> = const { RefCell::new(None) };
}

fn with_registry<T>(f: impl FnOnce(&OpRegistry) -> T) -> T {
    REGISTRY.with(|r| {
        f(r.borrow()
            .as_ref()
            .expect("scene parsing sets the registry"))
    })
}

pub(super) fn parse_scene(
    text: &str,
    file: &str,
    registry: &Arc<OpRegistry>,
) -> Result<Scene, SceneError> {
    let only_comments = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"));
    if only_comments {
        return Err(SceneError {
            file: file.into(),
            line: 1,
            column: 1,
            message: "the scene file is empty: a scene is (canvas: (size: (W, H)), layers: [ … ])"
                .into(),
        });
    }
    let previous = REGISTRY.with(|r| r.replace(Some(Arc::clone(registry))));
    // `bed_x: (0, 150)` reads as well as `bed_x: Some((0, 150))`.
    let parsed = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING)
        .from_str::<SceneFile>(text);
    REGISTRY.with(|r| *r.borrow_mut() = previous);
    let raw = parsed.map_err(|e| SceneError {
        file: file.into(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: match e.code {
            ron::Error::ExceededRecursionLimit => format!(
                "the scene nests more than {MAX_NESTING} levels of brackets; a scene needs a handful"
            ),
            code => code.to_string(),
        },
    })?;
    let mut layers: Vec<LayerDef> = Vec::with_capacity(raw.layers.len());
    let mut names: std::collections::HashSet<String> =
        std::collections::HashSet::with_capacity(raw.layers.len());
    for l in raw.layers {
        if !names.insert(l.name.clone()) {
            let (line, column) = nth_position(text, &format!("{:?}", l.name), 2);
            return Err(SceneError {
                file: file.into(),
                line,
                column,
                message: format!(
                    "layer name \"{}\" is used twice; layer names must be unique",
                    l.name
                ),
            });
        }
        layers.push(LayerDef {
            name: l.name,
            color: l.color.0,
            pen_width: l.pen_width.0,
            visible: l.visible,
            recipe: Recipe {
                source: l.source.0,
                effects: l.effects.into_iter().map(|e| e.0).collect(),
            },
        });
    }
    let mut shapes: Vec<ShapeDef> = Vec::with_capacity(raw.shapes.len());
    for s in raw.shapes {
        if !names.insert(s.name.clone()) {
            let (line, column) = nth_position(text, &format!("{:?}", s.name), 2);
            return Err(SceneError {
                file: file.into(),
                line,
                column,
                message: format!(
                    "the name \"{}\" is used twice; layer and shape names must be unique",
                    s.name
                ),
            });
        }
        shapes.push(ShapeDef {
            name: s.name,
            recipe: Recipe {
                source: s.source.0,
                effects: s.effects.into_iter().map(|e| e.0).collect(),
            },
        });
    }
    let mut images: Vec<(String, String)> = Vec::with_capacity(raw.images.len());
    for image in raw.images {
        if images.iter().any(|(n, _)| *n == image.name) {
            let (line, column) = nth_position(text, &format!("{:?}", image.name), 2);
            return Err(SceneError {
                file: file.into(),
                line,
                column,
                message: format!(
                    "image name \"{}\" is used twice; image names must be unique",
                    image.name
                ),
            });
        }
        images.push((image.name, image.path));
    }
    let canvas = Canvas {
        width: raw.canvas.size.0.0,
        height: raw.canvas.size.1.0,
        background: raw.canvas.background.0,
    };
    let export_error = |needle: &str, message: String| {
        let (line, column) = nth_position(text, needle, 1);
        SceneError {
            file: file.into(),
            line,
            column,
            message,
        }
    };
    // Field ranges now, pointing at the field; the margin against the paper is checked
    // when G-code is written (a tiny canvas is fine for SVG and PNG).
    raw.export.gcode.validate_fields().map_err(|e| {
        let needle = match &e {
            crate::core::export::GcodeError::Profile { field, .. } => field.to_string(),
            _ => "gcode".into(),
        };
        let (line, column) = field_position(text, &needle);
        SceneError {
            file: file.into(),
            line,
            column,
            message: e.to_string(),
        }
    })?;
    if !(raw.export.png.dpi.is_finite() && raw.export.png.dpi > 0.0 && raw.export.png.dpi <= 2400.0)
    {
        return Err(export_error(
            "dpi",
            format!(
                "png.dpi = {} is not allowed: use 1..=2400",
                raw.export.png.dpi
            ),
        ));
    }
    // Stage ids name stages in parameter addresses: unique within their chain.
    for (owner, recipe) in layers
        .iter()
        .map(|l| (&l.name, &l.recipe))
        .chain(shapes.iter().map(|s| (&s.name, &s.recipe)))
    {
        let ids: Vec<&str> = recipe.calls().filter_map(|c| c.id.as_deref()).collect();
        if let Some(id) = ids
            .iter()
            .enumerate()
            .find_map(|(k, id)| ids[..k].contains(id).then_some(id))
        {
            let (line, column) = nth_position(text, &format!("{id:?}"), 2);
            return Err(SceneError {
                file: file.into(),
                line,
                column,
                message: format!(
                    "'{owner}' has two stages with id \"{id}\"; stage ids must be unique within a layer or shape"
                ),
            });
        }
    }
    let mut scene = Scene {
        seed: raw.seed,
        canvas,
        layers,
        shapes,
        images,
        export: ExportSettings {
            gcode: raw.export.gcode,
            png: raw.export.png,
        },
        presets: Vec::new(),
        locks: Vec::new(),
        midi: Vec::new(),
    };
    // Presets and locks name parameters by address: each must name one the scene has,
    // with a value it allows.
    let at = |needle: &str| {
        let (line, column) = nth_position(text, &format!("{needle:?}"), 1);
        move |message: String| SceneError {
            file: file.into(),
            line,
            column,
            message,
        }
    };
    let mut probe = scene.clone();
    let mut preset_names = std::collections::HashSet::new();
    for preset in raw.presets {
        let err = at(&preset.name);
        if !preset_names.insert(preset.name.clone()) {
            return Err(err(format!(
                "preset name \"{}\" is used twice; preset names must be unique",
                preset.name
            )));
        }
        if let Some(layer) = &preset.layer
            && !scene.names().any(|n| n == layer)
        {
            return Err(err(format!(
                "preset \"{}\" is of layer '{layer}', which the scene does not have",
                preset.name
            )));
        }
        let mut values = Vec::with_capacity(preset.values.len());
        for (address, value) in preset.values {
            let err = at(&address);
            let parsed = crate::ops::ParamAddress::parse(&address)
                .map_err(|e| err(format!("preset \"{}\": {e}", preset.name)))?;
            let raw = to_raw(&value)
                .map_err(|e| err(format!("preset \"{}\", {address}: {e}", preset.name)))?;
            probe.set_param(&parsed, &raw).map_err(|e| {
                err(format!("preset \"{}\": {e}", preset.name).replace("--set ", ""))
            })?;
            values.push((parsed, raw));
        }
        scene.presets.push(super::Preset {
            name: preset.name,
            layer: preset.layer,
            seed: preset.seed,
            values,
        });
    }
    for lock in raw.locks {
        let err = at(&lock);
        let parsed =
            crate::ops::ParamAddress::parse(&lock).map_err(|e| err(format!("lock: {e}")))?;
        probe
            .recipe_mut(&parsed.owner)
            .and_then(|r| r.find_param(&parsed).map(|_| ()))
            .map_err(|e| err(format!("lock: {e}")))?;
        if !scene.locks.contains(&parsed) {
            scene.locks.push(parsed);
        }
    }
    for m in raw.midi {
        let err = at(&m.param);
        let address =
            crate::ops::ParamAddress::parse(&m.param).map_err(|e| err(format!("midi: {e}")))?;
        let slot = probe
            .recipe_mut(&address.owner)
            .and_then(|r| r.find_param(&address))
            .map_err(|e| err(format!("midi: {e}")))?;
        let recipe = probe.recipe_mut(&address.owner).expect("found above");
        let spec = recipe
            .call(slot.call)
            .expect("found above")
            .op
            .schema()
            .params[slot.param]
            .clone();
        if !crate::core::midi::mappable(&spec) {
            return Err(err(format!(
                "midi: {address} ({}) cannot follow a control: map a number with a slider range, a switch or a choice",
                spec.allowed()
            )));
        }
        let too_high = if m.fine { 31 } else { 127 };
        if m.control > too_high || m.channel.is_some_and(|c| !(1..=16).contains(&c)) {
            return Err(err(format!(
                "midi: {address}: control must be 0..={too_high}{} and channel 1..=16",
                if m.fine {
                    " for a 14-bit (fine) control"
                } else {
                    ""
                }
            )));
        }
        scene.midi.push(crate::core::midi::MidiMapping {
            address,
            control: m.control,
            channel: m.channel,
            fine: m.fine,
        });
    }
    scene.check_graph().map_err(|e| {
        // Point at the reference that cannot be followed (or the first name of the cycle).
        let (line, column) = match &e {
            GraphError::Missing { name, .. } => nth_position(text, &format!("{name:?}"), 1),
            GraphError::Cycle(names) => nth_position(text, &format!("{:?}", names[0]), 1),
        };
        SceneError {
            file: file.into(),
            line,
            column,
            message: e.to_string(),
        }
    })?;
    Ok(scene)
}

/// Most layers (and, apart, most shapes) a scene may have: a layer is a pen, and every
/// layer costs a few kilobytes in the app whatever it draws, so memory stays bounded.
pub const MAX_LAYERS: usize = 10_000;

/// A list of at most [`MAX_LAYERS`] items, refused as soon as one more is read (so a
/// file of a million tiny layers never builds them all).
fn capped<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct Capped<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Capped<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a list of at most {MAX_LAYERS} items")
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element()? {
                if out.len() == MAX_LAYERS {
                    return Err(de::Error::custom(format!(
                        "more than {MAX_LAYERS} layers or shapes: a scene holds at most {MAX_LAYERS} of each (a layer is a pen; draw many lines in one layer instead)"
                    )));
                }
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Capped(PhantomData))
}

/// Deepest nesting of brackets a scene file may have.
const MAX_NESTING: usize = 64;

/// Line and column (1-based) of the field `name:` written in code (not in a comment),
/// or (0, 0): where a message about a scene's field points.
pub fn field_position(text: &str, name: &str) -> (usize, usize) {
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut from = 0;
        while let Some(i) = code[from..].find(name) {
            let at = from + i;
            let before_ok = at == 0
                || !code.as_bytes()[at - 1].is_ascii_alphanumeric()
                    && code.as_bytes()[at - 1] != b'_';
            let after = code[at + name.len()..].trim_start();
            if before_ok && after.starts_with(':') {
                return (n + 1, at + 1);
            }
            from = at + name.len();
        }
    }
    (0, 0)
}

/// Line and column (1-based) of the `n`-th occurrence of `needle`, or (0, 0).
fn nth_position(text: &str, needle: &str, n: usize) -> (usize, usize) {
    let Some((offset, _)) = text.match_indices(needle).nth(n - 1) else {
        return (0, 0);
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SceneFile {
    canvas: CanvasFile,
    #[serde(deserialize_with = "capped")]
    layers: Vec<LayerFile>,
    #[serde(default, deserialize_with = "capped")]
    shapes: Vec<ShapeFile>,
    #[serde(default, deserialize_with = "capped")]
    images: Vec<ImageFile>,
    #[serde(default)]
    export: ExportFile,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default, deserialize_with = "capped")]
    presets: Vec<PresetFile>,
    #[serde(default, deserialize_with = "capped")]
    locks: Vec<String>,
    #[serde(default, deserialize_with = "capped")]
    midi: Vec<MidiFile>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ImageFile {
    name: String,
    path: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MidiFile {
    control: u8,
    #[serde(default)]
    channel: Option<u8>,
    #[serde(default)]
    fine: bool,
    param: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetFile {
    name: String,
    #[serde(default)]
    layer: Option<String>,
    #[serde(default)]
    seed: Option<u64>,
    values: std::collections::BTreeMap<String, ron::Value>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CanvasFile {
    size: (Millimetres, Millimetres),
    #[serde(default = "white")]
    background: ColorDe,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExportFile {
    #[serde(default)]
    gcode: GcodeProfile,
    #[serde(default)]
    png: PngSettings,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LayerFile {
    name: String,
    #[serde(default = "black")]
    color: ColorDe,
    #[serde(default = "default_pen")]
    pen_width: PenWidth,
    #[serde(default = "yes")]
    visible: bool,
    source: OpDe<true>,
    #[serde(default)]
    effects: Vec<OpDe<false>>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapeFile {
    name: String,
    source: OpDe<true>,
    #[serde(default)]
    effects: Vec<OpDe<false>>,
}

fn white() -> ColorDe {
    ColorDe(Rgba::WHITE)
}
fn black() -> ColorDe {
    ColorDe(Rgba::BLACK)
}
fn default_pen() -> PenWidth {
    PenWidth(0.3)
}
fn yes() -> bool {
    true
}

/// A colour string, checked while parsing.
struct ColorDe(Rgba);

impl<'de> Deserialize<'de> for ColorDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Rgba::parse(&s).map(ColorDe).map_err(de::Error::custom)
    }
}

/// A paper dimension: finite and in 1..=10000 mm.
struct Millimetres(f64);

impl<'de> Deserialize<'de> for Millimetres {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if v.is_finite() && (1.0..=10_000.0).contains(&v) {
            Ok(Millimetres(v))
        } else {
            Err(de::Error::custom(format!(
                "canvas size {v} mm is not allowed: use 1..=10000 mm"
            )))
        }
    }
}

/// A pen width: in (0, 50] mm.
struct PenWidth(f64);

impl<'de> Deserialize<'de> for PenWidth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if crate::core::drawing::pen_width_allowed(v) {
            Ok(PenWidth(v))
        } else {
            Err(de::Error::custom(format!(
                "pen_width {v} is not allowed: use {}",
                crate::core::drawing::PEN_WIDTH_ALLOWED
            )))
        }
    }
}

/// An op written `name(param: value, …)`; a primitive when `SOURCE`, else an effect.
struct OpDe<const SOURCE: bool>(OpCall);

impl<'de, const SOURCE: bool> Deserialize<'de> for OpDe<SOURCE> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_enum("op", &[], OpVisitor::<SOURCE>(PhantomData))
    }
}

struct OpVisitor<const SOURCE: bool>(PhantomData<()>);

impl<'de, const SOURCE: bool> Visitor<'de> for OpVisitor<SOURCE> {
    type Value = OpDe<SOURCE>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let kind = if SOURCE { "a primitive" } else { "an effect" };
        write!(f, "{kind} written as name(param: value, ...)")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (Ident(name), variant) = data.variant()?;
        let kind = if SOURCE {
            OpKind::Primitive
        } else {
            OpKind::Effect
        };
        let op = with_registry(|r| r.lookup(&name, kind).cloned()).map_err(de::Error::custom)?;
        let call = variant.struct_variant(&[], ParamsVisitor(OpCall::defaults(op)))?;
        if SOURCE && !call.enabled {
            return Err(de::Error::custom(format!(
                "'enabled' applies to effects only; hide the layer with `visible: false` instead of switching off its source '{name}'"
            )));
        }
        Ok(OpDe(call))
    }
}

struct ParamsVisitor(OpCall);

impl<'de> Visitor<'de> for ParamsVisitor {
    type Value = OpCall;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "parameters of '{}'", self.0.op.name())
    }

    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<OpCall, M::Error> {
        let mut seen: Vec<String> = Vec::new();
        while let Some(Ident(key)) = map.next_key::<Ident>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format!(
                    "parameter '{key}' is given twice"
                )));
            }
            if key == "enabled" {
                self.0.enabled = map.next_value::<bool>()?;
            } else if key == "id" {
                let id = map.next_value::<String>()?;
                if id.is_empty() || id.contains(['/', '#']) || id.chars().any(char::is_whitespace) {
                    return Err(de::Error::custom(format!(
                        "{}.id \"{}\" is not allowed: a stage id is a word without '/', '#' or spaces, e.g. id: \"tilt\"",
                        self.0.op.name(),
                        crate::ops::model::message::shorten(&id)
                    )));
                }
                // `rotate` in an address means the first rotate: an id may not hide that.
                if with_registry(|r| r.get(&id).is_some()) {
                    return Err(de::Error::custom(format!(
                        "{}.id \"{id}\" is not allowed: it is the name of an op, which addresses use for that op's stages; pick another word",
                        self.0.op.name()
                    )));
                }
                self.0.id = Some(id);
            } else {
                let value: ron::Value = map.next_value()?;
                let raw = to_raw(&value)
                    .map_err(|e| de::Error::custom(format!("{}.{key}: {e}", self.0.op.name())))?;
                self.0.set(&key, &raw).map_err(de::Error::custom)?;
            }
            seen.push(key);
        }
        Ok(self.0)
    }
}

/// A bare identifier (op and parameter names are not quoted in scene files).
struct Ident(String);

impl<'de> Deserialize<'de> for Ident {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Ident;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ident, E> {
                Ok(Ident(v.to_string()))
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A parameter value written as in a scene file (e.g. `[(0, 0), (10, 5)]` or `3.5`), as
/// the inspector's text fields take it.
pub fn parse_param_text(text: &str) -> Result<RawParam, ValueError> {
    let value: ron::Value = ron::from_str(text).map_err(|e| ValueError::WrongKind {
        allowed: "a value as written in a scene file, e.g. [(0, 0), (10, 5)]".into(),
        found: format!("text that does not parse ({})", e.code),
    })?;
    to_raw(&value)
}

fn to_raw(v: &ron::Value) -> Result<RawParam, ValueError> {
    use ron::Value as V;
    Ok(match v {
        V::Bool(b) => RawParam::Bool(*b),
        V::Number(n) => {
            let is_int = !matches!(n, ron::Number::F32(_) | ron::Number::F64(_));
            RawParam::Num(n.into_f64(), is_int)
        }
        V::String(s) => RawParam::Str(s.clone()),
        V::Char(c) => RawParam::Str(c.to_string()),
        V::Seq(items) => RawParam::Seq(items.iter().map(to_raw).collect::<Result<_, _>>()?),
        other => {
            return Err(ValueError::WrongKind {
                allowed: "a number, bool, string or (x, y, z)".into(),
                found: match other {
                    V::Map(_) => "a map { … }".into(),
                    V::Option(_) => "an option (Some / None)".into(),
                    V::Unit => "()".into(),
                    V::Bytes(_) => "bytes".into(),
                    _ => "an unsupported value".into(),
                },
            });
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        assert_eq!(nth_position("a\n  \"x\" \"x\"", "\"x\"", 2), (2, 7));
    }
}
