//! Rendering a batch: the items this process owns, on one worker per core, each through
//! the scene evaluator with one shared stage cache; complete files are skipped, each
//! item's files are published together; then the manifest and the contact sheet.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use super::plan::{BatchItem, Template};
use super::shard::Shard;
use super::{BatchError, sheet};
use crate::cache::GeometryCache;
use crate::export::{Drawing, FileFamily, Format, SceneSource, encode};
use crate::ops::{EvalContext, SceneBudget};
use crate::scene::{Scene, SceneOverrides};

/// Everything a batch needs.
pub struct BatchSpec {
    /// The scene file (for names and the files' embedded scene).
    pub scene_path: PathBuf,
    /// The scene, loaded.
    pub scene: Scene,
    /// The comment lines at the top of the scene file (kept in embedded scenes).
    pub header: String,
    /// Time at which animated parameters are evaluated.
    pub t: f64,
    /// Every item of the batch (all shards).
    pub items: Vec<BatchItem>,
    /// SVG file per item.
    pub svg: Option<Template>,
    /// PNG file per item.
    pub png: Option<Template>,
    /// PNG resolution.
    pub dpi: f64,
    /// Render and replace items whose files exist.
    pub overwrite: bool,
    /// Contact sheet (`.png` or `.svg`) of this process's items.
    pub sheet: Option<PathBuf>,
    /// Manifest (JSON) of this process's items.
    pub manifest: Option<PathBuf>,
    /// The share of the items this process renders.
    pub shard: Option<Shard>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// How stages are evaluated (files read beside the scene, limits, executor).
    pub eval: EvalContext,
}

/// What happened to one item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemOutcome {
    /// Rendered and written.
    Rendered,
    /// Every file existed (a batch run before wrote them): left as it was.
    Skipped,
    /// Not written: why.
    Failed(String),
}

/// One file of an item, in the manifest.
#[derive(Clone, Debug, Serialize)]
pub struct FileEntry {
    /// Where it is.
    pub path: String,
    /// xxHash3-64 of its bytes (hex).
    pub xxh3: String,
}

/// One item, as the manifest lists it.
#[derive(Clone, Debug, Serialize)]
pub struct ManifestItem {
    /// Place in the whole batch's product.
    pub index: usize,
    /// The scene seed (none: the scene's own).
    pub seed: Option<u64>,
    /// Each swept parameter's value, as written, by address.
    pub params: std::collections::BTreeMap<String, String>,
    /// What happened.
    pub outcome: ItemOutcome,
    /// Its files.
    pub files: Vec<FileEntry>,
}

/// The manifest file.
#[derive(Clone, Debug, Serialize)]
struct Manifest<'a> {
    scene: String,
    t: f64,
    /// Items in the whole batch.
    total: usize,
    /// `I/N` when this is one shard's manifest.
    shard: Option<String>,
    items: &'a [ManifestItem],
}

/// What a batch did.
#[derive(Clone, Debug)]
pub struct BatchSummary {
    /// Items in the whole batch.
    pub total: usize,
    /// This process's items, in index order.
    pub items: Vec<ManifestItem>,
    /// Wall time (s).
    pub seconds: f64,
    /// Files written besides the items' (manifest, sheet).
    pub extra_files: Vec<PathBuf>,
}

impl BatchSummary {
    /// Items rendered, skipped and failed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let count =
            |f: fn(&ItemOutcome) -> bool| self.items.iter().filter(|i| f(&i.outcome)).count();
        (
            count(|o| *o == ItemOutcome::Rendered),
            count(|o| *o == ItemOutcome::Skipped),
            count(|o| matches!(o, ItemOutcome::Failed(_))),
        )
    }
}

fn hash_hex(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The scene's name in file names: the file's stem without `.scene`.
pub fn scene_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map_or("scene".into(), |s| s.to_string_lossy().into_owned());
    stem.strip_suffix(".scene").unwrap_or(&stem).to_string()
}

/// The files of each item (SVG first, then PNG), checked: no two items share a file, and
/// no item writes the scene itself.
fn plan_paths(spec: &BatchSpec) -> Result<Vec<Vec<(PathBuf, &'static str)>>, BatchError> {
    let name = scene_name(&spec.scene_path);
    let total = spec.items.len();
    let mut owners: std::collections::HashMap<PathBuf, usize> = Default::default();
    let mut all = Vec::with_capacity(total);
    for item in &spec.items {
        let mut files = Vec::new();
        for (template, ext) in [(&spec.svg, "svg"), (&spec.png, "png")] {
            if let Some(template) = template {
                let path = template.fill(item, &name, spec.t, total)?;
                if let Some(first) = owners.insert(path.clone(), item.index) {
                    return Err(BatchError::SamePath {
                        path: path.display().to_string(),
                        first,
                        second: item.index,
                    });
                }
                files.push((path, ext));
            }
        }
        all.push(files);
    }
    if let Some(path) = owners.keys().find(|p| p.as_path() == spec.scene_path) {
        return Err(BatchError::Template {
            template: path.display().to_string(),
            why: "that is the scene file itself".into(),
        });
    }
    Ok(all)
}

/// The scene of one item: the batch's scene with its seed and values laid over it.
fn item_scene(spec: &BatchSpec, item: &BatchItem) -> Result<Scene, BatchError> {
    let overrides = SceneOverrides {
        seed: item.seed,
        sets: item
            .values
            .iter()
            .map(|(address, _, raw)| (address.clone(), raw.clone()))
            .collect(),
    };
    let mut scene = spec.scene.clone();
    overrides
        .apply(&mut scene)
        .map_err(|error| BatchError::Override {
            file: spec.scene_path.display().to_string(),
            error,
        })?;
    Ok(scene)
}

/// Renders one item: evaluates its scene (through the shared cache) and writes its files
/// together. Returns the drawing too when the sheet wants it.
fn render_item(
    spec: &BatchSpec,
    item: &BatchItem,
    files: &[(PathBuf, &'static str)],
    ctx: &EvalContext,
    cache: &Mutex<GeometryCache>,
    want_drawing: bool,
) -> (ManifestItem, Option<Drawing>) {
    let mut entry = ManifestItem {
        index: item.index,
        seed: item.seed,
        params: item
            .values
            .iter()
            .map(|(a, text, _)| (a.to_string(), text.clone()))
            .collect(),
        outcome: ItemOutcome::Rendered,
        files: Vec::new(),
    };
    // A file graft wrote is complete once it has its name (staged, then renamed).
    let complete = !files.is_empty() && files.iter().all(|(p, _)| p.is_file());
    if complete && !spec.overwrite && !want_drawing {
        entry.outcome = ItemOutcome::Skipped;
        entry.files = files
            .iter()
            .map(|(p, _)| FileEntry {
                path: p.display().to_string(),
                xxh3: std::fs::read(p).map_or_else(|_| String::new(), |b| hash_hex(&b)),
            })
            .collect();
        return (entry, None);
    }
    let result = (|| -> Result<(Drawing, Vec<FileEntry>, bool), String> {
        let scene = item_scene(spec, item).map_err(|e| e.to_string())?;
        let ctx = ctx
            .clone()
            .with_seed(scene.seed)
            .with_named_files(&scene.images)
            .with_scene_budget(Arc::new(SceneBudget::default()));
        let drawing = crate::scene::realize_layers_cached(
            &scene.canvas,
            &scene.layers,
            &scene.shapes,
            spec.t,
            &ctx,
            cache,
        )
        .map_err(|e| e.to_string())?;
        if complete && !spec.overwrite {
            // Evaluated for the sheet only: the files stay as they are.
            let entries = files
                .iter()
                .map(|(p, _)| FileEntry {
                    path: p.display().to_string(),
                    xxh3: std::fs::read(p).map_or_else(|_| String::new(), |b| hash_hex(&b)),
                })
                .collect();
            return Ok((drawing, entries, true));
        }
        drawing.check_coordinates().map_err(|e| e.to_string())?;
        let recorded = SceneSource {
            text: scene.to_ron(&spec.header),
            t: spec.t,
            version: env!("CARGO_PKG_VERSION").to_string(),
            export: String::new(),
        };
        let mut family = FileFamily::new(spec.overwrite);
        let mut entries = Vec::new();
        for (path, ext) in files {
            let format = match *ext {
                "svg" => Format::Svg(Some(recorded.clone())),
                _ => Format::Png(spec.dpi),
            };
            let encoded =
                encode(&drawing, &scene.export.gcode, &format).map_err(|e| e.to_string())?;
            for file in encoded {
                family.add(path, &file.bytes).map_err(|e| e.to_string())?;
                entries.push(FileEntry {
                    path: path.display().to_string(),
                    xxh3: hash_hex(&file.bytes),
                });
            }
        }
        family.commit().map_err(|e| e.to_string())?;
        Ok((drawing, entries, false))
    })();
    match result {
        Ok((drawing, files, skipped)) => {
            entry.files = files;
            if skipped {
                entry.outcome = ItemOutcome::Skipped;
            }
            (entry, want_drawing.then_some(drawing))
        }
        Err(message) => {
            entry.outcome = ItemOutcome::Failed(message);
            (entry, None)
        }
    }
}

/// `path` with `-shard-I-of-N` before its extension, when sharded (so shards writing to
/// one folder never share a manifest or a sheet).
fn per_shard(path: &Path, shard: Option<Shard>) -> PathBuf {
    let Some(s) = shard else {
        return path.to_path_buf();
    };
    let stem = path
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(ext) => format!(
            "{stem}-shard-{}-of-{}.{}",
            s.index,
            s.count,
            ext.to_string_lossy()
        ),
        None => format!("{stem}-shard-{}-of-{}", s.index, s.count),
    };
    path.with_file_name(name)
}

/// Renders the items of `spec` this process owns; `progress(done, total)` is told after
/// each. A failing item does not stop the others (the summary and the manifest list it).
pub fn run_batch(
    spec: &BatchSpec,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BatchSummary, BatchError> {
    if spec.svg.is_none() && spec.png.is_none() && spec.sheet.is_none() && spec.manifest.is_none() {
        return Err(BatchError::NoOutput);
    }
    let began = Instant::now();
    let paths = plan_paths(spec)?;
    let mine: Vec<usize> = (0..spec.items.len())
        .filter(|&i| spec.shard.is_none_or(|s| s.selects(i)))
        .collect();
    if spec.sheet.is_some() && mine.len() > sheet::MAX_ITEMS {
        return Err(BatchError::SheetTooLarge {
            count: mine.len(),
            max: sheet::MAX_ITEMS,
        });
    }
    let jobs = if spec.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        spec.jobs
    }
    .clamp(1, 64)
    .min(mine.len().max(1));
    // Items side by side fill the cores; each evaluates on its own thread then.
    let ctx = if jobs > 1 {
        spec.eval
            .clone()
            .with_executor(Arc::new(crate::ecs::ComputePoolExecutor { max_threads: 1 }))
    } else {
        spec.eval.clone()
    };
    let cache = Mutex::new(GeometryCache::new(Default::default()));
    let want_drawings = spec.sheet.is_some();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<(ManifestItem, Option<Drawing>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&i) = mine.get(k) else {
                        return;
                    };
                    let out =
                        render_item(spec, &spec.items[i], &paths[i], &ctx, &cache, want_drawings);
                    results.lock().unwrap_or_else(|e| e.into_inner()).push(out);
                    progress(done.fetch_add(1, Ordering::Relaxed) + 1, mine.len());
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(item, _)| item.index);
    let mut extra_files = Vec::new();
    if let Some(path) = &spec.sheet {
        let path = per_shard(path, spec.shard);
        let cells: Vec<(String, &Drawing)> = results
            .iter()
            .filter_map(|(item, d)| Some((sheet::label(item), d.as_ref()?)))
            .collect();
        sheet::write(
            &path,
            &spec.scene.canvas,
            &cells,
            spec.dpi,
            spec.overwrite,
            &spec.eval,
        )?;
        extra_files.push(path);
    }
    let items: Vec<ManifestItem> = results.into_iter().map(|(item, _)| item).collect();
    if let Some(path) = &spec.manifest {
        let path = per_shard(path, spec.shard);
        let manifest = Manifest {
            scene: spec.scene_path.display().to_string(),
            t: spec.t,
            total: spec.items.len(),
            shard: spec.shard.map(|s| format!("{}/{}", s.index, s.count)),
            items: &items,
        };
        let text = serde_json::to_string_pretty(&manifest).expect("the manifest serialises");
        // The manifest describes this run: it replaces the one a run before wrote.
        crate::export::write_atomic(&path, text.as_bytes(), true)
            .map_err(crate::export::ExportError::from)?;
        extra_files.push(path);
    }
    Ok(BatchSummary {
        total: spec.items.len(),
        items,
        seconds: began.elapsed().as_secs_f64(),
        extra_files,
    })
}
