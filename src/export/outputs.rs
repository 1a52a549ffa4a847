//! Writing the files a render asks for (SVG, G-code, per-layer G-code, PNG), shared by
//! the `graft render` command and sketches' own `render`.

use std::path::{Path, PathBuf};

use super::error::ExportError;
use super::output::{FileFamily, OutputError, ensure_absent};
use crate::core::drawing::Drawing;
use crate::core::export::to_png;
use crate::core::export::{GcodeFile, GcodeProfile, layer_suffix, to_gcode, to_gcode_per_layer};

/// Which files to write.
#[derive(Clone, Debug, Default)]
pub struct OutputRequest {
    /// SVG file.
    pub svg: Option<PathBuf>,
    /// G-code file (or the name the per-layer files are derived from).
    pub gcode: Option<PathBuf>,
    /// One G-code file per layer: `NAME_layer001_LAYER.gcode`, ….
    pub gcode_per_layer: bool,
    /// PNG file.
    pub png: Option<PathBuf>,
    /// HPGL file and the device it is for.
    pub hpgl: Option<(PathBuf, crate::core::export::HpglDevice)>,
    /// PNG resolution.
    pub dpi: f64,
    /// Replace existing files.
    pub overwrite: bool,
    /// Files the command reads (the scene): never written, even with `overwrite`.
    pub inputs: Vec<PathBuf>,
    /// The scene to embed in the SVG's metadata (reproducible SVG).
    pub scene: Option<crate::core::export::SceneSource>,
    /// Place the drawing on a page or scale it to a size, centred.
    pub layout: Option<crate::core::export::Layout>,
    /// Reorder each layer's polylines for less pen-up travel in every file (G-code sorts
    /// with its profile's `sort_polylines`).
    pub sort_travel: bool,
}

/// A format graft writes a drawing in, with what it needs besides the drawing.
#[derive(Clone, Debug)]
pub enum Format {
    /// SVG, with the scene to embed (reproducible SVG).
    Svg(Option<crate::core::export::SceneSource>),
    /// One G-code file.
    Gcode,
    /// One G-code file per layer.
    GcodePerLayer,
    /// HPGL for a device.
    Hpgl(crate::core::export::HpglDevice),
    /// PNG at a resolution (dpi).
    Png(f64),
}

/// One file's bytes, as [`encode`] makes them.
#[derive(Clone, Debug)]
pub struct Encoded {
    /// Added to the file's name before the extension (`_layer001_waves`; empty for most).
    pub suffix: String,
    /// The extension.
    pub ext: &'static str,
    /// The file's contents.
    pub bytes: Vec<u8>,
    /// A note for the user (`at 150 dpi`, the G-code travel saved).
    pub note: String,
}

/// The one place a drawing becomes file bytes: `render`, sketches and the window's
/// captures all write through it.
pub fn encode(
    drawing: &Drawing,
    profile: &GcodeProfile,
    format: &Format,
) -> Result<Vec<Encoded>, ExportError> {
    let one = |ext, bytes, note: String| Encoded {
        suffix: String::new(),
        ext,
        bytes,
        note,
    };
    let gcode_note = |f: &GcodeFile| {
        format!(
            " (pen-up travel {:.1} mm before optimisation, {:.1} mm after)",
            f.travel_before_mm, f.travel_after_mm
        )
    };
    Ok(match format {
        Format::Svg(scene) => {
            let svg = crate::core::export::to_svg_with_scene(drawing, scene.as_ref());
            vec![one("svg", svg.into_bytes(), String::new())]
        }
        Format::Gcode => {
            let f = to_gcode(drawing, profile)?;
            let note = gcode_note(&f);
            vec![one("gcode", f.text.into_bytes(), note)]
        }
        Format::GcodePerLayer => {
            let n = drawing.layers.len();
            to_gcode_per_layer(drawing, profile)?
                .into_iter()
                .enumerate()
                .map(|(i, f)| Encoded {
                    suffix: layer_suffix(i, n, &drawing.layers[i].name),
                    ext: "gcode",
                    note: gcode_note(&f),
                    bytes: f.text.into_bytes(),
                })
                .collect()
        }
        Format::Hpgl(device) => {
            let text = crate::core::export::to_hpgl(drawing, device)?;
            vec![one(
                "hpgl",
                text.into_bytes(),
                format!(" for the {}", device.name),
            )]
        }
        Format::Png(dpi) => vec![one("png", to_png(drawing, *dpi)?, format!(" at {dpi} dpi"))],
    })
}

impl Format {
    /// The format's name and the extensions its files may have (lowercase).
    pub fn extensions(&self) -> (&'static str, &'static [&'static str]) {
        match self {
            Format::Svg(_) => ("SVG", &["svg"]),
            Format::Gcode | Format::GcodePerLayer => ("G-code", &["gcode", "nc", "ngc", "gc", "g"]),
            Format::Hpgl(_) => ("HPGL", &["hpgl", "plt", "hpg"]),
            Format::Png(_) => ("PNG", &["png"]),
        }
    }

    /// Refuses `path` unless its extension is one of the format's (any case), so PNG
    /// bytes never land in `out.txt`.
    pub fn check_path(&self, path: &Path) -> Result<(), ExportError> {
        let (format, allowed) = self.extensions();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if ext.is_some_and(|e| allowed.contains(&e.as_str())) {
            return Ok(());
        }
        Err(ExportError::WrongExtension {
            path: path.to_path_buf(),
            format,
            allowed: allowed
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" or "),
        })
    }
}

/// True when `a` and `b` name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `dir/stem.gcode` → `dir/stem_layer001_name.gcode`.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    path.with_file_name(format!("{stem}{suffix}{ext}"))
}

/// Writes the requested files as one family (all of them or none, atomically, never
/// replacing a file unless `overwrite`); returns a line per file for the user.
pub fn write_outputs(
    drawing: &Drawing,
    profile: &GcodeProfile,
    request: &OutputRequest,
) -> Result<Vec<String>, ExportError> {
    drawing.check_coordinates()?;
    // Layout and sorting change what is written, never the scene.
    let laid_out;
    let drawing = match &request.layout {
        Some(layout) => {
            laid_out = crate::core::export::lay_out(drawing, layout)?;
            &laid_out
        }
        None => drawing,
    };
    let sorted;
    let drawing = if request.sort_travel {
        sorted = crate::core::export::sort_layers(drawing);
        &sorted
    } else {
        drawing
    };
    let mut requested: Vec<(&Path, Format)> = Vec::new();
    if let Some(path) = &request.svg {
        requested.push((path, Format::Svg(request.scene.clone())));
    }
    if let Some(path) = &request.gcode {
        let format = if request.gcode_per_layer {
            Format::GcodePerLayer
        } else {
            Format::Gcode
        };
        requested.push((path, format));
    }
    if let Some((path, device)) = &request.hpgl {
        requested.push((path, Format::Hpgl(device.clone())));
    }
    if let Some(path) = &request.png {
        requested.push((path, Format::Png(request.dpi)));
    }
    // What would cost the user a file is said first; then a name of the wrong kind.
    for (path, _) in &requested {
        if request.inputs.iter().any(|i| same_file(path, i)) {
            return Err(ExportError::OutputIsInput(path.to_path_buf()));
        }
        if path.is_dir() {
            return Err(OutputError::IsFolder(path.to_path_buf()).into());
        }
    }
    if !request.overwrite {
        let paths: Vec<PathBuf> = requested.iter().map(|(p, _)| p.to_path_buf()).collect();
        ensure_absent(&paths)?;
    }
    for (path, format) in &requested {
        format.check_path(path)?;
    }
    let mut files: Vec<(PathBuf, Vec<u8>, String)> = Vec::new();
    for (path, format) in &requested {
        for f in encode(drawing, profile, format)? {
            let path = if f.suffix.is_empty() {
                path.to_path_buf()
            } else {
                with_suffix(path, &f.suffix)
            };
            files.push((path, f.bytes, f.note));
        }
    }
    if let Some((path, _, _)) = files
        .iter()
        .find(|(p, _, _)| request.inputs.iter().any(|i| same_file(p, i)))
    {
        return Err(ExportError::OutputIsInput(path.clone()));
    }
    if !request.overwrite {
        // Fail before writing anything when one of the family is taken.
        ensure_absent(&files.iter().map(|f| f.0.clone()).collect::<Vec<_>>())?;
    }
    let mut family = FileFamily::new(request.overwrite);
    for (path, bytes, _) in &files {
        family.add(path, bytes)?;
    }
    family.commit()?;
    Ok(files
        .iter()
        .map(|(path, _, note)| format!("wrote {}{note}", path.display()))
        .collect())
}
