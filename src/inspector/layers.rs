//! The layers section: per layer its pen (visibility, name, colour, width), its source
//! op and each effect as a collapsible group, with effects switched, added (searchable),
//! removed and reordered.

use std::sync::Arc;

use bevy_egui::egui;

use super::InspectorState;
use super::params::{OpTarget, op_params};
use crate::ecs::{EditCommand, Layer, LayerError, LayerRecipe, StageTimes, Stroke};
use crate::edit::Edit;
use crate::ops::{OpKind, OpRegistry, Rgba};

/// One layer as the panel reads it.
pub(super) struct LayerRow<'a> {
    pub layer: &'a Layer,
    pub stroke: &'a Stroke,
    pub recipe: &'a LayerRecipe,
    pub error: &'a LayerError,
    pub busy: bool,
    /// A shape of the scene (never drawn; other layers' stages read it).
    pub shape: bool,
    /// Recent evaluation times of its stages.
    pub times: Option<&'a StageTimes>,
    /// What its stages left out or changed (images ignored by an SVG import, …).
    pub notes: &'a [String],
    /// How far its newest running evaluation has got, when a long op reports it.
    pub progress: Option<f32>,
    /// The scene's locked parameters.
    pub locks: &'a [crate::ops::ParamAddress],
    /// Its geometry waits for the GPU (uploading over frames, or over the budget).
    pub gpu: Option<String>,
}

/// The last evaluation time of the stage named `stage`, with its p95 on hover.
fn stage_time(ui: &mut egui::Ui, times: Option<&StageTimes>, stage: &str) {
    let Some(t) = times.and_then(|t| t.0.get(stage)) else {
        return;
    };
    let (Some(last), Some(p95)) = (t.last(), t.quantile(0.95)) else {
        return;
    };
    let shown = if last < 10.0 {
        format!("{last:.2} ms")
    } else {
        format!("{last:.0} ms")
    };
    ui.label(egui::RichText::new(shown).weak().small())
        .on_hover_text(format!(
            "time of this stage when it last ran: {last:.2} ms; p95 of recent runs {p95:.2} ms"
        ));
}

fn edit(out: &mut Vec<EditCommand>, layer: &str, edit: Edit, merge: Option<u64>) {
    out.push(EditCommand::Edit {
        layer: layer.to_string(),
        edit,
        merge,
    });
}

pub(super) fn layers_section(
    ui: &mut egui::Ui,
    rows: &[LayerRow],
    registry: &Arc<OpRegistry>,
    state: &mut InspectorState,
    out: &mut Vec<EditCommand>,
) {
    // What reference parameters may choose from: every layer and shape.
    let names: Vec<String> = rows.iter().map(|r| r.layer.name.clone()).collect();
    ui.heading("Layers");
    if rows.iter().all(|r| r.shape) {
        ui.weak("no layers");
    }
    for row in rows.iter().filter(|r| !r.shape) {
        layer_group(ui, row, &names, registry, state, out);
    }
    if rows.iter().any(|r| r.shape) {
        ui.separator();
        ui.heading("Shapes").on_hover_text(
            "recipes that are never drawn: clip, boolean and occult read them by name",
        );
        for row in rows.iter().filter(|r| r.shape) {
            layer_group(ui, row, &names, registry, state, out);
        }
    }
}

fn layer_group(
    ui: &mut egui::Ui,
    row: &LayerRow,
    names: &[String],
    registry: &Arc<OpRegistry>,
    state: &mut InspectorState,
    out: &mut Vec<EditCommand>,
) {
    let name = row.layer.name.as_str();
    let id = ui.make_persistent_id(("layer", name));
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, true)
        .show_header(ui, |ui| pen_row(ui, row, out))
        .body(|ui| {
            if let Some(message) = &row.error.message {
                ui.colored_label(egui::Color32::from_rgb(235, 90, 80), message);
            }
            if let Some(done) = row.progress {
                ui.add(
                    egui::ProgressBar::new(done)
                        .show_percentage()
                        .desired_width(220.0),
                )
                .on_hover_text("computing; a newer change cancels it");
            }
            if let Some(gpu) = &row.gpu {
                ui.colored_label(egui::Color32::from_rgb(240, 190, 80), gpu);
            }
            for note in row.notes {
                ui.colored_label(
                    egui::Color32::from_rgb(240, 190, 80),
                    format!("note: {note}"),
                );
            }
            let recipe = &row.recipe.0;
            source_group(ui, row, names, recipe, registry, state, out);
            let n = recipe.effects.len();
            let stages = recipe.stage_names();
            for (i, call) in recipe.effects.iter().enumerate() {
                // Keyed by the stage's address, so its open state stays with it when
                // effects are inserted or moved.
                let stage = stages[i + 1].to_string();
                let header_id = ui.make_persistent_id(("effect", name, stage.as_str()));
                egui::collapsing_header::CollapsingState::load_with_default_open(
                    ui.ctx(),
                    header_id,
                    false,
                )
                .show_header(ui, |ui| {
                    let mut on = call.enabled;
                    let title = match &call.id {
                        Some(id) => format!("{} · {id}", call.op.name()),
                        None => call.op.name().to_string(),
                    };
                    if ui
                        .checkbox(&mut on, egui::RichText::new(title).strong())
                        .on_hover_text(call.op.schema().doc.as_str())
                        .changed()
                    {
                        edit(out, name, Edit::SetEnabled(i, on), None);
                    }
                    if ui
                        .add_enabled(i > 0, egui::Button::new("⏶").small())
                        .on_hover_text("move up")
                        .clicked()
                    {
                        edit(out, name, Edit::MoveEffect(i, i - 1), None);
                    }
                    if ui
                        .add_enabled(i + 1 < n, egui::Button::new("⏷").small())
                        .on_hover_text("move down")
                        .clicked()
                    {
                        edit(out, name, Edit::MoveEffect(i, i + 1), None);
                    }
                    if ui.small_button("✖").on_hover_text("remove").clicked() {
                        edit(out, name, Edit::RemoveEffect(i), None);
                    }
                    stage_time(ui, row.times, &stage);
                })
                .body(|ui| {
                    let stage = stages[i + 1].clone();
                    let mut target = OpTarget::new(name, stage, names, out).with_locks(row.locks);
                    op_params(ui, call, &mut state.params, &mut target);
                });
            }
            add_effect(ui, name, n, registry, state, out);
        });
}

/// Visibility, name, colour and pen width on the layer's header line.
fn pen_row(ui: &mut egui::Ui, row: &LayerRow, out: &mut Vec<EditCommand>) {
    let name = row.layer.name.as_str();
    if row.shape {
        // A shape has no pen and is never drawn: only its name.
        ui.label(egui::RichText::new(name).strong())
            .on_hover_text("a shape: read by name, never drawn");
        if row.busy {
            ui.spinner();
        }
        return;
    }
    let mut visible = row.layer.visible;
    if ui
        .checkbox(&mut visible, "")
        .on_hover_text("visible (hidden layers are not exported)")
        .changed()
    {
        edit(out, name, Edit::SetVisible(visible), None);
    }
    let mut text = name.to_string();
    let response = ui.add(egui::TextEdit::singleline(&mut text).desired_width(90.0));
    if response.lost_focus() && text.trim() != name && !text.trim().is_empty() {
        edit(out, name, Edit::Rename(text.trim().to_string()), None);
    }
    let mut rgba = row
        .stroke
        .color
        .0
        .map(|x| (x.clamp(0.0, 1.0) * 255.0).round() as u8);
    let before = rgba;
    ui.color_edit_button_srgba_unmultiplied(&mut rgba);
    if rgba != before {
        let merge = Some(hash(&(name, "color")));
        let color = Rgba(rgba.map(|x| x as f32 / 255.0));
        edit(out, name, Edit::SetColor(color), merge);
    }
    let mut width = row.stroke.width_mm;
    let response = ui.add(
        egui::DragValue::new(&mut width)
            .speed(0.01)
            .range(0.01..=50.0)
            .suffix(" mm")
            .max_decimals(3),
    );
    if response.changed() && width != row.stroke.width_mm {
        let merge = response.dragged().then(|| hash(&(name, "width")));
        edit(out, name, Edit::SetPenWidth(width), merge);
    }
    if response.drag_stopped() {
        out.push(EditCommand::Seal);
    }
    if row.busy {
        ui.spinner();
    }
}

fn source_group(
    ui: &mut egui::Ui,
    row: &LayerRow,
    names: &[String],
    recipe: &crate::ops::Recipe,
    registry: &Arc<OpRegistry>,
    state: &mut InspectorState,
    out: &mut Vec<EditCommand>,
) {
    let name = row.layer.name.as_str();
    let source = &recipe.source;
    let header_id = ui.make_persistent_id(("source", name));
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), header_id, false)
        .show_header(ui, |ui| {
            let current = source.op.name().to_string();
            let mut picked = current.clone();
            egui::ComboBox::from_id_salt(("source op", name))
                .selected_text(egui::RichText::new(&current).strong())
                .show_ui(ui, |ui| {
                    for n in registry.names(OpKind::Primitive) {
                        ui.selectable_value(&mut picked, n.to_string(), n);
                    }
                })
                .response
                .on_hover_text("the source primitive (changing it resets its parameters)");
            if picked != current
                && let Some(op) = registry.get(&picked)
            {
                edit(out, name, Edit::SetSource(Arc::clone(op)), None);
            }
            stage_time(ui, row.times, &recipe.stage_names()[0].to_string());
        })
        .body(|ui| {
            let stage = recipe.stage_names().swap_remove(0);
            let mut target = OpTarget::new(name, stage, names, out).with_locks(row.locks);
            op_params(ui, source, &mut state.params, &mut target);
        });
}

/// A search field listing matching effects; clicking one appends it to the chain.
fn add_effect(
    ui: &mut egui::Ui,
    name: &str,
    count: usize,
    registry: &Arc<OpRegistry>,
    state: &mut InspectorState,
    out: &mut Vec<EditCommand>,
) {
    let search = state.effect_search.entry(name.to_string()).or_default();
    ui.horizontal(|ui| {
        ui.label("add effect");
        ui.add(
            egui::TextEdit::singleline(search)
                .hint_text("search…")
                .desired_width(120.0),
        );
    });
    let needle = search.trim().to_lowercase();
    if needle.is_empty() {
        return;
    }
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        for op in registry
            .iter()
            .filter(|op| op.schema().kind == OpKind::Effect)
            .filter(|op| {
                op.name().contains(&needle) || op.schema().doc.to_lowercase().contains(&needle)
            })
        {
            if ui
                .button(op.name())
                .on_hover_text(op.schema().doc.as_str())
                .clicked()
            {
                chosen = Some(Arc::clone(op));
            }
        }
    });
    if let Some(op) = chosen {
        search.clear();
        edit(out, name, Edit::AddEffect(count, op), None);
    }
}

fn hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::{DefaultHasher, Hasher};
    let mut h = DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}
