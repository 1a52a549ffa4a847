//! Hershey single-stroke fonts in the `.jhf` text format.
//!
//! Each glyph record is: a 5-column number, a 3-column vertex count, then that many
//! coordinate pairs written as letters offset from `R`. The first pair holds the glyph's
//! left and right bearings; a pair ` R` lifts the pen. Long records wrap onto more lines.

/// One glyph: strokes in font units (y down, baseline at [`BASELINE`]) and its bearings.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HersheyGlyph {
    /// Left bearing (x where the glyph box starts).
    pub left: i32,
    /// Right bearing (x where the next glyph starts).
    pub right: i32,
    /// Pen-down runs of points.
    pub strokes: Vec<Vec<(i32, i32)>>,
}

/// A font: glyphs for the printable ASCII characters, in order from `' '`.
#[derive(Clone, Debug, Default)]
pub struct HersheyFont {
    glyphs: Vec<HersheyGlyph>,
}

/// Baseline y in font units (capitals rise to about -12).
pub const BASELINE: i32 = 9;
/// Font units per em.
pub const UNITS_PER_EM: f32 = 32.0;
/// Height of capitals above the baseline, in font units.
pub const CAP_HEIGHT: f32 = 21.0;

/// Why a `.jhf` file could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JhfError {
    /// The file ends inside a glyph's header.
    #[error("truncated glyph header")]
    TruncatedHeader,
    /// The file ends inside a glyph's coordinates.
    #[error("truncated glyph data")]
    TruncatedData,
    /// The vertex count is not a number.
    #[error("bad vertex count in glyph {0}")]
    VertexCount(usize),
    /// A glyph has no left and right bearing.
    #[error("glyph without bearings")]
    NoBearings,
    /// The file holds no glyph.
    #[error("no glyphs found")]
    NoGlyphs,
}

impl HersheyFont {
    /// Parses a `.jhf` file.
    pub fn parse(text: &str) -> Result<HersheyFont, JhfError> {
        let bytes: Vec<u8> = text.bytes().filter(|&b| b != b'\r').collect();
        let mut glyphs = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'\n' {
                i += 1;
                continue;
            }
            let header = bytes.get(i..i + 8).ok_or(JhfError::TruncatedHeader)?;
            let count: usize = std::str::from_utf8(&header[5..8])
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .ok_or(JhfError::VertexCount(glyphs.len() + 1))?;
            i += 8;
            // Read `count` pairs, skipping the newlines of wrapped records.
            let mut pairs = Vec::with_capacity(count);
            while pairs.len() < count {
                let a = *bytes.get(i).ok_or(JhfError::TruncatedData)?;
                i += 1;
                if a == b'\n' {
                    continue;
                }
                let b = *bytes.get(i).ok_or(JhfError::TruncatedData)?;
                i += 1;
                pairs.push((a, b));
            }
            let &(l, r) = pairs.first().ok_or(JhfError::NoBearings)?;
            let mut glyph = HersheyGlyph {
                left: l as i32 - b'R' as i32,
                right: r as i32 - b'R' as i32,
                strokes: vec![],
            };
            let mut stroke = Vec::new();
            for &(x, y) in &pairs[1..] {
                if x == b' ' && y == b'R' {
                    if stroke.len() > 1 {
                        glyph.strokes.push(std::mem::take(&mut stroke));
                    }
                    stroke.clear();
                } else {
                    stroke.push((x as i32 - b'R' as i32, y as i32 - b'R' as i32));
                }
            }
            if stroke.len() > 1 {
                glyph.strokes.push(stroke);
            }
            glyphs.push(glyph);
        }
        if glyphs.is_empty() {
            return Err(JhfError::NoGlyphs);
        }
        Ok(HersheyFont { glyphs })
    }

    /// Glyph of a printable ASCII character.
    pub fn glyph(&self, c: char) -> Option<&HersheyGlyph> {
        let code = c as u32;
        if (32..127).contains(&code) {
            self.glyphs.get((code - 32) as usize)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wrapped_records_and_pen_lifts() {
        // A space, then '!' with two strokes (one pen lift).
        let src = "12345  1JZ\n12345  9MWRFRT RRYQZR[SZRY\n";
        let f = HersheyFont::parse(src).unwrap();
        let bang = f.glyph('!').unwrap();
        assert_eq!((bang.left, bang.right), (-5, 5));
        assert_eq!(bang.strokes.len(), 2);
        assert_eq!(bang.strokes[0], vec![(0, -12), (0, 2)]);
        let wrapped = "12345  1JZ\n12345  9MWRFRT RRYQZ\nR[SZRY\n";
        assert_eq!(HersheyFont::parse(wrapped).unwrap().glyph('!'), Some(bang));
    }
}
