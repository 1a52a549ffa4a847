//! The `graft` command line: render scenes to plotter files, list ops, run benchmarks.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use bevy::app::App;
use clap::{Parser, Subcommand};
use graft::app::AppError;
use graft::cli::{FramesArgs, OutputArgs, write_frames};
use graft::ecs::SceneLoadOverrides;
use graft::ecs::{SceneCanvas, SceneExport};
use graft::export::{Drawing, ExportError, GcodeError, write_outputs};
use graft::host::load_scene;
use graft::ops::{OpRegistry, RegistryError};
use graft::scene::{OverrideError, SceneError, SceneOverrides};
use graft::sketch::{SketchError, headless_sketch_app, render_at};

/// mimalloc keeps freed pages for reuse: a fresh multi-megabyte geometry per frame then
/// costs no page faults (with the system allocator, copying 5 MB took 3.5 ms here, 0.5 ms with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Prints a line to stdout; a closed pipe (`graft render … | head -1`) is not an error,
/// so the command still finishes its files.
macro_rules! say {
    ($($arg:tt)*) => {
        graft::cli::say(format_args!($($arg)*))
    };
}

#[derive(Parser)]
#[command(
    name = "graft",
    version,
    about = "Line art for pen plotters: scenes to SVG, G-code and PNG"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Scene to open in a window (default: the bundled demo).
    scene: Option<PathBuf>,
    /// Save a screenshot of the window once the scene is drawn, then quit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Replace an existing screenshot file.
    #[arg(long)]
    overwrite: bool,
}

#[derive(Subcommand)]
enum Command {
    /// Open a scene in a window: live preview with hot reload.
    Open {
        /// The scene file (*.scene.ron); default: the bundled demo.
        scene: Option<PathBuf>,
        /// Save a screenshot of the window once the scene is drawn, then quit.
        #[arg(long)]
        screenshot: Option<PathBuf>,
        /// Replace an existing screenshot file.
        #[arg(long)]
        overwrite: bool,
    },
    /// Render a scene at time t to SVG / G-code / PNG and print plot statistics.
    Render(RenderCmd),
    /// Write frames t0..t1 at an fps as a numbered PNG (and SVG) sequence, then an MP4 if
    /// ffmpeg is installed.
    Frames(FramesCmd),
    /// List every primitive and effect with its parameters.
    Ops {
        /// Show only this op.
        name: Option<String>,
    },
    /// Prepare any SVG for plotting: deduplicate, merge, simplify, sort and reloop its
    /// lines, keeping its layers, colours and widths; prints the travel saved.
    Optimize(OptimizeCmd),
    /// Render a scene for many seeds and parameter values (their product) on every core:
    /// resumable, optionally one shard of a cluster job, with a manifest and a contact
    /// sheet.
    Batch(graft::batch::BatchArgs),
    /// Split a picture layer into one layer (one pen) per ink: the four process inks
    /// (--cmyk) or your own pen colours (--palette). Writes a new scene beside the old.
    Separate(SeparateCmd),
    /// Run the built-in benchmarks.
    Bench {
        /// Worker threads for op work (0 = all cores).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Timed runs per benchmark.
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Which benchmarks: core (ops, exports), pipeline (headless app frames) or all.
        #[arg(long, value_enum, default_value_t = graft::bench::Suite::All)]
        suite: graft::bench::Suite,
        /// Only the core benchmarks whose number starts with one of these (e.g. `9d`, or
        /// `9` for all region ops); comma-separated.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
}

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("inks").required(true).args(["cmyk", "palette"])))]
struct SeparateCmd {
    /// The scene file.
    scene: PathBuf,
    /// The picture layer to split.
    layer: String,
    /// Into cyan, magenta, yellow and black.
    #[arg(long)]
    cmyk: bool,
    /// Into these pen colours, e.g. "#d62828 #003049 #fcbf49".
    #[arg(long, value_name = "COLOURS")]
    palette: Option<String>,
    /// The scene to write, in the same folder (its paths are read from there); default:
    /// the scene's name with -cmyk or -palette.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    overwrite: bool,
}

#[derive(clap::Args)]
struct OptimizeCmd {
    /// The SVG file to read.
    input: PathBuf,
    /// The SVG file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Draw repeated and overlapping strokes once (tolerance in mm).
    #[arg(long, value_name = "TOL")]
    dedupe: Option<f64>,
    /// Join polylines whose ends meet (tolerance in mm).
    #[arg(long, value_name = "TOL")]
    linemerge: Option<f64>,
    /// Reorder and reverse polylines to shorten pen-up travel.
    #[arg(long)]
    linesort: bool,
    /// Start closed polylines next to where the pen is.
    #[arg(long)]
    reloop: bool,
    /// Remove vertices within this distance of the simplified path (mm).
    #[arg(long, value_name = "TOL")]
    simplify: Option<f64>,
    /// Curve flattening tolerance when reading (mm).
    #[arg(long, default_value_t = 0.01)]
    tolerance: f64,
    /// With --linesort, only the greedy nearest-next tour (faster, more travel).
    #[arg(long)]
    greedy: bool,
    /// Page layout.
    #[command(flatten)]
    layout: graft::cli::LayoutArgs,
    /// Replace an existing output file.
    #[arg(long)]
    overwrite: bool,
}

#[derive(clap::Args)]
struct FramesCmd {
    /// The scene file (*.scene.ron).
    scene: PathBuf,
    #[command(flatten)]
    frames: FramesArgs,
    #[command(flatten)]
    overrides: OverrideArgs,
}

/// A seed and parameter values laid over the scene (recorded in the files written).
#[derive(clap::Args, Clone, Default)]
struct OverrideArgs {
    /// The scene seed: random stages whose own `seed` is not written draw from it, each
    /// by its address.
    #[arg(long)]
    seed: Option<u64>,
    /// Sets a parameter by address, VALUE as in a scene file; repeatable. E.g.
    /// --set 'ridges/displace/amplitude=(9, 9, 0)' --set 'ridges/rotate#2/angle="t * 10"'.
    #[arg(long = "set", value_name = "ADDRESS=VALUE")]
    sets: Vec<String>,
}

impl OverrideArgs {
    /// The overrides, each `--set` checked for its form (its address is checked against
    /// the scene when it loads).
    fn parse(&self) -> Result<SceneOverrides, CliError> {
        let mut overrides = SceneOverrides {
            seed: self.seed,
            sets: Vec::new(),
        };
        for text in &self.sets {
            overrides.push_assignment(text)?;
        }
        Ok(overrides)
    }
}

#[derive(clap::Args)]
struct RenderCmd {
    /// The scene file (*.scene.ron), or an SVG graft wrote (its scene is re-made).
    scene: PathBuf,
    /// Time in seconds at which animated parameters are evaluated (default 0, or the
    /// time stored in the SVG).
    #[arg(long)]
    t: Option<f64>,
    /// Order (and turn) the polylines of each layer for less pen-up travel, in every file
    /// written (SVG, G-code, HPGL; overrides the scene's gcode.sort_polylines).
    #[arg(long)]
    sort_travel: bool,
    #[command(flatten)]
    outputs: OutputArgs,
    #[command(flatten)]
    overrides: OverrideArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => open(cli.scene, cli.screenshot, cli.overwrite),
        Some(Command::Open {
            scene,
            screenshot,
            overwrite,
        }) => open(scene, screenshot, overwrite),
        Some(Command::Render(cmd)) => render(cmd),
        Some(Command::Frames(cmd)) => frames(cmd),
        Some(Command::Batch(args)) => graft::batch::batch_command(&args).map_err(CliError::Batch),
        Some(Command::Ops { name }) => ops(name.as_deref()),
        Some(Command::Optimize(cmd)) => optimize(cmd),
        Some(Command::Separate(cmd)) => separate(cmd),
        Some(Command::Bench {
            threads,
            runs,
            suite,
            only,
        }) => {
            graft::bench::run(suite, threads, runs, &only);
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Why a command failed (printed after `error: `).
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("{0}")]
    Separate(String),
    #[error("the app stopped with an error")]
    AppFailed,
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Scene(#[from] SceneError),
    #[error(transparent)]
    Sketch(#[from] SketchError),
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("--t {0} is not allowed: use a finite time in seconds")]
    Time(f64),
    #[error("{file}: {error}")]
    Gcode { file: String, error: GcodeError },
    #[error("{0}")]
    Optimize(String),
    #[error("{0}")]
    FromSvg(String),
    #[error("{file}: {error}")]
    Override { file: String, error: OverrideError },
    #[error(transparent)]
    OverrideForm(#[from] OverrideError),
    #[error("{0}")]
    Batch(String),
}

fn open(
    scene: Option<PathBuf>,
    screenshot: Option<PathBuf>,
    overwrite: bool,
) -> Result<(), CliError> {
    // Checked before the window opens: a screenshot is a PNG.
    if let Some(path) = &screenshot {
        graft::export::Format::Png(0.0).check_path(path)?;
    }
    let scene = scene.unwrap_or_else(graft::app::demo_scene);
    // An SVG written by graft opens as the scene it came from, saved beside it so the
    // artist's edits outlive the session.
    let (scene, from_svg) = scene_file(&scene, SceneCopy::BesideSvg)?;
    let exit = graft::app::run(
        &scene,
        graft::app::AppOptions {
            screenshot,
            overwrite,
            start_at: from_svg.map(|s| s.t),
        },
    )?;
    if exit.is_success() {
        Ok(())
    } else {
        Err(CliError::AppFailed)
    }
}

fn ops(name: Option<&str>) -> Result<(), CliError> {
    print!("{}", OpRegistry::builtin().listing(name)?);
    Ok(())
}

/// Prints what each layer's stages left out (images an SVG import ignored, …), each note
/// once however often `seen` is passed back.
fn print_notes(drawing: &Drawing, seen: &mut HashSet<(String, String)>) {
    for layer in &drawing.layers {
        for note in layer.geometry.notes() {
            if seen.insert((layer.name.clone(), note.clone())) {
                say!("note: layer '{}': {note}", layer.name);
            }
        }
    }
}

fn print_stats(name: &str, t: f64, drawing: &Drawing) {
    for line in graft::export::describe_stats(name, t, drawing) {
        say!("{line}");
    }
    print_notes(drawing, &mut HashSet::new());
    if drawing.layers.iter().all(|l| l.geometry.is_empty()) {
        say!("{name}: nothing to draw (no visible layer has lines); the files are written empty");
    }
}

/// The scene in a headless graft app: `render` and `frames` evaluate through the same
/// ECS pipeline (and cache) as the window and sketches. The file is read and checked
/// first, so a broken scene fails at once with file:line:col.
/// With `overrides`, the scene is the file's with them laid over it; returns the app and,
/// when anything was overridden, the scene text to record in the files written.
fn scene_app(path: &Path, overrides: &SceneOverrides) -> Result<(App, Option<String>), CliError> {
    let mut scene = load_scene(path, &Arc::new(OpRegistry::builtin()))?;
    let recorded = if overrides.is_empty() {
        None
    } else {
        overrides
            .apply(&mut scene)
            .map_err(|error| CliError::Override {
                file: path.display().to_string(),
                error,
            })?;
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Some(scene.to_ron(&graft::scene::leading_comments(&text)))
    };
    let overrides = overrides.clone();
    let app = headless_sketch_app(Some(path), move |app| {
        app.world().resource::<SceneLoadOverrides>().set(overrides);
    })?;
    Ok((app, recorded))
}

/// Where the scene stored in an SVG is written to be loaded.
#[derive(Clone, Copy)]
enum SceneCopy {
    /// A temporary file (`render`: reading an SVG leaves no file behind).
    Temp,
    /// `NAME.scene.ron` beside the SVG (`open`: edits are saved somewhere lasting).
    BesideSvg,
}

/// The scene file to load for `path`: the file itself, or for an SVG written by graft
/// the scene stored in it (written out as `copy` says) with its time.
fn scene_file(
    path: &Path,
    copy: SceneCopy,
) -> Result<(PathBuf, Option<graft::export::SceneSource>), CliError> {
    use graft::ops::FileSource;
    let is_svg = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"));
    if !is_svg {
        return Ok((path.to_path_buf(), None));
    }
    let name = path.display().to_string();
    let bytes = graft::host::DiskFiles::default()
        .read(&name, 512 << 20)
        .map_err(|e| CliError::FromSvg(format!("cannot read {name}: {e}")))?;
    let source = std::str::from_utf8(&bytes)
        .ok()
        .and_then(graft::export::scene_in_svg)
        .ok_or_else(|| {
            CliError::FromSvg(format!(
                "{name} holds no graft scene (only SVG files written by graft render carry one)"
            ))
        })?;
    let stem = path
        .file_stem()
        .map_or("drawing".into(), |s| s.to_string_lossy().into_owned());
    if let SceneCopy::BesideSvg = copy {
        let dir = path.parent().unwrap_or(Path::new(""));
        // Never overwriting the artist's work: an identical file is reused, another one
        // left alone for the next free `STEM_NNN.scene.ron`.
        match graft::export::write_beside(dir, &stem, "scene.ron", source.text.as_bytes())
            .map_err(|e| e.to_string())
        {
            Ok(file) => {
                say!("{name}: its scene is {}", file.display());
                return Ok((file, Some(source)));
            }
            Err(e) => say!("{name}: {e}; editing a temporary copy instead"),
        }
    }
    let dir = std::env::temp_dir().join(format!("graft-from-svg-{}", std::process::id()));
    let file = dir.join(format!("{stem}.scene.ron"));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&file, &source.text))
        .map_err(|e| CliError::FromSvg(format!("cannot write {}: {e}", file.display())))?;
    Ok((file, Some(source)))
}

/// `FILE:LINE:COL` of the G-code field an error names, when the scene file writes it
/// (else the file alone).
fn field_in(scene: &Path, shown: &Path, error: &GcodeError) -> String {
    let shown = shown.display().to_string();
    let GcodeError::Profile { field, .. } = error else {
        return shown;
    };
    match std::fs::read_to_string(scene).map(|text| graft::scene::field_position(&text, field)) {
        Ok((line, column)) if line > 0 => format!("{shown}:{line}:{column}"),
        _ => shown,
    }
}

fn render(cmd: RenderCmd) -> Result<(), CliError> {
    let (scene, from_svg) = scene_file(&cmd.scene, SceneCopy::Temp)?;
    let t = cmd.t.or(from_svg.as_ref().map(|s| s.t)).unwrap_or(0.0);
    if !t.is_finite() {
        return Err(CliError::Time(t));
    }
    let (mut app, recorded) = scene_app(&scene, &cmd.overrides.parse()?)?;
    let drawing = render_at(&mut app, t)?;
    // The scene's settings are known once the app has loaded it; nothing is written yet.
    let mut export = app.world().resource::<SceneExport>().0.clone();
    let canvas = app.world().resource::<SceneCanvas>().0.clone();
    // Re-made from an SVG with no layout flags given: the ones it was made with apply.
    let mut outputs = cmd.outputs.clone();
    let mut sort_travel = cmd.sort_travel;
    let given = outputs.layout.layout.is_some() || outputs.layout.scale_to.is_some() || sort_travel;
    if !given
        && let Some((stored, sort)) = from_svg
            .as_ref()
            .and_then(|s| graft::cli::LayoutArgs::from_canonical(&s.export))
    {
        outputs.layout = stored;
        sort_travel = sort;
    }
    if sort_travel {
        export.gcode.sort_polylines = true;
    }
    // The profile matters only when G-code is written (a tiny canvas is fine for SVG).
    if cmd.outputs.gcode.is_some() {
        export
            .gcode
            .validate(&canvas)
            .map_err(|error| CliError::Gcode {
                file: field_in(&scene, &cmd.scene, &error),
                error,
            })?;
    }
    drawing
        .check_coordinates()
        .map_err(|e| CliError::Export(e.into()))?;
    print_stats(&cmd.scene.display().to_string(), t, &drawing);
    let s = graft::export::PlotStats::of(&drawing);
    let secs = export
        .gcode
        .plot_seconds(s.pen_down_mm, s.pen_up_mm, s.segments, s.polylines);
    say!(
        "estimated plot time {}:{:02} min (feeds {} / {} mm/min, acceleration {} mm/s², pen {} s each way)",
        (secs / 60.0) as u64,
        (secs % 60.0) as u64,
        export.gcode.draw_feed,
        export.gcode.travel_feed,
        export.gcode.acceleration,
        export.gcode.pen_delay
    );
    let mut request = outputs.request(export.png.dpi, vec![cmd.scene.clone(), scene.clone()])?;
    // --sort-travel orders the polylines of every file, the SVG too (AxiDraw users plot it).
    request.sort_travel = sort_travel;
    // The SVG carries its recipe: `graft render drawing.svg` makes it again.
    request.scene = recorded
        .or_else(|| std::fs::read_to_string(&scene).ok())
        .map(|text| graft::export::SceneSource {
            text,
            t,
            version: env!("CARGO_PKG_VERSION").to_string(),
            export: outputs.layout.canonical(sort_travel),
        });
    for line in write_outputs(&drawing, &export.gcode, &request)? {
        say!("{line}");
    }
    Ok(())
}

fn separate(cmd: SeparateCmd) -> Result<(), CliError> {
    use graft::scene::Separation;
    let fail = |e: String| CliError::Separate(e);
    let how = match &cmd.palette {
        Some(colours) => Separation::palette(colours),
        None => Separation::Cmyk,
    };
    let output = cmd.output.clone().unwrap_or_else(|| {
        let name = cmd
            .scene
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let stem = name
            .strip_suffix(".scene.ron")
            .unwrap_or(name.trim_end_matches(".ron"));
        let kind = if cmd.palette.is_some() {
            "palette"
        } else {
            "cmyk"
        };
        cmd.scene.with_file_name(format!("{stem}-{kind}.scene.ron"))
    });
    let folder = |p: &Path| {
        let parent = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf())
    };
    if folder(&output) != folder(&cmd.scene) {
        return Err(fail(format!(
            "{} is not in the scene's folder; write the separated scene beside {} (its picture and file paths are read from there)",
            output.display(),
            cmd.scene.display()
        )));
    }
    let registry = Arc::new(OpRegistry::builtin());
    let scene = graft::host::load_scene(&cmd.scene, &registry)?;
    let separated = scene
        .separate(&cmd.layer, &how)
        .map_err(|e| fail(format!("{}: {e}", cmd.scene.display())))?;
    let text = std::fs::read_to_string(&cmd.scene).unwrap_or_default();
    let header = graft::scene::leading_comments(&text);
    graft::export::write_atomic(&output, separated.to_ron(&header).as_bytes(), cmd.overwrite)
        .map_err(|e| CliError::Export(e.into()))?;
    let names: Vec<&str> = separated
        .layers
        .iter()
        .filter(|l| !scene.layers.iter().any(|old| old.name == l.name))
        .map(|l| l.name.as_str())
        .collect();
    say!(
        "wrote {}: '{}' is now {}",
        output.display(),
        cmd.layer,
        names.join(", ")
    );
    Ok(())
}

fn optimize(cmd: OptimizeCmd) -> Result<(), CliError> {
    use graft::ops::FileSource;
    let fail = |e: String| CliError::Optimize(e);
    for (flag, v) in [
        ("--dedupe", cmd.dedupe),
        ("--linemerge", cmd.linemerge),
        ("--simplify", cmd.simplify),
        ("--tolerance", Some(cmd.tolerance)),
    ] {
        if let Some(v) = v
            && !(v.is_finite() && (0.0..=100.0).contains(&v))
        {
            return Err(fail(format!(
                "{flag} {v} is not allowed: use a tolerance in 0..=100 mm"
            )));
        }
    }
    if cmd.tolerance < 0.001 {
        return Err(fail(format!(
            "--tolerance {} is not allowed: use at least 0.001 mm",
            cmd.tolerance
        )));
    }
    let layout = cmd
        .layout
        .layout()
        .map_err(|e| CliError::Export(e.into()))?;
    let same = |a: &Path, b: &Path| {
        a == b || matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
    };
    if same(&cmd.input, &cmd.output) {
        return Err(fail(format!(
            "{} is the input; write the optimised drawing to another file",
            cmd.output.display()
        )));
    }
    graft::export::ensure_absent(if cmd.overwrite {
        &[]
    } else {
        std::slice::from_ref(&cmd.output)
    })
    .map_err(|e| CliError::Export(e.into()))?;
    let name = cmd.input.display().to_string();
    let start = std::time::Instant::now();
    let bytes = graft::host::DiskFiles::default()
        .read(&name, 512 << 20)
        .map_err(|e| fail(format!("cannot read {name}: {e}")))?;
    let doc = graft::ops::read_svg_document(&bytes, &name, cmd.tolerance)
        .map_err(|e| fail(e.to_string()))?;
    for note in &doc.notes {
        say!("note: {name}: {note}");
    }
    let drawing = Drawing {
        canvas: graft::scene::Canvas {
            width: doc.width_mm,
            height: doc.height_mm,
            background: graft::ops::Rgba::WHITE,
        },
        layers: doc
            .layers
            .into_iter()
            .map(|l| graft::export::DrawnLayer {
                name: l.name,
                color: l.color,
                pen_width: l.width_mm,
                id: graft::geometry::GeometryId(0),
                geometry: Arc::new(l.geometry),
            })
            .collect(),
    };
    let options = graft::export::OptimizeOptions {
        dedupe: cmd.dedupe,
        linemerge: cmd.linemerge,
        simplify: cmd.simplify,
        linesort: cmd.linesort,
        greedy: cmd.greedy,
        reloop: cmd.reloop,
    };
    let (out, report) =
        graft::export::optimize(&drawing, &options, &graft::ops::EvalContext::default())
            .map_err(|e| fail(e.to_string()))?;
    let out = match &layout {
        Some(layout) => {
            graft::export::lay_out(&out, layout).map_err(|e| CliError::Export(e.into()))?
        }
        None => out,
    };
    out.check_coordinates()
        .map_err(|e| CliError::Export(e.into()))?;
    graft::export::write_atomic(
        &cmd.output,
        graft::export::to_svg(&out).as_bytes(),
        cmd.overwrite,
    )
    .map_err(|e| CliError::Export(e.into()))?;
    say!(
        "{name}: {} layers, {} polylines -> {}; pen-down {:.1} mm -> {:.1} mm; pen-up travel {:.1} mm -> {:.1} mm ({:.0} % less) in {:.0} ms",
        out.layers.len(),
        report.polylines.0,
        report.polylines.1,
        report.pen_down_before,
        report.pen_down_after,
        report.travel_before,
        report.travel_after,
        if report.travel_before > 0.0 {
            100.0 * (1.0 - report.travel_after / report.travel_before)
        } else {
            0.0
        },
        start.elapsed().as_secs_f64() * 1e3
    );
    say!("wrote {}", cmd.output.display());
    Ok(())
}

fn frames(cmd: FramesCmd) -> Result<(), CliError> {
    let (mut app, _) = scene_app(&cmd.scene, &cmd.overrides.parse()?)?;
    let dpi = app.world().resource::<SceneExport>().0.png.dpi;
    // Each note once, not once per frame.
    let mut noted = HashSet::new();
    Ok(write_frames(&cmd.frames, dpi, |t| {
        let drawing = render_at(&mut app, t)?;
        print_notes(&drawing, &mut noted);
        Ok::<_, CliError>(drawing)
    })?)
}
