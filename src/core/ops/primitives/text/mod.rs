//! The `text` primitive: single-stroke Hershey fonts (the pen draws each stroke once)
//! and outline fonts (flattened to closed rings, ready for `fill`).

mod hershey;
mod outline;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::geometry::{IdHasher, Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

pub use hershey::{HersheyFont, JhfError};

pub use crate::ops::kit::layout::TextAlign;
use crate::ops::kit::layout::{normalise_text, wrap};

/// Bundled single-stroke fonts (Hershey, see `assets/fonts/hershey/LICENSE`).
const HERSHEY_FONTS: &[(&str, &str)] = &[
    (
        "futural",
        include_str!("../../../../../assets/fonts/hershey/futural.jhf"),
    ),
    (
        "futuram",
        include_str!("../../../../../assets/fonts/hershey/futuram.jhf"),
    ),
    (
        "rowmans",
        include_str!("../../../../../assets/fonts/hershey/rowmans.jhf"),
    ),
    (
        "scripts",
        include_str!("../../../../../assets/fonts/hershey/scripts.jhf"),
    ),
    (
        "cursive",
        include_str!("../../../../../assets/fonts/hershey/cursive.jhf"),
    ),
    (
        "timesr",
        include_str!("../../../../../assets/fonts/hershey/timesr.jhf"),
    ),
    (
        "gothiceng",
        include_str!("../../../../../assets/fonts/hershey/gothiceng.jhf"),
    ),
];

/// Bundled outline fonts (DejaVu, see `assets/fonts/dejavu/LICENSE`).
const OUTLINE_FONTS: &[(&str, &[u8])] = &[(
    "DejaVuSans",
    include_bytes!("../../../../../assets/fonts/dejavu/DejaVuSans.ttf"),
)];

/// Names of the bundled fonts, single-stroke first.
pub fn bundled_font_names() -> Vec<&'static str> {
    HERSHEY_FONTS
        .iter()
        .map(|f| f.0)
        .chain(OUTLINE_FONTS.iter().map(|f| f.0))
        .collect()
}

/// A loaded font.
pub(crate) enum Font {
    Hershey(HersheyFont),
    Outline(Arc<[u8]>),
}

/// Glyph shapes in em units relative to the pen position on the baseline (y down).
struct Shaped {
    advance: f64,
    strokes: Vec<Vec<(f64, f64)>>,
}

impl Font {
    fn cap_height(&self, index: u32) -> f64 {
        match self {
            Font::Hershey(_) => (hershey::CAP_HEIGHT / hershey::UNITS_PER_EM) as f64,
            Font::Outline(data) => ttf_parser::Face::parse(data, index)
                .ok()
                .map(|f| {
                    // The capital H's top is the cap height itself; many fonts (DejaVu
                    // among them) have no OS/2 cap height, and the ascender sits about
                    // 0.2 em higher, which would hang the text low.
                    let h_top = f
                        .glyph_index('H')
                        .and_then(|g| f.glyph_bounding_box(g))
                        .map(|b| b.y_max);
                    let cap = h_top
                        .or(f.capital_height())
                        .unwrap_or((f.ascender() as f32 * 0.75) as i16);
                    cap as f64 / f.units_per_em() as f64
                })
                .unwrap_or(0.7),
        }
    }
}

/// Largest font file read.
const MAX_FONT_BYTES: u64 = 64 << 20;

/// Fonts already parsed, keyed by name and file stamp. It lives in the evaluation
/// context's memo (not in the process), so hosts decide how long parsed fonts live.
#[derive(Default)]
pub struct FontCache {
    fonts: Mutex<HashMap<String, Arc<Font>>>,
}

/// A bundled font's source.
enum Bundled {
    Hershey(&'static str),
    Outline(&'static [u8]),
}

/// The bundled font a `font` parameter names (`futural`, `futural.jhf`, `DejaVuSans.ttf`).
fn bundled(name: &str) -> Option<Bundled> {
    let hershey = name.trim_end_matches(".jhf");
    let outline = name.trim_end_matches(".ttf");
    HERSHEY_FONTS
        .iter()
        .find(|f| f.0.eq_ignore_ascii_case(hershey))
        .map(|f| Bundled::Hershey(f.1))
        .or_else(|| {
            OUTLINE_FONTS
                .iter()
                .find(|f| f.0.eq_ignore_ascii_case(outline))
                .map(|f| Bundled::Outline(f.1))
        })
}

fn is_bundled(name: &str) -> bool {
    bundled(name).is_some()
}

/// Why the `font` parameter names no usable font.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FontError {
    /// A bundled font is broken (a bug).
    #[error("bundled font '{name}': {error}")]
    Bundled {
        /// The font.
        name: String,
        /// Why.
        #[source]
        error: JhfError,
    },
    /// The file could not be read.
    #[error(
        "cannot read font '{name}': {reason}; use a font file path or a bundled font: {bundled}"
    )]
    Read {
        /// The font as named.
        name: String,
        /// Why, in plain words.
        reason: String,
        /// The bundled fonts.
        bundled: String,
    },
    /// A `.jhf` file that does not parse.
    #[error("font '{name}' is not a valid .jhf file: {error}")]
    Jhf {
        /// The file.
        name: String,
        /// Why.
        #[source]
        error: JhfError,
    },
    /// A file that is neither TrueType nor OpenType.
    #[error("font '{name}' is not a TrueType/OpenType font: {reason}")]
    Outline {
        /// The file.
        name: String,
        /// The parser's reason.
        reason: String,
    },
}

/// Finds the font named by the `font` parameter: a bundled name, or a file read
/// through the context's file source.
fn load_font(name: &str, ctx: &EvalContext) -> Result<Arc<Font>, FontError> {
    let stamp = if is_bundled(name) {
        None
    } else {
        ctx.files.stamp(name)
    };
    let key = format!("{name}|{stamp:?}");
    let cache = ctx.memo.get::<FontCache>();
    if let Some(f) = cache.fonts.lock().unwrap().get(&key) {
        return Ok(Arc::clone(f));
    }
    let font = if let Some(font) = bundled(name) {
        match font {
            Bundled::Hershey(src) => {
                Font::Hershey(HersheyFont::parse(src).map_err(|error| FontError::Bundled {
                    name: name.into(),
                    error,
                })?)
            }
            Bundled::Outline(data) => Font::Outline(Arc::from(data)),
        }
    } else {
        let bytes = ctx
            .files
            .read(name, MAX_FONT_BYTES)
            .map_err(|e| FontError::Read {
                name: name.into(),
                reason: e.reason(),
                bundled: bundled_font_names().join(", "),
            })?;
        if name.to_ascii_lowercase().ends_with(".jhf") {
            let text = String::from_utf8_lossy(&bytes);
            Font::Hershey(HersheyFont::parse(&text).map_err(|error| FontError::Jhf {
                name: name.into(),
                error,
            })?)
        } else {
            ttf_parser::Face::parse(&bytes, 0).map_err(|e| FontError::Outline {
                name: name.into(),
                reason: e.to_string(),
            })?;
            Font::Outline(bytes)
        }
    };
    let font = Arc::new(font);
    cache.fonts.lock().unwrap().insert(key, Arc::clone(&font));
    Ok(font)
}

fn shape(font: &Font, index: u32, c: char, tolerance: f64) -> Shaped {
    match font {
        Font::Hershey(f) => match f.glyph(c).or_else(|| f.glyph('?')) {
            Some(g) => {
                let em = hershey::UNITS_PER_EM as f64;
                Shaped {
                    advance: (g.right - g.left) as f64 / em,
                    strokes: g
                        .strokes
                        .iter()
                        .map(|s| {
                            s.iter()
                                .map(|&(x, y)| {
                                    (
                                        (x - g.left) as f64 / em,
                                        (y - hershey::BASELINE) as f64 / em,
                                    )
                                })
                                .collect()
                        })
                        .collect(),
                }
            }
            None => Shaped {
                advance: 0.5,
                strokes: vec![],
            },
        },
        Font::Outline(data) => {
            let Ok(face) = ttf_parser::Face::parse(data, index) else {
                return Shaped {
                    advance: 0.5,
                    strokes: vec![],
                };
            };
            let upem = face.units_per_em() as f64;
            // Missing glyphs advance like a space.
            let id = face.glyph_index(c).or_else(|| face.glyph_index(' '));
            match id {
                Some(id) => Shaped {
                    advance: face.glyph_hor_advance(id).unwrap_or(0) as f64 / upem,
                    strokes: if c == ' ' || face.glyph_index(c).is_none() {
                        vec![]
                    } else {
                        outline::glyph_rings(&face, id, tolerance)
                    },
                },
                None => Shaped {
                    advance: 0.5,
                    strokes: vec![],
                },
            }
        }
    }
}

crate::op! {
    /// text in a single-stroke (Hershey) or outline (TrueType/OpenType) font; `center` is the top of the capitals of the first line, at its left, centre or right per text_align
    #[op(primitive, name = "text", version = 2)]
    pub struct Text {
        /// the text; \n starts a new line
        pub text: String = "graft".into(),
        /// bundled font (futural, futuram, rowmans, scripts, cursive, timesr, gothiceng single-stroke; DejaVuSans outline) or a path to .ttf/.otf/.jhf
        pub font: String = "futural".into(),
        /// face index inside a font collection
        pub font_index: u32 = 0 => ui(0.0, 32.0).domain(0.0, 1000.0),
        /// horizontal alignment at `center`
        pub text_align: TextAlign = TextAlign::Left,
        /// extra space between letters
        pub letter_spacing_em: f64 = 0.0 => ui(0.0, 2.0).domain(-10.0, 100.0).unit("em"),
        /// distance between baselines
        pub line_height: f64 = 1.2 => ui(0.8, 3.0).domain(0.0, 100.0).unit("em"),
        /// wrap lines at this width (0 = no wrapping)
        pub box_width: f64 = 0.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// curve flattening accuracy of outline fonts: 0..1 is a tolerance of 0.0205..0.0005 em
        pub quality: f64 = 0.5 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// position of the shape's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// size of one em
        pub scale: f64 = 10.0 => ui(0.0, 100.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Text {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        text_eval(self, ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        if !is_bundled(&self.font)
            && let Some(stamp) = ctx.files.stamp(&self.font)
        {
            h.bytes(&stamp.to_le_bytes());
        }
    }
}

fn text_eval(p: &Text, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
    let text = normalise_text(&p.text)?;
    let text = text.as_str();
    let index = p.font_index;
    let font = load_font(&p.font, ctx).map_err(|e| OpFailure::File(e.to_string()))?;
    let faces = match &*font {
        Font::Hershey(_) => 1,
        Font::Outline(data) => ttf_parser::fonts_in_collection(data).unwrap_or(1),
    };
    if index >= faces {
        return Err(OpFailure::bad_input(format!(
            "font_index {index} is not allowed: font '{}' has {faces} face{}, use 0..={}",
            crate::ops::model::error::shorten(&p.font),
            if faces == 1 { "" } else { "s" },
            faces - 1
        )));
    }
    let scale = p.scale;
    let center = p.center;
    let tolerance = 0.0005 + (1.0 - p.quality) * 0.02;
    let spacing = p.letter_spacing_em;
    let mut glyphs: HashMap<char, Shaped> = HashMap::new();
    let mut shaped = |c: char| -> f64 {
        glyphs
            .entry(c)
            .or_insert_with(|| shape(&font, index, c, tolerance))
            .advance
    };
    // Measure every character once up front (the closure caches the shapes).
    for c in text.chars() {
        shaped(c);
    }
    let advance = |c: char| glyphs.get(&c).map_or(0.5, |g| g.advance);
    let width_of = |s: &str| {
        s.chars().map(|c| advance(c) + spacing).sum::<f64>()
            - if s.is_empty() { 0.0 } else { spacing }
    };
    let box_width = p.box_width;
    let lines: Vec<String> = text
        .split('\n')
        .flat_map(|para| {
            wrap(
                para,
                if box_width > 0.0 && scale > 0.0 {
                    box_width / scale
                } else {
                    0.0
                },
                &width_of,
            )
        })
        .collect();
    let cap = font.cap_height(index);
    let line_height = p.line_height;
    let align = p.text_align;
    let mut out = Polylines::new();
    for (i, line) in lines.iter().enumerate() {
        let w = width_of(line);
        let mut x = match align {
            TextAlign::Center => -w / 2.0,
            TextAlign::Right => -w,
            TextAlign::Left => 0.0,
        };
        let baseline = cap + i as f64 * line_height;
        for c in line.chars() {
            let g = &glyphs[&c];
            for stroke in &g.strokes {
                out.push_line(stroke.iter().map(|&(gx, gy)| {
                    Vec3::new(
                        ((x + gx) * scale) as f32,
                        ((baseline + gy) * scale) as f32,
                        0.0,
                    ) + center
                }));
            }
            x += g.advance + spacing;
            ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
        }
    }
    Ok(out)
}
