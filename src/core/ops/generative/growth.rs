//! `growth`: differential growth, after grafix's model. Small seeded loops inside the
//! input's closed regions grow: edges split to keep `target_spacing`, springs along each
//! loop pull neighbours to that spacing, points within two spacings push each other apart,
//! and the mask's edge holds them in, until the loops fold like coral or brain tissue.

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::distance::RingDistance;
use crate::ops::kit::field::{Grid, bounds_of, in_mask, is_flat, passed_through};
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, rings_and_paths};
use crate::ops::kit::random::SeededRng;
use crate::ops::kit::resume::{SavedRuns, hash_rings};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// What a growing point does at the mask's edge.
    pub enum GrowthEdge { Slide = "slide", Bounce = "bounce" }
}

crate::op! {
    /// differential growth inside the closed regions of the input (ends within 0.001 mm closed; even-odd): seed_count small loops at seeded places grow for iters rounds, splitting edges longer than target_spacing, springs pulling neighbours along a loop to that spacing and points within two spacings pushing apart, held in by the mask's edge; closed loops on the XY plane
    #[op(effect, name = "growth", version = 1)]
    pub struct Growth {
        /// draw in the closed regions of these layers or shapes instead of the input's (the input is then kept, beneath)
        pub mask: Inputs = Inputs::none(),
        /// loops that start growing
        pub seed_count: u32 = 12 => ui(0.0, 64.0).domain(0.0, 1000.0),
        /// the distance kept between neighbouring points (and about half the distance between loops)
        pub target_spacing: f64 = 2.0 => ui(0.25, 10.0).min(0.05).max(1000.0).unit("mm"),
        /// how hard points within two spacings of the mask's edge are pushed back inside (0: not at all)
        pub boundary_avoid: f64 = 1.0 => ui(0.0, 4.0).domain(0.0, 100.0),
        /// at the edge: slide along it, or bounce back
        pub boundary_mode: GrowthEdge = GrowthEdge::Slide,
        /// growth rounds
        pub iters: u32 = 250 => ui(0.0, 2000.0).domain(0.0, 100000.0),
        /// random seed of the starting places
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// also draw the mask
        pub show_mask: bool = false,
    }
}

/// Most points all loops may hold; growth stops splitting past it (and says so).
const MAX_POINTS: usize = 200_000;

/// Most points × rounds one evaluation may move (a few seconds on two cores).
const MAX_WORK: u64 = 50_000_000;

/// Most neighbour tests one evaluation may make (a few seconds on two cores): crowded
/// points (a mask's edge pushing hard, say) test many more neighbours each than spaced
/// ones, so growth stops there with a note.
const MAX_PAIR_CHECKS: u64 = 300_000_000;

/// What a round costs beyond its points (the neighbour grid, the parallel dispatch), in
/// point moves.
const ROUND_COST: f64 = 2000.0;

/// Neighbours within reach past which a point counts as crowded (loops packed side by
/// side at their spacing have about 6).
const CROWDED: u32 = 12;

/// How far points push each other apart, in spacings.
const REACH: f64 = 2.0;

/// The fraction of the force a point moves by in one round.
const STEP: f64 = 0.15;

/// The most force on one point, in spacings (so a round moves a point 0.75 spacing at most).
const MAX_FORCE: f64 = 5.0;

/// Within this many spacings of the mask's edge a point's outward move is taken away
/// (slide) or reflected (bounce), and it is pushed back by `boundary_avoid`.
const EDGE_BAND: f64 = 2.0;

/// The push back from the edge at the edge itself, in spacings per unit of `boundary_avoid`.
const EDGE_PUSH: f64 = 0.1;

/// How far inside the edge a point is kept.
const EDGE_GAP: f64 = 1e-3;

/// Points per parallel chunk of the force step: a point takes about 20 ns, and waking
/// another thread for a share costs tens of microseconds, so small rounds stay on one.
const CHUNK: usize = 4096;

/// Rounds between two progress reports (and cancel checks).
const PROGRESS_EVERY: u32 = 10;

/// The mask's signed distance sampled once on a grid (half a spacing apart at most), read
/// by bilinear interpolation: every point asks it once a round, which the exact field (an
/// R-tree query and a ray each) would make the bulk of the work.
struct Sampled {
    grid: Grid,
}

impl Sampled {
    fn new(
        field: &RingDistance,
        lo: P,
        hi: P,
        spacing: f64,
        ex: &dyn crate::ops::model::context::Executor,
    ) -> Result<Sampled, OpFailure> {
        let pitch = (spacing / 2.0).max(((hi[0] - lo[0]) * (hi[1] - lo[1]) / 2.5e5).sqrt());
        // A little beyond the mask, so a point pushed just outside still finds its way in.
        let pad = pitch.max(2.0 * spacing);
        let mut grid = Grid::cover(
            [lo[0] - pad, lo[1] - pad],
            [hi[0] + pad, hi[1] + pad],
            pitch,
        )?;
        field.fill_grid(&mut grid, ex)?;
        Ok(Sampled { grid })
    }

    /// The grid cell around `p`: its corner values (lower left, lower right, upper left,
    /// upper right) and where `p` lies in it (0..1 each way); `None` off the grid.
    fn cell(&self, p: P) -> Option<([f64; 4], (f64, f64))> {
        let g = &self.grid;
        let (fx, fy) = (
            (p[0] - g.origin[0]) / g.pitch,
            (p[1] - g.origin[1]) / g.pitch,
        );
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        // Truncation is the floor here (both are at least 0), without a libm call.
        let (i, j) = (fx as usize, fy as usize);
        if i + 1 >= g.nx || j + 1 >= g.ny {
            return None;
        }
        let k = j * g.nx + i;
        let v = &g.values;
        let corners = [v[k], v[k + 1], v[k + g.nx], v[k + g.nx + 1]];
        Some((corners, (fx - i as f64, fy - j as f64)))
    }

    /// Signed distance at `p` (negative inside); `None` off the grid.
    fn distance(&self, p: P) -> Option<f64> {
        let ([a, b, c, d], (tx, ty)) = self.cell(p)?;
        Some(a * (1.0 - tx) * (1.0 - ty) + b * tx * (1.0 - ty) + c * (1.0 - tx) * ty + d * tx * ty)
    }

    /// Signed distance at `p` (negative inside) and its unit gradient; `None` off the grid.
    fn at(&self, p: P) -> Option<(f64, P)> {
        let ([a, b, c, d], (tx, ty)) = self.cell(p)?;
        let value =
            a * (1.0 - tx) * (1.0 - ty) + b * tx * (1.0 - ty) + c * (1.0 - tx) * ty + d * tx * ty;
        let pitch = self.grid.pitch;
        let gx = ((b - a) * (1.0 - ty) + (d - c) * ty) / pitch;
        let gy = ((c - a) * (1.0 - tx) + (d - b) * tx) / pitch;
        let len = (gx * gx + gy * gy).sqrt();
        let grad = if len > 1e-12 {
            [gx / len, gy / len]
        } else {
            [0.0, 0.0]
        };
        Some((value, grad))
    }
}

/// The loops: points in order, each loop a range of `points`.
#[derive(Clone)]
struct Loops {
    points: Vec<P>,
    /// Per point (when known): too many neighbours within reach last round. Edges there
    /// are not split, so a full region stops growing instead of crumpling.
    crowded: Vec<bool>,
    /// Start of each loop in `points`, plus the end.
    starts: Vec<usize>,
}

impl Loops {
    fn ranges(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.starts.windows(2).map(|w| w[0]..w[1])
    }

    /// Splits every edge longer than `max` into equal parts no longer than it, while there
    /// is room (and not where a point is crowded).
    fn split(&mut self, max: f64) -> bool {
        let mut points = Vec::with_capacity(self.points.len() * 2);
        let mut starts = vec![0];
        let (mut capped, mut inserted) = (false, 0);
        for range in self.ranges() {
            let range_start = range.start;
            let ring = &self.points[range];
            for (i, &a) in ring.iter().enumerate() {
                points.push(a);
                let next = (i + 1) % ring.len();
                let b = ring[next];
                let crowded =
                    |k: usize| self.crowded.get(range_start + k).copied().unwrap_or(false);
                let length = ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt();
                if length <= max || crowded(i) || crowded(next) {
                    continue;
                }
                let parts = (length / max).ceil().min(1e6) as usize;
                for k in 1..parts {
                    if self.points.len() + inserted >= MAX_POINTS {
                        capped = true;
                        break;
                    }
                    let t = k as f64 / parts as f64;
                    points.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
                    inserted += 1;
                }
            }
            starts.push(points.len());
        }
        self.points = points;
        self.starts = starts;
        self.crowded.clear();
        capped
    }
}

/// The points by cell of a grid at least `reach` wide over the mask's box (a counting
/// sort): the neighbours within reach of a point are in the 3 x 3 cells around its own.
struct Cells {
    cols: usize,
    rows: usize,
    /// Each cell's first entry in `sorted`, plus the end.
    starts: Vec<u32>,
    /// The points cell after cell (scanned contiguously), then [`PAD`] entries.
    sorted: Vec<P>,
    /// Each point's cell.
    cell: Vec<usize>,
}

impl Cells {
    fn new(points: &[P], (lo, hi): (P, P), reach: f64) -> Cells {
        // A few cells per point at most, however small the spacing in a large mask (the
        // grid is rebuilt every round): wider cells only mean more candidates, each still
        // tested against `reach`.
        let most = 4.0 * points.len() as f64 + 1024.0;
        let size = reach.max(((hi[0] - lo[0]) * (hi[1] - lo[1]) / most).sqrt());
        let (cols, rows) = (
            ((hi[0] - lo[0]) / size).floor() as usize + 1,
            ((hi[1] - lo[1]) / size).floor() as usize + 1,
        );
        let cell: Vec<usize> = points
            .iter()
            .map(|p| {
                // `as` truncates toward 0 and saturates negatives to 0: the floor here.
                let x = (((p[0] - lo[0]) / size) as usize).min(cols - 1);
                let y = (((p[1] - lo[1]) / size) as usize).min(rows - 1);
                y * cols + x
            })
            .collect();
        let mut starts = vec![0u32; cols * rows + 1];
        for &c in &cell {
            starts[c + 1] += 1;
        }
        for k in 0..cols * rows {
            starts[k + 1] += starts[k];
        }
        let mut filled = starts.clone();
        let mut by_cell = vec![0u32; cell.len()];
        for (i, &c) in cell.iter().enumerate() {
            by_cell[filled[c] as usize] = i as u32;
            filled[c] += 1;
        }
        let mut sorted: Vec<P> = by_cell.iter().map(|&i| points[i as usize]).collect();
        sorted.extend([[0.0, 0.0]; PAD]);
        Cells {
            cols,
            rows,
            starts,
            sorted,
            cell,
        }
    }

    /// The entries of `sorted` in the 3 x 3 cells around cell `c`: one
    /// run of consecutive cells per row.
    fn around(&self, c: usize) -> [std::ops::Range<usize>; 3] {
        let (cx, cy) = (c % self.cols, c / self.cols);
        let (x0, x1) = (cx.saturating_sub(1), (cx + 1).min(self.cols - 1));
        let row = |y: usize| {
            if y >= self.rows {
                return 0..0;
            }
            self.starts[y * self.cols + x0] as usize..self.starts[y * self.cols + x1 + 1] as usize
        };
        [row(cy.wrapping_sub(1)), row(cy), row(cy + 1)]
    }

    /// How many candidate pairs a round of forces tests: the work that grows with how
    /// crowded the points are, which the point count alone does not bound.
    fn pair_checks(&self) -> u64 {
        (0..self.cols * self.rows)
            .map(|c| {
                let here = (self.starts[c + 1] - self.starts[c]) as u64;
                if here == 0 {
                    return 0;
                }
                here * self.around(c).iter().map(|r| r.len() as u64).sum::<u64>()
            })
            .sum()
    }
}

/// Candidate neighbours of a point: the runs of [`Cells::sorted`] around its cell.
type Runs = [std::ops::Range<usize>; 3];

/// Entries past the end of [`Cells::sorted`], so the last group of four of a run can be
/// read whole (the lanes past the run count for nothing).
const PAD: usize = LANES - 1;

/// The push on a point at `p` from the points of `runs` of `sorted` within `reach` of it
/// (each `(reach − d) / reach` along the unit direction away), and how many there are.
fn repulsion(p: P, sorted: &[P], runs: &Runs, reach: f64) -> (P, u32) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the processor has AVX2 (checked just above).
        return unsafe { repulsion_avx2(p, sorted, runs, reach) };
    }
    repulsion_generic(p, sorted, runs, reach)
}

/// [`repulsion_generic`] in AVX2 instructions: the same operations on the same lanes in
/// the same order (no FMA), so both give the same bits.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn repulsion_avx2(p: P, sorted: &[P], runs: &Runs, reach: f64) -> (P, u32) {
    use std::arch::x86_64::*;
    let (px, py) = (_mm256_set1_pd(p[0]), _mm256_set1_pd(p[1]));
    let (reach2, tiny) = (_mm256_set1_pd(reach * reach), _mm256_set1_pd(1e-12));
    let (one, inv_reach) = (_mm256_set1_pd(1.0), _mm256_set1_pd(1.0 / reach));
    let (mut fx, mut fy, mut near) = (
        _mm256_setzero_pd(),
        _mm256_setzero_pd(),
        _mm256_setzero_pd(),
    );
    let flat = sorted.as_flattened();
    for run in runs {
        assert!(
            run.end + PAD <= sorted.len(),
            "the cells' points are padded"
        );
        let end = _mm256_set1_pd(run.end as f64);
        for k in run.clone().step_by(LANES) {
            // SAFETY: `k + 3 < run.end + PAD <= sorted.len()` (asserted above): the eight
            // numbers read lie in `flat`.
            let (a, b) = unsafe {
                (
                    _mm256_loadu_pd(flat.as_ptr().add(2 * k)),
                    _mm256_loadu_pd(flat.as_ptr().add(2 * k + 4)),
                )
            };
            // Lanes hold candidates k, k + 2, k + 1, k + 3 (the order of LANE_OF).
            let (xs, ys) = (_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b));
            let k = k as f64;
            let index = _mm256_set_pd(k + 3.0, k + 1.0, k + 2.0, k);
            let (ex, ey) = (_mm256_sub_pd(px, xs), _mm256_sub_pd(py, ys));
            let d2 = _mm256_add_pd(_mm256_mul_pd(ex, ex), _mm256_mul_pd(ey, ey));
            let within = _mm256_and_pd(
                _mm256_and_pd(
                    _mm256_cmp_pd::<_CMP_LT_OQ>(d2, reach2),
                    _mm256_cmp_pd::<_CMP_GT_OQ>(d2, tiny),
                ),
                _mm256_cmp_pd::<_CMP_LT_OQ>(index, end),
            );
            let w = _mm256_sub_pd(
                _mm256_div_pd(one, _mm256_sqrt_pd(_mm256_max_pd(d2, tiny))),
                inv_reach,
            );
            let w = _mm256_and_pd(w, within);
            fx = _mm256_add_pd(fx, _mm256_mul_pd(ex, w));
            fy = _mm256_add_pd(fy, _mm256_mul_pd(ey, w));
            near = _mm256_add_pd(near, _mm256_and_pd(one, within));
        }
    }
    let lanes = |v: __m256d| {
        let mut out = [0.0; LANES];
        // SAFETY: `out` holds four f64.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) };
        out
    };
    let sum = |v: [f64; LANES]| (v[0] + v[1]) + (v[2] + v[3]);
    ([sum(lanes(fx)), sum(lanes(fy))], sum(lanes(near)) as u32)
}

/// Candidates measured at once by [`repulsion`].
const LANES: usize = 4;

/// Which lane candidate `l` of a group of four goes to (the order AVX2's unpack gives).
const LANE_OF: [usize; LANES] = [0, 2, 1, 3];

/// Four candidates at a time in four lanes without branches (about a third of the
/// candidates are within reach, too many for branches to guess); a run's last group
/// reads into the padding, whose lanes add nothing.
fn repulsion_generic(p: P, sorted: &[P], runs: &Runs, reach: f64) -> (P, u32) {
    let (reach2, inv_reach) = (reach * reach, 1.0 / reach);
    let (mut fx, mut fy, mut near) = ([0.0; LANES], [0.0; LANES], [0.0; LANES]);
    for run in runs {
        for k in run.clone().step_by(LANES) {
            for (l, &lane) in LANE_OF.iter().enumerate() {
                let q = sorted[k + l];
                let (ex, ey) = (p[0] - q[0], p[1] - q[1]);
                let d2 = ex * ex + ey * ey;
                let within = d2 < reach2 && d2 > 1e-12 && k + l < run.end;
                // (reach − d) / (reach · d) = 1 / d − 1 / reach.
                let w = 1.0 / d2.max(1e-12).sqrt() - inv_reach;
                let w = if within { w } else { 0.0 };
                fx[lane] += ex * w;
                fy[lane] += ey * w;
                near[lane] += if within { 1.0 } else { 0.0 };
            }
        }
    }
    let sum = |v: [f64; LANES]| (v[0] + v[1]) + (v[2] + v[3]);
    ([sum(fx), sum(fy)], sum(near) as u32)
}

/// The push on a point at `p` from one point `q` (as [`repulsion`] counts it), and 1 if
/// `q` is within reach.
fn push_from(p: P, q: P, reach: f64) -> (P, u32) {
    let (ex, ey) = (p[0] - q[0], p[1] - q[1]);
    let d2 = ex * ex + ey * ey;
    if d2 < reach * reach && d2 > 1e-12 {
        let w = 1.0 / d2.max(1e-12).sqrt() - 1.0 / reach;
        ([ex * w, ey * w], 1)
    } else {
        ([0.0, 0.0], 0)
    }
}

/// A growth after some rounds, saved for resuming.
struct Grown {
    loops: Loops,
    capped: bool,
    /// Neighbour tests made so far (they count toward [`MAX_PAIR_CHECKS`]).
    checks: u64,
}

impl Growth {
    /// What the growth depends on besides the number of rounds: the mask and every
    /// parameter but `iters` and `show_mask`.
    fn state_key(&self, rings: &[Vec<P>]) -> u64 {
        use std::hash::Hasher;
        let mut h = std::hash::DefaultHasher::new();
        h.write_u32(self.seed_count);
        h.write_u64(self.target_spacing.to_bits());
        h.write_u64(self.boundary_avoid.to_bits());
        h.write_u8(u8::from(self.boundary_mode == GrowthEdge::Slide));
        h.write_u32(self.seed);
        hash_rings(&mut h, rings);
        h.finish()
    }

    /// The starting loops: rough circles of two spacings' radius (a point per spacing, a
    /// random turn and a little radial jitter, as grafix draws them) at seeded places a
    /// spacing inside the mask and apart from each other.
    fn seeds(&self, field: &RingDistance, lo: P, hi: P) -> Loops {
        let s = self.target_spacing;
        let r = 2.0 * s;
        let count = ((std::f64::consts::TAU * r / s).ceil() as usize).clamp(8, 64);
        let mut rng = SeededRng::new(self.seed as u64, 0);
        let mut points = Vec::new();
        let mut starts = vec![0];
        let mut centres: Vec<P> = Vec::new();
        let mut tries = 0;
        while centres.len() < self.seed_count as usize
            && tries < (1000 * self.seed_count).clamp(1000, 100_000)
        {
            tries += 1;
            let c = [
                lo[0] + rng.unit() * (hi[0] - lo[0]),
                lo[1] + rng.unit() * (hi[1] - lo[1]),
            ];
            let deep = field.at(c).is_some_and(|(d, _)| d < -(r + s));
            let apart = centres
                .iter()
                .all(|o| (o[0] - c[0]).hypot(o[1] - c[1]) > 2.0 * r + s);
            if deep && apart {
                centres.push(c);
                let turn = rng.unit() * std::f64::consts::TAU;
                for k in 0..count {
                    let a = turn + std::f64::consts::TAU * k as f64 / count as f64;
                    // Box–Muller: a normal deviate of 0.08 spacing.
                    let (u1, u2) = (1.0 - rng.unit(), rng.unit());
                    let jitter = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                    let radius = r + 0.08 * s * jitter;
                    points.push([c[0] + radius * a.cos(), c[1] + radius * a.sin()]);
                }
                starts.push(points.len());
            }
        }
        Loops {
            points,
            crowded: Vec::new(),
            starts,
        }
    }

    /// One round of forces: each point's new place, from the previous round only.
    fn moved(
        &self,
        loops: &Loops,
        cells: &Cells,
        field: &Sampled,
        ex: &dyn crate::ops::model::context::Executor,
    ) -> (Vec<P>, Vec<bool>) {
        let s = self.target_spacing;
        let reach = REACH * s;
        // Each point's previous and next along its loop.
        let mut around = vec![(0usize, 0usize); loops.points.len()];
        for range in loops.ranges() {
            let n = range.len();
            for k in 0..n {
                around[range.start + k] =
                    (range.start + (k + n - 1) % n, range.start + (k + 1) % n);
            }
        }
        let parts = parallel::map_ranges(ex, loops.points.len(), CHUNK, |range| {
            range
                .map(|i| {
                    let p = loops.points[i];
                    let (prev, next) = around[i];
                    // Springs to both neighbours along the loop, at the target spacing.
                    let mut f = [0.0, 0.0];
                    for q in [loops.points[prev], loops.points[next]] {
                        let (ex, ey) = (q[0] - p[0], q[1] - p[1]);
                        let d2 = ex * ex + ey * ey;
                        if d2 > 1e-12 {
                            let d = d2.sqrt();
                            let pull = (d - s) / d;
                            f[0] += ex * pull;
                            f[1] += ey * pull;
                        }
                    }
                    // Repulsion from every other point within reach, fading with distance:
                    // from all candidates at once, then the two neighbours' taken back out.
                    let runs = cells.around(cells.cell[i]);
                    let (push, mut near) = repulsion(p, &cells.sorted, &runs, reach);
                    f[0] += push[0];
                    f[1] += push[1];
                    for q in [loops.points[prev], loops.points[next]] {
                        let (push, count) = push_from(p, q, reach);
                        f[0] -= push[0];
                        f[1] -= push[1];
                        near -= count;
                    }
                    let f2 = f[0] * f[0] + f[1] * f[1];
                    let most = MAX_FORCE * s;
                    let scale = if f2 > most * most {
                        most / f2.sqrt()
                    } else {
                        1.0
                    };
                    let step = [f[0] * scale * STEP, f[1] * scale * STEP];
                    let moved = match field.distance(p) {
                        // Deep inside, no step reaches the edge.
                        Some(d) if d <= -EDGE_BAND * s => [p[0] + step[0], p[1] + step[1]],
                        _ => match field.at(p) {
                            Some((d, g)) => self.held_in(p, step, d, g),
                            // Off the sampled field (never inside the mask): stay.
                            None => p,
                        },
                    };
                    (moved, near > CROWDED)
                })
                .collect::<Vec<(P, bool)>>()
        });
        parts.concat().into_iter().unzip()
    }

    /// Where a point at `p`, at signed distance `d` from the mask's edge with outward
    /// normal `g`, lands after a step of `m`: a point outside is brought back first; within
    /// [`EDGE_BAND`] spacings the outward part of the step is taken away (slide) or
    /// reflected (bounce) and the point is pushed inward by `boundary_avoid`; and no step
    /// carries it across the edge.
    fn held_in(&self, p: P, mut m: P, mut d: f64, g: P) -> P {
        if g == [0.0, 0.0] {
            return [p[0] + m[0], p[1] + m[1]];
        }
        let s = self.target_spacing;
        let outward = |m: P| m[0] * g[0] + m[1] * g[1];
        if d >= 0.0 {
            m = [m[0] - (d + EDGE_GAP) * g[0], m[1] - (d + EDGE_GAP) * g[1]];
            d = -EDGE_GAP;
        }
        let band = EDGE_BAND * s;
        if d > -band {
            let out = outward(m);
            if out > 0.0 {
                let k = match self.boundary_mode {
                    GrowthEdge::Slide => 1.0,
                    GrowthEdge::Bounce => 2.0,
                };
                m = [m[0] - k * out * g[0], m[1] - k * out * g[1]];
            }
            let push = self.boundary_avoid * (d + band) / band * s * EDGE_PUSH;
            m = [m[0] - push * g[0], m[1] - push * g[1]];
        }
        let over = outward(m) - (-d - EDGE_GAP).max(0.0);
        if over > 0.0 {
            m = [m[0] - over * g[0], m[1] - over * g[1]];
        }
        [p[0] + m[0], p[1] + m[1]]
    }

    /// Draws in the closed regions of `input`.
    fn draw(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if !is_flat(input) {
            return Ok(passed_through(input));
        }
        let rings = rings_and_paths(input).0;
        let mut out = if self.show_mask {
            input.clone()
        } else {
            Polylines::new()
        };
        let Some((lo, hi)) = bounds_of(&rings) else {
            return Ok(out);
        };
        // Work: points (at most as many as fit the mask's box at the spacing, and the
        // cap) and each round's fixed cost, times rounds.
        let fit = ((hi[0] - lo[0]) * (hi[1] - lo[1]) / (self.target_spacing * self.target_spacing))
            .min(MAX_POINTS as f64);
        let work = (fit + ROUND_COST) * self.iters as f64;
        OpFailure::check_estimate(
            "point moves (raise target_spacing or lower iters)",
            work,
            MAX_WORK,
        )?;
        let exact = RingDistance::new(&rings);
        let field = Sampled::new(&exact, lo, hi, self.target_spacing, ctx.executor.as_ref())?;
        // An earlier run of the same growth with fewer rounds (an animated `iters`, a
        // slider moved up) is taken up where it stopped.
        let key = self.state_key(&rings);
        let saved = ctx.memo.get::<SavedRuns<Grown>>();
        let (from, mut loops, mut capped, mut checks) = match saved.latest(key, self.iters) {
            Some((done, grown)) => (done, grown.loops.clone(), grown.capped, grown.checks),
            None => (0, self.seeds(&exact, lo, hi), false, 0),
        };
        let mut crowded = None;
        for round in from..self.iters {
            if loops.points.is_empty() {
                break;
            }
            if round % PROGRESS_EVERY == 0 {
                ctx.report_progress(round as f32 / self.iters as f32);
                ctx.check_cancelled()?;
            }
            capped |= loops.split(self.target_spacing);
            let cells = Cells::new(&loops.points, (lo, hi), REACH * self.target_spacing);
            checks += cells.pair_checks();
            if checks > MAX_PAIR_CHECKS {
                crowded = Some(round);
                break;
            }
            (loops.points, loops.crowded) =
                self.moved(&loops, &cells, &field, ctx.executor.as_ref());
        }
        ctx.report_progress(1.0);
        if crowded.is_none() {
            let bytes = loops.points.len() * 16 + loops.starts.len() * 8;
            let grown = Grown {
                loops: loops.clone(),
                capped,
                checks,
            };
            saved.keep(key, self.iters, grown, bytes);
        }
        ctx.check_budget(
            (out.point_count() + loops.points.len() + loops.starts.len()) as u64,
            loops.starts.len() as u64,
        )?;
        for range in loops.ranges() {
            let ring = &loops.points[range];
            out.push_line(
                ring.iter()
                    .chain(ring.first())
                    .map(|p| Vec3::new(p[0] as f32, p[1] as f32, 0.0)),
            );
        }
        if let Some(round) = crowded {
            out.add_note(format!(
                "the points grew too crowded to go on past round {round} of {} (raise target_spacing or lower boundary_avoid)",
                self.iters
            ));
        }
        if capped {
            out.add_note(format!(
                "the loops reached {MAX_POINTS} points and stopped growing longer"
            ));
        }
        Ok(out)
    }
}

impl Evaluate for Growth {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        in_mask(input, &self.mask, |region| self.draw(region, ctx))
    }

    /// The draft: a quarter of the rounds.
    fn draft(&self) -> Option<Self> {
        Some(Self {
            iters: self.iters / 4,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::kit::planar::rings_and_paths;

    #[test]
    fn more_rounds_resume_the_saved_growth_and_draw_what_a_fresh_run_draws() {
        let mask = Polylines::from_lines([(0..=64)
            .map(|k| {
                let a = std::f32::consts::TAU * (k % 64) as f32 / 64.0;
                Vec3::new(30.0 + 25.0 * a.cos(), 30.0 + 25.0 * a.sin(), 0.0)
            })
            .collect::<Vec<_>>()]);
        let op = |iters| Growth {
            iters,
            seed_count: 3,
            ..Growth::default()
        };
        let shared = EvalContext::default();
        op(40).eval(&mask, &shared).unwrap();
        let key = op(90).state_key(&rings_and_paths(&mask).0);
        let saved = shared.memo.get::<SavedRuns<Grown>>();
        assert_eq!(saved.saved_steps(key), [40]);
        let resumed = op(90).eval(&mask, &shared).unwrap();
        assert_eq!(saved.saved_steps(key), [40, 90]);
        assert_eq!(
            resumed,
            op(90).eval(&mask, &EvalContext::default()).unwrap()
        );
    }

    #[test]
    fn the_avx2_repulsion_gives_the_bits_of_the_portable_one() {
        let mut rng = SeededRng::new(7, 0);
        for n in [0, 1, 3, 4, 5, 17, 64] {
            let p = [rng.unit() * 4.0, rng.unit() * 4.0];
            let mut sorted: Vec<P> = (0..n + PAD)
                .map(|_| [rng.unit() * 4.0, rng.unit() * 4.0])
                .collect();
            if n > 2 {
                sorted[2] = p; // the point itself: not counted
            }
            let runs = [0..n / 3, n / 3..n / 3, n / 3..n];
            let portable = repulsion_generic(p, &sorted, &runs, 2.0);
            assert_eq!(
                portable,
                repulsion(p, &sorted, &runs, 2.0),
                "{n} candidates"
            );
            // The padding counts for nothing: the same as one point at a time.
            let one_by_one = sorted[..n]
                .iter()
                .map(|&q| push_from(p, q, 2.0).1)
                .sum::<u32>();
            assert_eq!(portable.1, one_by_one);
            if n > 3 {
                assert!(portable.1 > 0);
            }
        }
    }
}
