//! The variation grid: N × M live thumbnails of the scene beside the main view, each a
//! real render (the scene evaluated through the pipeline's cache and rasterised) of a
//! variation: seeds across, optionally one parameter's range down, or random nudges.
//! Thumbnails are computed on the async compute pool and never block the frame; changing
//! the scene or the grid drops the tasks still running. A click adopts a variation (one
//! undo step); a second click on it keeps it as a preset.

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::egui;

use crate::ecs::{EditCommand, PipelineSettings, SceneDocument, SharedCache};
use crate::ops::{ParamAddress, RawParam, SceneBudget};
use crate::scene::{Scene, SceneOverrides, nudge};

/// What the cells vary.
#[derive(Clone, Debug, PartialEq)]
pub enum GridMode {
    /// Seeds across; with a parameter, its slider range down.
    Seeds(Option<ParamAddress>),
    /// Random nudges of the unlocked numbers, by this fraction of their ranges.
    Nudges(f64),
}

/// One thumbnail.
struct Cell {
    seed: Option<u64>,
    sets: Vec<(ParamAddress, RawParam)>,
    label: String,
    task: Option<Task<Result<egui::ColorImage, String>>>,
    image: Option<egui::ColorImage>,
    texture: Option<egui::TextureHandle>,
    failed: Option<String>,
}

/// The grid's settings and cells.
#[derive(Resource)]
pub struct VariationGrid {
    /// Shown.
    pub open: bool,
    /// Columns and rows.
    pub size: (usize, usize),
    /// What varies.
    pub mode: GridMode,
    cells: Vec<Cell>,
    /// What the cells were made for: the scene's text and the settings.
    made_for: Option<u64>,
    /// The cell adopted last (a second click keeps it as a preset).
    adopted: Option<usize>,
    /// An adoption was sent: the scene change it makes keeps the cells.
    hold: bool,
    /// Thumbnails started, finished, and dropped unfinished (the grid or scene changed).
    pub counts: GridCounts,
    round: u64,
}

impl Default for VariationGrid {
    fn default() -> Self {
        Self {
            open: false,
            size: (4, 3),
            mode: GridMode::Seeds(None),
            cells: Vec::new(),
            made_for: None,
            adopted: None,
            hold: false,
            counts: GridCounts::default(),
            round: 1,
        }
    }
}

/// What the grid has computed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GridCounts {
    /// Thumbnails started.
    pub started: u64,
    /// Thumbnails finished (or failed).
    pub finished: u64,
    /// Thumbnails dropped before they finished, because the scene or the grid changed.
    pub cancelled: u64,
}

/// Thumbnail width in pixels.
const THUMB_PX: f64 = 150.0;
/// Most cells (columns × rows).
const MAX_CELLS: usize = 64;

impl VariationGrid {
    /// Thumbnails computed so far, and cells in all.
    pub fn progress(&self) -> (usize, usize) {
        let done = self
            .cells
            .iter()
            .filter(|c| c.image.is_some() || c.texture.is_some() || c.failed.is_some())
            .count();
        (done, self.cells.len())
    }

    /// The cells' variations: their seed and values (for tests and tools).
    pub fn variations(&self) -> Vec<(Option<u64>, Vec<(ParamAddress, RawParam)>)> {
        self.cells
            .iter()
            .map(|c| (c.seed, c.sets.clone()))
            .collect()
    }
}

/// The variations of `scene` for `mode` on a `cols` × `rows` grid, row by row: each
/// cell's label, seed and values.
pub fn plan(
    scene: &Scene,
    mode: &GridMode,
    cols: usize,
    rows: usize,
    round: u64,
) -> Vec<(String, Option<u64>, Vec<(ParamAddress, RawParam)>)> {
    variations(scene, mode, cols, rows, round)
        .into_iter()
        .map(|c| (c.label, c.seed, c.sets))
        .collect()
}

/// The variations of `scene` for `mode` on a `cols` × `rows` grid: seeds from the scene's
/// own onwards across, the parameter's slider range down (or nudges).
fn variations(scene: &Scene, mode: &GridMode, cols: usize, rows: usize, round: u64) -> Vec<Cell> {
    let base = scene.seed.unwrap_or(0);
    let mut out = Vec::with_capacity(cols * rows);
    for row in 0..rows {
        for col in 0..cols {
            let (seed, sets, label) = match mode {
                GridMode::Seeds(param) => {
                    let seed = base + (row * cols + col) as u64;
                    let seed = if param.is_some() {
                        base + col as u64
                    } else {
                        seed
                    };
                    let mut sets = Vec::new();
                    let mut label = format!("seed {seed}");
                    if let Some(address) = param
                        && let Some(slot) = scene.slot(address)
                        && let Some((lo, hi)) = slot.spec.ui_range
                    {
                        let u = if rows > 1 {
                            row as f64 / (rows - 1) as f64
                        } else {
                            0.5
                        };
                        let v = lo + (hi - lo) * u;
                        let v = if slot.spec.kind == crate::ops::ParamKind::Int {
                            v.round()
                        } else {
                            v
                        };
                        let raw = if slot.spec.kind == crate::ops::ParamKind::Vec3 {
                            RawParam::Seq(vec![RawParam::Num(v, false); 3])
                        } else {
                            RawParam::Num(v, slot.spec.kind == crate::ops::ParamKind::Int)
                        };
                        label =
                            format!("seed {seed} · {} {}", address.param, crate::ops::fmt_num(v));
                        sets.push((address.clone(), raw));
                    }
                    (Some(seed), sets, label)
                }
                GridMode::Nudges(fraction) => {
                    let k = (row * cols + col) as u64;
                    let sets = nudge(
                        scene,
                        round.wrapping_mul(1000).wrapping_add(k),
                        *fraction,
                        &scene.locks,
                        None,
                    );
                    (None, sets, format!("nudge {}", k + 1))
                }
            };
            out.push(Cell {
                seed,
                sets,
                label,
                task: None,
                image: None,
                texture: None,
                failed: None,
            });
        }
    }
    out
}

/// Starts the thumbnails of new cells and collects finished ones; runs every frame while
/// the grid is open, the work on the async compute pool. No window is needed: the images
/// become textures when the grid is drawn.
pub fn compute_grid(
    mut grid: ResMut<VariationGrid>,
    document: Res<SceneDocument>,
    settings: Res<PipelineSettings>,
    cache: Res<SharedCache>,
) {
    if !grid.open {
        // Closed: nothing runs (dropping a task cancels it).
        if !grid.cells.is_empty() {
            let unfinished = grid.cells.iter().filter(|c| c.task.is_some()).count() as u64;
            grid.counts.cancelled += unfinished;
            grid.cells.clear();
            grid.made_for = None;
        }
        return;
    }
    let Some(scene) = document.scene.as_ref() else {
        return;
    };
    let (cols, rows) = grid.size;
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        scene.to_ron("").hash(&mut h);
        (cols, rows, grid.round).hash(&mut h);
        format!("{:?}", grid.mode).hash(&mut h);
        h.finish()
    };
    if grid.made_for != Some(key) && grid.hold {
        // The change the adoption made: the cells stay, so a second click keeps it.
        grid.made_for = Some(key);
        grid.hold = false;
    }
    if grid.made_for != Some(key) {
        // Tasks of the old cells are dropped here, which cancels them.
        let unfinished = grid.cells.iter().filter(|c| c.task.is_some()).count() as u64;
        grid.counts.cancelled += unfinished;
        let made = variations(scene, &grid.mode, cols, rows, grid.round);
        grid.cells = made;
        grid.made_for = Some(key);
        grid.adopted = None;
        let mut started = 0;
        for cell in &mut grid.cells {
            let mut variant = scene.clone();
            let overrides = SceneOverrides {
                seed: cell.seed,
                sets: cell.sets.clone(),
            };
            if let Err(e) = overrides.apply(&mut variant) {
                cell.failed = Some(e.to_string());
                continue;
            }
            let ctx = settings
                .eval
                .clone()
                .with_seed(variant.seed)
                .with_named_files(&variant.images)
                .with_scene_budget(std::sync::Arc::new(SceneBudget::default()));
            let cache = cache.clone();
            started += 1;
            cell.task = Some(AsyncComputeTaskPool::get().spawn(async move {
                let drawing = crate::scene::realize_layers_cached(
                    &variant.canvas,
                    &variant.layers,
                    &variant.shapes,
                    0.0,
                    &ctx,
                    &cache.0,
                )
                .map_err(|e| e.to_string())?;
                let dpi = THUMB_PX / (variant.canvas.width / 25.4).max(1e-3);
                let pixmap = crate::export::to_pixmap(&drawing, dpi).map_err(|e| e.to_string())?;
                Ok(egui::ColorImage::from_rgba_premultiplied(
                    [pixmap.width() as usize, pixmap.height() as usize],
                    pixmap.data(),
                ))
            }));
        }
        grid.counts.started += started;
    }
    let mut finished = 0;
    for cell in grid.cells.iter_mut() {
        if let Some(task) = cell.task.as_mut()
            && let Some(result) = check_ready(task)
        {
            cell.task = None;
            finished += 1;
            match result {
                Ok(image) => cell.image = Some(image),
                Err(e) => cell.failed = Some(e),
            }
        }
    }
    grid.counts.finished += finished;
}

/// The grid's window: its settings and the thumbnails.
pub(super) fn grid_window(
    ctx: &egui::Context,
    grid: &mut VariationGrid,
    scene: &Scene,
    out: &mut Vec<EditCommand>,
) {
    let mut open = grid.open;
    egui::Window::new("Variations")
        .open(&mut open)
        .default_pos([20.0, 60.0])
        .resizable(false)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let (mut cols, mut rows) = grid.size;
                ui.add(egui::DragValue::new(&mut cols).range(1..=8).prefix("cols "));
                ui.add(egui::DragValue::new(&mut rows).range(1..=8).prefix("rows "));
                if cols * rows <= MAX_CELLS {
                    grid.size = (cols, rows);
                }
                let seeds = matches!(grid.mode, GridMode::Seeds(_));
                if ui.selectable_label(seeds, "seeds").clicked() && !seeds {
                    grid.mode = GridMode::Seeds(None);
                }
                if ui.selectable_label(!seeds, "nudges").clicked() && seeds {
                    grid.mode = GridMode::Nudges(0.1);
                }
                if ui.button("🎲").on_hover_text("new variations").clicked() {
                    grid.round = grid.round.wrapping_add(1);
                    if let GridMode::Seeds(_) = grid.mode {
                        out.push(EditCommand::SetSeed(Some(
                            scene.seed.unwrap_or(0) + (grid.size.0 * grid.size.1) as u64,
                        )));
                    }
                }
            });
            if let GridMode::Seeds(param) = &mut grid.mode {
                let numeric: Vec<ParamAddress> = scene
                    .slots(None)
                    .into_iter()
                    .filter(|s| {
                        s.spec.ui_range.is_some()
                            && matches!(
                                s.spec.kind,
                                crate::ops::ParamKind::Float | crate::ops::ParamKind::Int
                            )
                            && s.spec.name != "seed"
                    })
                    .map(|s| s.address)
                    .collect();
                egui::ComboBox::from_label("down")
                    .selected_text(
                        param
                            .as_ref()
                            .map_or("seeds only".into(), |a| a.to_string()),
                    )
                    .show_ui(ui, |ui| {
                        ui.selectable_value(param, None, "seeds only");
                        for a in numeric {
                            let text = a.to_string();
                            ui.selectable_value(param, Some(a), text);
                        }
                    });
            }
            let (done, all) = grid.progress();
            if done < all {
                ui.weak(format!("rendering {done}/{all}…"));
            }
            let cols = grid.size.0;
            egui::Grid::new("graft variations")
                .spacing([6.0, 6.0])
                .show(ui, |ui| {
                    for (k, cell) in grid.cells.iter_mut().enumerate() {
                        ui.vertical(|ui| {
                            let picked = grid.adopted == Some(k);
                            let response = match &cell.texture {
                                Some(tex) => ui.add(
                                    egui::Button::image(
                                        egui::Image::new(egui::load::SizedTexture::from_handle(
                                            tex,
                                        ))
                                        .max_width(THUMB_PX as f32),
                                    )
                                    .selected(picked),
                                ),
                                None => ui.add_sized(
                                    [THUMB_PX as f32, THUMB_PX as f32 * 0.7],
                                    egui::Label::new(cell.failed.as_deref().unwrap_or("…")),
                                ),
                            };
                            let response = response.on_hover_text(if picked {
                                "adopted: click again to keep it as a preset"
                            } else {
                                "click to adopt (one undo step)"
                            });
                            if response.clicked() && cell.texture.is_some() {
                                if picked {
                                    out.push(EditCommand::SavePreset {
                                        name: cell.label.clone(),
                                        layer: None,
                                    });
                                } else {
                                    out.push(EditCommand::Adopt {
                                        seed: cell.seed,
                                        sets: cell.sets.clone(),
                                    });
                                }
                            }
                            ui.small(&cell.label);
                        });
                        if (k + 1) % cols == 0 {
                            ui.end_row();
                        }
                    }
                });
        });
    grid.open = open;
}

/// Marks the cell adopted by `out`'s commands (so its next click keeps it).
pub(super) fn note_adopted(grid: &mut VariationGrid, out: &[EditCommand]) {
    for command in out {
        if let EditCommand::Adopt { seed, sets } = command {
            grid.adopted = grid
                .cells
                .iter()
                .position(|c| c.seed == *seed && &c.sets == sets);
            grid.hold = true;
        }
    }
}
