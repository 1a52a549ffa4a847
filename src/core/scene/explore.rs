//! Exploring a scene: named presets of its parameters, per-parameter locks, and the
//! moves that make new values (randomise, nudge, morph). Every move returns parameter
//! assignments by address, applied through the one edit path (one undo step each).

use super::Scene;
use crate::ops::model::schema::{ParamKind, ParamSpec};
use crate::ops::{ParamAddress, ParamInput, RawParam, Scalar};
use crate::scene::parse_param_text;

/// A named snapshot of parameter values: of every layer and shape, or of one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Preset {
    /// Its name, unique among the scene's presets.
    pub name: String,
    /// The one layer (or shape) it holds; `None`: all of them.
    pub layer: Option<String>,
    /// The scene seed it was saved with (presets of all layers, in a seeded scene).
    pub seed: Option<u64>,
    /// Each parameter's value as written in a scene file, by address.
    pub values: Vec<(ParamAddress, RawParam)>,
}

/// A value as written in a scene file (`12`, `(1, 2, 0)`, `"t * 3"`, `true`).
pub fn raw_to_ron(raw: &RawParam) -> String {
    match raw {
        RawParam::Num(v, true) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", *v as i64),
        RawParam::Num(v, _) => crate::ops::fmt_num(*v),
        RawParam::Bool(b) => b.to_string(),
        RawParam::Str(s) => ron::to_string(s).unwrap_or_else(|_| format!("{s:?}")),
        RawParam::Seq(items) => {
            let inner: Vec<String> = items.iter().map(raw_to_ron).collect();
            format!("({})", inner.join(", "))
        }
    }
}

/// One parameter of the scene: its address, schema and current input.
pub struct Slot<'a> {
    /// Where it is.
    pub address: ParamAddress,
    /// What it may be.
    pub spec: &'a ParamSpec,
    /// What it is.
    pub input: &'a ParamInput,
    /// An op's `seed` the file does not write: it draws from the scene's seed, so
    /// presets, randomise and nudge leave it alone (the scene seed is the control).
    pub derived_seed: bool,
}

impl Scene {
    /// Every parameter of every layer and shape (or of the one named `only`), in order.
    pub fn slots(&self, only: Option<&str>) -> Vec<Slot<'_>> {
        let owners = self
            .layers
            .iter()
            .map(|l| (&l.name, &l.recipe))
            .chain(self.shapes.iter().map(|s| (&s.name, &s.recipe)))
            .filter(|(name, _)| only.is_none_or(|o| o == name.as_str()));
        let mut out = Vec::new();
        for (owner, recipe) in owners {
            for (call, stage) in recipe.calls().zip(recipe.stage_names()) {
                for (spec, input) in call.op.schema().params.iter().zip(&call.params) {
                    let derived_seed = spec.name == "seed" && !call.seed_written();
                    let address = ParamAddress {
                        owner: owner.clone(),
                        stage: stage.clone(),
                        param: spec.name.clone(),
                    };
                    // As the address reads when written (`drop`, not `drop#1`).
                    let address = ParamAddress::parse(&address.to_string()).unwrap_or(address);
                    out.push(Slot {
                        derived_seed,
                        address,
                        spec,
                        input,
                    });
                }
            }
        }
        out
    }

    /// The parameter at `address` (`drop` and `drop#1` name one stage).
    pub fn slot(&self, address: &ParamAddress) -> Option<Slot<'_>> {
        let written = address.to_string();
        self.slots(Some(&address.owner))
            .into_iter()
            .find(|s| s.address.to_string() == written)
    }

    /// Points the presets, locks and MIDI mappings that name the layer or shape `from` at
    /// `to` (it was renamed).
    pub fn rename_owner(&mut self, from: &str, to: &str) {
        let rename = |a: &mut ParamAddress| {
            if a.owner == from {
                a.owner = to.to_string();
            }
        };
        for preset in &mut self.presets {
            if preset.layer.as_deref() == Some(from) {
                preset.layer = Some(to.to_string());
            }
            preset.values.iter_mut().for_each(|(a, _)| rename(a));
            preset.values.sort_by_key(|(a, _)| a.to_string());
        }
        self.locks.iter_mut().for_each(rename);
        self.midi.iter_mut().for_each(|m| rename(&mut m.address));
    }

    /// A preset of the current values (of the layer `layer`, or of all).
    pub fn capture_preset(&self, name: &str, layer: Option<&str>) -> Preset {
        let values = self
            .slots(layer)
            .into_iter()
            .filter(|slot| !slot.derived_seed)
            .filter_map(|slot| {
                let raw = parse_param_text(&slot.input.to_ron()).ok()?;
                // Integers as integers (`4`, not `4.0`): morphs round them.
                let raw = match raw {
                    RawParam::Num(v, _) if slot.spec.kind == ParamKind::Int => {
                        RawParam::Num(v, true)
                    }
                    other => other,
                };
                Some((slot.address, raw))
            })
            .collect::<Vec<_>>();
        // By address, as a scene file lists them.
        let mut values = values;
        values.sort_by_key(|(a, _)| a.to_string());
        Preset {
            name: name.to_string(),
            layer: layer.map(str::to_string),
            seed: self.seed.filter(|_| layer.is_none()),
            values,
        }
    }
}

/// A small, fast, seedable generator (SplitMix64) for draws that must be the same on
/// every machine.
struct Draws(u64);

impl Draws {
    /// The generator for `address` in round `seed`: each parameter draws from its own
    /// stream, so adding a layer or a stage never changes what the others draw.
    fn for_address(seed: u64, address: &ParamAddress) -> Self {
        let key = xxhash_rust::xxh3::xxh3_64_with_seed(address.to_string().as_bytes(), seed);
        Draws(key)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Parameters that place a drawing on the page: randomising them mostly moves it off the
/// paper, so randomise and nudge leave them alone (edit or morph them instead).
const PLACEMENT: [&str; 2] = ["center", "pivot"];

/// Whether a parameter takes part in randomise and nudge: numbers, vectors, switches and
/// choices given as constants (an expression of `t` is left as written), not locked, not
/// a placement.
fn movable(slot: &Slot, locks: &[ParamAddress]) -> bool {
    let constant = match slot.input {
        ParamInput::Const(_) => true,
        ParamInput::Number(s) => matches!(s, Scalar::Const(_)),
        ParamInput::Vec3(c) => c.iter().all(|s| matches!(s, Scalar::Const(_))),
    };
    constant
        && !slot.derived_seed
        && !PLACEMENT.contains(&slot.spec.name.as_str())
        && !locks.contains(&slot.address)
        && matches!(
            slot.spec.kind,
            ParamKind::Float
                | ParamKind::Int
                | ParamKind::Vec3
                | ParamKind::Bool
                | ParamKind::Choice(_)
        )
        && (slot.spec.ui_range.is_some()
            || matches!(slot.spec.kind, ParamKind::Bool | ParamKind::Choice(_)))
}

/// A number kept within the parameter's hard bounds, whole for integers.
fn fit(spec: &ParamSpec, v: f64) -> f64 {
    let v = v
        .max(spec.min.unwrap_or(f64::NEG_INFINITY))
        .min(spec.max.unwrap_or(f64::INFINITY));
    if spec.kind == ParamKind::Int {
        v.round()
    } else {
        v
    }
}

fn constant(s: &Scalar) -> f64 {
    match s {
        Scalar::Const(v) => *v,
        _ => 0.0,
    }
}

/// The current numbers of a numeric slot (one, or three for a vec3).
fn numbers(input: &ParamInput) -> Vec<f64> {
    match input {
        ParamInput::Number(s) => vec![constant(s)],
        ParamInput::Vec3(c) => c.iter().map(constant).collect(),
        ParamInput::Const(v) => match v {
            crate::ops::Value::Float(f) => vec![*f],
            crate::ops::Value::Int(i) => vec![*i as f64],
            crate::ops::Value::Vec3(c) => c.to_vec(),
            _ => Vec::new(),
        },
    }
}

fn raw_numbers(spec: &ParamSpec, values: &[f64]) -> RawParam {
    let int = spec.kind == ParamKind::Int;
    match values {
        [v] => RawParam::Num(*v, int),
        many => RawParam::Seq(many.iter().map(|v| RawParam::Num(*v, false)).collect()),
    }
}

/// New values for every unlocked parameter (of `layer`, or all), each drawn uniformly
/// within its slider range (switches and choices among theirs) from a stream of its own
/// for round `seed`.
pub fn randomise(
    scene: &Scene,
    seed: u64,
    locks: &[ParamAddress],
    layer: Option<&str>,
) -> Vec<(ParamAddress, RawParam)> {
    scene
        .slots(layer)
        .into_iter()
        .filter(|s| movable(s, locks))
        .map(|slot| {
            let mut draws = Draws::for_address(seed, &slot.address);
            let raw = match &slot.spec.kind {
                ParamKind::Bool => RawParam::Bool(draws.unit() < 0.5),
                ParamKind::Choice(names) => {
                    let k = (draws.unit() * names.len() as f64) as usize;
                    RawParam::Str(names[k.min(names.len() - 1)].clone())
                }
                _ => {
                    let (lo, hi) = slot.spec.ui_range.unwrap_or((0.0, 1.0));
                    let n = numbers(slot.input).len().max(1);
                    let values: Vec<f64> = (0..n)
                        .map(|_| fit(slot.spec, lo + (hi - lo) * draws.unit()))
                        .collect();
                    raw_numbers(slot.spec, &values)
                }
            };
            (slot.address, raw)
        })
        .collect()
}

/// Values moved around the current ones: each unlocked number by up to `fraction` of its
/// slider range either way (kept within its hard bounds), from a stream of its own for
/// round `seed`. Switches and choices stay.
pub fn nudge(
    scene: &Scene,
    seed: u64,
    fraction: f64,
    locks: &[ParamAddress],
    layer: Option<&str>,
) -> Vec<(ParamAddress, RawParam)> {
    scene
        .slots(layer)
        .into_iter()
        .filter(|s| {
            movable(s, locks)
                && matches!(
                    s.spec.kind,
                    ParamKind::Float | ParamKind::Int | ParamKind::Vec3
                )
        })
        .map(|slot| {
            let mut draws = Draws::for_address(seed, &slot.address);
            let (lo, hi) = slot.spec.ui_range.unwrap_or((0.0, 1.0));
            let span = (hi - lo) * fraction;
            let values: Vec<f64> = numbers(slot.input)
                .into_iter()
                .map(|v| fit(slot.spec, v + span * (2.0 * draws.unit() - 1.0)))
                .collect();
            (slot.address.clone(), raw_numbers(slot.spec, &values))
        })
        .collect()
}

/// The numbers of a raw value, if it is a number or a tuple of numbers.
fn raw_nums(raw: &RawParam) -> Option<Vec<f64>> {
    match raw {
        RawParam::Num(v, _) => Some(vec![*v]),
        RawParam::Seq(items) => items
            .iter()
            .map(|i| match i {
                RawParam::Num(v, _) => Some(*v),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// How a morph sets one value: numbers blend by `blend`, anything else switches from `a`
/// to `b` at the midpoint.
fn morph_value(
    a: &RawParam,
    b: &RawParam,
    blend: &dyn Fn(f64, f64, bool) -> RawParam,
    past_mid: bool,
) -> RawParam {
    match (raw_nums(a), raw_nums(b)) {
        (Some(x), Some(y)) if x.len() == y.len() => {
            let int = matches!(a, RawParam::Num(_, true));
            let parts: Vec<RawParam> = x.iter().zip(&y).map(|(p, q)| blend(*p, *q, int)).collect();
            match a {
                RawParam::Num(..) => parts.into_iter().next().expect("one number"),
                _ => RawParam::Seq(parts),
            }
        }
        _ => {
            if past_mid {
                b.clone()
            } else {
                a.clone()
            }
        }
    }
}

/// The values a fraction `u` (0 = `a`, 1 = `b`) of the way from preset `a` to `b`, for
/// the parameters both hold: numbers interpolate (integers rounded), switches, choices,
/// text and expressions switch at the midpoint.
pub fn morph(a: &Preset, b: &Preset, u: f64) -> Vec<(ParamAddress, RawParam)> {
    let u = u.clamp(0.0, 1.0);
    let blend = |p: f64, q: f64, int: bool| {
        let v = p + (q - p) * u;
        RawParam::Num(if int { v.round() } else { v }, int)
    };
    a.values
        .iter()
        .filter_map(|(address, va)| {
            let (_, vb) = b.values.iter().find(|(x, _)| x == address)?;
            (va != vb).then(|| (address.clone(), morph_value(va, vb, &blend, u >= 0.5)))
        })
        .collect()
}

/// The morph from `a` to `b` along time: every number that differs becomes an expression
/// of `t` that runs from its value in `a` to its value in `b` as `u` (itself an
/// expression of `t` meant to stay within 0..1, e.g. `0.5 - 0.5 * cos(t)`) does. Integers, switches and choices keep `a`'s value
/// (an expression cannot switch them).
pub fn morph_over_time(a: &Preset, b: &Preset, u: &str) -> Vec<(ParamAddress, RawParam)> {
    let u = format!("({u})");
    let blend = |p: f64, q: f64, int: bool| {
        if int || p == q {
            RawParam::Num(p, int)
        } else {
            RawParam::Str(format!(
                "{} + ({}) * {u}",
                crate::ops::fmt_num(p),
                crate::ops::fmt_num(q - p)
            ))
        }
    };
    a.values
        .iter()
        .filter_map(|(address, va)| {
            let (_, vb) = b.values.iter().find(|(x, _)| x == address)?;
            (va != vb).then(|| (address.clone(), morph_value(va, vb, &blend, false)))
        })
        .collect()
}
