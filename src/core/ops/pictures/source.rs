//! The image a picture op reads: decoded once per file version (PNG, JPEG, WebP) and
//! shared by every op that reads it, bounded in pixels, turned into darkness (0 paper,
//! 1 ink) of one channel with the tone controls, masked, and placed on the paper by
//! centre and width.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::geometry::{IdHasher, Polylines, Vec3};
use crate::ops::kit::distance::row_crossings;
use crate::ops::kit::marching::Field;
use crate::ops::kit::parallel;
use crate::ops::kit::planar::rings_of;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::value::Rgba;

/// Most bytes of an image file read.
pub const MAX_IMAGE_BYTES: u64 = 256 << 20;
/// Most pixels an image may have (a 100-megapixel photo), checked before decoding.
pub const MAX_PIXELS: u64 = 100_000_000;
/// Most samples across or down the image on the paper.
pub const MAX_SAMPLES_PER_SIDE: f64 = 4000.0;
/// Decoded images kept for reuse.
const KEPT: usize = 8;

/// A decoded image: 8-bit RGB, rows from the top.
#[derive(Debug)]
pub struct Image {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Red, green, blue per pixel, row by row.
    pub rgb: Vec<[u8; 3]>,
}

/// Decoded images by path and file version, shared through the evaluation's memo: the
/// same file read by several ops or layers is decoded once.
#[derive(Default)]
pub struct DecodedImages {
    entries: Mutex<Decoded>,
}

/// The images kept, and how many files have been decoded.
#[derive(Default)]
struct Decoded {
    images: HashMap<(String, u64), Arc<Image>>,
    decodes: u64,
}

impl DecodedImages {
    /// How many files have been decoded so far.
    pub fn decodes(&self) -> u64 {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .decodes
    }
}

/// The built-in sample: a disc, darker to its centre, on a left-to-right ramp,
/// warm at the top and cool at the bottom (so every channel has something to draw).
fn sample() -> Image {
    let (w, h) = (160usize, 120usize);
    let mut rgb = Vec::with_capacity(w * h);
    for j in 0..h {
        for i in 0..w {
            let (x, y) = (i as f32 / w as f32, j as f32 / h as f32);
            let d = ((x - 0.5).powi(2) + (y - 0.5).powi(2) * 0.56).sqrt();
            // A crisp edge (for `edges`), darker toward the centre.
            let disc = if d < 0.35 { 0.6 * d / 0.35 } else { 1.0 };
            let l = (0.35 + 0.65 * x) * (0.2 + 0.8 * disc);
            let tint = 0.25 * (0.5 - y);
            let c = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            rgb.push([c(l + tint), c(l), c(l - tint)]);
        }
    }
    Image {
        width: w,
        height: h,
        rgb,
    }
}

/// Decodes `bytes` (named `path` in messages), refusing more than [`MAX_PIXELS`] before
/// allocating.
pub fn decode(bytes: &[u8], path: &str) -> Result<Image, OpFailure> {
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
    let img = reader.decode().map_err(|e| bad(e.to_string()))?.to_rgb8();
    let (width, height) = (img.width() as usize, img.height() as usize);
    let rgb = img
        .into_raw()
        .chunks_exact(3)
        .map(|c| [c[0], c[1], c[2]])
        .collect();
    Ok(Image { width, height, rgb })
}

/// The image at `image` (a path, a name of the scene's `images:`, or "sample": the
/// built-in one), decoded once per file version.
pub fn read(ctx: &EvalContext, image: &str) -> Result<Arc<Image>, OpFailure> {
    let path = ctx.file_path(image);
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
        .images
        .get(&key)
    {
        return Ok(Arc::clone(hit));
    }
    let image = if sample_asked {
        Arc::new(sample())
    } else {
        let bytes = ctx.files.read(path, MAX_IMAGE_BYTES).map_err(|e| {
            let names: Vec<&str> = ctx.named_files.iter().map(|(n, _)| n.as_str()).collect();
            let hint = if names.is_empty() || path != image {
                String::new()
            } else {
                format!(
                    " (nor is it one of the scene's images: {})",
                    names.join(", ")
                )
            };
            OpFailure::File(format!("cannot read '{path}': {e}{hint}"))
        })?;
        Arc::new(decode(&bytes, path)?)
    };
    let mut decoded = memo.entries.lock().unwrap_or_else(|e| e.into_inner());
    if !sample_asked {
        decoded.decodes += 1;
    }
    let entries = &mut decoded.images;
    // Older versions of this file go; beyond the limit, any other.
    entries.retain(|(p, _), _| p != path);
    while entries.len() >= KEPT {
        let Some(k) = entries.keys().next().cloned() else {
            break;
        };
        entries.remove(&k);
    }
    entries.insert(key, Arc::clone(&image));
    Ok(image)
}

crate::choice! {
    /// Which ink of the picture an op draws: its grey, one of the four process inks
    /// (one layer, one pen each), a primary, or one colour of `palette`.
    pub enum Channel {
        Luma = "luma", Cyan = "cyan", Magenta = "magenta", Yellow = "yellow", Black = "black",
        Red = "red", Green = "green", Blue = "blue", Palette = "palette",
    }
}

/// The controls every picture op shares (declared once, in [`picture_op!`]).
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file, beside the scene, or `sample`.
    pub image: &'a str,
    /// Centre on the paper (mm).
    pub center: Vec3,
    /// Width on the paper (mm).
    pub width: f64,
    /// Height on the paper (mm); 0 keeps the image's proportions.
    pub height: f64,
    /// Added to the lightness (-1..1).
    pub brightness: f64,
    /// Contrast around mid-grey (1 = as is).
    pub contrast: f64,
    /// Gamma of the lightness (1 = as is).
    pub gamma: f64,
    /// Light becomes dark.
    pub invert: bool,
    /// Box blur radius in samples.
    pub blur: f64,
    /// The ink drawn.
    pub channel: Channel,
    /// Pen colours, for `channel: palette`.
    pub palette: &'a str,
    /// Which colour of `palette` (from 1).
    pub pen: i64,
    /// Only inside these regions, when any.
    pub mask: &'a Inputs,
}

/// Darkness sampled on a grid over the image's place on the paper.
#[derive(Debug)]
pub struct Picture {
    /// Darkness per sample (0 paper ..= 1 ink), rows from the top.
    pub dark: Vec<f32>,
    /// Samples across.
    pub nx: usize,
    /// Samples down.
    pub ny: usize,
    /// Paper x of the image's left edge (mm).
    pub left: f64,
    /// Paper y of the image's top edge (mm).
    pub top: f64,
    /// Width of a sample (mm).
    pub sx: f64,
    /// Height of a sample (mm).
    pub sy: f64,
    /// Width on the paper (mm).
    pub width: f64,
    /// Height on the paper (mm).
    pub height: f64,
    /// The plane drawn on.
    pub z: f32,
}

impl Picture {
    /// Darkness at paper point `(x, y)`, bilinear between samples; 0 off the image.
    #[inline]
    pub fn at(&self, x: f64, y: f64) -> f32 {
        let fx = (x - self.left) / self.sx - 0.5;
        let fy = (y - self.top) / self.sy - 0.5;
        if !(fx >= -0.5 && fy >= -0.5 && fx <= self.nx as f64 - 0.5 && fy <= self.ny as f64 - 0.5) {
            return 0.0;
        }
        let fx = fx.clamp(0.0, (self.nx - 1) as f64);
        let fy = fy.clamp(0.0, (self.ny - 1) as f64);
        let (i, j) = (
            (fx as usize).min(self.nx - 2),
            (fy as usize).min(self.ny - 2),
        );
        let (tx, ty) = ((fx - i as f64) as f32, (fy - j as f64) as f32);
        let k = j * self.nx + i;
        let d = &self.dark;
        let top = d[k] + (d[k + 1] - d[k]) * tx;
        let bottom = d[k + self.nx] + (d[k + self.nx + 1] - d[k + self.nx]) * tx;
        top + (bottom - top) * ty
    }

    /// The darkness gradient at sample `(i, j)`, in darkness per mm: central
    /// differences, one-sided on the image's border.
    #[inline]
    pub fn gradient(&self, i: usize, j: usize) -> [f64; 2] {
        let nx = self.nx;
        let (l, r) = (i.saturating_sub(1), (i + 1).min(nx - 1));
        let (u, w) = (j.saturating_sub(1), (j + 1).min(self.ny - 1));
        let d = &self.dark;
        [
            (d[j * nx + r] - d[j * nx + l]) as f64 / ((r - l) as f64 * self.sx),
            (d[w * nx + i] - d[u * nx + i]) as f64 / ((w - u) as f64 * self.sy),
        ]
    }

    /// Paper position of sample `(i, j)`'s centre (fractional indices allowed).
    #[inline]
    pub fn paper(&self, i: f64, j: f64) -> [f64; 2] {
        [
            self.left + (i + 0.5) * self.sx,
            self.top + (j + 0.5) * self.sy,
        ]
    }

    /// Whether paper point `(x, y)` lies on the image.
    #[inline]
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.left
            && y >= self.top
            && x <= self.left + self.width
            && y <= self.top + self.height
    }

    /// The closed rings where `padded` (a value for every sample, with one more sample
    /// all round) crosses each of `levels`, in paper mm: marching squares, shared with
    /// the generative ops' fields. Rings are without the repeated first point.
    pub fn rings_on_paper(&self, padded: &[f64], levels: &[f64]) -> Vec<Vec<Vec<[f64; 2]>>> {
        // The field on a unit grid, scaled to the paper afterwards (the pitches differ).
        let field = Field {
            values: padded,
            nx: self.nx + 2,
            ny: self.ny + 2,
            origin: [0.0, 0.0],
            pitch: 1.0,
        };
        let mut rings = field.rings(levels);
        for p in rings.iter_mut().flatten().flatten() {
            *p = self.paper(p[0] - 1.0, p[1] - 1.0);
        }
        rings
    }

    /// The paper point as a vertex on the picture's plane.
    #[inline]
    pub fn vertex(&self, p: [f64; 2]) -> Vec3 {
        Vec3::new(p[0] as f32, p[1] as f32, self.z)
    }
}

/// The colours of a palette as written: separated by spaces or commas.
pub(crate) fn palette_words(palette: &str) -> impl Iterator<Item = &str> {
    palette
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
}

/// Parses `palette` ("#rrggbb …") into colours 0..=1.
fn parse_palette(palette: &str) -> Result<Vec<[f32; 3]>, OpFailure> {
    palette_words(palette)
        .map(|word| {
            let hex = word.trim_start_matches('#');
            let rgb = (hex.len() == 6)
                .then(|| Rgba::parse(&format!("#{hex}")).ok())
                .flatten()
                .ok_or_else(|| {
                    OpFailure::bad_input(format!(
                        "palette: '{word}' is not a colour; write colours as #rrggbb separated by spaces"
                    ))
                })?;
            Ok([rgb.0[0], rgb.0[1], rgb.0[2]])
        })
        .collect()
}

/// Luminance of an RGB colour (Rec. 709 weights on the stored values).
#[inline]
fn luma(c: [f32; 3]) -> f32 {
    0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
}

/// Reads one channel's lightness (1 paper, 0 full ink) from a pixel.
struct ChannelReader<'a> {
    channel: Channel,
    palette: &'a [[f32; 3]],
    pen: usize,
}

impl ChannelReader<'_> {
    #[inline]
    fn lightness(&self, px: [u8; 3]) -> f32 {
        let [r, g, b] = px.map(|v| v as f32 * (1.0 / 255.0));
        let black = 1.0 - r.max(g).max(b);
        let process = |v: f32| {
            if black >= 1.0 {
                0.0
            } else {
                (1.0 - v - black) / (1.0 - black)
            }
        };
        let ink = match self.channel {
            Channel::Luma => 1.0 - luma([r, g, b]),
            Channel::Cyan => process(r),
            Channel::Magenta => process(g),
            Channel::Yellow => process(b),
            Channel::Black => black,
            Channel::Red => (r - (g + b) / 2.0).max(0.0) * (1.0 - black),
            Channel::Green => (g - (r + b) / 2.0).max(0.0) * (1.0 - black),
            Channel::Blue => (b - (r + g) / 2.0).max(0.0) * (1.0 - black),
            Channel::Palette => {
                // The nearest of the pens and the paper (white) takes the pixel; its
                // ink follows the pixel's darkness relative to the pen's.
                let d = |c: [f32; 3]| {
                    (c[0] - r).powi(2) * 0.3 + (c[1] - g).powi(2) * 0.59 + (c[2] - b).powi(2) * 0.11
                };
                let paper = d([1.0, 1.0, 1.0]);
                let nearest = self
                    .palette
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| (i, d(c)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
                match nearest {
                    Some((i, dist)) if i == self.pen && dist < paper => {
                        let own = 1.0 - luma(self.palette[i]);
                        ((1.0 - luma([r, g, b])) / own.max(0.05)).min(1.0)
                    }
                    _ => 0.0,
                }
            }
        };
        1.0 - ink.clamp(0.0, 1.0)
    }
}

impl Source<'_> {
    /// The image's size on the paper (mm), its height from the picture's proportions
    /// unless given.
    fn size_on_paper(&self, image: &Image) -> (f64, f64) {
        let height = if self.height > 0.0 {
            self.height
        } else {
            self.width * image.height as f64 / image.width.max(1) as f64
        };
        (self.width, height)
    }

    /// Samples the image's darkness every `pitch` mm (toned, blurred and masked).
    pub fn sample(&self, ctx: &EvalContext, pitch: f64) -> Result<Picture, OpFailure> {
        self.sample_by(ctx, |_, _| pitch)
    }

    /// Like [`sample`](Self::sample), the pitch chosen from the image's width and
    /// height on the paper (mm).
    pub fn sample_by(
        &self,
        ctx: &EvalContext,
        pitch_for: impl FnOnce(f64, f64) -> f64,
    ) -> Result<Picture, OpFailure> {
        let image = read(ctx, self.image)?;
        if image.width == 0 || image.height == 0 {
            return Err(OpFailure::File(format!("'{}' has no pixels", self.image)));
        }
        let (width, height) = self.size_on_paper(&image);
        let pitch = pitch_for(width, height);
        let (nx, ny) = ((width / pitch).ceil(), (height / pitch).ceil());
        if nx > MAX_SAMPLES_PER_SIDE || ny > MAX_SAMPLES_PER_SIDE {
            return Err(OpFailure::bad_input(format!(
                "a {width:.0} × {height:.0} mm image sampled every {pitch} mm is {nx} × {ny} samples; at most {MAX_SAMPLES_PER_SIDE} a side (raise the pitch or lower the width)"
            )));
        }
        let (nx, ny) = (nx.max(2.0) as usize, ny.max(2.0) as usize);
        let palette = parse_palette(self.palette)?;
        let pen = if self.channel == Channel::Palette {
            if palette.is_empty() {
                return Err(OpFailure::bad_input(
                    "channel: palette needs `palette`, e.g. palette: \"#d62828 #003049\"",
                ));
            }
            if !(1..=palette.len() as i64).contains(&self.pen) {
                return Err(OpFailure::bad_input(format!(
                    "pen: {} is not a colour of the palette; 1 ..= {}",
                    self.pen,
                    palette.len()
                )));
            }
            self.pen as usize - 1
        } else {
            0
        };
        let ex = ctx.executor.as_ref();
        let reader = ChannelReader {
            channel: self.channel,
            palette: &palette,
            pen,
        };
        let mut dark = resample(ex, &image, &reader, nx, ny);
        ctx.check_cancelled()?;
        let inverse_gamma = (1.0 / self.gamma.max(1e-3)) as f32;
        let (contrast, brightness) = (self.contrast as f32, self.brightness as f32);
        let invert = self.invert;
        parallel::for_each_chunk_mut(ex, &mut dark, 1 << 14, |_, chunk| {
            for v in chunk {
                let mut l = ((*v - 0.5) * contrast + 0.5 + brightness).clamp(0.0, 1.0);
                if inverse_gamma != 1.0 {
                    l = l.powf(inverse_gamma);
                }
                *v = if invert { l } else { 1.0 - l };
            }
        });
        if self.blur >= 0.5 {
            box_blur(ex, &mut dark, nx, ny, self.blur.round() as usize);
        }
        let picture = Picture {
            dark,
            nx,
            ny,
            left: self.center.x as f64 - width / 2.0,
            top: self.center.y as f64 - height / 2.0,
            sx: width / nx as f64,
            sy: height / ny as f64,
            width,
            height,
            z: self.center.z,
        };
        self.masked(picture)
    }

    /// `picture` with no darkness outside the mask's regions (even-odd), when there is
    /// a mask: the modes then put nothing there, and [`Source::finish`] cuts exactly.
    fn masked(&self, mut picture: Picture) -> Result<Picture, OpFailure> {
        if self.mask.is_empty() {
            return Ok(picture);
        }
        let rings = rings_of(self.mask);
        let edges = || {
            rings
                .iter()
                .flat_map(|ring| ring.iter().zip(ring.iter().cycle().skip(1)))
                .map(|(&a, &b)| (a, b))
        };
        let crossings = row_crossings(
            edges,
            picture.paper(0.0, 0.0)[1],
            picture.sy,
            picture.ny,
            "edge crossings of the image's rows by the mask (simplify the mask or raise the resolution)",
        )?;
        for (row, xs) in picture.dark.chunks_mut(picture.nx).zip(&crossings) {
            for (i, v) in row.iter_mut().enumerate() {
                let x = picture.left + (i as f64 + 0.5) * picture.sx;
                if xs.partition_point(|&c| c < x) % 2 == 0 {
                    *v = 0.0;
                }
            }
        }
        Ok(picture)
    }

    /// The drawing made of `parts` in order: checked against the budget, and cut
    /// exactly to the mask when there is one.
    pub fn finish(&self, parts: Vec<Polylines>, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut parts = parts.into_iter();
        let mut lines = parts.next().unwrap_or_default();
        for part in parts {
            lines.extend_from(&part);
        }
        ctx.check_budget(lines.point_count() as u64, lines.line_count() as u64)?;
        if self.mask.is_empty() {
            return Ok(lines);
        }
        use crate::ops::model::typed::Evaluate;
        crate::ops::regions::clip::Clip {
            mask: self.mask.clone(),
            ..Default::default()
        }
        .eval(&lines, ctx)
    }

    /// Adds the file's content stamp to a stage id: saving the picture recomputes the
    /// ops that read it, and only those.
    pub fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        // A name of the scene's `images:` reads its path: naming another file for it
        // changes the id.
        let path = ctx.file_path(self.image);
        h.bytes(path.as_bytes());
        if path != "sample"
            && let Some(stamp) = ctx.files.stamp(path)
        {
            h.bytes(&stamp.to_le_bytes());
        }
    }
}

/// One channel of `image` resampled to `nx` × `ny` samples: the mean over each
/// sample's footprint where a sample covers more than a pixel (rows of pixels summed
/// into columns of samples, then rows of samples), bilinear where it covers less.
fn resample(
    ex: &dyn crate::ops::model::context::Executor,
    image: &Image,
    reader: &ChannelReader,
    nx: usize,
    ny: usize,
) -> Vec<f32> {
    let (w, h) = (image.width, image.height);
    let (kx, ky) = (w as f64 / nx as f64, h as f64 / ny as f64);
    let mut out = vec![0f32; nx * ny];
    // The pixels under sample `a` of `n` along a side of `len` pixels, `k` a sample.
    let span = |a: usize, k: f64, len: usize| {
        let lo = ((a as f64 * k).floor() as usize).min(len - 1);
        let hi = (((a + 1) as f64 * k).ceil() as usize).clamp(lo + 1, len);
        (lo, hi)
    };
    if kx > 1.0 || ky > 1.0 {
        let columns: Vec<(usize, usize)> = (0..nx).map(|i| span(i, kx, w)).collect();
        // Each pixel row summed under each sample column.
        let mut sums = vec![0f32; h * nx];
        parallel::for_each_rows_mut(ex, &mut sums, nx, 16, |first, chunk| {
            for (r, row) in chunk.chunks_mut(nx).enumerate() {
                let y = first + r;
                let pixels = &image.rgb[y * w..(y + 1) * w];
                for (slot, &(x0, x1)) in row.iter_mut().zip(&columns) {
                    *slot = pixels[x0..x1].iter().map(|&p| reader.lightness(p)).sum();
                }
            }
        });
        parallel::for_each_rows_mut(ex, &mut out, nx, 8, |first, chunk| {
            for (r, row) in chunk.chunks_mut(nx).enumerate() {
                let (y0, y1) = span(first + r, ky, h);
                for y in y0..y1 {
                    for (o, s) in row.iter_mut().zip(&sums[y * nx..(y + 1) * nx]) {
                        *o += s;
                    }
                }
                for (o, &(x0, x1)) in row.iter_mut().zip(&columns) {
                    *o /= ((x1 - x0) * (y1 - y0)) as f32;
                }
            }
        });
    } else {
        let at = |x: usize, y: usize| reader.lightness(image.rgb[y.min(h - 1) * w + x.min(w - 1)]);
        parallel::for_each_chunk_mut(ex, &mut out, nx * 8, |start, chunk| {
            for (k, slot) in chunk.iter_mut().enumerate() {
                let (i, j) = ((start + k) % nx, (start + k) / nx);
                let fx = ((i as f64 + 0.5) * kx - 0.5).max(0.0);
                let fy = ((j as f64 + 0.5) * ky - 0.5).max(0.0);
                let (x0, y0) = (fx as usize, fy as usize);
                let (tx, ty) = ((fx - x0 as f64) as f32, (fy - y0 as f64) as f32);
                *slot = at(x0, y0) * (1.0 - tx) * (1.0 - ty)
                    + at(x0 + 1, y0) * tx * (1.0 - ty)
                    + at(x0, y0 + 1) * (1.0 - tx) * ty
                    + at(x0 + 1, y0 + 1) * tx * ty;
            }
        });
    }
    out
}

/// A separable box blur of radius `r` (the window shrinks at the edges) with running
/// sums, linear in the samples whatever the radius: rows in parallel, then blocks of
/// columns in parallel (each walking down its block's rows together).
pub fn box_blur(
    ex: &dyn crate::ops::model::context::Executor,
    v: &mut [f32],
    nx: usize,
    ny: usize,
    r: usize,
) {
    if r == 0 || nx == 0 || ny == 0 {
        return;
    }
    parallel::for_each_rows_mut(ex, v, nx, 32, |_, chunk| {
        let mut line = vec![0f32; nx];
        for row in chunk.chunks_mut(nx) {
            line.copy_from_slice(row);
            blur_line(&line, row, r);
        }
    });
    let source = v.to_vec();
    let blocks: Vec<usize> = (0..nx).step_by(64).collect();
    let out = parallel::map_ranges(ex, blocks.len(), 1, |range| {
        let (c0, c1) = (blocks[range.start], (blocks[range.end - 1] + 64).min(nx));
        let width = c1 - c0;
        let mut block = vec![0f32; width * ny];
        let mut sum = vec![0f32; width];
        // The window [j - r, j + r] of each column, slid down the rows.
        for j in 0..r.min(ny) {
            for (s, v) in sum.iter_mut().zip(&source[j * nx + c0..j * nx + c1]) {
                *s += v;
            }
        }
        for j in 0..ny {
            let add = j + r;
            if add < ny {
                for (s, v) in sum.iter_mut().zip(&source[add * nx + c0..add * nx + c1]) {
                    *s += v;
                }
            }
            if j > r {
                let drop = j - r - 1;
                for (s, v) in sum.iter_mut().zip(&source[drop * nx + c0..drop * nx + c1]) {
                    *s -= v;
                }
            }
            let count = (add.min(ny - 1) - j.saturating_sub(r) + 1) as f32;
            for (o, s) in block[j * width..(j + 1) * width].iter_mut().zip(&sum) {
                *o = s / count;
            }
        }
        (c0, width, block)
    });
    for (c0, width, block) in out {
        for j in 0..ny {
            v[j * nx + c0..j * nx + c0 + width].copy_from_slice(&block[j * width..(j + 1) * width]);
        }
    }
}

/// The mean of each window `[k - r, k + r]` of `src` (cut at the ends), by a running sum.
fn blur_line(src: &[f32], out: &mut [f32], r: usize) {
    let n = src.len();
    let mut sum: f32 = src[..r.min(n)].iter().sum();
    for k in 0..n {
        if k + r < n {
            sum += src[k + r];
        }
        if k > r {
            sum -= src[k - r - 1];
        }
        let count = ((k + r).min(n - 1) - k.saturating_sub(r) + 1) as f32;
        out[k] = sum / count;
    }
}

/// Declares a picture op: [`op!`](crate::op) with the controls every picture op shares
/// (image, placement, tone, channel, mask) around the op's own parameters, and
/// `source()` to read them as a [`Source`].
macro_rules! picture_op {
    (
        $(#[doc = $doc:literal])*
        #[op(primitive, name = $name:literal, version = $version:literal)]
        pub struct $T:ident { $($own:tt)* }
    ) => {
        $crate::op! {
            $(#[doc = $doc])*
            #[op(primitive, name = $name, version = $version)]
            pub struct $T {
                /// the image file beside the scene (PNG, JPEG or WebP), a name from the scene's `images:`, or `sample`, a built-in one
                pub image: String = "sample".into(),
                /// centre of the image on the paper
                pub center: $crate::geometry::Vec3 = $crate::ops::A4_CENTER => ui(-300.0, 600.0).unit("mm"),
                /// width of the image on the paper
                pub width: f64 = 150.0 => ui(10.0, 400.0).domain(0.1, 2000.0).unit("mm"),
                /// height of the image on the paper (0: in proportion to the width)
                pub height: f64 = 0.0 => ui(0.0, 400.0).domain(0.0, 2000.0).unit("mm"),
                $($own)*
                /// added to the image's lightness
                pub brightness: f64 = 0.0 => ui(-1.0, 1.0).domain(-1.0, 1.0),
                /// contrast around mid-grey (1: as it is)
                pub contrast: f64 = 1.0 => ui(0.0, 3.0).domain(0.0, 10.0),
                /// gamma of the lightness (1: as it is)
                pub gamma: f64 = 1.0 => ui(0.2, 3.0).domain(0.05, 10.0),
                /// draw the light parts instead of the dark ones
                pub invert: bool = false,
                /// smoothing radius in samples (smoother tone edges, fewer specks)
                pub blur: f64 = 1.0 => ui(0.0, 10.0).domain(0.0, 50.0),
                /// the ink drawn: luma (grey), cyan, magenta, yellow or black (one layer per process ink), red, green, blue, or palette (the `pen`-th colour of `palette`)
                pub channel: $crate::ops::Channel = $crate::ops::Channel::Luma,
                /// pen colours for channel palette, as "#rrggbb" separated by spaces; each pixel goes to the nearest pen or to the paper
                pub palette: String = String::new(),
                /// which colour of `palette` this layer draws (from 1)
                pub pen: i64 = 1 => ui(1.0, 8.0).domain(1.0, 64.0),
                /// draw only inside the closed regions of these layers or shapes
                pub mask: $crate::ops::Inputs = $crate::ops::Inputs::none(),
            }
        }

        impl $T {
            /// The controls every picture op shares.
            fn source(&self) -> $crate::ops::pictures::source::Source<'_> {
                $crate::ops::pictures::source::Source {
                    image: &self.image,
                    center: self.center,
                    width: self.width,
                    height: self.height,
                    brightness: self.brightness,
                    contrast: self.contrast,
                    gamma: self.gamma,
                    invert: self.invert,
                    blur: self.blur,
                    channel: self.channel,
                    palette: &self.palette,
                    pen: self.pen,
                    mask: &self.mask,
                }
            }
        }
    };
}
pub(crate) use picture_op;
