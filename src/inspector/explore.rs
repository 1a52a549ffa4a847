//! The Explore section: the scene seed (previous, next, random, kept), randomise and
//! nudge of the unlocked parameters, presets (save, apply, rename, delete, A/B against
//! the current values) and a morph between two presets. Every change is an
//! [`EditCommand`]: one undo step, saved with the scene.

use bevy_egui::egui;

use crate::ecs::EditCommand;
use crate::scene::{Preset, Scene, morph, morph_over_time, nudge, randomise};

/// What the section remembers between frames.
#[derive(Debug)]
pub(super) struct ExploreState {
    /// The seed stays when randomising.
    seed_kept: bool,
    /// Randomise and nudge act on this layer only (none: all).
    scope: Option<String>,
    /// How far a nudge moves, in % of each slider's range.
    nudge_percent: f64,
    /// The name typed for a new preset.
    new_name: String,
    /// The preset being renamed and the name typed.
    renaming: Option<(String, String)>,
    /// The values before the A/B toggle switched to a preset, and that preset's name.
    ab: Option<(Preset, String)>,
    /// The morph's ends and position.
    morph_a: Option<String>,
    morph_b: Option<String>,
    morph_u: f64,
    /// Rounds of randomise and nudge so far (each draws anew).
    round: u64,
}

impl Default for ExploreState {
    fn default() -> Self {
        Self {
            seed_kept: false,
            scope: None,
            nudge_percent: 10.0,
            new_name: String::new(),
            renaming: None,
            ab: None,
            morph_a: None,
            morph_b: None,
            morph_u: 0.0,
            // Different on every start, the same within a session's sequence of rounds.
            round: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64),
        }
    }
}

/// Merge key of a morph drag (one undo step per drag).
const MORPH_MERGE: u64 = 0x6d6f_7270_6800;

/// The section. `scene` is the document's scene (none before the first load).
pub(super) fn explore_section(
    ui: &mut egui::Ui,
    scene: Option<&Scene>,
    state: &mut ExploreState,
    grid_open: &mut bool,
    midi: Option<&mut crate::ecs::midi::MidiInputs>,
    out: &mut Vec<EditCommand>,
) {
    let Some(scene) = scene else {
        return;
    };
    egui::CollapsingHeader::new("Explore")
        .default_open(true)
        .show(ui, |ui| {
            seed_row(ui, scene, state, out);
            moves_row(ui, scene, state, out);
            ui.toggle_value(grid_open, "variations grid")
                .on_hover_text("a grid of live thumbnails: seeds, a parameter's range, or nudges; click one to adopt it");
            ui.separator();
            presets(ui, scene, state, out);
            if scene.presets.len() >= 2 {
                ui.separator();
                morph_rows(ui, scene, state, out);
            }
            if let Some(midi) = midi {
                ui.separator();
                midi_rows(ui, scene, midi, out);
            }
        });
}

fn seed_row(
    ui: &mut egui::Ui,
    scene: &Scene,
    state: &mut ExploreState,
    out: &mut Vec<EditCommand>,
) {
    ui.horizontal(|ui| {
        ui.label("seed").on_hover_text(
            "the scene's seed: every random stage whose own seed is not written draws from it",
        );
        let mut seed = scene.seed.unwrap_or(0);
        let set = ui
            .add(egui::DragValue::new(&mut seed).range(0..=u32::MAX as u64))
            .changed();
        if set {
            out.push(EditCommand::SetSeed(Some(seed)));
        }
        if ui
            .small_button("◀")
            .on_hover_text("previous seed")
            .clicked()
        {
            out.push(EditCommand::SetSeed(Some(seed.saturating_sub(1))));
        }
        if ui.small_button("▶").on_hover_text("next seed").clicked() {
            out.push(EditCommand::SetSeed(Some(seed.saturating_add(1))));
        }
        if ui
            .small_button("🎲")
            .on_hover_text("a random seed")
            .clicked()
        {
            state.round = state.round.wrapping_add(1);
            out.push(EditCommand::SetSeed(Some(random_seed(state.round))));
        }
        ui.checkbox(&mut state.seed_kept, "keep")
            .on_hover_text("randomise leaves the seed as it is");
        if scene.seed.is_some()
            && ui
                .small_button("×")
                .on_hover_text("no scene seed: every op uses its own")
                .clicked()
        {
            out.push(EditCommand::SetSeed(None));
        }
    });
}

/// A seed from a round: small enough to read and type.
fn random_seed(round: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64(&round.to_le_bytes()) % 100_000
}

fn moves_row(
    ui: &mut egui::Ui,
    scene: &Scene,
    state: &mut ExploreState,
    out: &mut Vec<EditCommand>,
) {
    ui.horizontal(|ui| {
        let shown = state.scope.clone().unwrap_or_else(|| "all layers".into());
        egui::ComboBox::from_id_salt("graft explore scope")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut state.scope, None, "all layers");
                for name in scene.names() {
                    ui.selectable_value(&mut state.scope, Some(name.to_string()), name);
                }
            });
        let scope = state.scope.as_deref();
        if ui
            .button("🎲 randomise")
            .on_hover_text(
                "every unlocked number, switch and choice drawn within its slider range (🔒 locks one); one undo step",
            )
            .clicked()
        {
            state.round = state.round.wrapping_add(1);
            let sets = randomise(scene, state.round, &scene.locks, scope);
            if !state.seed_kept && scope.is_none() {
                out.push(EditCommand::SetSeed(Some(random_seed(state.round))));
            }
            out.push(EditCommand::SetParams { sets, merge: None });
        }
        if ui
            .button("nudge")
            .on_hover_text("every unlocked number moved a little around its value; one undo step")
            .clicked()
        {
            state.round = state.round.wrapping_add(1);
            let sets = nudge(scene, state.round, state.nudge_percent / 100.0, &scene.locks, scope);
            out.push(EditCommand::SetParams { sets, merge: None });
        }
        ui.add(
            egui::DragValue::new(&mut state.nudge_percent)
                .range(1.0..=50.0)
                .prefix("±")
                .suffix(" %"),
        )
        .on_hover_text("how far a nudge moves, in % of each slider's range");
    });
}

fn presets(ui: &mut egui::Ui, scene: &Scene, state: &mut ExploreState, out: &mut Vec<EditCommand>) {
    ui.label("presets")
        .on_hover_text("named snapshots of the values, kept in the scene file");
    for preset in &scene.presets {
        ui.horizontal(|ui| {
            let renaming = state
                .renaming
                .as_ref()
                .is_some_and(|(n, _)| *n == preset.name);
            if renaming {
                let (_, typed) = state.renaming.as_mut().expect("checked");
                let field = ui.text_edit_singleline(typed);
                if field.lost_focus() || ui.small_button("✔").clicked() {
                    let (from, to) = state.renaming.take().expect("checked");
                    if from != to {
                        out.push(EditCommand::RenamePreset { from, to });
                    }
                }
                return;
            }
            let title = match &preset.layer {
                Some(layer) => format!("{} ({layer})", preset.name),
                None => preset.name.clone(),
            };
            ui.label(title);
            if ui
                .small_button("apply")
                .on_hover_text("set these values; one undo step")
                .clicked()
            {
                out.push(EditCommand::ApplyPreset(preset.name.clone()));
            }
            let on_b = state.ab.as_ref().is_some_and(|(_, n)| *n == preset.name);
            if ui
                .selectable_label(on_b, "A/B")
                .on_hover_text("switch between the values as they were and this preset")
                .clicked()
            {
                match state.ab.take() {
                    Some((before, _)) => {
                        out.push(EditCommand::SetParams {
                            sets: before.values,
                            merge: None,
                        });
                        if before.seed.is_some() {
                            out.push(EditCommand::SetSeed(before.seed));
                        }
                    }
                    None => {
                        state.ab = Some((
                            scene.capture_preset("A", preset.layer.as_deref()),
                            preset.name.clone(),
                        ));
                        out.push(EditCommand::ApplyPreset(preset.name.clone()));
                    }
                }
            }
            if ui.small_button("✏").on_hover_text("rename").clicked() {
                state.renaming = Some((preset.name.clone(), preset.name.clone()));
            }
            if ui.small_button("🗑").on_hover_text("delete").clicked() {
                out.push(EditCommand::DeletePreset(preset.name.clone()));
            }
        });
    }
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut state.new_name)
                .hint_text("name")
                .desired_width(110.0),
        );
        let name = state.new_name.trim().to_string();
        let named = !name.is_empty();
        if ui
            .add_enabled(named, egui::Button::new("save all"))
            .on_hover_text("keep every layer's values under this name")
            .clicked()
        {
            out.push(EditCommand::SavePreset {
                name: name.clone(),
                layer: None,
            });
            state.new_name.clear();
        }
        if let Some(layer) = state.scope.clone()
            && ui
                .add_enabled(named, egui::Button::new(format!("save {layer}")))
                .on_hover_text("keep this layer's values under this name")
                .clicked()
        {
            out.push(EditCommand::SavePreset {
                name,
                layer: Some(layer),
            });
            state.new_name.clear();
        }
    });
}

fn morph_rows(
    ui: &mut egui::Ui,
    scene: &Scene,
    state: &mut ExploreState,
    out: &mut Vec<EditCommand>,
) {
    let names: Vec<&str> = scene.presets.iter().map(|p| p.name.as_str()).collect();
    let valid = |n: &Option<String>| n.as_deref().is_some_and(|n| names.contains(&n));
    if !valid(&state.morph_a) {
        state.morph_a = names.first().map(|n| n.to_string());
    }
    if !valid(&state.morph_b) {
        state.morph_b = names.get(1).map(|n| n.to_string());
    }
    ui.horizontal(|ui| {
        ui.label("morph");
        for (salt, end) in [("a", &mut state.morph_a), ("b", &mut state.morph_b)] {
            egui::ComboBox::from_id_salt(("graft morph", salt))
                .selected_text(end.clone().unwrap_or_default())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for n in &names {
                        ui.selectable_value(end, Some(n.to_string()), *n);
                    }
                });
        }
    });
    let find = |n: &Option<String>| scene.presets.iter().find(|p| Some(&p.name) == n.as_ref());
    let (Some(a), Some(b)) = (find(&state.morph_a), find(&state.morph_b)) else {
        return;
    };
    ui.horizontal(|ui| {
        let slider = ui
            .add(egui::Slider::new(&mut state.morph_u, 0.0..=1.0).text("a to b"))
            .on_hover_text("numbers blend; switches and choices change half way; one undo step per drag");
        if slider.changed() {
            out.push(EditCommand::SetParams {
                sets: morph(a, b, state.morph_u),
                merge: Some(MORPH_MERGE),
            });
        }
        if slider.drag_stopped() {
            out.push(EditCommand::Seal);
        }
        if ui
            .small_button("along t")
            .on_hover_text("write each differing number as an expression of t: a at t = 0, b at t = 1, back at t = 2 (0.5 − 0.5·cos(πt))")
            .clicked()
        {
            out.push(EditCommand::SetParams {
                sets: morph_over_time(a, b, "0.5 - 0.5 * cos(PI * t)"),
                merge: None,
            });
        }
    });
}

/// MIDI: the inputs, learning, and the mappings of the scene.
fn midi_rows(
    ui: &mut egui::Ui,
    scene: &Scene,
    midi: &mut crate::ecs::midi::MidiInputs,
    out: &mut Vec<EditCommand>,
) {
    ui.horizontal(|ui| {
        ui.label("MIDI");
        ui.weak(&midi.status);
    });
    ui.horizontal(|ui| {
        ui.toggle_value(&mut midi.learning, "learn").on_hover_text(
            "touch a parameter (move its slider), then move a control: it is mapped",
        );
        if midi.learning {
            ui.weak("touch a parameter, then move a control");
        } else if let Some(learned) = &midi.learned {
            ui.weak(learned);
        }
    });
    for m in &scene.midi {
        ui.horizontal(|ui| {
            let channel = m.channel.map_or("any".to_string(), |c| c.to_string());
            ui.small(format!(
                "CC {}{} · ch {channel} -> {}",
                m.control,
                if m.fine { " (14-bit)" } else { "" },
                m.address
            ));
            if ui
                .small_button("×")
                .on_hover_text("remove this mapping")
                .clicked()
            {
                out.push(EditCommand::RemoveMidi {
                    control: m.control,
                    channel: m.channel,
                });
            }
        });
    }
}
