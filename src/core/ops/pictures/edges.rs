//! `edges`: the outlines in an image, traced as polylines. Edges are where the second
//! derivative of the smoothed darkness changes sign (the zero set of its Laplacian,
//! traced with sub-sample precision by marching squares) and the darkness changes fast
//! enough there: kept where the gradient reaches `threshold` and followed while it stays
//! above half of it (hysteresis, as Canny does), then simplified within `tolerance`.

use crate::geometry::{IdHasher, Polylines};

use crate::ops::effects::path_edit::{ClosedMode, Simplify};
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::{Picture, box_blur};

super::source::picture_op! {
    /// the outlines in an image as polylines: where the darkness changes fastest (zero crossings of its Laplacian, sub-sample exact) and by at least `threshold` per mm, followed while above half of it, simplified within `tolerance`
    #[op(primitive, name = "edges", version = 1)]
    pub struct Edges {
        /// the least change of darkness per mm that starts an edge (lower: more edges)
        pub threshold: f64 = 0.1 => ui(0.005, 1.0).domain(0.0, 100.0).unit("1/mm"),
        /// smoothing before finding edges, in samples (higher: only broad outlines)
        pub smoothing: f64 = 2.0 => ui(0.0, 10.0).domain(0.0, 50.0),
        /// edges shorter than this are left out
        pub min_length: f64 = 2.0 => ui(0.0, 20.0).domain(0.0, 1000.0).unit("mm"),
        /// largest distance a simplified edge may stray from the traced one
        pub tolerance: f64 = 0.1 => ui(0.0, 1.0).domain(0.0, 10.0).unit("mm"),
        /// sampling distance of the image on the paper
        pub resolution: f64 = 0.3 => ui(0.05, 2.0).domain(0.05, 50.0).unit("mm"),
    }
}

/// The gradient's length (darkness per mm) at every sample, rows in parallel.
fn gradient(ex: &dyn Executor, picture: &Picture) -> Vec<f32> {
    let nx = picture.nx;
    let mut g = vec![0f32; picture.dark.len()];
    parallel::for_each_rows_mut(ex, &mut g, nx, 16, |first, chunk| {
        for (r, row) in chunk.chunks_mut(nx).enumerate() {
            for (i, slot) in row.iter_mut().enumerate() {
                let [gx, gy] = picture.gradient(i, first + r);
                *slot = (gx * gx + gy * gy).sqrt() as f32;
            }
        }
    });
    g
}

/// The Laplacian of `d` (per mm²) with a border of zeros all round, rows in parallel;
/// where the gradient `g` is below `weak` no edge can be, and the value is a small
/// positive one, so marching squares finds no zero line there.
#[allow(clippy::too_many_arguments)]
fn laplacian(
    ex: &dyn Executor,
    d: &[f32],
    g: &[f32],
    weak: f32,
    nx: usize,
    ny: usize,
    sx: f64,
    sy: f64,
) -> Vec<f64> {
    let (px, py) = (nx + 2, ny + 2);
    let mut out = vec![0f64; px * py];
    let (wx, wy) = (1.0 / (sx * sx), 1.0 / (sy * sy));
    let inner = &mut out[px..px * (py - 1)];
    parallel::for_each_rows_mut(ex, inner, px, 16, |first, chunk| {
        for (r, row) in chunk.chunks_mut(px).enumerate() {
            let j = first + r;
            let (up, down) = (j.saturating_sub(1), (j + 1).min(ny - 1));
            let at = |a: usize, b: usize| d[b * nx + a] as f64;
            for i in 0..nx {
                if g[j * nx + i] < weak {
                    row[i + 1] = 1e-12;
                    continue;
                }
                let c = at(i, j);
                let lx = at(i.saturating_sub(1), j) + at((i + 1).min(nx - 1), j) - 2.0 * c;
                let ly = at(i, up) + at(i, down) - 2.0 * c;
                row[i + 1] = lx * wx + ly * wy;
            }
        }
    });
    out
}

impl Evaluate for Edges {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let mut picture = source.sample(ctx, self.resolution)?;
        let (nx, ny) = (picture.nx, picture.ny);
        ctx.check_budget((nx * ny) as u64 / 2, (nx * ny) as u64 / 16)?;
        // Three box blurs make a near-Gaussian smoothing.
        let r = self.smoothing.round() as usize;
        if r > 0 {
            for _ in 0..3 {
                box_blur(ctx.executor.as_ref(), &mut picture.dark, nx, ny, r);
            }
        }
        ctx.check_cancelled()?;
        let ex = ctx.executor.as_ref();
        let grad = gradient(ex, &picture);
        // Lines where the gradient is under half the weak threshold are cut anyway: no
        // need to march there.
        let weak = self.threshold as f32 / 4.0;
        let laplacian = laplacian(
            ex,
            &picture.dark,
            &grad,
            weak,
            nx,
            ny,
            picture.sx,
            picture.sy,
        );
        // With a border of zeros every zero line closes; the border's pieces lie where
        // there is no gradient and are cut away below.
        let rings = picture
            .rings_on_paper(&laplacian, &[0.0])
            .into_iter()
            .next()
            .unwrap_or_default();
        ctx.check_cancelled()?;
        let gate = Picture {
            dark: grad,
            ..picture
        };
        let (high, low) = (self.threshold as f32, self.threshold as f32 / 2.0);
        let mut out = Polylines::new();
        for ring in &rings {
            let strength: Vec<f32> = ring
                .iter()
                .map(|p| {
                    if gate.contains(p[0], p[1]) {
                        gate.at(p[0], p[1])
                    } else {
                        0.0
                    }
                })
                .collect();
            push_runs(ring, &strength, low, high, self.min_length, &gate, &mut out);
        }
        let simplified = Simplify {
            tolerance: self.tolerance,
            closed: ClosedMode::Auto,
        }
        .eval(&out, ctx)?;
        source.finish(vec![simplified], ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        self.source().fingerprint(ctx, h);
    }

    fn draft(&self) -> Option<Self> {
        Some(Self {
            resolution: self.resolution * 2.0,
            smoothing: (self.smoothing / 2.0).floor(),
            ..self.clone()
        })
    }
}

/// Appends the runs of ring `points` whose strength stays at or above `low` and reaches
/// `high` somewhere, at least `min_length` long; a ring strong all round stays closed.
fn push_runs(
    points: &[[f64; 2]],
    strength: &[f32],
    low: f32,
    high: f32,
    min_length: f64,
    picture: &Picture,
    out: &mut Polylines,
) {
    let n = points.len();
    if n < 2 {
        return;
    }
    let length = |run: &[[f64; 2]]| {
        run.windows(2)
            .map(|w| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]))
            .sum::<f64>()
    };
    let Some(weak) = (0..n).find(|&k| strength[k] < low) else {
        // Strong all round: the closed ring.
        if strength.iter().any(|&s| s >= high) {
            let ring: Vec<[f64; 2]> = points.iter().chain(points.first()).copied().collect();
            if length(&ring) >= min_length {
                out.push_line(ring.iter().map(|&p| picture.vertex(p)));
            }
        }
        return;
    };
    // Walk once round from a weak point, so no run is split at the ring's seam.
    let mut run: Vec<[f64; 2]> = Vec::new();
    let mut strong = false;
    for step in 1..=n {
        let k = (weak + step) % n;
        if strength[k] >= low {
            run.push(points[k]);
            strong |= strength[k] >= high;
        } else {
            if strong && run.len() >= 2 && length(&run) >= min_length {
                out.push_line(run.iter().map(|&p| picture.vertex(p)));
            }
            run.clear();
            strong = false;
        }
    }
}
