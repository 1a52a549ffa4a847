//! Outline (TrueType/OpenType) glyphs flattened to closed polylines, via ttf-parser and kurbo.

use kurbo::{BezPath, PathEl};

/// Collects a glyph outline as a kurbo path in em units, y down.
struct PathSink {
    path: BezPath,
    scale: f64,
}

impl PathSink {
    fn pt(&self, x: f32, y: f32) -> kurbo::Point {
        kurbo::Point::new(x as f64 * self.scale, -y as f64 * self.scale)
    }
}

impl ttf_parser::OutlineBuilder for PathSink {
    fn move_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        self.path.move_to(p);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.pt(x, y);
        self.path.line_to(p);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let (a, b) = (self.pt(x1, y1), self.pt(x, y));
        self.path.quad_to(a, b);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let (a, b, c) = (self.pt(x1, y1), self.pt(x2, y2), self.pt(x, y));
        self.path.curve_to(a, b, c);
    }
    fn close(&mut self) {
        self.path.close_path();
    }
}

/// Closed rings of a glyph in em units (y down, baseline at 0), flattened to within
/// `tolerance` em; each ring repeats its first point at the end.
pub fn glyph_rings(
    face: &ttf_parser::Face,
    glyph: ttf_parser::GlyphId,
    tolerance: f64,
) -> Vec<Vec<(f64, f64)>> {
    let mut sink = PathSink {
        path: BezPath::new(),
        scale: 1.0 / face.units_per_em() as f64,
    };
    if face.outline_glyph(glyph, &mut sink).is_none() {
        return vec![];
    }
    let mut rings: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    let finish = |ring: &mut Vec<(f64, f64)>, rings: &mut Vec<Vec<(f64, f64)>>| {
        if ring.len() > 2 {
            if ring.first() != ring.last() {
                ring.push(ring[0]);
            }
            rings.push(std::mem::take(ring));
        }
        ring.clear();
    };
    kurbo::flatten(sink.path.iter(), tolerance, |el| match el {
        PathEl::MoveTo(p) => {
            finish(&mut current, &mut rings);
            current.push((p.x, p.y));
        }
        PathEl::LineTo(p) => current.push((p.x, p.y)),
        PathEl::ClosePath => finish(&mut current, &mut rings),
        // flatten only emits the three above.
        _ => {}
    });
    finish(&mut current, &mut rings);
    rings
}
