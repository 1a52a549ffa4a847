//! The signed distance to closed rings (negative inside, even-odd), with its gradient:
//! the field `warp` bends lines by and the generative ops contour.

use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::field::Grid;
use super::parallel;
use super::planar::P;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;

type Edge = GeomWithData<Line<P>, ()>;

/// The signed distance field of closed rings: negative inside (even-odd over all
/// rings), with the direction in which the distance grows.
pub(crate) struct RingDistance {
    edges: RTree<Edge>,
    right: f64,
}

impl RingDistance {
    /// The field of `rings` (closed, without the repeated point).
    pub(crate) fn new(rings: &[Vec<P>]) -> Self {
        let mut edges = Vec::new();
        let mut right = f64::NEG_INFINITY;
        for ring in rings {
            for (i, &a) in ring.iter().enumerate() {
                let b = ring[(i + 1) % ring.len()];
                right = right.max(a[0]);
                edges.push(Edge::new(Line::new(a, b), ()));
            }
        }
        Self {
            edges: RTree::bulk_load(edges),
            right,
        }
    }

    /// Signed distance at `p` and the unit gradient (zero on the edge itself).
    pub(crate) fn at(&self, p: P) -> Option<(f64, P)> {
        let edge = self.edges.nearest_neighbor(p)?.geom();
        let q = closest_on(edge.from, edge.to, p);
        let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
        let dist = dx.hypot(dy);
        let grad = if dist > 1e-12 {
            [dx / dist, dy / dist]
        } else {
            [0.0, 0.0]
        };
        Some(if self.inside(p) {
            (-dist, [-grad[0], -grad[1]])
        } else {
            (dist, grad)
        })
    }

    /// Even-odd parity of the crossings of a ray from `p` toward +x (half-open in y, so a
    /// vertex on the ray counts once).
    pub(crate) fn inside(&self, p: P) -> bool {
        if p[0] > self.right {
            return false;
        }
        let ray = rstar::AABB::from_corners(p, [self.right + 1.0, p[1]]);
        let mut inside = false;
        for e in self.edges.locate_in_envelope_intersecting(ray) {
            let (a, b) = (e.geom().from, e.geom().to);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// The point of segment `ab` nearest to `p`.
pub(crate) fn closest_on(a: P, b: P, p: P) -> P {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return a;
    }
    let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
    [a[0] + t * dx, a[1] + t * dy]
}

/// Grid points per side of the square tiles [`RingDistance::fill_grid`] works in: one
/// candidate search per tile, then a tight loop over its points.
const TILE: usize = 8;

/// Most row crossings of the rings' edges one grid fill may collect.
const MAX_ROW_CROSSINGS: u64 = 50_000_000;

impl RingDistance {
    /// Sets every value of `grid` to the signed distance at its point (`+∞` when there are
    /// no rings), exactly as [`at`](Self::at) would, at a fraction of the cost: one
    /// nearest-edge search per tile of points bounds the edges that can be nearest to any
    /// of them, and each row's inside/outside comes from one sorted list of crossings.
    pub(crate) fn fill_grid(&self, grid: &mut Grid, ex: &dyn Executor) -> Result<(), OpFailure> {
        if self.edges.size() == 0 {
            grid.values.fill(f64::INFINITY);
            return Ok(());
        }
        let crossings = self.row_crossings(grid)?;
        let (nx, origin, pitch) = (grid.nx, grid.origin, grid.pitch);
        // One band of whole tile rows per thread.
        let tile_rows = grid.ny.div_ceil(TILE);
        let parts = ex.threads().clamp(1, tile_rows);
        let bounds: Vec<usize> = (0..=parts)
            .map(|k| (tile_rows * k / parts * TILE).min(grid.ny) * nx)
            .collect();
        parallel::for_each_part_mut(ex, &mut grid.values, &bounds, |part, band| {
            let j0 = bounds[part] / nx;
            let rows = band.len() / nx;
            let mut candidates = Candidates::default();
            for i0 in (0..nx).step_by(TILE) {
                let cols = TILE.min(nx - i0);
                for tile_j in (0..rows).step_by(TILE) {
                    let tile_rows = TILE.min(rows - tile_j);
                    let corner = |i: usize, j: usize| {
                        [origin[0] + i as f64 * pitch, origin[1] + j as f64 * pitch]
                    };
                    let (lo, hi) = (
                        corner(i0, j0 + tile_j),
                        corner(i0 + cols - 1, j0 + tile_j + tile_rows - 1),
                    );
                    let centre = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
                    let half_diagonal = (hi[0] - lo[0]).hypot(hi[1] - lo[1]) / 2.0;
                    // The edge nearest the centre lies within `reach` of every point of
                    // the tile (the distance to a segment is convex: its most is at a
                    // corner), so each point's nearest edge lies within reach +
                    // half_diagonal of the centre.
                    let reach = self
                        .edges
                        .nearest_neighbor(centre)
                        .map_or(f64::INFINITY, |e| {
                            let (a, b) = (e.geom().from, e.geom().to);
                            [lo, hi, [lo[0], hi[1]], [hi[0], lo[1]]]
                                .iter()
                                .map(|&p| {
                                    let q = closest_on(a, b, p);
                                    (p[0] - q[0]).hypot(p[1] - q[1])
                                })
                                .fold(0.0, f64::max)
                        });
                    let radius = (reach + half_diagonal) * (1.0 + 1e-9) + 1e-9;
                    candidates.gather(
                        centre,
                        self.edges.locate_within_distance(centre, radius * radius),
                    );
                    for j in tile_j..tile_j + tile_rows {
                        let y = origin[1] + (j0 + j) as f64 * pitch;
                        for i in i0..i0 + cols {
                            let x = origin[0] + i as f64 * pitch;
                            band[j * nx + i] = f64::from(candidates.nearest_squared(x, y)).sqrt();
                        }
                    }
                }
            }
            for (j, row) in band.chunks_mut(nx).enumerate() {
                let xs = &crossings[j0 + j];
                // Crossings at or left of the point are passed; the rest lie on its ray.
                let mut passed = 0;
                for (i, v) in row.iter_mut().enumerate() {
                    let x = origin[0] + i as f64 * pitch;
                    while passed < xs.len() && xs[passed] <= x {
                        passed += 1;
                    }
                    if (xs.len() - passed) % 2 == 1 {
                        *v = -*v;
                    }
                }
            }
        });
        Ok(())
    }

    /// For each grid row, the x of every edge crossing it (the half-open rule of
    /// [`inside`](Self::inside)), sorted.
    fn row_crossings(&self, grid: &Grid) -> Result<Vec<Vec<f64>>, OpFailure> {
        row_crossings(
            || self.edges.iter().map(|e| (e.geom().from, e.geom().to)),
            grid.origin[1],
            grid.pitch,
            grid.ny,
            "edge crossings of the grid's rows (simplify the outline or raise grid_pitch)",
        )
    }
}

/// For each of `rows` rows at y = `y0` + j · `dy`, the x of every crossing of the
/// `edges` (a crossing counts where one end lies above the row and the other at or
/// below it, so a vertex on a row counts once), sorted: the scanline test of even-odd
/// inside. Each edge visits only the rows it spans. Refused beyond
/// [`MAX_ROW_CROSSINGS`], saying `what` they are and what to lower.
pub(crate) fn row_crossings<I: Iterator<Item = (P, P)>>(
    edges: impl Fn() -> I,
    y0: f64,
    dy: f64,
    rows: usize,
    what: &'static str,
) -> Result<Vec<Vec<f64>>, OpFailure> {
    let row_of = |y: f64| (y - y0) / dy;
    let span = |(a, b): (P, P)| {
        let lo = row_of(a[1].min(b[1])).floor().max(0.0);
        let hi = (row_of(a[1].max(b[1])).ceil() + 1.0).min(rows as f64);
        (lo, hi.max(lo))
    };
    let estimate: f64 = edges().map(span).map(|(lo, hi)| hi - lo).sum();
    OpFailure::check_estimate(what, estimate, MAX_ROW_CROSSINGS)?;
    let mut out = vec![Vec::new(); rows];
    for (a, b) in edges() {
        let (lo, hi) = span((a, b));
        for j in lo as usize..hi as usize {
            let y = y0 + j as f64 * dy;
            if (a[1] > y) != (b[1] > y) {
                out[j].push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
            }
        }
    }
    for row in &mut out {
        row.sort_by(f64::total_cmp);
    }
    Ok(out)
}

/// The edges that may be nearest to the points of one tile, laid out for a tight loop:
/// single precision about the tile's centre (distances within about 1e-5 mm of exact at
/// 100 mm), so eight candidates fit one AVX2 register.
#[derive(Default)]
struct Candidates {
    centre: P,
    ax: Vec<f32>,
    ay: Vec<f32>,
    dx: Vec<f32>,
    dy: Vec<f32>,
    /// 1 / squared length, 0 for an edge of no length (its nearest point is `a`).
    inv: Vec<f32>,
}

impl Candidates {
    fn gather<'a>(&mut self, centre: P, edges: impl Iterator<Item = &'a Edge>) {
        self.centre = centre;
        for v in [
            &mut self.ax,
            &mut self.ay,
            &mut self.dx,
            &mut self.dy,
            &mut self.inv,
        ] {
            v.clear();
        }
        for e in edges {
            let (a, b) = (e.geom().from, e.geom().to);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            self.ax.push((a[0] - centre[0]) as f32);
            self.ay.push((a[1] - centre[1]) as f32);
            self.dx.push(dx as f32);
            self.dy.push(dy as f32);
            self.inv
                .push(if len2 > 0.0 { (1.0 / len2) as f32 } else { 0.0 });
        }
        // Whole lanes: repeat the first candidate (it changes no minimum).
        while self.ax.len() % LANES != 0 {
            self.ax.push(self.ax[0]);
            self.ay.push(self.ay[0]);
            self.dx.push(self.dx[0]);
            self.dy.push(self.dy[0]);
            self.inv.push(self.inv[0]);
        }
    }

    /// Squared distance from `(x, y)` to the nearest candidate (infinite when none).
    fn nearest_squared(&self, x: f64, y: f64) -> f32 {
        let p = [(x - self.centre[0]) as f32, (y - self.centre[1]) as f32];
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { self.nearest_squared_avx2(p) };
        }
        self.nearest_squared_generic(p)
    }

    /// [`Self::nearest_squared_generic`] in AVX2 instructions (the same operations, no
    /// FMA: the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn nearest_squared_avx2(&self, p: [f32; 2]) -> f32 {
        use std::arch::x86_64::*;
        let (px, py) = (_mm256_set1_ps(p[0]), _mm256_set1_ps(p[1]));
        let (zero, one) = (_mm256_setzero_ps(), _mm256_set1_ps(1.0));
        let mut best = _mm256_set1_ps(f32::INFINITY);
        let n = self.ax.len();
        assert!(
            [&self.ay, &self.dx, &self.dy, &self.inv]
                .iter()
                .all(|v| v.len() == n)
        );
        for k in (0..n / LANES * LANES).step_by(LANES) {
            // SAFETY: `k + 7 < n`, the length of all five arrays (asserted above).
            let [ax, ay, dx, dy, inv] = [&self.ax, &self.ay, &self.dx, &self.dy, &self.inv]
                .map(|v| unsafe { _mm256_loadu_ps(v.as_ptr().add(k)) });
            let (rx, ry) = (_mm256_sub_ps(px, ax), _mm256_sub_ps(py, ay));
            let along = _mm256_add_ps(_mm256_mul_ps(rx, dx), _mm256_mul_ps(ry, dy));
            let t = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(along, inv), zero), one);
            let ex = _mm256_sub_ps(rx, _mm256_mul_ps(t, dx));
            let ey = _mm256_sub_ps(ry, _mm256_mul_ps(t, dy));
            let d = _mm256_add_ps(_mm256_mul_ps(ex, ex), _mm256_mul_ps(ey, ey));
            best = _mm256_min_ps(best, d);
        }
        let mut lanes = [0.0f32; LANES];
        // SAFETY: `lanes` holds eight f32.
        unsafe { _mm256_storeu_ps(lanes.as_mut_ptr(), best) };
        lanes.into_iter().fold(f32::INFINITY, f32::min)
    }

    /// [`LANES`] candidates at a time (the lists are whole lanes long).
    #[inline(always)]
    fn nearest_squared_generic(&self, p: [f32; 2]) -> f32 {
        let mut best = f32::INFINITY;
        for k in 0..self.ax.len() {
            let (rx, ry) = (p[0] - self.ax[k], p[1] - self.ay[k]);
            let t = ((rx * self.dx[k] + ry * self.dy[k]) * self.inv[k])
                .max(0.0)
                .min(1.0);
            let (ex, ey) = (rx - t * self.dx[k], ry - t * self.dy[k]);
            best = best.min(ex * ex + ey * ey);
        }
        best
    }
}

/// Candidates measured at once by [`Candidates::nearest_squared`].
const LANES: usize = 8;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::model::context::ScopedThreads;

    #[test]
    fn the_grid_fill_equals_the_exact_field_point_by_point() {
        // A star with a square hole, and a grid whose rows pass through vertices.
        let star: Vec<P> = (0..14)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 14.0;
                let r = if k % 2 == 0 { 20.0 } else { 9.0 };
                [r * a.cos(), r * a.sin()]
            })
            .collect();
        let hole = vec![[-3.0, -3.0], [3.0, -3.0], [3.0, 3.0], [-3.0, 3.0]];
        let rings = vec![star, hole];
        let field = RingDistance::new(&rings);
        let mut grid = Grid::cover([-30.0, -30.0], [30.0, 30.0], 0.5).unwrap();
        // Three threads: bands that do not split the grid evenly.
        field
            .fill_grid(&mut grid, &ScopedThreads { threads: 3 })
            .unwrap();
        for j in 0..grid.ny {
            for i in 0..grid.nx {
                let exact = field.at(grid.position(i, j)).unwrap().0;
                let filled = grid.values[j * grid.nx + i];
                assert!(
                    (exact - filled).abs() < 1e-5,
                    "({i}, {j}): {exact} vs {filled}"
                );
                if exact.abs() > 1e-5 {
                    assert_eq!(exact < 0.0, filled < 0.0, "({i}, {j}) inside");
                }
            }
        }
    }
}
