//! Polylines on the XY plane in the form the polygon libraries (i_overlay,
//! cavalier_contours) take: f64 points without repeats, rings without their closing point.

use crate::geometry::Vec3;

/// Ends closer than this (mm) make a polyline a ring.
pub(super) const CLOSE: f64 = 1e-3;

/// `line`'s XY points, consecutive points closer than 1e-9 mm merged (the libraries need
/// distinct neighbours), and whether it is a ring (ends within [`CLOSE`]; the closing
/// point dropped). `None` when fewer than 2 points remain, or 3 for a ring.
pub(super) fn planar(line: &[Vec3]) -> Option<(Vec<[f64; 2]>, bool)> {
    let mut pts: Vec<[f64; 2]> = line.iter().map(|p| [p.x as f64, p.y as f64]).collect();
    pts.dedup_by(|a, b| (a[0] - b[0]).hypot(a[1] - b[1]) < 1e-9);
    let closed = pts.len() >= 3 && {
        let (a, b) = (pts[0], pts[pts.len() - 1]);
        (a[0] - b[0]).hypot(a[1] - b[1]) <= CLOSE
    };
    if closed {
        pts.pop();
    }
    if pts.len() < 2 || (closed && pts.len() < 3) {
        return None;
    }
    Some((pts, closed))
}
