//! Sketches: Rust code written as Bevy plugins that spawn layers ([`LayerSpec`]), update
//! their parameters from systems ([`SetParam`]) and register their own ops
//! ([`RegisterOp`]). [`Sketch::run`] gives a sketch the command line of `graft` itself:
//!
//! ```text
//! cargo run --release --example NAME                          # window with the inspector
//! cargo run --release --example NAME -- ops [OP]              # every op, custom ones too
//! cargo run --release --example NAME -- render --t 2 --svg out/a.svg --png out/a.png
//! cargo run --release --example NAME -- frames --to 4 --fps 12 --out out/frames
//! ```
//!
//! Drive animation from [`SceneClock`](crate::ecs::SceneClock) (not wall time) so that a
//! headless render at `t` shows exactly what the window shows at `t`. Errors returned by
//! sketch systems are logged and shown in the inspector; a headless render fails with them.

mod error;
mod errors;
mod headless;
mod layer;
mod register;

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::app::{App, Plugin};
use clap::{Parser, Subcommand};

pub use crate::ecs::OpRegistrationErrors;
pub use error::SketchError;
pub use errors::{SketchErrorsPlugin, record_error};
pub use headless::{headless_sketch_app, render_at};
pub use layer::{LayerSpec, LayerSpecError, SetParam, SetParamError, SpawnLayer, SpecProblem};
pub use register::RegisterOp;

use crate::app::GraftAppPlugins;
use crate::cli::{FramesArgs, OutputArgs, write_frames};
use crate::ecs::{OpsRegistry, SceneExport};
use crate::export::{describe_stats, write_outputs};

/// A sketch plugin with an optional scene file, run windowed or headless.
pub struct Sketch<P: Plugin> {
    plugin: P,
    scene: Option<PathBuf>,
}

#[derive(Parser)]
#[command(about = "A graft sketch: open it in a window, list its ops, render it to files")]
struct SketchCli {
    #[command(subcommand)]
    command: Option<SketchCommand>,
}

#[derive(Subcommand)]
enum SketchCommand {
    /// Open the sketch in a window (the default).
    Open,
    /// List every primitive and effect, the sketch's own included.
    Ops {
        /// Show only this op.
        name: Option<String>,
    },
    /// Render the sketch at time t to SVG / G-code / PNG.
    Render {
        /// Time in seconds.
        #[arg(long, default_value_t = 0.0)]
        t: f64,
        #[command(flatten)]
        outputs: OutputArgs,
    },
    /// Write frames from..to at an fps as numbered PNGs (and SVGs), then an MP4 if ffmpeg
    /// is installed.
    Frames(FramesArgs),
}

impl<P: Plugin> Sketch<P> {
    /// A sketch made of `plugin`.
    pub fn new(plugin: P) -> Self {
        Self {
            plugin,
            scene: None,
        }
    }

    /// Also opens a scene file (its layers live beside the sketch's own).
    pub fn scene(mut self, path: impl Into<PathBuf>) -> Self {
        self.scene = Some(path.into());
        self
    }

    /// Runs the command given on the command line; use as a sketch's `main`.
    pub fn run(self) -> ExitCode {
        match self.run_with(std::env::args_os()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        }
    }

    /// Runs the command in `args` (the first item is the program name).
    pub fn run_with<I, T>(self, args: I) -> Result<(), SketchError>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = SketchCli::try_parse_from(args).map_err(|e| SketchError::Usage(e.to_string()))?;
        match cli.command.unwrap_or(SketchCommand::Open) {
            SketchCommand::Open => {
                crate::app::check_display()?;
                crate::render::probe_adapter().map_err(crate::app::AppError::NoAdapter)?;
                let mut app = App::new();
                app.set_error_handler(record_error)
                    .add_plugins(GraftAppPlugins::new(self.scene.as_deref())?)
                    .add_plugins(SketchErrorsPlugin)
                    .add_plugins(self.plugin);
                if app.run().is_success() {
                    Ok(())
                } else {
                    Err(SketchError::AppFailed)
                }
            }
            SketchCommand::Ops { name } => {
                let app = self.headless()?;
                let registry = app.world().resource::<OpsRegistry>().snapshot();
                print!("{}", registry.listing(name.as_deref())?);
                Ok(())
            }
            SketchCommand::Render { t, outputs } => {
                let inputs = self.scene.iter().cloned().collect();
                let mut app = self.headless()?;
                let drawing = render_at(&mut app, t)?;
                let export = app.world().resource::<SceneExport>().0.clone();
                drawing
                    .check_coordinates()
                    .map_err(|e| SketchError::Export(e.into()))?;
                for line in describe_stats("sketch", t, &drawing) {
                    println!("{line}");
                }
                let request = outputs
                    .request(export.png.dpi, inputs)
                    .map_err(SketchError::Export)?;
                for line in write_outputs(&drawing, &export.gcode, &request)? {
                    println!("{line}");
                }
                Ok(())
            }
            SketchCommand::Frames(args) => {
                let mut app = self.headless()?;
                let dpi = app.world().resource::<SceneExport>().0.png.dpi;
                Ok(write_frames(&args, dpi, |t| render_at(&mut app, t))?)
            }
        }
    }

    /// The sketch in a headless app (what `render`, `frames` and `ops` use).
    pub fn headless(self) -> Result<App, SketchError> {
        let plugin = self.plugin;
        headless_sketch_app(self.scene.as_deref(), move |app| {
            app.add_plugins(plugin);
        })
    }
}
