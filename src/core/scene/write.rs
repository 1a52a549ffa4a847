//! Writing a scene back as RON that [`Scene::parse`](super::Scene::parse) reads to the
//! same scene. Parameters and export fields at their defaults are left out, as a person
//! would write them.

use std::fmt::Write as _;

use super::{Canvas, LayerDef, Scene};
use crate::core::export::{GcodeProfile, PngSettings};
use crate::ops::{OpCall, ParamInput, Recipe, Scalar, Value, fmt_num};

impl Scene {
    /// The scene as scene-file text. `header` (e.g. the comment lines that opened the
    /// file it was loaded from) is written first.
    pub fn to_ron(&self, header: &str) -> String {
        let mut s = String::new();
        for line in header.lines() {
            let _ = writeln!(s, "{line}");
        }
        s.push_str("(\n");
        if let Some(seed) = self.seed {
            let _ = writeln!(s, "    seed: {seed},");
        }
        write_canvas(&mut s, &self.canvas);
        s.push_str("    layers: [\n");
        for layer in &self.layers {
            write_layer(&mut s, layer);
        }
        s.push_str("    ],\n");
        if !self.shapes.is_empty() {
            s.push_str("    shapes: [\n");
            for shape in &self.shapes {
                s.push_str("        (\n");
                let _ = writeln!(s, "            name: {},", quoted(&shape.name));
                write_recipe(&mut s, &shape.recipe);
                s.push_str("        ),\n");
            }
            s.push_str("    ],\n");
        }
        if !self.images.is_empty() {
            s.push_str("    images: [\n");
            for (name, path) in &self.images {
                let _ = writeln!(
                    s,
                    "        (name: {}, path: {}),",
                    quoted(name),
                    quoted(path)
                );
            }
            s.push_str("    ],\n");
        }
        let export = export_fields(&self.export.gcode, &self.export.png);
        if !export.is_empty() {
            let _ = writeln!(s, "    export: ({export}),");
        }
        if !self.presets.is_empty() {
            s.push_str("    presets: [\n");
            for preset in &self.presets {
                let _ = write!(
                    s,
                    "        (\n            name: {},\n",
                    quoted(&preset.name)
                );
                if let Some(layer) = &preset.layer {
                    let _ = writeln!(s, "            layer: {},", quoted(layer));
                }
                if let Some(seed) = preset.seed {
                    let _ = writeln!(s, "            seed: {seed},");
                }
                s.push_str("            values: {\n");
                // Sorted by address, as the file is read back.
                let mut values: Vec<_> = preset.values.iter().collect();
                values.sort_by_key(|(a, _)| a.to_string());
                for (address, raw) in values {
                    let _ = writeln!(
                        s,
                        "                {}: {},",
                        quoted(&address.to_string()),
                        super::raw_to_ron(raw)
                    );
                }
                s.push_str("            },\n        ),\n");
            }
            s.push_str("    ],\n");
        }
        if !self.midi.is_empty() {
            s.push_str("    midi: [\n");
            for m in &self.midi {
                let _ = write!(s, "        (control: {}", m.control);
                if let Some(c) = m.channel {
                    let _ = write!(s, ", channel: {c}");
                }
                if m.fine {
                    s.push_str(", fine: true");
                }
                let _ = writeln!(s, ", param: {}),", quoted(&m.address.to_string()));
            }
            s.push_str("    ],\n");
        }
        if !self.locks.is_empty() {
            let locks: Vec<String> = self.locks.iter().map(|a| quoted(&a.to_string())).collect();
            let _ = writeln!(s, "    locks: [{}],", locks.join(", "));
        }
        s.push_str(")\n");
        s
    }
}

/// The comment and blank lines that open `text` (kept when a scene is saved over it).
pub fn leading_comments(text: &str) -> String {
    text.lines()
        .take_while(|l| {
            let l = l.trim_start();
            l.is_empty() || l.starts_with("//")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

fn quoted(s: &str) -> String {
    ron::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn write_canvas(s: &mut String, c: &Canvas) {
    let _ = writeln!(
        s,
        "    canvas: (size: ({}, {}), background: {}),",
        short_num(c.width),
        short_num(c.height),
        quoted(&c.background.to_hex())
    );
}

fn write_layer(s: &mut String, l: &LayerDef) {
    s.push_str("        (\n");
    let _ = writeln!(s, "            name: {},", quoted(&l.name));
    let _ = writeln!(s, "            color: {},", quoted(&l.color.to_hex()));
    let _ = writeln!(s, "            pen_width: {},", short_num(l.pen_width));
    if !l.visible {
        s.push_str("            visible: false,\n");
    }
    write_recipe(s, &l.recipe);
    s.push_str("        ),\n");
}

fn write_recipe(s: &mut String, recipe: &Recipe) {
    let _ = writeln!(
        s,
        "            source: {},",
        op_call(&recipe.source, 12, "source: ".len())
    );
    if !recipe.effects.is_empty() {
        s.push_str("            effects: [\n");
        for e in &recipe.effects {
            let _ = writeln!(s, "                {},", op_call(e, 16, 0));
        }
        s.push_str("            ],\n");
    }
}

/// Longest op call kept on one line; longer ones get a line per parameter.
const LINE_WIDTH: usize = 132;

/// `name(param: value, …)`: the parameters the file gave, in its order, then any other
/// that differs from its default. `indent` is the line's indentation, `prefix` the
/// length of what precedes the call on its line (e.g. `source: `).
fn op_call(call: &OpCall, indent: usize, prefix: usize) -> String {
    let schema = call.op.schema();
    let differs = |i: usize| call.params[i] != ParamInput::Const(schema.params[i].default.clone());
    let order = call
        .written
        .iter()
        .copied()
        .filter(|&i| i < schema.params.len())
        .chain((0..schema.params.len()).filter(|i| !call.written.contains(i) && differs(*i)));
    let mut parts: Vec<String> = call
        .id
        .iter()
        .map(|id| format!("id: {}", quoted(id)))
        .chain(order.map(|i| format!("{}: {}", schema.params[i].name, input_ron(&call.params[i]))))
        .collect();
    if !call.enabled {
        parts.push("enabled: false".into());
    }
    let one_line = format!("{}({})", schema.name, parts.join(", "));
    if indent + prefix + one_line.len() + 1 <= LINE_WIDTH {
        return one_line;
    }
    let pad = " ".repeat(indent + 4);
    let mut out = format!("{}(\n", schema.name);
    for part in parts {
        let _ = writeln!(out, "{pad}{part},");
    }
    out.push_str(&" ".repeat(indent));
    out.push(')');
    out
}

/// `gcode: (…), png: (…)` with the fields that differ from their defaults.
fn export_fields(gcode: &GcodeProfile, png: &PngSettings) -> String {
    let mut groups = Vec::new();
    let d = GcodeProfile::default();
    let mut g = Vec::new();
    macro_rules! field {
        ($name:ident) => {
            if gcode.$name != d.$name
                && let Ok(v) = ron::to_string(&gcode.$name)
            {
                g.push(format!("{}: {v}", stringify!($name)));
            }
        };
    }
    macro_rules! number {
        ($name:ident) => {
            if gcode.$name != d.$name {
                g.push(format!("{}: {}", stringify!($name), short_num(gcode.$name)));
            }
        };
    }
    number!(travel_feed);
    number!(draw_feed);
    field!(pen);
    field!(header);
    field!(footer);
    field!(y_flip);
    field!(origin);
    field!(decimals);
    number!(paper_margin);
    field!(bed_x);
    field!(bed_y);
    field!(optimize_travel);
    field!(sort_polylines);
    field!(allow_reverse);
    number!(bridge_distance);
    if !g.is_empty() {
        groups.push(format!("gcode: ({})", g.join(", ")));
    }
    if *png != PngSettings::default() {
        groups.push(format!("png: (dpi: {})", short_num(png.dpi)));
    }
    groups.join(", ")
}

/// A number as a person writes it: `30` rather than `30.0` (RON reads either for floats).
fn short_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        fmt_num(v)
    }
}

fn scalar_ron(s: &Scalar) -> String {
    match s {
        Scalar::Const(v) => short_num(*v),
        Scalar::Expr(e) => quoted(e.source()),
    }
}

/// A parameter's value in scene syntax, numbers written short.
fn input_ron(input: &ParamInput) -> String {
    match input {
        ParamInput::Number(s) => scalar_ron(s),
        ParamInput::Vec3(c) => format!(
            "({}, {}, {})",
            scalar_ron(&c[0]),
            scalar_ron(&c[1]),
            scalar_ron(&c[2])
        ),
        ParamInput::Const(Value::Float(v)) => short_num(*v),
        ParamInput::Const(Value::Vec3(v)) => {
            format!(
                "({}, {}, {})",
                short_num(v[0]),
                short_num(v[1]),
                short_num(v[2])
            )
        }
        ParamInput::Const(other) => other.to_ron(),
    }
}
