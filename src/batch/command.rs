//! `graft batch` on the command line: its arguments, a progress bar and the summary.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::BatchError;
use super::plan::{Template, items, parse_seeds, parse_sweep};
use super::run::{BatchSpec, ItemOutcome, run_batch};
use super::shard::Shard;
use crate::ops::OpRegistry;
use crate::scene::SceneOverrides;

/// The arguments of `graft batch`.
#[derive(clap::Args, Clone, Debug)]
pub struct BatchArgs {
    /// The scene file (*.scene.ron).
    pub scene: PathBuf,
    /// Scene seeds: `A..B` (both included), a list `1,4,9`, or one seed. Default: the
    /// scene's own seed.
    #[arg(long)]
    pub seeds: Option<String>,
    /// A parameter swept over values: `ADDRESS=V1,V2,…`, values as in a scene file
    /// (tuples keep their commas); repeatable, the batch is the product of all.
    #[arg(long = "set", value_name = "ADDRESS=V1,V2,…")]
    pub sets: Vec<String>,
    /// Time at which animated parameters are evaluated.
    #[arg(long, default_value_t = 0.0)]
    pub t: f64,
    /// SVG file of each item: a template with {name}, {seed}, {index}, {t} and the swept
    /// parameters by name ({amplitude}) or place ({set1}).
    #[arg(long)]
    pub svg: Option<String>,
    /// PNG file of each item (a template, as --svg).
    #[arg(long)]
    pub png: Option<String>,
    /// PNG resolution (default: the scene's export.png.dpi, else 150).
    #[arg(long)]
    pub dpi: Option<f64>,
    /// A contact sheet of the items (.png or .svg), each labelled with its seed and
    /// values; rewritten by each run.
    #[arg(long)]
    pub sheet: Option<PathBuf>,
    /// A JSON manifest of the items: seed, values, outcome, files and their hashes;
    /// rewritten by each run.
    #[arg(long)]
    pub manifest: Option<PathBuf>,
    /// Render one shard: the items whose index is I modulo N.
    #[arg(long, value_name = "I/N", conflicts_with = "shards")]
    pub shard: Option<String>,
    /// Render one of N shards, I read from the scheduler (JOB_COMPLETION_INDEX,
    /// SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX or BATCH_TASK_INDEX).
    #[arg(long, value_name = "N")]
    pub shards: Option<usize>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Render every item again and replace its files (default: items whose files exist
    /// are skipped, so an interrupted batch resumes).
    #[arg(long)]
    pub overwrite: bool,
}

/// Most DPI a batch PNG may ask for.
const MAX_DPI: f64 = 2400.0;

/// Runs `graft batch`; returns an error when the batch cannot start or an item failed.
pub fn batch_command(args: &BatchArgs) -> Result<(), String> {
    let registry = std::sync::Arc::new(OpRegistry::builtin());
    let scene = crate::host::load_scene(&args.scene, &registry).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&args.scene).unwrap_or_default();
    if !args.t.is_finite() {
        return Err(format!(
            "--t {} is not allowed: use a finite time in seconds",
            args.t
        ));
    }
    let dpi = args.dpi.unwrap_or(scene.export.png.dpi);
    if !(dpi.is_finite() && dpi > 0.0 && dpi <= MAX_DPI) {
        return Err(format!("--dpi {dpi} is not allowed: use 1..={MAX_DPI}"));
    }
    let seeds = match &args.seeds {
        Some(text) => parse_seeds(text).map_err(|e| e.to_string())?,
        None => Vec::new(),
    };
    let sweeps = args
        .sets
        .iter()
        .map(|s| parse_sweep(s))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    // Every address and value is checked against the scene before anything runs.
    for sweep in &sweeps {
        for (_, raw) in &sweep.values {
            let mut check = scene.clone();
            SceneOverrides {
                seed: None,
                sets: vec![(sweep.address.clone(), raw.clone())],
            }
            .apply(&mut check)
            .map_err(|e| format!("{}: {e}", args.scene.display()))?;
        }
    }
    let shard = match (&args.shard, args.shards) {
        (Some(text), _) => Some(Shard::parse(text).map_err(|e| e.to_string())?),
        (None, Some(n)) => Some(
            Shard::new(0, n)
                .and_then(|_| Shard::from_env(n, |name| std::env::var(name).ok()))
                .map_err(|e| e.to_string())?,
        ),
        (None, None) => None,
    };
    let settings = crate::ecs::PipelineSettings::default();
    settings
        .files
        .set_base(args.scene.parent().map(|d| d.to_path_buf()));
    let spec = BatchSpec {
        scene_path: args.scene.clone(),
        scene,
        header: crate::scene::leading_comments(&text),
        t: args.t,
        items: items(&seeds, &sweeps).map_err(|e| e.to_string())?,
        svg: args.svg.clone().map(Template),
        png: args.png.clone().map(Template),
        dpi,
        overwrite: args.overwrite,
        sheet: args.sheet.clone(),
        manifest: args.manifest.clone(),
        shard,
        jobs: args.jobs,
        eval: settings.eval.clone(),
    };
    let bar = indicatif::ProgressBar::new(0);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} items · {elapsed_precise} · eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let summary = run_batch(&spec, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .map_err(|e: BatchError| e.to_string())?;
    bar.finish_and_clear();
    let (rendered, skipped, failed) = summary.counts();
    let mine = summary.items.len();
    let of = match shard {
        Some(s) => format!(
            "{mine} items of shard {}/{} ({} in the batch)",
            s.index, s.count, summary.total
        ),
        None => format!("{mine} items"),
    };
    eprintln!(
        "{of}: {rendered} rendered, {skipped} skipped (already written), {failed} failed, in {:.2} s ({:.1} items/s)",
        summary.seconds,
        mine as f64 / summary.seconds.max(1e-9)
    );
    for path in &summary.extra_files {
        eprintln!("wrote {}", path.display());
    }
    let failures: Vec<String> = summary
        .items
        .iter()
        .filter_map(|i| match &i.outcome {
            ItemOutcome::Failed(why) => {
                Some(format!("item {} (seed {:?}): {why}", i.index, i.seed))
            }
            _ => None,
        })
        .collect();
    for line in failures.iter().take(10) {
        eprintln!("  {line}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} item{} failed (listed above{})",
            failures.len(),
            if failures.len() == 1 { "" } else { "s" },
            if args.manifest.is_some() {
                " and in the manifest"
            } else {
                ""
            }
        ))
    }
}
