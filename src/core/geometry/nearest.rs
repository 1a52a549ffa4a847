//! The k nearest neighbours of every point of a set, on a bucket grid: for the uniform
//! sets travel sorting sees (endpoints of strokes), about five times faster than asking
//! an R-tree once per point.

type Pt = [f64; 2];

/// A uniform grid over a point set, each cell listing its points.
struct Grid<'a> {
    points: &'a [Pt],
    origin: Pt,
    cell: f64,
    nx: usize,
    ny: usize,
    /// Points of cell `c` are `sorted[start[c]..start[c + 1]]`.
    start: Vec<u32>,
    sorted: Vec<u32>,
}

impl<'a> Grid<'a> {
    fn new(points: &'a [Pt]) -> Self {
        let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
        for p in points {
            for d in 0..2 {
                lo[d] = lo[d].min(p[d]);
                hi[d] = hi[d].max(p[d]);
            }
        }
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        // About two points a cell; a degenerate (flat) set is cut along its length.
        let per = (points.len() as f64 / 2.0).max(1.0);
        let cell = (w * h / per).sqrt().max(w.max(h) / per).max(1e-9);
        let cap = 1usize << 22;
        let nx = ((w / cell) as usize + 1).min(cap);
        let ny = ((h / cell) as usize + 1).min(cap / nx);
        let cell = cell.max(w / nx as f64).max(h / ny as f64);
        let mut grid = Grid {
            points,
            origin: lo,
            cell,
            nx,
            ny,
            start: vec![0; nx * ny + 1],
            sorted: vec![0; points.len()],
        };
        let cells: Vec<usize> = points.iter().map(|p| grid.cell_of(*p)).collect();
        for &c in &cells {
            grid.start[c + 1] += 1;
        }
        for c in 0..nx * ny {
            grid.start[c + 1] += grid.start[c];
        }
        let mut fill = grid.start.clone();
        for (i, &c) in cells.iter().enumerate() {
            grid.sorted[fill[c] as usize] = i as u32;
            fill[c] += 1;
        }
        grid
    }

    fn cell_xy(&self, p: Pt) -> (usize, usize) {
        let x = ((p[0] - self.origin[0]) / self.cell) as usize;
        let y = ((p[1] - self.origin[1]) / self.cell) as usize;
        (x.min(self.nx - 1), y.min(self.ny - 1))
    }

    fn cell_of(&self, p: Pt) -> usize {
        let (x, y) = self.cell_xy(p);
        y * self.nx + x
    }

    /// Offers the points of cell (x, y) to `best`.
    fn visit(&self, x: isize, y: isize, q: Pt, skip: &impl Fn(u32) -> bool, best: &mut Best) {
        if x < 0 || y < 0 || x as usize >= self.nx || y as usize >= self.ny {
            return;
        }
        let c = y as usize * self.nx + x as usize;
        for &i in &self.sorted[self.start[c] as usize..self.start[c + 1] as usize] {
            if !skip(i) {
                let p = self.points[i as usize];
                best.offer((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2), i);
            }
        }
    }
}

/// The k best (squared distance, index) so far, nearest first; ties by index.
struct Best {
    k: usize,
    items: Vec<(f64, u32)>,
}

impl Best {
    fn offer(&mut self, d2: f64, i: u32) {
        if self.items.len() == self.k && (d2, i) >= self.items[self.k - 1] {
            return;
        }
        let at = self.items.partition_point(|&x| x < (d2, i));
        if self.items.len() == self.k {
            self.items.pop();
        }
        self.items.insert(at, (d2, i));
    }

    fn full_within(&self, r: f64) -> bool {
        self.items.len() == self.k && self.items[self.k - 1].0 <= r * r
    }
}

/// For each point, the indices of its `k` nearest other points that `skip` does not rule
/// out (`skip(query, candidate)`), nearest first, ties by index; `k` per point, flat. A
/// point with fewer candidates gets what there is, padded with its nearest (or itself).
pub(crate) fn k_nearest(points: &[Pt], k: usize, skip: impl Fn(u32, u32) -> bool) -> Vec<u32> {
    let mut out = Vec::with_capacity(points.len() * k);
    if points.is_empty() || k == 0 {
        return out;
    }
    let grid = Grid::new(points);
    let rings = grid.nx.max(grid.ny) as isize;
    let mut best = Best {
        k,
        items: Vec::with_capacity(k + 1),
    };
    for (qi, &q) in points.iter().enumerate() {
        best.items.clear();
        let not = |i: u32| skip(qi as u32, i);
        let (cx, cy) = grid.cell_xy(q);
        let (cx, cy) = (cx as isize, cy as isize);
        for r in 0..=rings {
            if r == 0 {
                grid.visit(cx, cy, q, &not, &mut best);
            } else {
                for d in -r..=r {
                    grid.visit(cx + d, cy - r, q, &not, &mut best);
                    grid.visit(cx + d, cy + r, q, &not, &mut best);
                }
                for d in -r + 1..r {
                    grid.visit(cx - r, cy + d, q, &not, &mut best);
                    grid.visit(cx + r, cy + d, q, &not, &mut best);
                }
            }
            // Every point beyond ring r is more than r cells away.
            if best.full_within(r as f64 * grid.cell) {
                break;
            }
        }
        let first = best.items.first().map_or(qi as u32, |b| b.1);
        out.extend(best.items.iter().map(|b| b.1));
        out.extend(std::iter::repeat_n(first, k - best.items.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_neighbours_match_a_brute_force_search() {
        let mut s = 7u64;
        let mut rnd = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        // Uniform, clustered (with a far outlier) and collinear sets.
        let uniform: Vec<Pt> = (0..500).map(|_| [rnd() * 100.0, rnd() * 50.0]).collect();
        let mut clustered: Vec<Pt> = (0..300).map(|_| [rnd(), rnd()]).collect();
        clustered.push([1e4, -1e4]);
        let line: Vec<Pt> = (0..200).map(|i| [(i * 7 % 200) as f64, 3.0]).collect();
        for points in [uniform, clustered, line] {
            let k = 6;
            let skip = |q: u32, c: u32| q / 2 == c / 2;
            let got = k_nearest(&points, k, skip);
            for (q, p) in points.iter().enumerate() {
                let mut all: Vec<(f64, u32)> = (0..points.len() as u32)
                    .filter(|&c| !skip(q as u32, c))
                    .map(|c| {
                        let o = points[c as usize];
                        ((o[0] - p[0]).powi(2) + (o[1] - p[1]).powi(2), c)
                    })
                    .collect();
                all.sort_by(|a, b| a.partial_cmp(b).unwrap());
                let want: Vec<u32> = all.iter().take(k).map(|a| a.1).collect();
                assert_eq!(&got[q * k..(q + 1) * k], &want[..], "point {q}");
            }
        }
    }
}
