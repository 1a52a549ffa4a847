//! The image a picture op reads: decoded once per file version (PNG, JPEG, WebP) and
//! shared by every op that reads it, bounded in pixels, turned into darkness (0 paper,
//! 1 ink) with the tone controls, and placed on the paper by centre and width.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;

/// Most bytes of an image file read.
pub const MAX_IMAGE_BYTES: u64 = 256 << 20;
/// Most pixels an image may have (a 100-megapixel photo), checked before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
/// Decoded images kept for reuse.
const KEPT: usize = 8;

/// An image as luminance, 0 (black) ..= 1 (white), rows from the top.
#[derive(Debug)]
pub struct Gray {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Luminance per pixel, row by row.
    pub luma: Vec<f32>,
}

/// Decoded images by path and file version, shared through the evaluation's memo.
#[derive(Default)]
pub struct DecodedImages {
    entries: Mutex<HashMap<(String, u64), Arc<Gray>>>,
}

/// The built-in sample: a soft disc, darker to its centre, on a left-to-right ramp.
fn sample() -> Gray {
    let (w, h) = (160usize, 120usize);
    let mut luma = Vec::with_capacity(w * h);
    for j in 0..h {
        for i in 0..w {
            let (x, y) = (i as f32 / w as f32, j as f32 / h as f32);
            let d = ((x - 0.5).powi(2) + (y - 0.5).powi(2) * 0.56).sqrt();
            let disc = (d / 0.35).min(1.0);
            luma.push((0.35 + 0.65 * x) * (0.2 + 0.8 * disc));
        }
    }
    Gray {
        width: w,
        height: h,
        luma,
    }
}

/// Decodes `bytes` (named `path` in messages) to luminance, refusing more than
/// [`MAX_PIXELS`] before allocating.
pub fn decode(bytes: &[u8], path: &str) -> Result<Gray, OpFailure> {
    let bad = |why: String| OpFailure::File(format!("'{path}' is not a readable image: {why}"));
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| bad(e.to_string()))?;
    if reader.format().is_none() {
        return Err(bad("not a PNG, JPEG or WebP file".into()));
    }
    let (w, h) = reader.into_dimensions().map_err(|e| bad(e.to_string()))?;
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(OpFailure::File(format!(
            "'{path}' is {w} × {h} pixels; at most {MAX_PIXELS} pixels are read (scale it down)"
        )));
    }
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| bad(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 16);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| bad(e.to_string()))?;
    let gray = img.to_luma32f();
    Ok(Gray {
        width: gray.width() as usize,
        height: gray.height() as usize,
        luma: gray.into_raw(),
    })
}

/// The image at `path` ("sample": the built-in one), decoded once per file version.
pub fn read(ctx: &EvalContext, path: &str) -> Result<Arc<Gray>, OpFailure> {
    let sample_asked = path == "sample";
    let stamp = if sample_asked {
        0
    } else {
        ctx.files.stamp(path).unwrap_or(0)
    };
    let memo = ctx.memo.get::<DecodedImages>();
    let key = (path.to_string(), stamp);
    if let Some(hit) = memo
        .entries
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&key)
    {
        return Ok(Arc::clone(hit));
    }
    let gray = if sample_asked {
        Arc::new(sample())
    } else {
        let bytes = ctx
            .files
            .read(path, MAX_IMAGE_BYTES)
            .map_err(|e| OpFailure::File(format!("cannot read '{path}': {e}")))?;
        Arc::new(decode(&bytes, path)?)
    };
    let mut entries = memo.entries.lock().unwrap_or_else(|e| e.into_inner());
    // Older versions of this file go; beyond the limit, any other.
    entries.retain(|(p, _), _| p != path);
    while entries.len() >= KEPT {
        let Some(k) = entries.keys().next().cloned() else {
            break;
        };
        entries.remove(&k);
    }
    entries.insert(key, Arc::clone(&gray));
    Ok(gray)
}

/// The tone controls every picture op shares.
#[derive(Clone, Copy, Debug)]
pub struct Tone {
    /// Added to the luminance (-1..1).
    pub brightness: f64,
    /// Contrast around mid-grey (1 = as is).
    pub contrast: f64,
    /// Gamma of the luminance (1 = as is).
    pub gamma: f64,
    /// Light becomes dark.
    pub invert: bool,
    /// Box blur radius in pixels of the resampled grid.
    pub blur: f64,
}

/// Darkness (0 paper .. 1 ink) on a grid of `nx` × `ny` samples covering the image,
/// sampled bilinearly and toned, rows in parallel chunks on `ex`.
pub fn darkness(
    ex: &dyn crate::ops::model::context::Executor,
    gray: &Gray,
    nx: usize,
    ny: usize,
    tone: Tone,
) -> Vec<f64> {
    let mut out = vec![0.0; nx * ny];
    let at = |x: usize, y: usize| {
        gray.luma[y.min(gray.height - 1) * gray.width + x.min(gray.width - 1)] as f64
    };
    let inverse_gamma = 1.0 / tone.gamma.max(1e-3);
    crate::ops::kit::parallel::for_each_chunk_mut(ex, &mut out, nx * 16, |start, chunk| {
        for (k, slot) in chunk.iter_mut().enumerate() {
            let (i, j) = ((start + k) % nx, (start + k) / nx);
            let fx = (i as f64 + 0.5) / nx as f64 * gray.width as f64 - 0.5;
            let fy = (j as f64 + 0.5) / ny as f64 * gray.height as f64 - 0.5;
            let (x0, y0) = (fx.floor().max(0.0) as usize, fy.floor().max(0.0) as usize);
            let (tx, ty) = (
                (fx - x0 as f64).clamp(0.0, 1.0),
                (fy - y0 as f64).clamp(0.0, 1.0),
            );
            let l = at(x0, y0) * (1.0 - tx) * (1.0 - ty)
                + at(x0 + 1, y0) * tx * (1.0 - ty)
                + at(x0, y0 + 1) * (1.0 - tx) * ty
                + at(x0 + 1, y0 + 1) * tx * ty;
            let mut v = ((l - 0.5) * tone.contrast + 0.5 + tone.brightness).clamp(0.0, 1.0);
            if inverse_gamma != 1.0 {
                v = v.powf(inverse_gamma);
            }
            *slot = if tone.invert { v } else { 1.0 - v };
        }
    });
    if tone.blur >= 0.5 {
        box_blur(&mut out, nx, ny, tone.blur.round() as usize);
    }
    out
}

/// A separable box blur of radius `r` (the window shrinks at the edges), with running
/// sums: linear in the pixels whatever the radius.
fn box_blur(v: &mut [f64], nx: usize, ny: usize, r: usize) {
    let mut tmp = vec![0.0; v.len()];
    let mut line = Vec::new();
    for j in 0..ny {
        blur_line(&v[j * nx..(j + 1) * nx], &mut tmp[j * nx..(j + 1) * nx], r);
    }
    let mut column = vec![0.0; ny];
    for i in 0..nx {
        line.clear();
        line.extend((0..ny).map(|j| tmp[j * nx + i]));
        blur_line(&line, &mut column, r);
        for j in 0..ny {
            v[j * nx + i] = column[j];
        }
    }
}

/// The mean of each window `[k - r, k + r]` of `src` (cut at the ends).
fn blur_line(src: &[f64], out: &mut [f64], r: usize) {
    let n = src.len();
    let mut prefix = Vec::with_capacity(n + 1);
    prefix.push(0.0);
    for v in src {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + v);
    }
    for (k, o) in out.iter_mut().enumerate() {
        let (a, b) = (k.saturating_sub(r), (k + r).min(n - 1));
        *o = (prefix[b + 1] - prefix[a]) / (b - a + 1) as f64;
    }
}
