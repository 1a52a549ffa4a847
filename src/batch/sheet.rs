//! The contact sheet: every item of a batch as a thumbnail on one page, labelled with its
//! seed and values, written as SVG or PNG through the same writer as every file.

use std::path::Path;
use std::sync::Arc;

use super::BatchError;
use super::run::ManifestItem;
use crate::export::{Drawing, DrawnLayer, OutputRequest, write_outputs};
use crate::geometry::{GeometryId, Polylines, Vec3};
use crate::ops::{EvalContext, OpRegistry, RawParam, Rgba};
use crate::scene::Canvas;

/// Most items one sheet holds.
pub const MAX_ITEMS: usize = 400;

/// Width of a thumbnail (mm).
const CELL_MM: f64 = 50.0;
/// Space between thumbnails and around them (mm).
const GAP_MM: f64 = 4.0;
/// Height of the label under each thumbnail (mm).
const LABEL_MM: f64 = 5.0;
/// Widest PNG sheet (pixels): the resolution is lowered to fit.
const MAX_SHEET_PX: f64 = 6000.0;

/// The label of an item: its seed and values.
pub fn label(item: &ManifestItem) -> String {
    let mut parts = vec![match item.seed {
        Some(seed) => format!("seed {seed}"),
        None => format!("#{}", item.index),
    }];
    for (address, value) in &item.params {
        let param = address.rsplit('/').next().unwrap_or(address);
        parts.push(format!("{param} {value}"));
    }
    parts.join(" · ")
}

/// The sheet of `cells` (label and drawing), each drawing on a `canvas` page.
pub fn contact_sheet(canvas: &Canvas, cells: &[(String, &Drawing)], ctx: &EvalContext) -> Drawing {
    let n = cells.len().max(1);
    let cols = (n as f64).sqrt().ceil() as usize;
    let rows = n.div_ceil(cols);
    let s = CELL_MM / canvas.width.max(1e-6);
    let cell_h = canvas.height * s;
    let sheet = Canvas {
        width: cols as f64 * (CELL_MM + GAP_MM) + GAP_MM,
        height: rows as f64 * (cell_h + LABEL_MM + GAP_MM) + GAP_MM,
        background: Rgba::WHITE,
    };
    let mut paper = Polylines::new();
    let mut labels = Polylines::new();
    let mut layers: Vec<(DrawnLayer, Polylines)> = Vec::new();
    let registry = OpRegistry::builtin();
    for (k, (text, drawing)) in cells.iter().enumerate() {
        let (col, row) = (k % cols, k / cols);
        let x0 = GAP_MM + col as f64 * (CELL_MM + GAP_MM);
        let y0 = GAP_MM + row as f64 * (cell_h + LABEL_MM + GAP_MM);
        let place = |p: &Vec3| {
            Vec3::new(
                (p.x as f64 * s + x0) as f32,
                (p.y as f64 * s + y0) as f32,
                0.0,
            )
        };
        let corners = [
            (0.0, 0.0),
            (CELL_MM, 0.0),
            (CELL_MM, cell_h),
            (0.0, cell_h),
            (0.0, 0.0),
        ];
        paper.push_line(corners.map(|(x, y)| Vec3::new((x0 + x) as f32, (y0 + y) as f32, 0.0)));
        for layer in &drawing.layers {
            let i = match layers.iter().position(|(l, _)| l.name == layer.name) {
                Some(i) => i,
                None => {
                    layers.push((
                        DrawnLayer {
                            pen_width: (layer.pen_width * s).max(0.05),
                            geometry: Arc::default(),
                            ..layer.clone()
                        },
                        Polylines::new(),
                    ));
                    layers.len() - 1
                }
            };
            for line in layer.geometry.lines() {
                layers[i].1.push_line(line.iter().map(place));
            }
        }
        // The label in a single-stroke font, under the thumbnail.
        let call = registry.call(
            "text",
            &[
                ("text", RawParam::Str(text.clone())),
                ("scale", 2.4.into()),
                ("box_width", CELL_MM.into()),
                ("center", [x0, y0 + cell_h + 1.6, 0.0].into()),
            ],
        );
        if let Ok(call) = call
            && let Ok(params) = call.resolve(0.0)
            && let Ok(lines) = call.op.eval(&Polylines::new(), &params, ctx)
        {
            labels.extend_from(&lines);
        }
    }
    let grey = Rgba::parse("#9a9a9a").unwrap_or(Rgba::WHITE);
    let mut out = vec![DrawnLayer {
        name: "paper".into(),
        color: grey,
        pen_width: 0.1,
        id: GeometryId(1),
        geometry: Arc::new(paper),
    }];
    out.extend(layers.into_iter().map(|(layer, lines)| DrawnLayer {
        geometry: Arc::new(lines),
        ..layer
    }));
    out.push(DrawnLayer {
        name: "labels".into(),
        color: Rgba::parse("#333333").unwrap_or(Rgba::WHITE),
        pen_width: 0.15,
        id: GeometryId(2),
        geometry: Arc::new(labels),
    });
    Drawing {
        canvas: sheet,
        layers: out,
    }
}

/// Writes the sheet of `cells` to `path` (`.svg` or `.png`; a PNG is at most 6 000 pixels
/// wide). The sheet describes the run that made it: it replaces an earlier one.
pub fn write(
    path: &Path,
    canvas: &Canvas,
    cells: &[(String, &Drawing)],
    dpi: f64,
    _overwrite: bool,
    ctx: &EvalContext,
) -> Result<(), BatchError> {
    let drawing = contact_sheet(canvas, cells, ctx);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let mut request = OutputRequest {
        overwrite: true,
        ..Default::default()
    };
    match ext.as_deref() {
        Some("svg") => request.svg = Some(path.to_path_buf()),
        Some("png") => {
            request.png = Some(path.to_path_buf());
            request.dpi = dpi.min(MAX_SHEET_PX / (drawing.canvas.width / 25.4));
        }
        _ => {
            return Err(BatchError::Template {
                template: path.display().to_string(),
                why: "a contact sheet is a .svg or a .png".into(),
            });
        }
    }
    write_outputs(&drawing, &Default::default(), &request)?;
    Ok(())
}
