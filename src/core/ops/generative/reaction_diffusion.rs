//! `reaction_diffusion`: a Gray–Scott simulation on a grid inside the input's closed
//! regions (even-odd), started from a blob in the middle plus seeded noise, then the
//! concentration of V contoured at `level`: coral, spots and labyrinths.

use std::hash::Hasher;

use crate::geometry::Polylines;

use crate::ops::kit::distance::RingDistance;
use crate::ops::kit::field::{Grid, bounds_of, in_mask, is_flat, passed_through, push_rings};
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, rings_and_paths};
use crate::ops::kit::random::SeededRng;
use crate::ops::kit::resume::{SavedRuns, hash_rings};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// What lies beyond the mask's edge for the simulation.
    pub enum RdBoundary { Noflux = "noflux", Dirichlet = "dirichlet" }
}

crate::op! {
    /// grows a Gray–Scott reaction–diffusion pattern inside the closed regions of the input (ends within 0.001 mm closed; even-odd) from a central blob and seeded noise, then draws the contours of V at level; on the XY plane
    #[op(effect, name = "reaction_diffusion", version = 1)]
    pub struct ReactionDiffusion {
        /// draw in the closed regions of these layers or shapes instead of the input's (the input is then kept, beneath)
        pub mask: Inputs = Inputs::none(),
        /// spacing of the simulation grid
        pub grid_pitch: f64 = 0.6 => ui(0.2, 2.0).min(0.05).max(100.0).unit("mm"),
        /// simulation steps
        pub steps: u32 = 4500 => ui(0.0, 10000.0).domain(0.0, 100000.0),
        /// diffusion rate of U
        pub du: f64 = 0.16 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// diffusion rate of V
        pub dv: f64 = 0.08 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// feed rate of U
        pub feed: f64 = 0.035 => ui(0.0, 0.1).domain(0.0, 1.0),
        /// kill rate of V
        pub kill: f64 = 0.062 => ui(0.0, 0.1).domain(0.0, 1.0),
        /// time step (above about 1 / (4 · du) the simulation blows up and is refused)
        pub dt: f64 = 1.0 => ui(0.1, 2.0).domain(0.001, 10.0),
        /// random seed of the noise
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// radius of the starting blob of V about the middle of the mask (the point of the mask nearest the middle of its bounds)
        pub seed_radius: f64 = 10.0 => ui(0.0, 200.0).domain(0.0, 10000.0).unit("mm"),
        /// amplitude of the starting noise
        pub noise: f64 = 0.02 => ui(0.0, 0.1).domain(0.0, 1.0),
        /// the V concentration traced
        pub level: f64 = 0.2 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// contours with fewer points are dropped
        pub min_points: u32 = 16 => ui(4.0, 200.0).domain(0.0, 100000.0),
        /// noflux: nothing crosses the edge; dirichlet: beyond the edge U = 1, V = 0
        pub boundary: RdBoundary = RdBoundary::Noflux,
    }
}

/// Most grid points × steps one simulation may run (a few seconds on two cores).
const MAX_CELL_STEPS: u64 = 1_500_000_000;

/// Steps each band runs between two dispatches (and between two progress reports and
/// cancel checks). Each band recomputes about as many of its neighbours' rows per step.
const STEPS_PER_BLOCK: u32 = 16;

/// Rows a band holds at least.
const ROWS_PER_CHUNK: usize = 16;

/// U and V of a run, saved for resuming.
type SavedState = (Vec<f32>, Vec<f32>);

/// The simulation's state: U and V per grid point (plus one last point that holds the
/// fixed outside state U = 1, V = 0), and the layout of the mask.
struct State {
    nx: usize,
    u: Vec<f32>,
    v: Vec<f32>,
    /// Per row: runs `[from, to)` of points whose four neighbours all lie in the mask
    /// (updated straight from the row above, the row below and the neighbours beside).
    runs: Vec<Vec<(usize, usize)>>,
    /// Per row: the other points of the mask, each with its four neighbours' indices (a
    /// neighbour beyond the edge is the point itself with no flux, or the outside point).
    edges: Vec<Vec<(usize, [usize; 4])>>,
}

impl State {
    fn new(
        nx: usize,
        ny: usize,
        inside: &[bool],
        u: Vec<f32>,
        v: Vec<f32>,
        dirichlet: bool,
    ) -> State {
        let outside = inside.len();
        let (mut runs, mut edges) = (vec![Vec::new(); ny], vec![Vec::new(); ny]);
        for j in 0..ny {
            let mut run: Option<usize> = None;
            for i in 0..nx {
                let k = j * nx + i;
                let near = [
                    (i > 0).then(|| k - 1),
                    (i + 1 < nx).then(|| k + 1),
                    (j > 0).then(|| k - nx),
                    (j + 1 < ny).then(|| k + nx),
                ];
                let interior = inside[k] && near.iter().all(|n| n.is_some_and(|n| inside[n]));
                match (interior, run) {
                    (true, None) => run = Some(i),
                    (false, Some(from)) => {
                        runs[j].push((j * nx + from, k));
                        run = None;
                    }
                    _ => {}
                }
                if inside[k] && !interior {
                    let beyond = if dirichlet { outside } else { k };
                    edges[j].push((k, near.map(|n| n.filter(|&n| inside[n]).unwrap_or(beyond))));
                }
            }
            if let Some(from) = run {
                runs[j].push((j * nx + from, j * nx + nx));
            }
        }
        let (mut u, mut v) = (u, v);
        u.push(1.0);
        v.push(0.0);
        State {
            nx,
            u,
            v,
            runs,
            edges,
        }
    }
}

/// One thread's rows `[rows.0, rows.1)` of the grid, with its working copies, kept
/// from block to block: between blocks only the rows it shares with its neighbours move.
struct Band {
    rows: (usize, usize),
    /// U and V of the band's rows and of [`STEPS_PER_BLOCK`] rows beyond each side, plus
    /// the outside point.
    now: (Vec<f32>, Vec<f32>),
    /// The same after the next step (its points outside the mask, constant, are set once).
    next: (Vec<f32>, Vec<f32>),
}

impl Band {
    fn new(first: usize, end: usize) -> Band {
        Band {
            rows: (first, end),
            now: (Vec::new(), Vec::new()),
            next: (Vec::new(), Vec::new()),
        }
    }

    /// Runs `steps` (at most [`STEPS_PER_BLOCK`]) steps of the band's rows from `state`,
    /// writing the rows its neighbours read (all of them when `last`) to `out_u` and
    /// `out_v`, the band's rows of the next state.
    fn advance(
        &mut self,
        state: &State,
        rates: &Rates,
        (steps, last): (usize, bool),
        out_u: &mut [f32],
        out_v: &mut [f32],
    ) {
        let (nx, rows, outside) = (state.nx, state.runs.len(), state.u.len() - 1);
        let reach = STEPS_PER_BLOCK as usize;
        let (b0, b1) = self.rows;
        let (lo, hi) = (b0.saturating_sub(reach), (b1 + reach).min(rows));
        let base = lo * nx;
        if self.now.0.is_empty() {
            for (buffer, source) in [
                (&mut self.now.0, &state.u),
                (&mut self.now.1, &state.v),
                (&mut self.next.0, &state.u),
                (&mut self.next.1, &state.v),
            ] {
                buffer.extend_from_slice(&source[base..hi * nx]);
                buffer.push(source[outside]);
            }
        } else {
            // The band's own rows are already current: take the neighbours' new rows.
            for range in [lo * nx..b0 * nx, b1 * nx..hi * nx] {
                let local = range.start - base..range.end - base;
                self.now.0[local.clone()].copy_from_slice(&state.u[range.clone()]);
                self.now.1[local].copy_from_slice(&state.v[range]);
            }
        }
        let local_outside = (hi - lo) * nx;
        let local = |k: usize| {
            if k == outside {
                local_outside
            } else {
                k - base
            }
        };
        for s in 0..steps {
            // Beyond a cut the rows lose their neighbours' values: one row fewer each step,
            // down to the band's own rows after the last.
            let beyond = steps - 1 - s;
            let first = if lo == 0 { 0 } else { b0 - beyond };
            let end = if hi == rows { rows } else { b1 + beyond };
            let (u, v) = (&self.now.0[..], &self.now.1[..]);
            let (nu, nv) = (&mut self.next.0, &mut self.next.1);
            for j in first..end {
                for &(from, to) in &state.runs[j] {
                    let run = (from - base, to - base);
                    rates.update_run((u, v, nx), run, &mut nu[run.0..], &mut nv[run.0..]);
                }
                for &(k, near) in &state.edges[j] {
                    let su = near.iter().map(|&n| u[local(n)]).sum();
                    let sv = near.iter().map(|&n| v[local(n)]).sum();
                    let (a, b) = rates.step(u[k - base], v[k - base], su, sv);
                    nu[k - base] = a;
                    nv[k - base] = b;
                }
            }
            std::mem::swap(&mut self.now, &mut self.next);
        }
        let shared = if last {
            vec![b0..b1]
        } else {
            vec![
                b0..(b0 + reach).min(b1),
                b1.saturating_sub(reach).max(b0)..b1,
            ]
        };
        for rows in shared {
            let (out, local) = (
                (rows.start - b0) * nx..(rows.end - b0) * nx,
                (rows.start - lo) * nx..(rows.end - lo) * nx,
            );
            out_u[out.clone()].copy_from_slice(&self.now.0[local.clone()]);
            out_v[out].copy_from_slice(&self.now.1[local]);
        }
    }
}

/// U and V of a grid (or of a band of its rows) and its width.
type Values<'a> = (&'a [f32], &'a [f32], usize);

/// The Gray–Scott update of one step, its constants folded (worked out once in double
/// precision) so a point costs few operations:
/// `U' = U·keep_u + spread_u·ΣU − dt·UV² + refill` and `V' = V·keep_v + spread_v·ΣV + dt·UV²`,
/// ΣU being the sum of the four neighbours'.
#[derive(Clone, Copy)]
struct Rates {
    keep_u: f32,
    spread_u: f32,
    refill: f32,
    keep_v: f32,
    spread_v: f32,
    dt: f32,
}

impl Rates {
    /// The folded constants of `U' = U + dt·(du·(ΣU − 4U) − UV² + feed·(1 − U))` and
    /// `V' = V + dt·(dv·(ΣV − 4V) + UV² − (feed + kill)·V)`.
    fn new(op: &ReactionDiffusion) -> Rates {
        let dt = op.dt;
        Rates {
            keep_u: (1.0 - 4.0 * dt * op.du - dt * op.feed) as f32,
            spread_u: (dt * op.du) as f32,
            refill: (dt * op.feed) as f32,
            keep_v: (1.0 - 4.0 * dt * op.dv - dt * (op.feed + op.kill)) as f32,
            spread_v: (dt * op.dv) as f32,
            dt: dt as f32,
        }
    }

    /// The next (U, V) of a point from its values and the sums of its neighbours'.
    #[inline(always)]
    fn step(&self, u: f32, v: f32, su: f32, sv: f32) -> (f32, f32) {
        let react = self.dt * u * v * v;
        (
            u * self.keep_u + self.spread_u * su - react + self.refill,
            v * self.keep_v + self.spread_v * sv + react,
        )
    }
}

impl Rates {
    /// The next U and V of the interior points `from..to` of one row (all four neighbours
    /// in the mask) of a grid `nx` wide holding `u` and `v`, into the start of `ou` and `ov`.
    #[inline(always)]
    fn update_run_generic(
        &self,
        (u, v, nx): (&[f32], &[f32], usize),
        (from, to): (usize, usize),
        ou: &mut [f32],
        ov: &mut [f32],
    ) {
        // Straight slices of equal length, said once, so the loop runs without checks and
        // the compiler vectorises it.
        let n = to - from;
        let (uc, vc) = (&u[from..to], &v[from..to]);
        let (ul, ur) = (&u[from - 1..to - 1], &u[from + 1..to + 1]);
        let (vl, vr) = (&v[from - 1..to - 1], &v[from + 1..to + 1]);
        let (uu, ud) = (&u[from - nx..to - nx], &u[from + nx..to + nx]);
        let (vu, vd) = (&v[from - nx..to - nx], &v[from + nx..to + nx]);
        let (ul, ur, uu, ud) = (&ul[..n], &ur[..n], &uu[..n], &ud[..n]);
        let (vl, vr, vu, vd) = (&vl[..n], &vr[..n], &vu[..n], &vd[..n]);
        let (uc, vc, ou, ov) = (&uc[..n], &vc[..n], &mut ou[..n], &mut ov[..n]);
        for x in 0..n {
            let (a, b) = self.step(
                uc[x],
                vc[x],
                ul[x] + ur[x] + uu[x] + ud[x],
                vl[x] + vr[x] + vu[x] + vd[x],
            );
            ou[x] = a;
            ov[x] = b;
        }
    }

    /// The same loop compiled for AVX2 (eight lanes instead of four). No FMA: the same
    /// operations in the same order, so every machine gets the same bits.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn update_run_avx2(&self, grid: Values, run: (usize, usize), ou: &mut [f32], ov: &mut [f32]) {
        self.update_run_generic(grid, run, ou, ov)
    }

    /// [`Self::update_run_generic`], on AVX2 where the processor has it.
    fn update_run(&self, grid: Values, run: (usize, usize), ou: &mut [f32], ov: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked just above).
            unsafe { self.update_run_avx2(grid, run, ou, ov) };
            return;
        }
        self.update_run_generic(grid, run, ou, ov)
    }
}

impl ReactionDiffusion {
    /// Runs steps `from..self.steps` on `state`. Each thread owns a band of rows and
    /// runs [`STEPS_PER_BLOCK`] steps on it between two dispatches, on a copy that
    /// reaches as many rows into its neighbours' bands (recomputed there, one row fewer
    /// each step), so the bands never wait on each other within a block. Every point's
    /// update reads the previous step only: the result depends neither on the bands nor
    /// on where a run was resumed.
    fn run(&self, state: &mut State, from: u32, ctx: &EvalContext) -> Result<(), OpFailure> {
        let ex = ctx.executor.as_ref();
        let (nx, rows) = (state.nx, state.runs.len());
        let rates = Rates::new(self);
        // Bands of rows with about equal numbers of points to update.
        let mut prefix = vec![0];
        for j in 0..rows {
            let points: usize = state.runs[j].iter().map(|r| r.1 - r.0).sum();
            prefix.push(prefix[j] + points + state.edges[j].len());
        }
        let bounds = parallel::balanced_bounds(ex, &prefix, ROWS_PER_CHUNK * nx);
        let mut scratch: Vec<Band> = bounds.windows(2).map(|w| Band::new(w[0], w[1])).collect();
        let mut next_u = state.u.clone();
        let mut next_v = state.v.clone();
        let mut step = from;
        while step < self.steps {
            ctx.report_progress(step as f32 / self.steps as f32);
            ctx.check_cancelled()?;
            let block = STEPS_PER_BLOCK.min(self.steps - step) as usize;
            let last = step + block as u32 >= self.steps;
            let mut jobs: Vec<(&mut Band, &mut [f32], &mut [f32])> = Vec::new();
            let (mut rest_u, mut rest_v) = (&mut next_u[..rows * nx], &mut next_v[..rows * nx]);
            for band in scratch.iter_mut() {
                let len = (band.rows.1 - band.rows.0) * nx;
                let (bu, tail_u) = std::mem::take(&mut rest_u).split_at_mut(len);
                let (bv, tail_v) = std::mem::take(&mut rest_v).split_at_mut(len);
                (rest_u, rest_v) = (tail_u, tail_v);
                jobs.push((band, bu, bv));
            }
            let current = &*state;
            parallel::for_each_chunk_mut(ex, &mut jobs, 1, |_, part| {
                for (band, out_u, out_v) in part.iter_mut() {
                    band.advance(current, &rates, (block, last), out_u, out_v);
                }
            });
            std::mem::swap(&mut state.u, &mut next_u);
            std::mem::swap(&mut state.v, &mut next_v);
            step += block as u32;
        }
        ctx.report_progress(1.0);
        Ok(())
    }

    /// What the simulation's state depends on besides the number of steps: the mask and
    /// every parameter but `steps`, `level` and `min_points` (which only contour it).
    fn state_key(&self, rings: &[Vec<P>]) -> u64 {
        let mut h = std::hash::DefaultHasher::new();
        for x in [
            self.grid_pitch,
            self.du,
            self.dv,
            self.feed,
            self.kill,
            self.dt,
            self.seed_radius,
            self.noise,
        ] {
            h.write_u64(x.to_bits());
        }
        h.write_u32(self.seed);
        h.write_u8(u8::from(self.boundary == RdBoundary::Dirichlet));
        hash_rings(&mut h, rings);
        h.finish()
    }

    /// Draws in the closed regions of `input`.
    fn draw(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if !is_flat(input) {
            return Ok(passed_through(input));
        }
        let rings = rings_and_paths(input).0;
        let Some((lo, hi)) = bounds_of(&rings) else {
            return Ok(Polylines::new());
        };
        if self.dt * 4.0 * self.du.max(self.dv) > 1.0 {
            return Err(OpFailure::bad_input(format!(
                "dt {} with du {} and dv {} is unstable (the values would blow up): keep dt × 4 × max(du, dv) at most 1",
                self.dt, self.du, self.dv
            )));
        }
        let pitch = self.grid_pitch;
        let mut grid = Grid::cover(
            [lo[0] - pitch, lo[1] - pitch],
            [hi[0] + pitch, hi[1] + pitch],
            pitch,
        )?;
        let work = (grid.values.len() as u64).saturating_mul(self.steps as u64);
        if work > MAX_CELL_STEPS {
            return Err(OpFailure::OverBudget {
                what: "grid points × steps (raise grid_pitch or lower steps)",
                count: work,
                max: MAX_CELL_STEPS,
            });
        }
        // Which points lie in the mask, and the starting state.
        let field = RingDistance::new(&rings);
        grid.fill(ctx.executor.as_ref(), |p| {
            f64::from(u8::from(field.inside(p)))
        });
        let mask: Vec<bool> = grid.values.iter().map(|&v| v > 0.5).collect();
        // The blob sits on the point of the mask nearest the middle of its bounds (the
        // middle itself may fall in a hole, as in the counter of a letter).
        let middle = [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0];
        let center = (0..mask.len())
            .filter(|&k| mask[k])
            .map(|k| grid.position(k % grid.nx, k / grid.nx))
            .min_by(|a, b| {
                let d = |p: &P| (p[0] - middle[0]).hypot(p[1] - middle[1]);
                d(a).total_cmp(&d(b))
            })
            .unwrap_or(middle);
        let mut rng = SeededRng::new(self.seed as u64, 0);
        let (mut u, mut v) = (vec![1.0f32; mask.len()], vec![0.0f32; mask.len()]);
        for j in 0..grid.ny {
            for i in 0..grid.nx {
                let k = j * grid.nx + i;
                let p = grid.position(i, j);
                let (nu, nv) = (rng.unit() * 2.0 - 1.0, rng.unit() * 2.0 - 1.0);
                if !mask[k] {
                    continue;
                }
                if (p[0] - center[0]).hypot(p[1] - center[1]) <= self.seed_radius {
                    (u[k], v[k]) = (0.5, 0.25);
                }
                u[k] = (u[k] + (self.noise * nu) as f32).clamp(0.0, 1.0);
                v[k] = (v[k] + (self.noise * nv) as f32).clamp(0.0, 1.0);
            }
        }
        let mut state = State::new(
            grid.nx,
            grid.ny,
            &mask,
            u,
            v,
            self.boundary == RdBoundary::Dirichlet,
        );
        // An earlier run of the same simulation (an animated `steps`, a slider moved
        // up) is taken up where it stopped instead of starting over.
        let key = self.state_key(&rings);
        let saved = ctx.memo.get::<SavedRuns<SavedState>>();
        let from = match saved.latest(key, self.steps) {
            Some((done, resumed)) if resumed.0.len() == state.u.len() => {
                state.u.copy_from_slice(&resumed.0);
                state.v.copy_from_slice(&resumed.1);
                done
            }
            _ => 0,
        };
        self.run(&mut state, from, ctx)?;
        let bytes = (state.u.len() + state.v.len()) * 4;
        saved.keep(key, self.steps, (state.u.clone(), state.v.clone()), bytes);
        for (value, (&v, &inside)) in grid.values.iter_mut().zip(state.v.iter().zip(&mask)) {
            *value = if inside && v.is_finite() {
                v as f64
            } else {
                0.0
            };
        }
        let contours: Vec<Vec<P>> = grid
            .isolines(&[self.level], ctx.executor.as_ref())?
            .into_iter()
            .filter(|c| c.len() >= self.min_points as usize)
            .collect();
        let points: usize = contours.iter().map(Vec::len).sum();
        ctx.check_budget(points as u64, contours.len() as u64)?;
        let mut out = Polylines::new();
        push_rings(&mut out, &contours);
        Ok(out)
    }
}

impl Evaluate for ReactionDiffusion {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        in_mask(input, &self.mask, |region| self.draw(region, ctx))
    }

    /// The draft: a grid twice as coarse and half the steps (an eighth of the work).
    fn draft(&self) -> Option<Self> {
        Some(Self {
            grid_pitch: self.grid_pitch * 2.0,
            steps: self.steps / 2,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Vec3;
    use crate::ops::kit::planar::rings_and_paths;

    fn disc() -> Polylines {
        Polylines::from_lines([(0..=64)
            .map(|k| {
                let a = std::f32::consts::TAU * (k % 64) as f32 / 64.0;
                Vec3::new(20.0 + 15.0 * a.cos(), 20.0 + 15.0 * a.sin(), 0.0)
            })
            .collect::<Vec<_>>()])
    }

    #[test]
    fn a_run_with_more_steps_resumes_the_saved_state_and_draws_what_a_fresh_run_draws() {
        let op = |steps| ReactionDiffusion {
            steps,
            grid_pitch: 0.5,
            level: 0.1,
            ..ReactionDiffusion::default()
        };
        let input = disc();
        let shared = EvalContext::default();
        let first = op(300).eval(&input, &shared).unwrap();
        let key = op(600).state_key(&rings_and_paths(&input).0);
        let saved = shared.memo.get::<SavedRuns<SavedState>>();
        assert_eq!(saved.saved_steps(key), [300]);
        // 600 steps after 300 in the same context: resumed at 300, saved at 600.
        let resumed = op(600).eval(&input, &shared).unwrap();
        assert_eq!(saved.saved_steps(key), [300, 600]);
        let fresh = op(600).eval(&input, &EvalContext::default()).unwrap();
        assert_eq!(resumed, fresh, "resuming changes nothing");
        assert_ne!(first, fresh);
        // Fewer steps than any saved state starts over.
        let few = op(100).eval(&input, &shared).unwrap();
        assert_eq!(few, op(100).eval(&input, &EvalContext::default()).unwrap());
        // Another simulation (another feed) does not pick them up.
        let other = ReactionDiffusion {
            feed: 0.05,
            ..op(600)
        };
        assert_ne!(other.state_key(&rings_and_paths(&input).0), key);
    }

    #[test]
    fn bands_on_several_threads_give_the_bits_of_one_thread() {
        // 300 steps: blocks of 16 and a shorter last one; three bands cut by halos.
        let op = ReactionDiffusion {
            steps: 300,
            grid_pitch: 0.25,
            ..ReactionDiffusion::default()
        };
        let input = disc();
        let key = op.state_key(&rings_and_paths(&input).0);
        let state = |ctx: EvalContext| {
            op.eval(&input, &ctx).unwrap();
            let saved = ctx.memo.get::<SavedRuns<SavedState>>();
            saved.latest(key, 300).expect("saved").1
        };
        let one = state(EvalContext::default());
        let three = state(EvalContext::default().with_executor(std::sync::Arc::new(
            crate::ops::model::context::ScopedThreads { threads: 3 },
        )));
        assert!(one.1.iter().any(|&v| v > 0.1), "the pattern has grown");
        assert!(one == three, "the same bits");
    }
}
