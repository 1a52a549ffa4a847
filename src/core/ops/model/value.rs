//! Concrete parameter values and colours.

use std::fmt;

use super::error::ColorError;
use super::reference::GeometryRef;
use crate::geometry::{IdHasher, Vec3, quantise};

/// An RGBA colour with components in 0..=1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgba(pub [f32; 4]);

impl Rgba {
    /// Opaque black.
    pub const BLACK: Rgba = Rgba([0.0, 0.0, 0.0, 1.0]);
    /// Opaque white.
    pub const WHITE: Rgba = Rgba([1.0, 1.0, 1.0, 1.0]);

    /// Parses `#rgb`, `#rrggbb`, `#rrggbbaa` or a CSS basic colour name.
    pub fn parse(s: &str) -> Result<Rgba, ColorError> {
        let t = s.trim();
        if let Some(hex) = t.strip_prefix('#') {
            let digits: Option<Vec<u8>> = hex
                .chars()
                .map(|c| c.to_digit(16).map(|d| d as u8))
                .collect();
            let d = digits.ok_or_else(|| ColorError::NotHex(s.into()))?;
            let byte = |hi: u8, lo: u8| (hi * 16 + lo) as f32 / 255.0;
            return match d.len() {
                3 => Ok(Rgba([
                    byte(d[0], d[0]),
                    byte(d[1], d[1]),
                    byte(d[2], d[2]),
                    1.0,
                ])),
                6 => Ok(Rgba([
                    byte(d[0], d[1]),
                    byte(d[2], d[3]),
                    byte(d[4], d[5]),
                    1.0,
                ])),
                8 => Ok(Rgba([
                    byte(d[0], d[1]),
                    byte(d[2], d[3]),
                    byte(d[4], d[5]),
                    byte(d[6], d[7]),
                ])),
                _ => Err(ColorError::DigitCount(s.into())),
            };
        }
        let name: String = t
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '_'))
            .collect::<String>()
            .to_ascii_lowercase();
        NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, hex)| Rgba::parse(hex).expect("named colour table is valid"))
            .ok_or_else(|| ColorError::Unknown {
                text: s.into(),
                names: NAMED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            })
    }

    /// `#rrggbb` (or `#rrggbbaa` when not opaque).
    pub fn to_hex(self) -> String {
        let [r, g, b, a] = self.0.map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
        if a == 255 {
            format!("#{r:02x}{g:02x}{b:02x}")
        } else {
            format!("#{r:02x}{g:02x}{b:02x}{a:02x}")
        }
    }
}

impl fmt::Display for Rgba {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

const NAMED: &[(&str, &str)] = &[
    ("black", "#000000"),
    ("white", "#ffffff"),
    ("red", "#ff0000"),
    ("green", "#008000"),
    ("blue", "#0000ff"),
    ("yellow", "#ffff00"),
    ("cyan", "#00ffff"),
    ("magenta", "#ff00ff"),
    ("gray", "#808080"),
    ("grey", "#808080"),
    ("silver", "#c0c0c0"),
    ("maroon", "#800000"),
    ("olive", "#808000"),
    ("lime", "#00ff00"),
    ("teal", "#008080"),
    ("navy", "#000080"),
    ("purple", "#800080"),
    ("orange", "#ffa500"),
];

/// A concrete parameter value, as an op receives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A real number.
    Float(f64),
    /// An integer.
    Int(i64),
    /// A switch.
    Bool(bool),
    /// One of the names listed by the parameter's schema.
    Choice(String),
    /// Three reals (x, y, z).
    Vec3([f64; 3]),
    /// A colour.
    Color(Rgba),
    /// Free text (e.g. the text of `text`, a font name).
    Str(String),
    /// A list of points (x, y, z).
    Points(Vec<[f64; 3]>),
    /// Other geometry the stage reads (layers or shapes of the scene, by name).
    Inputs(Vec<GeometryRef>),
}

impl Value {
    /// Folds floats onto the id quantum so that evaluation and ids see the same number.
    /// Refuses a non-zero number that [`Value::quantised`] would turn into 0 (`step:
    /// 1e-12` would silently mean "off"): a constant the op cannot honour is an error.
    pub fn check_quantum(&self) -> Result<(), super::error::ValueError> {
        let lost = |v: f64| v != 0.0 && v.is_finite() && quantise(v) == 0.0;
        let bad = match self {
            Value::Float(v) => lost(*v),
            Value::Vec3(v) => v.iter().any(|c| lost(*c)),
            Value::Points(ps) => ps.iter().flatten().any(|c| lost(*c)),
            _ => false,
        };
        if bad {
            return Err(super::error::ValueError::BelowQuantum {
                value: super::message::shorten(&self.to_ron()),
            });
        }
        Ok(())
    }

    /// The value as ids see it: floats at the id quantum.
    pub fn quantised(self) -> Value {
        match self {
            Value::Float(v) => Value::Float(quantise(v)),
            Value::Vec3(v) => Value::Vec3(v.map(quantise)),
            Value::Points(ps) => Value::Points(ps.into_iter().map(|p| p.map(quantise)).collect()),
            other => other,
        }
    }

    /// Feeds the canonical encoding of the value into an id.
    pub fn hash_into(&self, h: &mut IdHasher) {
        match self {
            Value::Float(v) => {
                h.float(*v);
            }
            Value::Int(v) => {
                h.int(*v);
            }
            Value::Bool(v) => {
                h.bool(*v);
            }
            Value::Choice(v) | Value::Str(v) => {
                h.string(v);
            }
            Value::Vec3(v) => {
                for c in v {
                    h.float(*c);
                }
            }
            Value::Color(c) => {
                for c in c.0 {
                    h.float(c as f64);
                }
            }
            Value::Points(ps) => {
                h.int(ps.len() as i64);
                for c in ps.iter().flatten() {
                    h.float(*c);
                }
            }
            // The ids of the geometry read, not the names: renaming a mask whose
            // geometry stays the same recomputes nothing.
            Value::Inputs(refs) => {
                h.int(refs.len() as i64);
                for r in refs {
                    match r.id {
                        Some(id) => h.input(id),
                        None => h.string(&r.name),
                    };
                }
            }
        }
    }

    /// The value written as it would appear in a scene file.
    pub fn to_ron(&self) -> String {
        match self {
            Value::Float(v) => fmt_num(*v),
            Value::Int(v) => v.to_string(),
            Value::Bool(v) => v.to_string(),
            Value::Choice(v) | Value::Str(v) => format!("{v:?}"),
            Value::Vec3(v) => format!("({}, {}, {})", fmt_num(v[0]), fmt_num(v[1]), fmt_num(v[2])),
            Value::Color(c) => format!("{:?}", c.to_hex()),
            // Points on the paper plane are written as (x, y).
            Value::Points(ps) => {
                let items: Vec<String> = ps
                    .iter()
                    .map(|p| {
                        if p[2] == 0.0 {
                            format!("({}, {})", fmt_num(p[0]), fmt_num(p[1]))
                        } else {
                            format!("({}, {}, {})", fmt_num(p[0]), fmt_num(p[1]), fmt_num(p[2]))
                        }
                    })
                    .collect();
                format!("[{}]", items.join(", "))
            }
            // One name reads as a plain string, several as a list.
            Value::Inputs(refs) => match refs.as_slice() {
                [one] => format!("{:?}", one.name),
                many => {
                    let names: Vec<String> = many.iter().map(|r| format!("{:?}", r.name)).collect();
                    format!("[{}]", names.join(", "))
                }
            },
        }
    }

    /// The vec3 as f32 (for geometry code).
    pub fn as_vec3(&self) -> Option<Vec3> {
        match self {
            Value::Vec3(v) => Some(Vec3::new(v[0] as f32, v[1] as f32, v[2] as f32)),
            _ => None,
        }
    }
}

/// Formats a float the short way, always with a decimal point (`1.0`, `0.25`).
pub fn fmt_num(v: f64) -> String {
    let s = format!("{v}");
    if s.contains(['.', 'e', 'i', 'N']) {
        s
    } else {
        format!("{s}.0")
    }
}
