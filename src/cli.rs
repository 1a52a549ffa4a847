//! Command-line arguments shared by `graft` and by sketches' own command line.

use std::path::PathBuf;

use crate::export::{
    Drawing, ExportError, FrameFormats, FrameRange, OutputRequest, assemble_mp4, export_frames,
    terminal_progress,
};

/// Prints a line to stdout, ignoring a closed pipe (`graft … | head -1`) so the command
/// still finishes its files instead of panicking.
pub fn say(line: std::fmt::Arguments) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout(), "{line}");
}

/// The files a render writes.
#[derive(clap::Args, Clone, Debug)]
pub struct OutputArgs {
    /// Write an SVG file.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Write a G-code file (all layers).
    #[arg(long)]
    pub gcode: Option<PathBuf>,
    /// With --gcode, write one file per layer (`NAME_layer001_LAYER.gcode`, …) instead.
    #[arg(long)]
    pub gcode_per_layer: bool,
    /// Write a PNG file.
    #[arg(long)]
    pub png: Option<PathBuf>,
    /// Write an HPGL file (one pen per layer).
    #[arg(long)]
    pub hpgl: Option<PathBuf>,
    /// The plotter the HPGL is for: hp7475a (A3, 6 pens), hp7440a (A4, 8 pens) or generic.
    #[arg(long, default_value = "generic")]
    pub hpgl_device: String,
    /// Page layout.
    #[command(flatten)]
    pub layout: LayoutArgs,
    /// PNG resolution in dots per inch (default: the scene's export.png.dpi, else 150).
    #[arg(long)]
    pub dpi: Option<f64>,
    /// Replace existing output files.
    #[arg(long)]
    pub overwrite: bool,
}

impl OutputArgs {
    /// The request, with `scene_dpi` when no --dpi is given; `inputs` (the scene file)
    /// are never written. Fails on an unknown `--hpgl-device`.
    pub fn request(
        &self,
        scene_dpi: f64,
        inputs: Vec<PathBuf>,
    ) -> Result<OutputRequest, ExportError> {
        let hpgl = match &self.hpgl {
            Some(path) => Some((path.clone(), crate::export::hpgl_device(&self.hpgl_device)?)),
            None => None,
        };
        let layout = self.layout.layout()?;
        Ok(OutputRequest {
            svg: self.svg.clone(),
            gcode: self.gcode.clone(),
            gcode_per_layer: self.gcode_per_layer,
            png: self.png.clone(),
            hpgl,
            dpi: self.dpi.unwrap_or(scene_dpi),
            overwrite: self.overwrite,
            inputs,
            scene: None,
            layout,
            sort_travel: false,
        })
    }
}

/// Page layout at export: `--layout a4 --landscape --margin 10`, `--scale-to 150x100`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct LayoutArgs {
    /// Fit the drawing to a page (a0..a6, b3..b5, letter, legal, tabloid), centred.
    #[arg(long, value_name = "PAGE")]
    pub layout: Option<String>,
    /// With --layout, turn the page to landscape.
    #[arg(long)]
    pub landscape: bool,
    /// With --layout, the margin kept free on every side (mm).
    #[arg(long, default_value_t = 10.0)]
    pub margin: f64,
    /// Scale the drawing to fit this size, keeping proportions, centred on the page
    /// (--layout's, else its own): WIDTHxHEIGHT in mm, cm or in, e.g. 150x100, 6inx4in.
    #[arg(long, value_name = "WxH")]
    pub scale_to: Option<String>,
}

impl LayoutArgs {
    /// These settings (and `sort_travel`) as command-line flags, to record in an SVG's
    /// metadata; empty when none change the geometry. Only valid settings are recorded.
    pub fn canonical(&self, sort_travel: bool) -> String {
        let mut flags = Vec::new();
        if let Ok(Some(layout)) = self.layout() {
            if let Some(page) = &self.layout {
                flags.push(format!("--layout {}", page.to_ascii_lowercase()));
                if self.landscape {
                    flags.push("--landscape".into());
                }
            }
            match layout.fit {
                crate::export::Fit::Margin(m) => flags.push(format!("--margin {m}")),
                crate::export::Fit::Size(w, h) => flags.push(format!("--scale-to {w}x{h}")),
            }
        }
        if sort_travel {
            flags.push("--sort-travel".into());
        }
        flags.join(" ")
    }

    /// Settings read back from [`LayoutArgs::canonical`], and whether travel was sorted;
    /// `None` when the text is not such flags.
    pub fn from_canonical(text: &str) -> Option<(LayoutArgs, bool)> {
        let mut args = LayoutArgs {
            margin: 10.0,
            ..Default::default()
        };
        let mut sort = false;
        let mut words = text.split_whitespace();
        while let Some(flag) = words.next() {
            match flag {
                "--layout" => args.layout = Some(words.next()?.to_string()),
                "--landscape" => args.landscape = true,
                "--margin" => args.margin = words.next()?.parse().ok()?,
                "--scale-to" => args.scale_to = Some(words.next()?.to_string()),
                "--sort-travel" => sort = true,
                _ => return None,
            }
        }
        Some((args, sort))
    }

    /// The layout asked for, if any.
    pub fn layout(&self) -> Result<Option<crate::export::Layout>, crate::export::LayoutError> {
        let page = match &self.layout {
            Some(page) => Some(crate::export::page_size(page, self.landscape)?),
            None => None,
        };
        let fit = match &self.scale_to {
            Some(size) => {
                let (w, h) = crate::export::parse_size(size)?;
                crate::export::Fit::Size(w, h)
            }
            None if page.is_some() => crate::export::Fit::Margin(self.margin),
            None => return Ok(None),
        };
        Ok(Some(crate::export::Layout { page, fit }))
    }
}

/// A frame sequence to write.
#[derive(clap::Args, Clone, Debug)]
pub struct FramesArgs {
    /// First frame time (s).
    #[arg(long, default_value_t = 0.0)]
    pub from: f64,
    /// End time (s, not included).
    #[arg(long)]
    pub to: f64,
    /// Frames per second.
    #[arg(long, default_value_t = 30.0)]
    pub fps: f64,
    /// Output folder (frame_00000.png, …).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write each frame as SVG.
    #[arg(long)]
    pub svg: bool,
    /// PNG resolution (default: the scene's export.png.dpi, else 150).
    #[arg(long)]
    pub dpi: Option<f64>,
    /// Replace existing frame files.
    #[arg(long)]
    pub overwrite: bool,
}

impl FramesArgs {
    /// The frame times.
    pub fn range(&self) -> FrameRange {
        FrameRange {
            from: self.from,
            to: self.to,
            fps: self.fps,
        }
    }

    /// PNG (and SVG) frames, at `scene_dpi` when no --dpi is given.
    pub fn formats(&self, scene_dpi: f64) -> FrameFormats {
        FrameFormats {
            png: true,
            svg: self.svg,
            dpi: self.dpi.unwrap_or(scene_dpi),
        }
    }
}

/// Writes the frames `args` asks for with a terminal progress bar, then an MP4 if ffmpeg
/// is installed (or says how to make one); `drawing_at(t)` gives each frame.
pub fn write_frames<E: std::fmt::Display>(
    args: &FramesArgs,
    scene_dpi: f64,
    drawing_at: impl FnMut(f64) -> Result<Drawing, E>,
) -> Result<(), ExportError> {
    let written = export_frames(
        &args.out,
        args.range(),
        args.formats(scene_dpi),
        args.overwrite,
        drawing_at,
        terminal_progress(),
    )?;
    say(format_args!(
        "wrote {} files to {}",
        written.len(),
        args.out.display()
    ));
    match assemble_mp4(&args.out, args.fps) {
        Ok(mp4) => say(format_args!("wrote {}", mp4.display())),
        Err(e) => say(format_args!("{e}")),
    }
    Ok(())
}
