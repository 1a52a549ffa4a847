//! Colour separation of a picture layer: one layer (one pen) per ink, each drawing its
//! channel of the same photo, for any picture op (`graft separate`).

use crate::ops::{ParamInput, RawParam, Rgba, Scalar};

use super::{LayerDef, Scene};

/// How a picture layer is split into pens.
#[derive(Clone, Debug, PartialEq)]
pub enum Separation {
    /// The four process inks, cyan, magenta, yellow and black.
    Cmyk,
    /// The given pen colours ("#rrggbb" each): every pixel goes to the nearest pen or to
    /// the paper.
    Palette(Vec<String>),
}

impl Separation {
    /// Pen colours as written in a `palette` parameter: separated by spaces or commas.
    pub fn palette(text: &str) -> Separation {
        Separation::Palette(
            crate::ops::pictures::source::palette_words(text)
                .map(str::to_string)
                .collect(),
        )
    }
}

/// A separation that cannot be made; the scene is left as it was.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SeparateError {
    /// No layer of that name.
    #[error("no layer named '{0}'; the scene's layers: {1}")]
    NoLayer(String, String),
    /// The layer's source does not read a picture.
    #[error(
        "layer '{layer}' draws {op}, which reads no picture; separate a layer whose source is tone_hatch, flow_lines, squiggle, stipple, halftone, tone_contour or edges"
    )]
    NotPicture {
        /// The layer.
        layer: String,
        /// Its source op.
        op: String,
    },
    /// A palette colour that is not `#rrggbb`, or no colour at all.
    #[error("palette: {0}")]
    Palette(String),
    /// A new layer's name is taken.
    #[error("a layer or shape named '{0}' already exists; rename it first")]
    NameTaken(String),
}

/// The process inks: name, pen colour, and the turn of the screen from black's (cyan
/// 15°, magenta 75°, yellow 0° against black's 45°), so the screens do not beat.
const PROCESS_INKS: [(&str, &str, f64); 4] = [
    ("cyan", "#0093d0", -30.0),
    ("magenta", "#d6007e", 30.0),
    ("yellow", "#f2c400", -45.0),
    ("black", "#1b1b1b", 0.0),
];

impl Scene {
    /// The scene with picture layer `layer` replaced, in its place, by one layer per ink
    /// of `how`, named `layer-ink` and coloured as the ink; each draws its channel with
    /// the same op and parameters (CMYK screens turned apart where the op has an angle).
    pub fn separate(&self, layer: &str, how: &Separation) -> Result<Scene, SeparateError> {
        let at = self
            .layers
            .iter()
            .position(|l| l.name == layer)
            .ok_or_else(|| {
                let names: Vec<&str> = self.layers.iter().map(|l| l.name.as_str()).collect();
                SeparateError::NoLayer(layer.into(), names.join(", "))
            })?;
        let original = &self.layers[at];
        let schema = original.recipe.source.op.schema();
        if !schema.params.iter().any(|p| p.name == "channel") {
            return Err(SeparateError::NotPicture {
                layer: layer.into(),
                op: schema.name.clone(),
            });
        }
        // (channel, palette, pen, suffix, colour, screen turn)
        let inks: Vec<(&str, String, i64, String, String, f64)> = match how {
            Separation::Cmyk => PROCESS_INKS
                .iter()
                .map(|&(ink, colour, turn)| {
                    (ink, String::new(), 1, ink.into(), colour.into(), turn)
                })
                .collect(),
            Separation::Palette(colours) => {
                if colours.is_empty() {
                    return Err(SeparateError::Palette(
                        "give at least one pen colour".into(),
                    ));
                }
                // Any colour a scene accepts ("teal", "#d62828"), as hex for the op.
                let hex: Vec<String> = colours
                    .iter()
                    .map(|c| {
                        Rgba::parse(c)
                            .map(|rgba| rgba.to_hex()[..7].to_string())
                            .map_err(|e| SeparateError::Palette(format!("'{c}': {e}")))
                    })
                    .collect::<Result<_, _>>()?;
                let palette = hex.join(" ");
                colours
                    .iter()
                    .zip(&hex)
                    .enumerate()
                    .map(|(k, (c, h))| {
                        let suffix = c.trim_start_matches('#').to_lowercase();
                        (
                            "palette",
                            palette.clone(),
                            k as i64 + 1,
                            suffix,
                            h.clone(),
                            0.0,
                        )
                    })
                    .collect()
            }
        };
        let mut layers: Vec<LayerDef> = Vec::with_capacity(inks.len());
        for (channel, palette, pen, suffix, colour, turn) in inks {
            let name = format!("{layer}-{suffix}");
            if self.names().any(|n| n == name) {
                return Err(SeparateError::NameTaken(name));
            }
            let mut def = original.clone();
            def.name = name;
            def.color = Rgba::parse(&colour).map_err(|e| SeparateError::Palette(e.to_string()))?;
            let source = &mut def.recipe.source;
            let set = |source: &mut crate::ops::OpCall, param: &str, raw: RawParam| {
                source
                    .set(param, &raw)
                    .expect("every picture op has channel, palette and pen");
            };
            set(source, "channel", RawParam::Str(channel.into()));
            set(source, "palette", RawParam::Str(palette));
            set(source, "pen", RawParam::Num(pen as f64, true));
            // A fixed angle turns by the ink's screen angle; an animated one is kept.
            if let Some(i) = schema.params.iter().position(|p| p.name == "angle")
                && let ParamInput::Number(Scalar::Const(angle)) = source.params[i]
                && turn != 0.0
            {
                set(source, "angle", RawParam::Num(angle + turn, false));
            }
            layers.push(def);
        }
        let mut next = self.clone();
        next.layers.splice(at..=at, layers);
        Ok(next)
    }
}
