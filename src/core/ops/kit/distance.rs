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
                    let reach = self.edges.nearest_neighbor(centre).map_or(f64::INFINITY, |e| {
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
                    candidates.gather(self.edges.locate_within_distance(centre, radius * radius));
                    for j in tile_j..tile_j + tile_rows {
                        let y = origin[1] + (j0 + j) as f64 * pitch;
                        for i in i0..i0 + cols {
                            let x = origin[0] + i as f64 * pitch;
                            band[j * nx + i] = candidates.nearest_squared([x, y]).sqrt();
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
        let row_of = |y: f64| (y - grid.origin[1]) / grid.pitch;
        let span = |e: &Edge| {
            let (a, b) = (e.geom().from, e.geom().to);
            let lo = row_of(a[1].min(b[1])).floor().max(0.0);
            let hi = (row_of(a[1].max(b[1])).ceil() + 1.0).min(grid.ny as f64);
            (lo, hi.max(lo))
        };
        let estimate: f64 = self.edges.iter().map(|e| span(e).1 - span(e).0).sum();
        OpFailure::check_estimate(
            "edge crossings of the grid's rows (simplify the outline or raise grid_pitch)",
            estimate,
            MAX_ROW_CROSSINGS,
        )?;
        let mut rows = vec![Vec::new(); grid.ny];
        for e in self.edges.iter() {
            let (a, b) = (e.geom().from, e.geom().to);
            let (lo, hi) = span(e);
            for j in lo as usize..hi as usize {
                let y = grid.origin[1] + j as f64 * grid.pitch;
                if (a[1] > y) != (b[1] > y) {
                    rows[j].push(a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]));
                }
            }
        }
        for row in &mut rows {
            row.sort_by(f64::total_cmp);
        }
        Ok(rows)
    }
}

/// The edges that may be nearest to the points of one tile, laid out for a tight loop.
#[derive(Default)]
struct Candidates {
    ax: Vec<f64>,
    ay: Vec<f64>,
    dx: Vec<f64>,
    dy: Vec<f64>,
    /// 1 / squared length, 0 for an edge of no length (its nearest point is `a`).
    inv: Vec<f64>,
}

impl Candidates {
    fn gather<'a>(&mut self, edges: impl Iterator<Item = &'a Edge>) {
        for v in [&mut self.ax, &mut self.ay, &mut self.dx, &mut self.dy, &mut self.inv] {
            v.clear();
        }
        for e in edges {
            let (a, b) = (e.geom().from, e.geom().to);
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            self.ax.push(a[0]);
            self.ay.push(a[1]);
            self.dx.push(dx);
            self.dy.push(dy);
            self.inv.push(if len2 > 0.0 { 1.0 / len2 } else { 0.0 });
        }
    }

    /// Squared distance from `p` to the nearest candidate.
    fn nearest_squared(&self, p: P) -> f64 {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            return unsafe { self.nearest_squared_avx2(p) };
        }
        self.nearest_squared_generic(p)
    }

    /// [`Self::nearest_squared_generic`] compiled for AVX2 (four lanes instead of two).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn nearest_squared_avx2(&self, p: P) -> f64 {
        self.nearest_squared_generic(p)
    }

    /// Four candidates at a time in four lanes, written so the compiler vectorises it.
    #[inline(always)]
    fn nearest_squared_generic(&self, p: P) -> f64 {
        let n = self.ax.len();
        let mut best = [f64::INFINITY; LANES];
        let lanes = n / LANES * LANES;
        let (ax, ay) = (&self.ax[..lanes], &self.ay[..lanes]);
        let (dx, dy, inv) = (&self.dx[..lanes], &self.dy[..lanes], &self.inv[..lanes]);
        for k in (0..lanes).step_by(LANES) {
            for l in 0..LANES {
                let d = squared_to(p, ax[k + l], ay[k + l], dx[k + l], dy[k + l], inv[k + l]);
                best[l] = if d < best[l] { d } else { best[l] };
            }
        }
        for k in lanes..n {
            let d = squared_to(p, self.ax[k], self.ay[k], self.dx[k], self.dy[k], self.inv[k]);
            best[0] = if d < best[0] { d } else { best[0] };
        }
        best.into_iter().fold(f64::INFINITY, f64::min)
    }
}

/// Candidates measured at once by [`Candidates::nearest_squared`].
const LANES: usize = 4;

/// Squared distance from `p` to the segment from `(ax, ay)` along `(dx, dy)`, `inv` being
/// one over its squared length.
#[inline(always)]
fn squared_to(p: P, ax: f64, ay: f64, dx: f64, dy: f64, inv: f64) -> f64 {
    let (rx, ry) = (p[0] - ax, p[1] - ay);
    let t = (rx * dx + ry * dy) * inv;
    let t = if t < 0.0 { 0.0 } else if t > 1.0 { 1.0 } else { t };
    let (ex, ey) = (rx - t * dx, ry - t * dy);
    ex * ex + ey * ey
}

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
        field.fill_grid(&mut grid, &ScopedThreads { threads: 3 }).unwrap();
        for j in 0..grid.ny {
            for i in 0..grid.nx {
                let exact = field.at(grid.position(i, j)).unwrap().0;
                let filled = grid.values[j * grid.nx + i];
                assert!((exact - filled).abs() < 1e-9, "({i}, {j}): {exact} vs {filled}");
            }
        }
    }
}
