//! The panel's layout: scene state, transport, layers, captures and statistics.

use bevy::ecs::system::SystemParam;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::format::{bytes, clock_time, count, duration};
use super::layers::{LayerRow, layers_section};
use super::{InspectorState, LiveStats};
use crate::capture::{
    AnimationExport, CaptureKind, CaptureLog, CaptureQueue, CaptureSettings, QuitAfterCaptures,
};
use crate::ecs::{
    ActiveScene, EditCommand, EditQueue, InFlight, Layer, LayerError, LayerRecipe, OpsRegistry,
    Realized, SceneClock, SceneDocument, SceneState, SceneStatus, Shape, StageTimes, Stroke,
};
use crate::ecs::{FRAME_STEP, OpRegistrationErrors};

const ERROR: egui::Color32 = egui::Color32::from_rgb(235, 90, 80);
const GOOD: egui::Color32 = egui::Color32::from_rgb(120, 200, 120);

/// What the panel reads.
#[derive(SystemParam)]
pub(super) struct PanelData<'w, 's> {
    status: Res<'w, SceneStatus>,
    active: Option<Res<'w, ActiveScene>>,
    document: Res<'w, SceneDocument>,
    stats: Res<'w, LiveStats>,
    capture_log: Res<'w, CaptureLog>,
    capture_settings: Res<'w, CaptureSettings>,
    registry: Res<'w, OpsRegistry>,
    op_errors: Option<Res<'w, OpRegistrationErrors>>,
    system_errors: Res<'w, crate::ecs::SystemErrors>,
    evaluations: Res<'w, crate::ecs::Evaluations>,
    drafts: Res<'w, crate::ecs::DraftLayers>,
    layers: Query<
        'w,
        's,
        (
            Entity,
            &'static Layer,
            &'static Stroke,
            &'static LayerRecipe,
            &'static LayerError,
            &'static InFlight,
            Has<Shape>,
            Option<&'static StageTimes>,
            Option<&'static Realized>,
        ),
    >,
}

/// The inspector system.
pub(super) fn inspector_ui(
    mut contexts: EguiContexts,
    mut state: ResMut<InspectorState>,
    mut clock: ResMut<SceneClock>,
    mut edits: ResMut<EditQueue>,
    mut captures: ResMut<CaptureQueue>,
    mut animation: ResMut<AnimationExport>,
    mut quit: ResMut<QuitAfterCaptures>,
    mut grid: ResMut<super::variations::VariationGrid>,
    mut midi: Option<ResMut<crate::ecs::midi::MidiInputs>>,
    data: PanelData,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if state.confirm_quit {
        quit_dialog(&ctx, &mut state, &mut edits, &mut quit);
    }
    if quit.wanted && !quit.now {
        finishing_dialog(&ctx, &data, &mut quit);
    }
    if !state.open {
        state.width = 0.0;
        // Nothing can be dragged in a closed panel.
        end_drafts(&data.drafts, &mut edits.commands);
        return Ok(());
    }
    let mut out: Vec<EditCommand> = Vec::new();
    let mut root = egui::Ui::new(
        ctx.clone(),
        "graft inspector root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    let panel = egui::Panel::right("graft inspector")
        .resizable(true)
        .default_size(420.0)
        .show(&mut root, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                scene_section(ui, &data, &edits);
                ui.separator();
                transport_section(ui, &mut clock);
                ui.separator();
                super::explore::explore_section(
                    ui,
                    data.document.scene.as_ref(),
                    &mut state.explore,
                    &mut grid.open,
                    midi.as_deref_mut(),
                    &mut out,
                );
                ui.separator();
                let mut rows: Vec<LayerRow> = data
                    .layers
                    .iter()
                    .map(|(entity, l, s, r, e, f, shape, times, realized)| LayerRow {
                        gpu: gpu_note(&data.stats, entity),
                        locks: data.document.scene.as_ref().map_or(&[], |s| &s.locks),
                        layer: l,
                        stroke: s,
                        recipe: r,
                        error: e,
                        busy: !f.is_empty(),
                        shape,
                        times,
                        notes: realized.map_or(&[], |r| r.geometry.notes()),
                        // The newest running evaluation's progress (long ops report it).
                        progress: f
                            .tasks
                            .iter()
                            .max_by_key(|t| t.seq)
                            .and_then(|t| data.evaluations.progress(t.id))
                            .filter(|&p| p > 0.0),
                    })
                    .collect();
                rows.sort_by_key(|r| r.layer.order);
                let registry = data.registry.snapshot();
                layers_section(ui, &rows, &registry, &mut state, &mut out);
                ui.separator();
                capture_section(ui, &data, &mut captures);
                animation_section(ui, &mut animation, &mut captures);
                ui.separator();
                stats_section(ui, &data.stats);
            });
        });
    state.width = panel.response.rect.width();
    if grid.open
        && let Some(scene) = data.document.scene.as_ref()
    {
        super::variations::grid_window(&ctx, &mut grid, scene, &mut out);
    }
    super::variations::note_adopted(&mut grid, &out);
    end_drafts(&data.drafts, &mut out);
    edits.commands.extend(out);
    Ok(())
}

/// Ends drafting for every layer none of whose widgets `out` says is dragged this frame:
/// a layer drafts only while dragged, whatever ended the drag (a release, a lost widget,
/// a closed panel).
fn end_drafts(drafts: &crate::ecs::DraftLayers, out: &mut Vec<EditCommand>) {
    for layer in &drafts.0 {
        let dragged = out
            .iter()
            .any(|c| matches!(c, EditCommand::Drafting { layer: l, on: true } if l == layer));
        if !dragged {
            out.push(EditCommand::Drafting {
                layer: layer.clone(),
                on: false,
            });
        }
    }
}

fn scene_section(ui: &mut egui::Ui, data: &PanelData, edits: &EditQueue) {
    ui.heading("Scene");
    let file = data
        .active
        .as_ref()
        .map(|a| a.file.display().to_string())
        .unwrap_or_else(|| "(no scene file: layers from Rust)".into());
    ui.label(egui::RichText::new(file).monospace());
    match &data.status.state {
        SceneState::Loading if data.active.is_none() => {}
        SceneState::Loading => {
            ui.label("loading…");
        }
        SceneState::Loaded { at } => {
            ui.colored_label(GOOD, format!("loaded at {}", clock_time(*at)));
        }
        SceneState::Reloaded { at } => {
            ui.colored_label(GOOD, format!("reloaded at {}", clock_time(*at)));
        }
        SceneState::Error(e) => {
            ui.colored_label(
                ERROR,
                format!("error at {}:{}:{}", e.file, e.line, e.column),
            );
            ui.colored_label(ERROR, &e.message);
            ui.label("The last good scene stays on screen until the file is fixed.");
        }
    }
    let doc = &data.document;
    ui.horizontal(|ui| {
        if doc.is_dirty() {
            ui.colored_label(egui::Color32::from_rgb(240, 190, 80), "• unsaved changes");
        } else if doc.scene.is_some() {
            ui.weak("saved");
        }
        ui.weak(format!(
            "undo {} · redo {}",
            doc.history.undo_len(),
            doc.history.redo_len()
        ));
    });
    match &doc.kept_edits {
        Some(Ok(path)) => {
            ui.colored_label(
                ERROR,
                format!(
                    "The file changed on disk while you had unsaved edits: they are kept in {}",
                    path.display()
                ),
            );
        }
        Some(Err(e)) => {
            ui.colored_label(
                ERROR,
                format!("Unsaved edits were replaced by a reload: {e}"),
            );
        }
        None => {}
    }
    if doc.saving {
        ui.weak("saving…");
    } else if let Some(outcome) = &doc.last_save {
        match outcome {
            Ok((path, at)) => ui.weak(format!("saved {path} at {}", clock_time(*at))),
            Err(e) => ui.colored_label(ERROR, e),
        };
    }
    for e in data.op_errors.iter().flat_map(|e| e.0.iter()) {
        ui.colored_label(ERROR, e);
    }
    for e in &data.system_errors.latest {
        ui.colored_label(ERROR, e);
    }
    if let Some(e) = &edits.last_error {
        ui.colored_label(ERROR, format!("edit refused: {e}"));
    }
}

/// Takes the `ResMut` itself so that only a real change marks the clock as changed.
fn transport_section(ui: &mut egui::Ui, clock: &mut ResMut<SceneClock>) {
    ui.heading("Time");
    ui.horizontal(|ui| {
        if ui.button("⏮").on_hover_text("back to 0 (Home)").clicked() {
            clock.seek(0.0);
        }
        if ui.button("◀").on_hover_text("one frame back (←)").clicked() {
            clock.set_playing(false);
            let t = (clock.t - FRAME_STEP).max(0.0);
            clock.seek(t);
        }
        let label = if clock.playing {
            "⏸ pause"
        } else {
            "▶ play"
        };
        if ui.button(label).on_hover_text("Space").clicked() {
            let playing = !clock.playing;
            clock.set_playing(playing);
        }
        if ui
            .button("▶|")
            .on_hover_text("one frame forward (→)")
            .clicked()
        {
            clock.set_playing(false);
            let t = clock.t + FRAME_STEP;
            clock.seek(t);
        }
    });
    let mut t = clock.t;
    ui.horizontal(|ui| {
        ui.label("t");
        let top = (clock.t * 1.5).max(60.0);
        let slider = ui.add(
            egui::Slider::new(&mut t, 0.0..=top)
                .clamping(egui::SliderClamping::Never)
                .suffix(" s")
                .max_decimals(3),
        );
        if slider.changed() && t != clock.t {
            clock.seek(t.max(0.0));
        }
    });
    let mut speed = clock.speed;
    ui.horizontal(|ui| {
        ui.label("speed");
        let r = ui.add(
            egui::Slider::new(&mut speed, 0.125..=8.0)
                .logarithmic(true)
                .suffix("×")
                .max_decimals(3),
        );
        if r.changed() {
            clock.set_speed(speed);
        }
    });
}

fn capture_section(ui: &mut egui::Ui, data: &PanelData, queue: &mut CaptureQueue) {
    ui.heading("Capture");
    ui.horizontal_wrapped(|ui| {
        for (label, key, kind) in [
            ("SVG", "S", CaptureKind::Svg),
            ("G-code", "G", CaptureKind::Gcode),
            ("G-code per layer", "Shift+G", CaptureKind::GcodePerLayer),
            ("PNG", "P", CaptureKind::Png),
        ] {
            if ui.button(label).on_hover_text(key).clicked() {
                queue.0.push(kind);
            }
        }
    });
    ui.weak(format!(
        "into {}/ (numbered, never overwritten)",
        data.capture_settings.dir.display()
    ));
    if data.capture_log.pending > 0 {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "{} capture(s) in progress",
                data.capture_log.pending
            ));
        });
    }
    for outcome in data.capture_log.done.iter().rev().take(4) {
        match &outcome.result {
            Ok(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                ui.colored_label(
                    GOOD,
                    format!(
                        "{} {}: {}",
                        clock_time(outcome.at),
                        outcome.kind.label(),
                        names.join(", ")
                    ),
                );
            }
            Err(e) => {
                ui.colored_label(ERROR, format!("{} failed: {e}", outcome.kind.label()));
            }
        }
        if let Some(note) = &outcome.note {
            ui.label(note);
        }
    }
}

fn animation_section(
    ui: &mut egui::Ui,
    export: &mut ResMut<AnimationExport>,
    queue: &mut CaptureQueue,
) {
    egui::CollapsingHeader::new("Animation")
        .default_open(false)
        .show(ui, |ui| {
            let (mut from, mut to, mut fps, mut svg) = (export.from, export.to, export.fps, export.svg);
            ui.horizontal(|ui| {
                ui.label("from");
                ui.add(egui::DragValue::new(&mut from).speed(0.1).suffix(" s").range(0.0..=1e6));
                ui.label("to");
                ui.add(egui::DragValue::new(&mut to).speed(0.1).suffix(" s").range(0.0..=1e6));
                ui.label("at");
                ui.add(egui::DragValue::new(&mut fps).speed(1.0).suffix(" fps").range(1.0..=240.0));
            });
            ui.checkbox(&mut svg, "SVG frames too");
            if (from, to, fps, svg) != (export.from, export.to, export.fps, export.svg) {
                export.from = from;
                export.to = to;
                export.fps = fps;
                export.svg = svg;
            }
            match export.running() {
                Some((done, total)) => {
                    ui.add(
                        egui::ProgressBar::new(done as f32 / total.max(1) as f32)
                            .text(format!("{done}/{total} frames")),
                    );
                }
                None => {
                    let frames = ((to - from) * fps).ceil().max(0.0);
                    if ui
                        .button(format!("Export {frames} frames"))
                        .on_hover_text("numbered PNGs in a new folder under the output folder; an MP4 too when ffmpeg is installed")
                        .clicked()
                    {
                        queue.0.push(CaptureKind::Frames);
                    }
                }
            }
        });
}

/// What the GPU line cache says of a layer: its new geometry still uploading, or
/// larger than the whole budget.
fn gpu_note(s: &LiveStats, layer: Entity) -> Option<String> {
    if s.gpu_too_large.contains(&layer) {
        return Some("larger than the GPU budget: not drawn".into());
    }
    let (_, left) = s.gpu_waiting.iter().find(|(l, _)| *l == layer)?;
    Some(format!(
        "uploading to the GPU ({} left): the previous drawing shows meanwhile",
        bytes(*left)
    ))
}

fn stats_section(ui: &mut egui::Ui, s: &LiveStats) {
    egui::CollapsingHeader::new("Statistics")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("graft stats")
                .num_columns(2)
                .show(ui, |ui| {
                    let mut row = |name: &str, value: String| {
                        ui.label(name);
                        ui.monospace(value);
                        ui.end_row();
                    };
                    row("fps", format!("{:.1}", s.fps));
                    row(
                        "frame time",
                        format!(
                            "p50 {:.2} ms · p95 {:.2} ms",
                            s.frame_p50_ms, s.frame_p95_ms
                        ),
                    );
                    row("layers", count(s.layers));
                    row("polylines", count(s.polylines));
                    row("vertices", count(s.vertices));
                    row("segments", count(s.segments));
                    row(
                        "CPU cache hits",
                        s.cpu_hit_rate
                            .map_or("–".into(), |r| format!("{:.1} %", r * 100.0)),
                    );
                    row("tasks in flight", s.tasks_in_flight.to_string());
                    row(
                        "process CPU",
                        s.cpu_percent
                            .map_or("–".into(), |p| format!("{p:.0} % of a core")),
                    );
                    row(
                        "resident memory",
                        s.resident_bytes.map_or("–".into(), bytes),
                    );
                    row(
                        "GPU uploads",
                        format!(
                            "{} /s · {}/s",
                            s.gpu_uploads_per_s,
                            bytes(s.gpu_bytes_per_s)
                        ),
                    );
                    row("GPU resident", bytes(s.gpu_resident_bytes));
                    row(
                        "GPU uploads waiting",
                        if s.gpu_waiting.is_empty() {
                            "none".into()
                        } else {
                            format!(
                                "{} layer{} · {} left",
                                s.gpu_waiting.len(),
                                if s.gpu_waiting.len() == 1 { "" } else { "s" },
                                bytes(s.gpu_waiting.iter().map(|(_, b)| b).sum())
                            )
                        },
                    );
                    row(
                        "GPU time",
                        s.gpu_frame_ms
                            .map_or("– (the adapter has no timestamp queries)".into(), |ms| {
                                format!("{ms:.2} ms a frame")
                            }),
                    );
                    row("pen down", format!("{:.2} m", s.pen_down_mm / 1000.0));
                    row("pen-up travel", format!("{:.2} m", s.pen_up_mm / 1000.0));
                    row("plot time", duration(s.plot_seconds));
                });
        });
}

/// Quitting waits for captures being written: how many, and a way out now.
fn finishing_dialog(ctx: &egui::Context, data: &PanelData, quit: &mut QuitAfterCaptures) {
    let left = data.capture_log.pending;
    egui::Window::new("Quitting")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label(format!(
                "Finishing {left} file{}…",
                if left == 1 { "" } else { "s" }
            ));
            if ui.button("Quit now (they are not written)").clicked() {
                quit.ask();
            }
        });
}

fn quit_dialog(
    ctx: &egui::Context,
    state: &mut InspectorState,
    edits: &mut EditQueue,
    quit: &mut QuitAfterCaptures,
) {
    egui::Window::new("Unsaved changes")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.label("The scene has changes that are not saved.");
            ui.horizontal(|ui| {
                if ui.button("Save and quit").clicked() {
                    edits.push(EditCommand::Save);
                    state.confirm_quit = false;
                    state.quit_after_save = true;
                }
                if ui.button("Quit without saving").clicked() {
                    state.confirm_quit = false;
                    quit.ask();
                }
                if ui.button("Cancel").clicked() {
                    state.confirm_quit = false;
                }
            });
        });
}
