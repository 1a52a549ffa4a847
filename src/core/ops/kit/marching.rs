//! Marching squares for many levels in one pass over a grid: each cell adds a segment for
//! every level its corners straddle, and the segments of a level join into closed rings.
//!
//! Segments run with the high side (values at or above the level) on their left, so every
//! crossed grid edge starts exactly one segment and ends exactly one: joining is following
//! "the segment that starts where this one ends" until the ring closes. A chain that runs
//! off the grid never closes and is dropped.

use super::planar::P;

/// One level's segments as (start edge, end edge); an edge id is `2 · point + 0` for the
/// edge from a grid point to its right neighbour, `+ 1` to its upper neighbour.
type Segments = Vec<(u32, u32)>;

/// A grid of values: point `(i, j)` lies at `origin + (i, j) · pitch`.
pub(crate) struct Field<'a> {
    pub values: &'a [f64],
    pub nx: usize,
    pub ny: usize,
    pub origin: P,
    pub pitch: f64,
}

impl Field<'_> {
    /// The closed rings where the field crosses each of `levels`, in the order of
    /// `levels` (each level's rings in scan order of their first segment).
    pub(crate) fn rings(&self, levels: &[f64]) -> Vec<Vec<Vec<P>>> {
        let segments = self.segments(levels);
        segments
            .into_iter()
            .zip(levels)
            .map(|(segs, &level)| self.join(segs, level))
            .collect()
    }

    /// The segments of every level, scanning the cells once.
    fn segments(&self, levels: &[f64]) -> Vec<Segments> {
        let mut out: Vec<Segments> = vec![Vec::new(); levels.len()];
        let mut order: Vec<usize> = (0..levels.len())
            .filter(|&k| levels[k].is_finite())
            .collect();
        order.sort_by(|&a, &b| levels[a].total_cmp(&levels[b]));
        let sorted: Vec<f64> = order.iter().map(|&k| levels[k]).collect();
        if sorted.is_empty() || self.nx < 2 || self.ny < 2 {
            return out;
        }
        let nx = self.nx;
        for j in 0..self.ny - 1 {
            let (row, above) = (&self.values[j * nx..], &self.values[(j + 1) * nx..]);
            for i in 0..nx - 1 {
                // Corners counter-clockwise from the lower left.
                let v = [row[i], row[i + 1], above[i + 1], above[i]];
                let lo = v[0].min(v[1]).min(v[2]).min(v[3]);
                let hi = v[0].max(v[1]).max(v[2]).max(v[3]);
                if !(lo < hi) || v.iter().any(|x| x.is_nan()) {
                    continue;
                }
                let p = (j * nx + i) as u32;
                // Edges counter-clockwise, edge k running from corner k to corner k + 1.
                let edges = [2 * p, 2 * (p + 1) + 1, 2 * (p + nx as u32), 2 * p + 1];
                let first = sorted.partition_point(|&l| l <= lo);
                for (s, &level) in sorted[first..].iter().enumerate() {
                    if level > hi {
                        break;
                    }
                    cell_segments(&v, &edges, level, &mut out[order[first + s]]);
                }
            }
        }
        out
    }

    /// The paper position where `level` crosses grid edge `edge`.
    fn crossing(&self, edge: u32, level: f64) -> P {
        let point = (edge / 2) as usize;
        let (i, j) = (point % self.nx, point / self.nx);
        let (next, (di, dj)) = if edge % 2 == 0 {
            (point + 1, (1.0, 0.0))
        } else {
            (point + self.nx, (0.0, 1.0))
        };
        let (a, b) = (self.values[point], self.values[next]);
        let t = ((level - a) / (b - a)).clamp(0.0, 1.0);
        [
            self.origin[0] + (i as f64 + t * di) * self.pitch,
            self.origin[1] + (j as f64 + t * dj) * self.pitch,
        ]
    }

    /// Joins one level's segments into closed rings (without the repeated point).
    fn join(&self, mut segments: Segments, level: f64) -> Vec<Vec<P>> {
        segments.sort_unstable();
        let next = |edge: u32| segments.binary_search_by_key(&edge, |s| s.0).ok();
        let mut used = vec![false; segments.len()];
        let mut rings = Vec::new();
        let mut chain = Vec::new();
        for start in 0..segments.len() {
            if used[start] {
                continue;
            }
            chain.clear();
            let mut at = start;
            let closed = loop {
                used[at] = true;
                chain.push(segments[at].0);
                match next(segments[at].1) {
                    Some(n) if n == start => break true,
                    Some(n) if !used[n] => at = n,
                    _ => break false,
                }
            };
            if !closed {
                continue;
            }
            let mut ring: Vec<P> = Vec::with_capacity(chain.len());
            for &edge in &chain {
                let p = self.crossing(edge, level);
                if ring.last() != Some(&p) {
                    ring.push(p);
                }
            }
            while ring.len() > 1 && ring.first() == ring.last() {
                ring.pop();
            }
            if ring.len() >= 3 {
                rings.push(ring);
            }
        }
        rings
    }
}

/// Adds the segments of one cell at `level` (corner values `v` and edge ids `edges`,
/// both counter-clockwise): each from an edge leaving the high side to one entering it.
fn cell_segments(v: &[f64; 4], edges: &[u32; 4], level: f64, out: &mut Segments) {
    let high = [v[0] >= level, v[1] >= level, v[2] >= level, v[3] >= level];
    let leaves = |k: usize| high[k] && !high[(k + 1) % 4];
    if high == [true, false, true, false] || high == [false, true, false, true] {
        // A saddle: the cell's mean decides whether the high corners connect.
        let joined = (v[0] + v[1] + v[2] + v[3]) / 4.0 >= level;
        for k in (0..4).filter(|&k| leaves(k)) {
            let to = if joined { (k + 1) % 4 } else { (k + 3) % 4 };
            out.push((edges[k], edges[to]));
        }
        return;
    }
    let from = (0..4).find(|&k| leaves(k));
    let to = (0..4).find(|&k| !high[k] && high[(k + 1) % 4]);
    if let (Some(from), Some(to)) = (from, to) {
        out.push((edges[from], edges[to]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(f: impl Fn(P) -> f64, n: usize, pitch: f64) -> Vec<f64> {
        let origin = -(n as f64 - 1.0) * pitch / 2.0;
        (0..n * n)
            .map(|k| {
                f([
                    origin + (k % n) as f64 * pitch,
                    origin + (k / n) as f64 * pitch,
                ])
            })
            .collect()
    }

    #[test]
    fn two_bumps_give_two_rings_and_a_ring_between_levels() {
        let n = 81;
        let pitch = 0.25;
        let values = field_of(
            |p| {
                let bump = |cx: f64| (-((p[0] - cx).powi(2) + p[1] * p[1])).exp();
                bump(-4.0) + bump(4.0)
            },
            n,
            pitch,
        );
        let origin = -(n as f64 - 1.0) * pitch / 2.0;
        let field = Field {
            values: &values,
            nx: n,
            ny: n,
            origin: [origin, origin],
            pitch,
        };
        let rings = field.rings(&[0.5, 2.0, 0.25]);
        assert_eq!(rings[0].len(), 2, "one ring around each bump");
        assert!(rings[1].is_empty(), "no value reaches 2");
        assert_eq!(rings[2].len(), 2);
        for ring in &rings[0] {
            // exp(-r²) = 0.5 at r = √ln 2 around the bump's centre.
            let cx = if ring[0][0] < 0.0 { -4.0 } else { 4.0 };
            for p in ring {
                let r = (p[0] - cx).hypot(p[1]);
                assert!((r - 2f64.ln().sqrt()).abs() < 0.01, "{p:?} at r = {r}");
            }
            // The high side lies on the left: counter-clockwise around a peak.
            let area: f64 = ring
                .iter()
                .zip(ring.iter().cycle().skip(1))
                .map(|(a, b)| a[0] * b[1] - b[0] * a[1])
                .sum();
            assert!(area > 0.0);
        }
    }

    #[test]
    fn a_contour_running_off_the_grid_is_dropped() {
        let values = field_of(|p| p[0], 11, 1.0);
        let field = Field {
            values: &values,
            nx: 11,
            ny: 11,
            origin: [-5.0, -5.0],
            pitch: 1.0,
        };
        assert!(field.rings(&[0.5])[0].is_empty());
    }
}
