//! Parameter widgets generated from op schemas: a slider (with its typed value field and a
//! button that widens the range) per number, a checkbox per bool, a combo per choice,
//! three fields per vec3, a colour button, a text field for text and for expressions of `t`.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use bevy_egui::egui;

use crate::ecs::EditCommand;
use crate::edit::{Edit, ParamPath};
use crate::ops::{
    GeometryRef, OpCall, ParamInput, ParamKind, ParamSpec, RawParam, Rgba, Scalar, StageName,
    Value, fmt_num,
};

/// Widget state that outlives a frame: widened ranges and expression texts being typed.
#[derive(Default)]
pub(super) struct ParamWidgets {
    ranges: HashMap<String, (f64, f64)>,
    texts: HashMap<String, String>,
}

/// Where the widgets of one op send their edits: every widget names its parameter by
/// address, so widget state and edits stay on their stage when effects move.
pub(super) struct OpTarget<'a> {
    pub layer: &'a str,
    /// The stage, by id or op and ordinal.
    pub stage: StageName,
    /// Every layer and shape name (what a reference parameter may choose).
    pub names: &'a [String],
    pub out: &'a mut Vec<EditCommand>,
    /// The parameters randomise and nudge leave alone (each row shows its lock).
    pub locks: &'a [crate::ops::ParamAddress],
    /// The op's parameter names in schema order (set by [`op_params`]).
    params: Vec<String>,
}

impl<'a> OpTarget<'a> {
    /// Edits of stage `stage` of layer `layer`.
    pub fn new(
        layer: &'a str,
        stage: StageName,
        names: &'a [String],
        out: &'a mut Vec<EditCommand>,
    ) -> Self {
        Self {
            layer,
            stage,
            names,
            out,
            locks: &[],
            params: Vec::new(),
        }
    }

    /// The same, showing each parameter's lock among `locks`.
    pub fn with_locks(mut self, locks: &'a [crate::ops::ParamAddress]) -> Self {
        self.locks = locks;
        self
    }

    fn path(&self, param: usize) -> ParamPath {
        ParamPath {
            stage: self.stage.clone(),
            param: self.params.get(param).cloned().unwrap_or_default(),
        }
    }

    fn key(&self, param: usize, part: &str) -> String {
        format!("{}/{part}", self.path(param).in_layer(self.layer))
    }

    fn push(&mut self, param: usize, edit_of: impl FnOnce(ParamPath) -> Edit, merge: Option<u64>) {
        let path = self.path(param);
        self.out.push(EditCommand::Edit {
            layer: self.layer.to_string(),
            edit: edit_of(path),
            merge,
        });
    }

    /// While `response` is dragged the layer shows drafts of its slow ops (the panel ends
    /// drafting for every layer nothing was dragged in this frame).
    fn drafting(&mut self, response: &egui::Response) {
        if response.dragged() && !response.drag_stopped() {
            self.out.push(EditCommand::Drafting {
                layer: self.layer.to_string(),
                on: true,
            });
        }
    }

    /// Merge key of a continuous gesture on one widget.
    fn merge_key(&self, param: usize, part: &str) -> u64 {
        let mut h = DefaultHasher::new();
        self.key(param, part).hash(&mut h);
        h.finish()
    }
}

/// The slider range of a number parameter, before any widening.
fn base_range(spec: &ParamSpec, value: f64) -> (f64, f64) {
    if let Some(r) = spec.ui_range {
        return r;
    }
    match (spec.min, spec.max) {
        (Some(lo), Some(hi)) if hi - lo <= 1e4 => (lo, hi),
        (Some(lo), _) => (lo, lo + (value.abs() * 2.0).max(10.0)),
        _ => {
            let span = (value.abs() * 2.0).max(10.0);
            (-span, span)
        }
    }
}

/// Doubles a range, keeping a bound of 0 where it was and never passing the hard bounds.
fn widen(spec: &ParamSpec, (lo, hi): (f64, f64)) -> (f64, f64) {
    let span = (hi - lo).max(1e-6);
    let lo2 = if lo == 0.0 { 0.0 } else { lo - span / 2.0 };
    let hi2 = hi + span / 2.0;
    (
        spec.min.map_or(lo2, |m| lo2.max(m)),
        spec.max.map_or(hi2, |m| hi2.min(m)),
    )
}

/// Every parameter of `call`, one row each.
pub(super) fn op_params(
    ui: &mut egui::Ui,
    call: &OpCall,
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
) {
    let schema = std::sync::Arc::clone(call.op.schema());
    target.params = schema.params.iter().map(|p| p.name.clone()).collect();
    // Widget ids from the stage's address alone: a note or a progress bar appearing above
    // (a slow op starting to compute) must not change them, or a drag in progress breaks.
    let id = egui::Id::new(("graft params", target.layer, target.stage.to_string()));
    ui.scope_builder(egui::UiBuilder::new().id(id), |ui| {
        params_grid(ui, &schema, call, widgets, target)
    });
}

fn params_grid(
    ui: &mut egui::Ui,
    schema: &crate::ops::OpSchema,
    call: &OpCall,
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
) {
    egui::Grid::new(format!("{}/{}/grid", target.layer, target.stage))
        .num_columns(2)
        .striped(false)
        .show(ui, |ui| {
            for (i, (spec, input)) in schema.params.iter().zip(&call.params).enumerate() {
                // The hover names the parameter's address, as `--set` and presets write it.
                let address = target.path(i).in_layer(target.layer);
                ui.label(&spec.name).on_hover_text(if spec.doc.is_empty() {
                    address.to_string()
                } else {
                    format!("{} ({})\n{address}", spec.doc, spec.allowed())
                });
                ui.horizontal(|ui| {
                    param_row(ui, i, spec, input, widgets, target);
                    lock_toggle(ui, &address, target);
                });
                ui.end_row();
            }
        });
}

/// The lock of one parameter: randomise and nudge leave a locked one alone.
fn lock_toggle(ui: &mut egui::Ui, address: &crate::ops::ParamAddress, target: &mut OpTarget) {
    // Compared as written (`drop` and `drop#1` are one stage).
    let written = address.to_string();
    let locked = target.locks.iter().any(|a| a.to_string() == written);
    let text = egui::RichText::new(if locked { "🔒" } else { "🔓" });
    let text = if locked { text } else { text.weak() };
    let hover = if locked {
        "locked: randomise and nudge leave it alone (click to unlock)"
    } else {
        "click to lock: randomise and nudge will leave it alone"
    };
    if ui
        .selectable_label(locked, text)
        .on_hover_text(hover)
        .clicked()
    {
        target.out.push(EditCommand::SetLock {
            address: address.clone(),
            locked: !locked,
        });
    }
}

fn param_row(
    ui: &mut egui::Ui,
    i: usize,
    spec: &ParamSpec,
    input: &ParamInput,
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
) {
    match (&spec.kind, input) {
        (ParamKind::Float | ParamKind::Int, ParamInput::Number(Scalar::Expr(e))) => {
            // A plain number typed into the field makes the parameter a constant again.
            expression_field(ui, i, "", e.source(), widgets, target, |text| {
                match text.trim().parse::<f64>() {
                    Ok(v) => RawParam::Num(v, spec.kind == ParamKind::Int),
                    Err(_) => RawParam::Str(text),
                }
            });
        }
        (ParamKind::Float | ParamKind::Int, _) => {
            let Some(v) = number_of(input) else { return };
            number_slider(ui, i, spec, v, widgets, target);
            if ui
                .small_button("ƒ")
                .on_hover_text("write an expression of t instead")
                .clicked()
            {
                let text = fmt_num(v);
                target.push(i, |p| Edit::SetRaw(p, RawParam::Str(text)), None);
            }
        }
        (ParamKind::Bool, ParamInput::Const(Value::Bool(b))) => {
            let mut on = *b;
            if ui.checkbox(&mut on, "").changed() {
                target.push(
                    i,
                    |p| Edit::SetParam(p, ParamInput::Const(Value::Bool(on))),
                    None,
                );
            }
        }
        (ParamKind::Choice(choices), ParamInput::Const(Value::Choice(current))) => {
            let mut picked = current.clone();
            egui::ComboBox::from_id_salt(target.key(i, "combo"))
                .selected_text(current.as_str())
                .show_ui(ui, |ui| {
                    for c in choices {
                        ui.selectable_value(&mut picked, c.clone(), c.as_str());
                    }
                });
            if picked != *current {
                target.push(
                    i,
                    |p| Edit::SetParam(p, ParamInput::Const(Value::Choice(picked))),
                    None,
                );
            }
        }
        (ParamKind::Vec3, ParamInput::Vec3(parts)) => {
            vec3_fields(ui, i, spec, parts, widgets, target)
        }
        (ParamKind::Vec3, ParamInput::Const(Value::Vec3(v))) => {
            let parts = v.map(Scalar::Const);
            vec3_fields(ui, i, spec, &parts, widgets, target);
        }
        (ParamKind::Color, ParamInput::Const(Value::Color(c))) => {
            let mut rgba = c.0.map(|x| (x.clamp(0.0, 1.0) * 255.0).round() as u8);
            let before = rgba;
            ui.color_edit_button_srgba_unmultiplied(&mut rgba);
            if rgba != before {
                let color = Rgba(rgba.map(|x| x as f32 / 255.0));
                let merge = Some(target.merge_key(i, "color"));
                target.push(
                    i,
                    |p| Edit::SetParam(p, ParamInput::Const(Value::Color(color))),
                    merge,
                );
            }
        }
        (ParamKind::String, ParamInput::Const(Value::Str(s))) => {
            let mut text = s.clone();
            let response = ui.add(egui::TextEdit::singleline(&mut text).desired_width(160.0));
            if response.changed() {
                let merge = Some(target.merge_key(i, "text"));
                target.push(
                    i,
                    |p| Edit::SetParam(p, ParamInput::Const(Value::Str(text))),
                    merge,
                );
            }
            if response.lost_focus() {
                target.out.push(EditCommand::Seal);
            }
        }
        (ParamKind::Points, input) => {
            // The list as written in a scene file; Enter (or leaving the field) applies it.
            let source = input.to_ron();
            let key = target.key(i, "points");
            let mut text = widgets
                .texts
                .get(&key)
                .cloned()
                .unwrap_or_else(|| source.clone());
            let response = ui.add(
                egui::TextEdit::singleline(&mut text)
                    .desired_width(220.0)
                    .font(egui::TextStyle::Monospace),
            );
            response
                .clone()
                .on_hover_text("points as [(x, y), (x, y, z), …] in mm; Enter applies");
            if response.has_focus() {
                widgets.texts.insert(key, text);
            } else {
                widgets.texts.remove(&key);
                if response.lost_focus() && text.trim() != source {
                    let raw = crate::scene::parse_param_text(&text).unwrap_or(RawParam::Str(text));
                    target.push(i, |p| Edit::SetRaw(p, raw), None);
                }
            }
        }
        (ParamKind::Refs, ParamInput::Const(Value::Inputs(current))) => {
            refs_menu(ui, i, current, target)
        }
        (_, other) => {
            ui.label(other.to_ron());
        }
    }
    if !spec.unit.is_empty() {
        ui.weak(&spec.unit);
    }
}

/// A reference as a menu of the scene's other layers and shapes, each ticked on or off.
fn refs_menu(ui: &mut egui::Ui, i: usize, current: &[GeometryRef], target: &mut OpTarget) {
    let shown = if current.is_empty() {
        "(none)".to_string()
    } else {
        current
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut picked: Vec<String> = current.iter().map(|r| r.name.clone()).collect();
    let before = picked.clone();
    let own = target.layer.to_string();
    let names = target.names;
    egui::ComboBox::from_id_salt(target.key(i, "refs"))
        .selected_text(shown)
        .show_ui(ui, |ui| {
            // A layer cannot read itself; the other names are offered in scene order.
            for name in names.iter().filter(|n| **n != own) {
                let mut on = picked.contains(name);
                if ui.checkbox(&mut on, name.as_str()).changed() {
                    if on {
                        picked.push(name.clone());
                    } else {
                        picked.retain(|n| n != name);
                    }
                }
            }
        });
    if picked != before {
        let refs = picked.into_iter().map(GeometryRef::named).collect();
        target.push(
            i,
            |p| Edit::SetParam(p, ParamInput::Const(Value::Inputs(refs))),
            None,
        );
    }
}

fn number_of(input: &ParamInput) -> Option<f64> {
    match input {
        ParamInput::Number(Scalar::Const(v)) => Some(*v),
        ParamInput::Const(Value::Float(v)) => Some(*v),
        ParamInput::Const(Value::Int(v)) => Some(*v as f64),
        _ => None,
    }
}

fn number_slider(
    ui: &mut egui::Ui,
    i: usize,
    spec: &ParamSpec,
    value: f64,
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
) {
    let key = target.key(i, "range");
    let mut range = *widgets
        .ranges
        .entry(key.clone())
        .or_insert_with(|| base_range(spec, value));
    // A value typed beyond the range widens it.
    while value < range.0 || value > range.1 {
        let wider = widen(spec, range);
        if wider == range {
            break;
        }
        range = wider;
    }
    widgets.ranges.insert(key.clone(), range);
    let int = spec.kind == ParamKind::Int;
    let mut v = value;
    let mut slider = egui::Slider::new(&mut v, range.0..=range.1)
        .clamping(egui::SliderClamping::Never)
        .smart_aim(!int);
    if int {
        slider = slider.step_by(1.0).fixed_decimals(0);
    } else if let Some(step) = spec.step {
        slider = slider.step_by(step);
    }
    let response = ui.add(slider);
    if response.changed() && v != value {
        let v = if int { v.round() } else { v };
        let merge = response.dragged().then(|| target.merge_key(i, "slider"));
        target.push(
            i,
            |p| Edit::SetParam(p, ParamInput::Number(Scalar::Const(v))),
            merge,
        );
    }
    target.drafting(&response);
    if response.drag_stopped() {
        target.out.push(EditCommand::Seal);
    }
    if ui
        .small_button("↔")
        .on_hover_text("widen the slider's range")
        .clicked()
    {
        widgets.ranges.insert(key, widen(spec, range));
    }
}

/// A text field for an expression of `t`; the edit is sent when the field loses focus.
fn expression_field(
    ui: &mut egui::Ui,
    i: usize,
    part: &str,
    source: &str,
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
    raw: impl FnOnce(String) -> RawParam,
) -> egui::Response {
    let key = target.key(i, part);
    let mut text = widgets
        .texts
        .get(&key)
        .cloned()
        .unwrap_or_else(|| source.to_string());
    let response = ui.add(
        egui::TextEdit::singleline(&mut text)
            .desired_width(140.0)
            .font(egui::TextStyle::Monospace),
    );
    response
        .clone()
        .on_hover_text("an expression of t (seconds), e.g. 20 + 10 * sin(t); Enter applies");
    if response.has_focus() {
        widgets.texts.insert(key, text);
    } else if response.lost_focus() {
        widgets.texts.remove(&key);
        if text.trim() != source {
            target.push(i, |p| Edit::SetRaw(p, raw(text)), None);
        }
    } else {
        widgets.texts.remove(&key);
    }
    response
}

fn vec3_fields(
    ui: &mut egui::Ui,
    i: usize,
    spec: &ParamSpec,
    parts: &[Scalar; 3],
    widgets: &mut ParamWidgets,
    target: &mut OpTarget,
) {
    let speed = spec.step.unwrap_or(0.1);
    for (axis, name) in ["x", "y", "z"].iter().enumerate() {
        match &parts[axis] {
            Scalar::Const(v) => {
                let mut x = *v;
                let response = ui.add(
                    egui::DragValue::new(&mut x)
                        .speed(speed)
                        .prefix(format!("{name} "))
                        .max_decimals(3),
                );
                if response.changed() && x != *v {
                    let mut next = parts.clone();
                    next[axis] = Scalar::Const(x);
                    let merge = response.dragged().then(|| target.merge_key(i, name));
                    target.push(i, |p| Edit::SetParam(p, ParamInput::Vec3(next)), merge);
                }
                target.drafting(&response);
                if response.drag_stopped() {
                    target.out.push(EditCommand::Seal);
                }
            }
            Scalar::Expr(e) => {
                let others: Vec<RawParam> = parts
                    .iter()
                    .map(|s| match s {
                        Scalar::Const(v) => RawParam::Num(*v, false),
                        Scalar::Expr(e) => RawParam::Str(e.source().to_string()),
                    })
                    .collect();
                expression_field(ui, i, name, e.source(), widgets, target, move |text| {
                    let mut seq = others;
                    seq[axis] = RawParam::Str(text);
                    RawParam::Seq(seq)
                });
            }
        }
    }
}
