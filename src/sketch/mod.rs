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
//! headless render at `t` shows exactly what the window shows at `t`.

mod headless;
mod layer;
mod register;

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::app::{App, Plugin};
use clap::{Parser, Subcommand};

pub use headless::{headless_sketch_app, render_at};
pub use layer::{LayerSpec, SetParam, SpawnLayer};
pub use register::{OpRegistrationErrors, RegisterOp};

use crate::app::GraftAppPlugins;
use crate::ecs::{OpsRegistry, SceneExport};
use crate::export::{
    FrameFormats, FrameRange, OutputRequest, assemble_mp4, describe_stats, export_frames,
    terminal_progress, write_outputs,
};

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
        /// Write an SVG file.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// Write a G-code file.
        #[arg(long)]
        gcode: Option<PathBuf>,
        /// With --gcode, one file per layer.
        #[arg(long)]
        gcode_per_layer: bool,
        /// Write a PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
        /// PNG resolution (default: the scene's, else 150).
        #[arg(long)]
        dpi: Option<f64>,
        /// Replace existing files.
        #[arg(long)]
        overwrite: bool,
    },
    /// Write frames from..to at an fps as numbered PNGs (and SVGs), then an MP4 if ffmpeg
    /// is installed.
    Frames {
        /// First frame time (s).
        #[arg(long, default_value_t = 0.0)]
        from: f64,
        /// End time (s, not included).
        #[arg(long)]
        to: f64,
        /// Frames per second.
        #[arg(long, default_value_t = 30.0)]
        fps: f64,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Also write SVG frames.
        #[arg(long)]
        svg: bool,
        /// PNG resolution (default: the scene's, else 150).
        #[arg(long)]
        dpi: Option<f64>,
        /// Replace existing frame files.
        #[arg(long)]
        overwrite: bool,
    },
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
    pub fn run_with<I, T>(self, args: I) -> Result<(), String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = SketchCli::try_parse_from(args).map_err(|e| e.to_string())?;
        match cli.command.unwrap_or(SketchCommand::Open) {
            SketchCommand::Open => {
                let mut app = App::new();
                app.add_plugins(GraftAppPlugins::new(self.scene.as_deref())?)
                    .add_plugins(self.plugin);
                if app.run().is_success() {
                    Ok(())
                } else {
                    Err("the app stopped with an error".into())
                }
            }
            SketchCommand::Ops { name } => {
                let app = self.headless()?;
                let registry = app.world().resource::<OpsRegistry>().snapshot();
                print!("{}", registry.listing(name.as_deref())?);
                Ok(())
            }
            SketchCommand::Render {
                t,
                svg,
                gcode,
                gcode_per_layer,
                png,
                dpi,
                overwrite,
            } => {
                let mut app = self.headless()?;
                let drawing = render_at(&mut app, t)?;
                let export = app.world().resource::<SceneExport>().0.clone();
                for line in describe_stats("sketch", t, &drawing) {
                    println!("{line}");
                }
                let request = OutputRequest {
                    svg,
                    gcode,
                    gcode_per_layer,
                    png,
                    dpi: dpi.unwrap_or(export.png.dpi),
                    overwrite,
                };
                for line in write_outputs(&drawing, &export.gcode, &request)? {
                    println!("{line}");
                }
                Ok(())
            }
            SketchCommand::Frames {
                from,
                to,
                fps,
                out,
                svg,
                dpi,
                overwrite,
            } => {
                let mut app = self.headless()?;
                let dpi = dpi.unwrap_or(app.world().resource::<SceneExport>().0.png.dpi);
                let range = FrameRange { from, to, fps };
                let formats = FrameFormats {
                    png: true,
                    svg,
                    dpi,
                };
                let written = export_frames(
                    &out,
                    range,
                    formats,
                    overwrite,
                    |t| render_at(&mut app, t),
                    terminal_progress,
                )?;
                println!("wrote {} files to {}", written.len(), out.display());
                match assemble_mp4(&out, fps) {
                    Ok(mp4) => println!("wrote {}", mp4.display()),
                    Err(e) => println!("{e}"),
                }
                Ok(())
            }
        }
    }

    /// The sketch in a headless app (what `render`, `frames` and `ops` use).
    pub fn headless(self) -> Result<App, String> {
        let plugin = self.plugin;
        headless_sketch_app(self.scene.as_deref(), move |app| {
            app.add_plugins(plugin);
        })
    }
}
