//! Geometry laid out for the GPU line shader, built off the main thread.

use glam::Vec4;

use super::{Polylines, line_length};

/// Plot figures of one geometry (what the inspector shows and `graft render` prints).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GeometryStats {
    /// Polylines.
    pub polylines: usize,
    /// Points.
    pub vertices: usize,
    /// Segments.
    pub segments: usize,
    /// Length drawn with the pen down (mm).
    pub pen_down_mm: f64,
    /// Pen-up travel between consecutive polylines, in order (mm).
    pub pen_up_mm: f64,
}

impl GeometryStats {
    /// The figures of `geometry`.
    pub fn of(geometry: &Polylines) -> Self {
        let mut s = GeometryStats {
            polylines: geometry.line_count(),
            vertices: geometry.point_count(),
            segments: geometry.segment_count(),
            ..Default::default()
        };
        let mut last_end = None;
        for line in geometry.lines().filter(|l| !l.is_empty()) {
            s.pen_down_mm += line_length(line);
            if let Some(end) = last_end {
                s.pen_up_mm += line[0].distance(end) as f64;
            }
            last_end = line.last().copied();
        }
        s
    }
}

/// The points of a geometry as the line shader reads them: `(x, y, z, k)` per point of
/// the `k`-th drawn polyline (from 1, so the shader can draw each polyline once per
/// pixel), with one gap point (`w = 0`) after each polyline. Instance `i` of the draw
/// reads points `i` and `i + 1`: a segment when both are real points, invisible when
/// either is a gap, so a whole geometry is one buffer and one draw call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LineVertices {
    points: Vec<Vec4>,
    segments: usize,
    polylines: usize,
}

/// Largest polyline ordinal written (ordinals then start again at 1): below 2^24, so
/// every ordinal is exact in `f32`.
pub const MAX_POLYLINE_ORDINAL: u32 = (1 << 24) - 1;

impl LineVertices {
    /// Lays out `geometry` (polylines with fewer than two points draw nothing and are skipped).
    pub fn build(geometry: &Polylines) -> Self {
        let drawn = || geometry.lines().filter(|l| l.len() >= 2);
        let (count, segments) =
            drawn().fold((0, 0), |(c, s), l| (c + l.len() + 1, s + l.len() - 1));
        let mut points = Vec::with_capacity(count);
        let mut polylines = 0;
        for line in drawn() {
            let ordinal = (polylines as u32 % MAX_POLYLINE_ORDINAL + 1) as f32;
            points.extend(line.iter().map(|p| p.extend(ordinal)));
            points.push(line[line.len() - 1].extend(0.0));
            polylines += 1;
        }
        Self {
            points,
            segments,
            polylines,
        }
    }

    /// Depth steps the shader uses for this geometry: one per drawn polyline, at most
    /// [`MAX_POLYLINE_ORDINAL`].
    pub fn depth_steps(&self) -> u32 {
        self.polylines.min(MAX_POLYLINE_ORDINAL as usize) as u32
    }

    /// The points, gaps included.
    pub fn points(&self) -> &[Vec4] {
        &self.points
    }

    /// The buffer contents (16 bytes per point).
    pub fn as_bytes(&self) -> &[u8] {
        bytemuck::cast_slice(&self.points)
    }

    /// Instances to draw: one per consecutive pair of points.
    pub fn instance_count(&self) -> u32 {
        self.points.len().saturating_sub(1) as u32
    }

    /// Visible segments.
    pub fn segment_count(&self) -> usize {
        self.segments
    }

    /// Size of the buffer in bytes.
    pub fn byte_size(&self) -> usize {
        self.points.len() * std::mem::size_of::<Vec4>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn polylines_are_separated_by_gap_points() {
        let p = Polylines::from_lines([
            vec![Vec3::ZERO, Vec3::X, Vec3::Y],
            vec![Vec3::ONE],
            vec![Vec3::Z, Vec3::ONE],
        ]);
        let v = LineVertices::build(&p);
        let w: Vec<f32> = v.points().iter().map(|p| p.w).collect();
        assert_eq!(w, [1.0, 1.0, 1.0, 0.0, 2.0, 2.0, 0.0]);
        assert_eq!(v.depth_steps(), 2);
        assert_eq!(v.segment_count(), 3);
        assert_eq!(v.instance_count(), 6);
        assert_eq!(v.byte_size(), 7 * 16);
        // Plot figures: 3 + 1 + 2 points.
        let s = GeometryStats::of(&p);
        assert_eq!((s.polylines, s.vertices, s.segments), (3, 6, 3));
        let down = 1.0 + 2.0 * 2f64.sqrt();
        assert!((s.pen_down_mm - down).abs() < 1e-6, "{}", s.pen_down_mm);
        // Travel: (0,1,0) → (1,1,1) → (0,0,1).
        let up = 2f64.sqrt() + 2f64.sqrt();
        assert!((s.pen_up_mm - up).abs() < 1e-6, "{}", s.pen_up_mm);
    }
}
