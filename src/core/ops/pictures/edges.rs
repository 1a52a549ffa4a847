//! `edges`: the outlines in an image, traced as polylines. Edges are where the second
//! derivative of the smoothed darkness changes sign (the zero set of its Laplacian,
//! traced with sub-sample precision by marching squares) and the darkness changes fast
//! enough there: kept where the gradient reaches `threshold` and followed while it stays
//! above half of it (hysteresis, as Canny does), then simplified within `tolerance`.

use crate::geometry::{IdHasher, Polylines};

use crate::ops::effects::path_edit::{ClosedMode, Simplify};
use crate::ops::kit::marching::Field;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::{Picture, box_blur};

crate::picture_op! {
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

/// The gradient's length (darkness per mm) at every sample, by central differences.
fn gradient(d: &[f32], nx: usize, ny: usize, sx: f64, sy: f64) -> Vec<f32> {
    let mut g = vec![0f32; d.len()];
    for j in 0..ny {
        let (up, down) = (j.saturating_sub(1), (j + 1).min(ny - 1));
        for i in 0..nx {
            let (l, r) = (i.saturating_sub(1), (i + 1).min(nx - 1));
            let gx = (d[j * nx + r] - d[j * nx + l]) as f64 / ((r - l).max(1) as f64 * sx);
            let gy = (d[down * nx + i] - d[up * nx + i]) as f64 / ((down - up).max(1) as f64 * sy);
            g[j * nx + i] = gx.hypot(gy) as f32;
        }
    }
    g
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
                box_blur(&mut picture.dark, nx, ny, r);
            }
        }
        ctx.check_cancelled()?;
        let d = &picture.dark;
        let grad = gradient(d, nx, ny, picture.sx, picture.sy);
        // The Laplacian, with a border of zeros so that every zero line closes; the
        // border's pieces lie where there is no gradient and are cut away below.
        let (px, py) = (nx + 2, ny + 2);
        let mut laplacian = vec![0f64; px * py];
        for j in 0..ny {
            for i in 0..nx {
                let at = |a: usize, b: usize| d[b.min(ny - 1) * nx + a.min(nx - 1)] as f64;
                let c = at(i, j);
                let lx = at(i.saturating_sub(1), j) + at(i + 1, j) - 2.0 * c;
                let ly = at(i, j.saturating_sub(1)) + at(i, j + 1) - 2.0 * c;
                laplacian[(j + 1) * px + i + 1] =
                    lx / (picture.sx * picture.sx) + ly / (picture.sy * picture.sy);
            }
        }
        let field = Field {
            values: &laplacian,
            nx: px,
            ny: py,
            origin: [0.0, 0.0],
            pitch: 1.0,
        };
        let rings = field.rings(&[0.0]).into_iter().next().unwrap_or_default();
        ctx.check_cancelled()?;
        let gate = Picture {
            dark: grad,
            ..picture
        };
        let (high, low) = (self.threshold as f32, self.threshold as f32 / 2.0);
        let mut out = Polylines::new();
        for ring in &rings {
            let points: Vec<[f64; 2]> = ring
                .iter()
                .map(|p| gate.paper(p[0] - 1.0, p[1] - 1.0))
                .collect();
            let strength: Vec<f32> = points
                .iter()
                .map(|p| {
                    if gate.contains(p[0], p[1]) {
                        gate.at(p[0], p[1])
                    } else {
                        0.0
                    }
                })
                .collect();
            push_runs(
                &points,
                &strength,
                low,
                high,
                self.min_length,
                &gate,
                &mut out,
            );
        }
        let simplified = Simplify {
            tolerance: self.tolerance,
            closed: ClosedMode::Auto,
        }
        .eval(&out, ctx)?;
        source.clip(simplified, ctx)
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
