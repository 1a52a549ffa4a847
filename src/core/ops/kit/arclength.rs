//! Arc length along polylines, in f64 (the squared distance of far-apart f32 points
//! overflows f32, and long sums drift in f32).

use crate::geometry::Vec3;

/// Cumulative arc length at each vertex of `line` (first entry 0).
pub(crate) fn cumulative(line: &[Vec3]) -> Vec<f64> {
    let mut acc = 0.0f64;
    let mut out = Vec::with_capacity(line.len());
    out.push(0.0);
    for w in line.windows(2) {
        acc += w[0].as_dvec3().distance(w[1].as_dvec3());
        out.push(acc);
    }
    out
}

/// Point at arc length `s` (clamped to the line, which has at least two points).
pub(crate) fn point_at(line: &[Vec3], cum: &[f64], s: f64) -> Vec3 {
    let i = cum.partition_point(|&c| c <= s).clamp(1, line.len() - 1);
    let (c0, c1) = (cum[i - 1], cum[i]);
    let t = if c1 > c0 {
        ((s - c0) / (c1 - c0)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    line[i - 1].lerp(line[i], t as f32)
}
