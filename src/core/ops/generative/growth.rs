//! `growth`: differential growth. Small seeded loops inside the input's closed regions
//! grow: edges split to keep `target_spacing`, neighbours pull each point smooth, nearby
//! points push each other apart, and the mask's edge holds them in, until the loops fold
//! like coral or brain tissue.

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
    /// differential growth inside the closed regions of the input (ends within 0.001 mm closed; even-odd): seed_count small loops at seeded places grow for iters rounds, splitting edges longer than target_spacing, smoothing toward their neighbours and pushing apart where they come near, held in by the mask's edge; closed loops on the XY plane
    #[op(effect, name = "growth", version = 1)]
    pub struct Growth {
        /// draw in the closed regions of these layers or shapes instead of the input's (the input is then kept, beneath)
        pub mask: Inputs = Inputs::none(),
        /// loops that start growing
        pub seed_count: u32 = 12 => ui(0.0, 64.0).domain(0.0, 1000.0),
        /// the distance kept between neighbouring points (and about half the distance between loops)
        pub target_spacing: f64 = 2.0 => ui(0.25, 10.0).min(0.05).max(1000.0).unit("mm"),
        /// how far from the mask's edge points are pushed back, in spacings
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
/// side at their spacing have about 15).
const CROWDED: u32 = 24;

/// Points per parallel chunk of the force step.
const CHUNK: usize = 1024;

/// Rounds between two progress reports (and cancel checks).
const PROGRESS_EVERY: u32 = 10;

/// The mask's signed distance sampled once on a grid (a tenth of the spacing apart at
/// most), read by bilinear interpolation: every point asks it twice a round, which the
/// exact field (an R-tree query and a ray each) would make the bulk of the work.
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
        let pitch = (spacing / 4.0).max(((hi[0] - lo[0]) * (hi[1] - lo[1]) / 2.5e5).sqrt());
        let mut grid = Grid::cover(
            [lo[0] - pitch, lo[1] - pitch],
            [hi[0] + pitch, hi[1] + pitch],
            pitch,
        )?;
        field.fill_grid(&mut grid, ex)?;
        Ok(Sampled { grid })
    }

    /// Signed distance at `p` (negative inside) and its unit gradient; `None` off the grid.
    fn at(&self, p: P) -> Option<(f64, P)> {
        let g = &self.grid;
        let (fx, fy) = (
            (p[0] - g.origin[0]) / g.pitch,
            (p[1] - g.origin[1]) / g.pitch,
        );
        if !(fx >= 0.0 && fy >= 0.0) {
            return None;
        }
        let (i, j) = (fx.floor() as usize, fy.floor() as usize);
        if i + 1 >= g.nx || j + 1 >= g.ny {
            return None;
        }
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let v = |i: usize, j: usize| g.values[j * g.nx + i];
        let (a, b, c, d) = (v(i, j), v(i + 1, j), v(i, j + 1), v(i + 1, j + 1));
        let value =
            a * (1.0 - tx) * (1.0 - ty) + b * tx * (1.0 - ty) + c * (1.0 - tx) * ty + d * tx * ty;
        let gx = ((b - a) * (1.0 - ty) + (d - c) * ty) / g.pitch;
        let gy = ((c - a) * (1.0 - tx) + (d - b) * tx) / g.pitch;
        let len = gx.hypot(gy);
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

    /// Splits every edge longer than `max` at its middle, while there is room.
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
                if (b[0] - a[0]).hypot(b[1] - a[1]) > max && !crowded(i) && !crowded(next) {
                    if self.points.len() + inserted < MAX_POINTS {
                        points.push([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0]);
                        inserted += 1;
                    } else {
                        capped = true;
                    }
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
    /// Each cell's first entry in `by_cell`, plus the end.
    starts: Vec<u32>,
    /// Point indices, cell after cell.
    by_cell: Vec<u32>,
    /// The points in the same order (scanned contiguously).
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
                let x = (((p[0] - lo[0]) / size).floor().max(0.0) as usize).min(cols - 1);
                let y = (((p[1] - lo[1]) / size).floor().max(0.0) as usize).min(rows - 1);
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
        let sorted = by_cell.iter().map(|&i| points[i as usize]).collect();
        Cells {
            cols,
            rows,
            starts,
            by_cell,
            sorted,
            cell,
        }
    }

    /// The entries of `by_cell` (and `sorted`) in the 3 x 3 cells around cell `c`: one
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

    /// The starting loops: small circles at seeded places deep enough inside the mask.
    fn seeds(&self, field: &RingDistance, lo: P, hi: P) -> Loops {
        let r = 2.0 * self.target_spacing;
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
            let deep = field
                .at(c)
                .is_some_and(|(d, _)| d < -(r + self.target_spacing));
            let apart = centres
                .iter()
                .all(|o| (o[0] - c[0]).hypot(o[1] - c[1]) > 2.0 * r + self.target_spacing);
            if deep && apart {
                centres.push(c);
                for k in 0..8 {
                    let a = std::f64::consts::TAU * k as f64 / 8.0;
                    points.push([c[0] + r * a.cos(), c[1] + r * a.sin()]);
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
        let reach = 3.0 * s;
        let reach2 = reach * reach;
        // Each point's previous and next along its loop.
        let mut around = vec![(0usize, 0usize); loops.points.len()];
        for range in loops.ranges() {
            let n = range.len();
            for k in 0..n {
                around[range.start + k] =
                    (range.start + (k + n - 1) % n, range.start + (k + 1) % n);
            }
        }
        let avoid = self.boundary_avoid * s;
        let parts = parallel::map_ranges(ex, loops.points.len(), CHUNK, |range| {
            range
                .map(|i| {
                    let p = loops.points[i];
                    let (prev, next) = around[i];
                    let (a, b) = (loops.points[prev], loops.points[next]);
                    // Springs to both neighbours at the target spacing, and a little
                    // smoothing toward their middle.
                    let mut f = [
                        ((a[0] + b[0]) / 2.0 - p[0]) * 0.1,
                        ((a[1] + b[1]) / 2.0 - p[1]) * 0.1,
                    ];
                    for q in [a, b] {
                        let (ex, ey) = (q[0] - p[0], q[1] - p[1]);
                        let d = ex.hypot(ey);
                        if d > 1e-9 {
                            let pull = (d - s) / d * 0.1;
                            f[0] += ex * pull;
                            f[1] += ey * pull;
                        }
                    }
                    // Repulsion from every other point within reach (squared distances
                    // first: most candidates are out of reach).
                    let mut near = 0u32;
                    for k in cells.around(cells.cell[i]).into_iter().flatten() {
                        let q = cells.sorted[k];
                        let (ex, ey) = (p[0] - q[0], p[1] - q[1]);
                        let d2 = ex * ex + ey * ey;
                        if d2 >= reach2 || d2 <= 1e-18 {
                            continue;
                        }
                        let j = cells.by_cell[k] as usize;
                        if j == prev || j == next {
                            continue;
                        }
                        near += 1;
                        let d = d2.sqrt();
                        let push = (reach - d) / reach * 0.3 * s;
                        f[0] += ex / d * push;
                        f[1] += ey / d * push;
                    }
                    // The edge: pushed back inside within `avoid` of it.
                    if let Some((d, g)) = field.at(p)
                        && d > -avoid
                    {
                        let push = (d + avoid) / avoid.max(1e-9) * 0.5 * s;
                        f[0] -= g[0] * push;
                        f[1] -= g[1] * push;
                    }
                    // At most half a spacing per round.
                    let len = f[0].hypot(f[1]);
                    if len > 0.5 * s {
                        f = [f[0] / len * 0.5 * s, f[1] / len * 0.5 * s];
                    }
                    let q = [p[0] + f[0], p[1] + f[1]];
                    let crowded = near > CROWDED;
                    let moved = match field.at(q) {
                        Some((d, _)) if d < 0.0 => q,
                        // Outside: slide along the edge (keep the move's part along it),
                        // or bounce (stay).
                        Some((_, g)) if self.boundary_mode == GrowthEdge::Slide => {
                            let along = f[0] * -g[1] + f[1] * g[0];
                            let r = [p[0] - g[1] * along, p[1] + g[0] * along];
                            if field.at(r).is_some_and(|(d, _)| d < 0.0) {
                                r
                            } else {
                                p
                            }
                        }
                        _ => p,
                    };
                    (moved, crowded)
                })
                .collect::<Vec<(P, bool)>>()
        });
        parts.concat().into_iter().unzip()
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
            let cells = Cells::new(&loops.points, (lo, hi), 3.0 * self.target_spacing);
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
}
