//! Page layout at export: the drawing scaled to fit a page size with a margin (or to a
//! given size, as vpype's `scaleto`) and centred on it, without touching the scene's
//! geometry.

use std::sync::Arc;

use crate::core::drawing::{Canvas, Drawing, DrawnLayer};
use crate::geometry::{Vec3, reorder, sort_for_travel};

/// Paper sizes in mm, portrait.
pub const PAGE_SIZES: &[(&str, f64, f64)] = &[
    ("a0", 841.0, 1189.0),
    ("a1", 594.0, 841.0),
    ("a2", 420.0, 594.0),
    ("a3", 297.0, 420.0),
    ("a4", 210.0, 297.0),
    ("a5", 148.0, 210.0),
    ("a6", 105.0, 148.0),
    ("b3", 353.0, 500.0),
    ("b4", 250.0, 353.0),
    ("b5", 176.0, 250.0),
    ("letter", 215.9, 279.4),
    ("legal", 215.9, 355.6),
    ("tabloid", 279.4, 431.8),
];

/// Why a layout cannot be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LayoutError {
    /// No such page size.
    #[error("unknown page size '{name}'; known: {known}")]
    UnknownPage {
        /// What was asked for.
        name: String,
        /// The sizes graft knows.
        known: String,
    },
    /// The margin leaves no room.
    #[error("a {margin} mm margin leaves no room on a {w} × {h} mm page; use 0 <= margin < {max}")]
    Margin {
        /// The margin asked for.
        margin: f64,
        /// Page width.
        w: f64,
        /// Page height.
        h: f64,
        /// Largest margin.
        max: f64,
    },
    /// A size to scale to that is not a positive size.
    #[error(
        "cannot scale to {w} × {h} mm; give sizes between 0 and {MAX_SIZE_MM} mm, e.g. 150x100 or 15cmx10cm"
    )]
    Size {
        /// Width asked for.
        w: f64,
        /// Height asked for.
        h: f64,
    },
    /// A size that does not read as `WxH`.
    #[error(
        "'{text}' is not a size; write WIDTHxHEIGHT in mm, cm or in, e.g. 150x100, 15cmx10cm, 6inx4in"
    )]
    SizeText {
        /// What was given.
        text: String,
    },
}

/// The largest size a drawing may be scaled to (mm): 10 m.
pub const MAX_SIZE_MM: f64 = 10_000.0;

/// What the drawing is scaled to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fit {
    /// As large as fits inside this margin (mm) of the page.
    Margin(f64),
    /// As large as fits in this width and height (mm), keeping proportions.
    Size(f64, f64),
}

/// How a drawing is placed at export.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The page (mm); `None` keeps the drawing's own paper.
    pub page: Option<(f64, f64)>,
    /// The scale: fit the page inside a margin, or a size.
    pub fit: Fit,
}

/// Reads a size such as `150x100`, `15cmx10cm` or `6inx4in` as mm.
pub fn parse_size(text: &str) -> Result<(f64, f64), LayoutError> {
    let bad = || LayoutError::SizeText {
        text: text.chars().take(40).collect(),
    };
    let one = |part: &str| -> Result<f64, LayoutError> {
        let part = part.trim();
        let (number, unit) = match part.find(|c: char| c.is_ascii_alphabetic()) {
            Some(at) => part.split_at(at),
            None => (part, "mm"),
        };
        let mm = match unit.trim() {
            "mm" => 1.0,
            "cm" => 10.0,
            "in" => 25.4,
            _ => return Err(bad()),
        };
        number
            .trim()
            .parse::<f64>()
            .map(|v| v * mm)
            .map_err(|_| bad())
    };
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    Ok((one(w)?, one(h)?))
}

/// The size (mm) of the page called `name`, turned when `landscape`.
pub fn page_size(name: &str, landscape: bool) -> Result<(f64, f64), LayoutError> {
    let (_, w, h) = PAGE_SIZES
        .iter()
        .find(|(n, ..)| n.eq_ignore_ascii_case(name))
        .ok_or_else(|| LayoutError::UnknownPage {
            name: name.chars().take(40).collect(),
            known: PAGE_SIZES
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    Ok(if landscape { (*h, *w) } else { (*w, *h) })
}

/// `drawing` placed by `layout`: on its page (or its own paper), its lines scaled
/// (keeping proportions) to fill the page inside the margin or to the size, and centred;
/// the paper colour is kept.
pub fn lay_out(drawing: &Drawing, layout: &Layout) -> Result<Drawing, LayoutError> {
    let (w, h) = layout
        .page
        .unwrap_or((drawing.canvas.width, drawing.canvas.height));
    let room = match layout.fit {
        Fit::Margin(margin) => {
            let max = w.min(h) / 2.0;
            if !(margin.is_finite() && margin >= 0.0 && margin < max) {
                return Err(LayoutError::Margin { margin, w, h, max });
            }
            (w - 2.0 * margin, h - 2.0 * margin)
        }
        Fit::Size(sw, sh) => {
            let ok = |v: f64| v.is_finite() && v > 0.0 && v <= MAX_SIZE_MM;
            if !(ok(sw) && ok(sh)) {
                return Err(LayoutError::Size { w: sw, h: sh });
            }
            (sw, sh)
        }
    };
    let bounds = drawing
        .layers
        .iter()
        .filter_map(|l| l.geometry.bounds())
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let canvas = Canvas {
        width: w,
        height: h,
        background: drawing.canvas.background,
    };
    let Some((lo, hi)) = bounds else {
        return Ok(Drawing {
            canvas,
            layers: drawing.layers.clone(),
        });
    };
    let (bw, bh) = ((hi.x - lo.x) as f64, (hi.y - lo.y) as f64);
    // A point or a line along one axis is only centred on the other.
    let scale = match (bw > 1e-9, bh > 1e-9) {
        (true, true) => (room.0 / bw).min(room.1 / bh),
        (true, false) => room.0 / bw,
        (false, true) => room.1 / bh,
        (false, false) => 1.0,
    };
    let centre = ((lo + hi) / 2.0).as_dvec3();
    let move_point = |p: Vec3| {
        Vec3::new(
            ((p.x as f64 - centre.x) * scale + w / 2.0) as f32,
            ((p.y as f64 - centre.y) * scale + h / 2.0) as f32,
            p.z,
        )
    };
    let layers = drawing
        .layers
        .iter()
        .map(|l| {
            let points = l.geometry.points().iter().map(|&p| move_point(p)).collect();
            DrawnLayer {
                geometry: Arc::new(l.geometry.with_points(points)),
                ..l.clone()
            }
        })
        .collect();
    Ok(Drawing { canvas, layers })
}

/// Each layer's polylines reordered (and turned) to shorten pen-up travel, as `linesort`.
pub fn sort_layers(drawing: &Drawing) -> Drawing {
    let layers = drawing
        .layers
        .iter()
        .map(|l| {
            let g = &l.geometry;
            let out = reorder(g, &sort_for_travel(g, true, true));
            DrawnLayer {
                geometry: Arc::new(out),
                ..l.clone()
            }
        })
        .collect();
    Drawing {
        canvas: drawing.canvas.clone(),
        layers,
    }
}
