//! `reaction_diffusion`: a Gray–Scott simulation on a grid inside the input's closed
//! regions (even-odd), started from a blob in the middle plus seeded noise, then the
//! concentration of V contoured at `level`: coral, spots and labyrinths.

use crate::geometry::Polylines;

use crate::ops::kit::distance::RingDistance;
use crate::ops::kit::field::{Grid, bounds_of, push_rings};
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, rings_and_paths};
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// What lies beyond the mask's edge for the simulation.
    pub enum RdBoundary { Noflux = "noflux", Dirichlet = "dirichlet" }
}

crate::op! {
    /// grows a Gray–Scott reaction–diffusion pattern inside the closed regions of the input (ends within 0.001 mm closed; even-odd) from a central blob and seeded noise, then draws the contours of V at level; on the XY plane
    #[op(effect, name = "reaction_diffusion", version = 1)]
    pub struct ReactionDiffusion {
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

/// Rows updated on one thread at least per step.
const ROWS_PER_CHUNK: usize = 16;

/// The simulation's state: U and V per grid point, and which points lie in the mask.
struct State {
    nx: usize,
    u: Vec<f32>,
    v: Vec<f32>,
    inside: Vec<bool>,
}

impl ReactionDiffusion {
    /// Runs `steps` steps from `state`, on `ex` in row chunks (every point's update reads
    /// the previous step only: the result does not depend on the chunking).
    fn run(&self, state: &mut State, ex: &dyn crate::ops::model::context::Executor) {
        let nx = state.nx;
        let (du, dv, f, k, dt) = (
            self.du as f32,
            self.dv as f32,
            self.feed as f32,
            self.kill as f32,
            self.dt as f32,
        );
        let dirichlet = self.boundary == RdBoundary::Dirichlet;
        let mut next_u = state.u.clone();
        let mut next_v = state.v.clone();
        let inside = &state.inside;
        let len = inside.len();
        for _ in 0..self.steps {
            let (u, v) = (&state.u, &state.v);
            // A neighbour outside the grid or the mask: the point itself (no flux) or the
            // fixed outside state.
            let at = |i: usize, n: Option<usize>| -> (f32, f32) {
                match n {
                    Some(n) if inside[n] => (u[n], v[n]),
                    _ if dirichlet => (1.0, 0.0),
                    _ => (u[i], v[i]),
                }
            };
            let mut pairs: Vec<(&mut [f32], &mut [f32])> = Vec::new();
            let chunk = nx * ROWS_PER_CHUNK;
            for (a, b) in next_u.chunks_mut(chunk).zip(next_v.chunks_mut(chunk)) {
                pairs.push((a, b));
            }
            parallel::for_each_chunk_mut(ex, &mut pairs, 1, |first, slots| {
                for (c, (nu, nv)) in slots.iter_mut().enumerate() {
                    let start = (first + c) * chunk;
                    for (o, (su, sv)) in nu.iter_mut().zip(nv.iter_mut()).enumerate() {
                        let i = start + o;
                        if !inside[i] {
                            continue;
                        }
                        let x = i % nx;
                        let neighbours = [
                            (x > 0).then(|| i - 1),
                            (x + 1 < nx).then(|| i + 1),
                            i.checked_sub(nx),
                            (i + nx < len).then(|| i + nx),
                        ];
                        let (mut lu, mut lv) = (-4.0 * u[i], -4.0 * v[i]);
                        for n in neighbours {
                            let (a, b) = at(i, n);
                            lu += a;
                            lv += b;
                        }
                        let uvv = u[i] * v[i] * v[i];
                        *su = u[i] + dt * (du * lu - uvv + f * (1.0 - u[i]));
                        *sv = v[i] + dt * (dv * lv + uvv - (f + k) * v[i]);
                    }
                }
            });
            std::mem::swap(&mut state.u, &mut next_u);
            std::mem::swap(&mut state.v, &mut next_v);
        }
    }
}

impl Evaluate for ReactionDiffusion {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
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
        let mut state = State {
            nx: grid.nx,
            u,
            v,
            inside: mask,
        };
        self.run(&mut state, ctx.executor.as_ref());
        for (value, (&v, &inside)) in grid
            .values
            .iter_mut()
            .zip(state.v.iter().zip(&state.inside))
        {
            *value = if inside && v.is_finite() {
                v as f64
            } else {
                0.0
            };
        }
        let contours: Vec<Vec<P>> = grid
            .isolines(&[self.level])?
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
