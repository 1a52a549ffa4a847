//! The `graft` command line: render scenes to plotter files, list ops, run benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use graft::cli::{FramesArgs, OutputArgs, write_frames};
use graft::export::{Drawing, write_outputs};
use graft::ops::{EvalContext, OpRegistry};
use graft::scene::Scene;

/// mimalloc keeps freed pages for reuse: a fresh multi-megabyte geometry per frame then
/// costs no page faults (with the system allocator, copying 5 MB took 3.5 ms here, 0.5 ms with mimalloc).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    },
}

#[derive(clap::Args)]
struct FramesCmd {
    /// The scene file (*.scene.ron).
    scene: PathBuf,
    #[command(flatten)]
    frames: FramesArgs,
}

#[derive(clap::Args)]
struct RenderCmd {
    /// The scene file (*.scene.ron).
    scene: PathBuf,
    /// Time in seconds at which animated parameters are evaluated.
    #[arg(long, default_value_t = 0.0)]
    t: f64,
    /// Order the polylines of each layer by nearest neighbour in G-code (overrides the scene).
    #[arg(long)]
    sort_travel: bool,
    #[command(flatten)]
    outputs: OutputArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => open(cli.scene, cli.screenshot),
        Some(Command::Open { scene, screenshot }) => open(scene, screenshot),
        Some(Command::Render(cmd)) => render(cmd),
        Some(Command::Frames(cmd)) => frames(cmd),
        Some(Command::Ops { name }) => ops(name.as_deref()),
        Some(Command::Bench {
            threads,
            runs,
            suite,
        }) => {
            graft::bench::run(suite, threads, runs);
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

fn open(scene: Option<PathBuf>, screenshot: Option<PathBuf>) -> Result<(), String> {
    let scene = scene.unwrap_or_else(graft::app::demo_scene);
    let exit = graft::app::run(&scene, graft::app::AppOptions { screenshot })?;
    if exit.is_success() {
        Ok(())
    } else {
        Err("the app stopped with an error".into())
    }
}

fn ops(name: Option<&str>) -> Result<(), String> {
    print!("{}", OpRegistry::builtin().listing(name)?);
    Ok(())
}

fn print_stats(name: &str, t: f64, drawing: &Drawing) {
    for line in graft::export::describe_stats(name, t, drawing) {
        println!("{line}");
    }
}

fn render(cmd: RenderCmd) -> Result<(), String> {
    if !cmd.t.is_finite() {
        return Err(format!(
            "--t {} is not allowed: use a finite time in seconds",
            cmd.t
        ));
    }
    let registry = Arc::new(OpRegistry::builtin());
    let mut scene = Scene::load(&cmd.scene, &registry).map_err(|e| e.to_string())?;
    if cmd.sort_travel {
        scene.export.gcode.sort_polylines = true;
    }
    scene
        .export
        .gcode
        .validate(&scene.canvas)
        .map_err(|e| format!("{}: {e}", cmd.scene.display()))?;
    let drawing =
        Drawing::realize(&scene, cmd.t, &EvalContext::default()).map_err(|e| e.to_string())?;
    print_stats(&cmd.scene.display().to_string(), cmd.t, &drawing);
    let request = cmd.outputs.request(scene.export.png.dpi);
    for line in write_outputs(&drawing, &scene.export.gcode, &request)? {
        println!("{line}");
    }
    Ok(())
}

fn frames(cmd: FramesCmd) -> Result<(), String> {
    let registry = Arc::new(OpRegistry::builtin());
    let scene = Scene::load(&cmd.scene, &registry).map_err(|e| e.to_string())?;
    let ctx = EvalContext::default();
    write_frames(&cmd.frames, scene.export.png.dpi, |t| {
        Drawing::realize(&scene, t, &ctx).map_err(|e| e.to_string())
    })
}
