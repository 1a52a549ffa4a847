//! PNG export: the SVG rendered in process by resvg, on the paper colour.

use serde::{Deserialize, Serialize};

use super::svg::to_svg;
use crate::core::drawing::Canvas;
use crate::core::drawing::Drawing;

/// PNG options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PngSettings {
    /// Resolution in dots per inch. Default 150 (an A4 page is 1240 × 1754 pixels).
    pub dpi: f64,
}

impl Default for PngSettings {
    fn default() -> Self {
        Self { dpi: 150.0 }
    }
}

/// Why a PNG could not be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PngError {
    /// The dpi is not a positive number.
    #[error("PNG dpi {0} is not allowed: use a number > 0")]
    Dpi(f64),
    /// The image would be empty or too large.
    #[error(
        "PNG of {width} × {height} pixels is not allowed: each side must be 1..={MAX_SIDE}; lower the dpi"
    )]
    Size {
        /// Width in pixels.
        width: f64,
        /// Height in pixels.
        height: f64,
    },
    /// The image would hold more pixels than a render may (memory is bounded).
    #[error(
        "PNG of {width} × {height} pixels is not allowed: at most {MAX_PIXELS} pixels; at most {max_dpi} dpi fits this paper"
    )]
    TooManyPixels {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The largest whole dpi that fits.
        max_dpi: u32,
    },
    /// The renderer or encoder failed (a bug, reported in plain words).
    #[error("the PNG could not be rendered: {0}")]
    Render(String),
}

/// Largest image side accepted, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// Most pixels a PNG may have: 64 megapixels, 256 MiB while it is drawn.
pub const MAX_PIXELS: u64 = 64 << 20;

/// Pixel size of the paper at `dpi`.
pub fn pixel_size(canvas: &Canvas, dpi: f64) -> Result<(u32, u32), PngError> {
    if !(dpi.is_finite() && dpi > 0.0) {
        return Err(PngError::Dpi(dpi));
    }
    let px = |mm: f64| (mm / 25.4 * dpi).round();
    let (w, h) = (px(canvas.width), px(canvas.height));
    if w < 1.0 || h < 1.0 || w > MAX_SIDE as f64 || h > MAX_SIDE as f64 {
        return Err(PngError::Size {
            width: w,
            height: h,
        });
    }
    let pixels = w as u64 * h as u64;
    if pixels > MAX_PIXELS {
        // Pixels grow with the square of the dpi.
        let mut max_dpi = (dpi * (MAX_PIXELS as f64 / pixels as f64).sqrt())
            .floor()
            .max(1.0);
        while max_dpi > 1.0
            && (canvas.width / 25.4 * max_dpi).round() * (canvas.height / 25.4 * max_dpi).round()
                > MAX_PIXELS as f64
        {
            max_dpi -= 1.0;
        }
        return Err(PngError::TooManyPixels {
            width: w as u32,
            height: h as u32,
            max_dpi: max_dpi as u32,
        });
    }
    Ok((w as u32, h as u32))
}

/// Renders `drawing` to PNG bytes at `dpi`.
pub fn to_png(drawing: &Drawing, dpi: f64) -> Result<Vec<u8>, PngError> {
    to_pixmap(drawing, dpi)?
        .encode_png()
        .map_err(|e| PngError::Render(format!("encoding failed: {e}")))
}

/// Renders `drawing` at `dpi` into pixels (premultiplied RGBA, on the paper colour).
pub fn to_pixmap(drawing: &Drawing, dpi: f64) -> Result<resvg::tiny_skia::Pixmap, PngError> {
    let (w, h) = pixel_size(&drawing.canvas, dpi)?;
    let svg = to_svg(drawing);
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())
        .map_err(|e| PngError::Render(format!("internal SVG not read: {e}")))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| PngError::Render("cannot allocate the image".into()))?;
    let [r, g, b, a] = drawing.canvas.background.0;
    pixmap.fill(
        resvg::tiny_skia::Color::from_rgba(r, g, b, a).unwrap_or(resvg::tiny_skia::Color::WHITE),
    );
    let size = tree.size();
    let transform =
        resvg::tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap)
}
