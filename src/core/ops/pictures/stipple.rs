//! `stipple`: an image as dots whose density follows its darkness: weighted Voronoi
//! stippling (Secord's), Lloyd relaxation of the dots towards the darkness-weighted
//! centroids of their Voronoi cells. Dots are drawn as circles sized by tone, as pen
//! touches, or joined into one continuous line ("TSP art") by the plot passes' tour:
//! a greedy nearest-next route improved by 2-opt and Or-opt.
//!
//! The Voronoi cells are found on the darkness grid by propagating the nearest dot's
//! label in two raster passes (as a vector distance transform does): about ten distance
//! tests per sample whatever the dots' density.

use crate::geometry::{IdHasher, Polylines, Vec3, sort_for_travel};

use crate::ops::kit::parallel;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::Picture;

crate::choice! {
    /// How a stipple dot is drawn.
    pub enum StippleDot {
        /// a small circle, its radius by tone from `size_min` to `size_max`
        Circle = "circle",
        /// a pen touch: a line of no length (plotters put the pen down and up)
        Point = "point",
    }
}

super::source::picture_op! {
    /// an image as `dots` dots whose density follows the darkness (weighted Voronoi stippling, `iterations` Lloyd steps), drawn as circles sized by tone or as pen touches, or joined by `route` into one continuous line that visits every dot once (TSP art)
    #[op(primitive, name = "stipple", version = 1)]
    pub struct Stipple {
        /// how many dots
        pub dots: i64 = 4000 => ui(100.0, 50000.0).domain(1.0, 1000000.0),
        /// Lloyd relaxation steps (more: more even spacing)
        pub iterations: i64 = 30 => ui(0.0, 100.0).domain(0.0, 1000.0),
        /// circles sized by tone, or pen touches
        pub dot: StippleDot = StippleDot::Circle,
        /// radius of a dot on the lightest tone
        pub size_min: f64 = 0.15 => ui(0.0, 2.0).domain(0.0, 50.0).unit("mm"),
        /// radius of a dot on full ink
        pub size_max: f64 = 0.45 => ui(0.0, 3.0).domain(0.0, 50.0).unit("mm"),
        /// one continuous line through every dot instead of the dots (TSP art)
        pub route: bool = false,
        /// the dots' first places
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// sampling distance of the image (0: about 16 samples a dot)
        pub resolution: f64 = 0.0 => ui(0.0, 2.0).domain(0.0, 50.0).unit("mm"),
    }
}

/// Most dots joined into one line (the tour takes about a second for these).
const MAX_ROUTE_DOTS: usize = 200_000;

/// Most sample visits of the relaxation (samples × steps; a few seconds of work).
const MAX_RELAXATION_WORK: f64 = 5e8;

/// Samples of the darkness grid a dot gets on average (when `resolution` is 0).
const SAMPLES_PER_DOT: f64 = 16.0;

/// The dots' places after relaxation, on `picture` (paper mm).
fn stipple_dots(
    picture: &Picture,
    count: usize,
    iterations: usize,
    seed: u32,
    ctx: &EvalContext,
) -> Result<Vec<[f64; 2]>, OpFailure> {
    let (nx, ny) = (picture.nx, picture.ny);
    let weight: Vec<f64> = picture.dark.iter().map(|&d| d.max(0.0) as f64).collect();
    let total: f64 = weight.iter().sum();
    if total <= 1e-9 || count == 0 {
        return Ok(Vec::new());
    }
    // First places: stratified draws from the darkness, each jittered in its sample.
    let mut rng = SeededRng::new(seed as u64, 0);
    let mut dots = Vec::with_capacity(count);
    let (mut cumulative, mut k) = (0.0, 0usize);
    for m in 0..count {
        let target = (m as f64 + rng.unit()) / count as f64 * total;
        while k + 1 < weight.len() && cumulative + weight[k] < target {
            cumulative += weight[k];
            k += 1;
        }
        let (i, j) = (k % nx, k / nx);
        dots.push(picture.paper(i as f64 + rng.unit() - 0.5, j as f64 + rng.unit() - 0.5));
    }
    let mut label = vec![u32::MAX; nx * ny];
    let mut sums = vec![[0f64; 3]; count];
    for step in 0..iterations {
        if step % 4 == 0 {
            ctx.check_cancelled()?;
            ctx.report_progress(step as f32 / iterations as f32);
        }
        nearest_labels(ctx.executor.as_ref(), picture, &dots, &mut label);
        sums.iter_mut().for_each(|s| *s = [0.0; 3]);
        for (j, (labels, weights)) in label.chunks(nx).zip(weight.chunks(nx)).enumerate() {
            let y = picture.paper(0.0, j as f64)[1];
            for (i, (&l, &w)) in labels.iter().zip(weights).enumerate() {
                if l != u32::MAX && w > 0.0 {
                    let x = picture.left + (i as f64 + 0.5) * picture.sx;
                    let s = &mut sums[l as usize];
                    s[0] += w * x;
                    s[1] += w * y;
                    s[2] += w;
                }
            }
        }
        for (dot, s) in dots.iter_mut().zip(&sums) {
            if s[2] > 0.0 {
                *dot = [s[0] / s[2], s[1] / s[2]];
            }
        }
    }
    Ok(dots)
}

/// Rows of the grid one job labels; bands of this many rows (or a sixteenth of the
/// grid, when more) are labelled in parallel. They depend on the grid alone, so the
/// labels are the same on any number of threads.
const BAND_ROWS: usize = 128;
/// Rows beyond its band a job also propagates through, so labels from dots above and
/// below the band reach it (about eight dot spacings at 16 samples a dot).
const HALO_ROWS: usize = 32;

/// Labels every sample with its nearest dot (approximately: the nearest among the labels
/// of its neighbours, propagated forwards then backwards), bands of rows in parallel.
fn nearest_labels(ex: &dyn Executor, picture: &Picture, dots: &[[f64; 2]], label: &mut [u32]) {
    let (nx, ny) = (picture.nx, picture.ny);
    label.fill(u32::MAX);
    let xs: Vec<f64> = (0..nx).map(|i| picture.paper(i as f64, 0.0)[0]).collect();
    let ys: Vec<f64> = (0..ny).map(|j| picture.paper(0.0, j as f64)[1]).collect();
    let d2 = |i: usize, j: usize, l: u32| {
        let p = dots[l as usize];
        (xs[i] - p[0]).powi(2) + (ys[j] - p[1]).powi(2)
    };
    // Each dot marks the sample it lies in (the nearer dot where two share one).
    for (l, &p) in dots.iter().enumerate() {
        let i = ((p[0] - picture.left) / picture.sx).floor();
        let j = ((p[1] - picture.top) / picture.sy).floor();
        if i >= 0.0 && j >= 0.0 && (i as usize) < nx && (j as usize) < ny {
            let (i, j) = (i as usize, j as usize);
            let k = j * nx + i;
            if label[k] == u32::MAX || d2(i, j, l as u32) < d2(i, j, label[k]) {
                label[k] = l as u32;
            }
        }
    }
    let band = BAND_ROWS.max(ny.div_ceil(16));
    let bands = ny.div_ceil(band);
    let seeds: &[u32] = label;
    let labelled = parallel::map_ranges(ex, bands, 1, |range| {
        range
            .map(|b| {
                let (r0, r1) = (b * band, ((b + 1) * band).min(ny));
                let (h0, h1) = (r0.saturating_sub(HALO_ROWS), (r1 + HALO_ROWS).min(ny));
                let mut window = seeds[h0 * nx..h1 * nx].to_vec();
                propagate(&mut window, nx, h0, &d2);
                window[(r0 - h0) * nx..(r1 - h0) * nx].to_vec()
            })
            .collect::<Vec<_>>()
    });
    for (rows, band_labels) in label
        .chunks_mut(band * nx)
        .zip(labelled.into_iter().flatten())
    {
        rows.copy_from_slice(&band_labels);
    }
}

/// Propagates nearest-dot labels over `window` (whole rows of `nx`, the first being grid
/// row `j0`): forwards from the upper left, then backwards from the lower right, each
/// row also swept the other way. `d2(i, j, dot)` is the squared distance from sample
/// `(i, j)` of the grid to a dot.
fn propagate(window: &mut [u32], nx: usize, j0: usize, d2: &impl Fn(usize, usize, u32) -> f64) {
    let rows = window.len() / nx;
    // The distance to each sample's current dot, kept so each test computes one distance.
    let mut best: Vec<f64> = window
        .iter()
        .enumerate()
        .map(|(k, &l)| {
            if l == u32::MAX {
                f64::INFINITY
            } else {
                d2(k % nx, j0 + k / nx, l)
            }
        })
        .collect();
    let mut relax = |window: &mut [u32], i: usize, j: usize, from: usize| {
        let l = window[from];
        let k = j * nx + i;
        if l != u32::MAX && l != window[k] {
            let d = d2(i, j0 + j, l);
            if d < best[k] {
                window[k] = l;
                best[k] = d;
            }
        }
    };
    for j in 0..rows {
        for i in 0..nx {
            let k = j * nx + i;
            if i > 0 {
                relax(window, i, j, k - 1);
            }
            if j > 0 {
                relax(window, i, j, k - nx);
                if i > 0 {
                    relax(window, i, j, k - nx - 1);
                }
                if i + 1 < nx {
                    relax(window, i, j, k - nx + 1);
                }
            }
        }
        // Back along the row, so labels travel left as well as right.
        for i in (0..nx.saturating_sub(1)).rev() {
            relax(window, i, j, j * nx + i + 1);
        }
    }
    for j in (0..rows).rev() {
        for i in (0..nx).rev() {
            let k = j * nx + i;
            if i + 1 < nx {
                relax(window, i, j, k + 1);
            }
            if j + 1 < rows {
                relax(window, i, j, k + nx);
                if i + 1 < nx {
                    relax(window, i, j, k + nx + 1);
                }
                if i > 0 {
                    relax(window, i, j, k + nx - 1);
                }
            }
        }
        for i in 1..nx {
            relax(window, i, j, j * nx + i - 1);
        }
    }
}

/// `dots` in the order of one short tour through all of them, which never crosses
/// itself (a crossing tour is never the shortest).
fn route(dots: &[[f64; 2]]) -> Vec<[f64; 2]> {
    let mut as_lines = Polylines::with_capacity(dots.len() * 2, dots.len());
    for p in dots {
        let v = Vec3::new(p[0] as f32, p[1] as f32, 0.0);
        as_lines.push_line([v, v]);
    }
    let mut tour: Vec<[f64; 2]> = sort_for_travel(&as_lines, true, true)
        .into_iter()
        .map(|placed| dots[placed.index])
        .collect();
    uncross(&mut tour);
    tour
}

/// Most crossings [`uncross`] undoes (each move shortens the tour, so it ends anyway).
const MAX_UNCROSSINGS: usize = 10_000;

/// Undoes the crossings the bounded local search left: legs `i` and `j` that cross are
/// swapped for the two that do not (the 2-opt move: the stretch between them reversed).
fn uncross(tour: &mut [[f64; 2]]) {
    for _ in 0..MAX_UNCROSSINGS {
        match first_crossing(tour) {
            Some((i, j)) => tour[i + 1..=j].reverse(),
            None => return,
        }
    }
}

/// Two legs of `tour` that properly cross, `(i, j)` with `i + 1 < j` (legs `i → i + 1` and
/// `j → j + 1`), found through a grid of the legs' bounding boxes.
fn first_crossing(tour: &[[f64; 2]]) -> Option<(usize, usize)> {
    let n = tour.len();
    if n < 4 {
        return None;
    }
    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
    for p in tour {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    let side = ((n as f64).sqrt().ceil() as usize).max(1);
    let cell = ((hi[0] - lo[0]).max(hi[1] - lo[1]) / side as f64).max(1e-9);
    let index = |v: f64, k: usize| (((v - lo[k]) / cell) as usize).min(side - 1);
    let mut cells: Vec<Vec<u32>> = vec![Vec::new(); side * side];
    for i in 0..n - 1 {
        let (a, b) = (tour[i], tour[i + 1]);
        for gy in index(a[1].min(b[1]), 1)..=index(a[1].max(b[1]), 1) {
            for gx in index(a[0].min(b[0]), 0)..=index(a[0].max(b[0]), 0) {
                cells[gy * side + gx].push(i as u32);
            }
        }
    }
    let turn = |a: [f64; 2], b: [f64; 2], c: [f64; 2]| {
        (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
    };
    for legs in &cells {
        for (x, &i) in legs.iter().enumerate() {
            for &j in &legs[x + 1..] {
                let (i, j) = (i.min(j) as usize, i.max(j) as usize);
                if j < i + 2 {
                    continue;
                }
                let (a, b, c, d) = (tour[i], tour[i + 1], tour[j], tour[j + 1]);
                if turn(a, b, c) * turn(a, b, d) < 0.0 && turn(c, d, a) * turn(c, d, b) < 0.0 {
                    return Some((i, j));
                }
            }
        }
    }
    None
}

impl Evaluate for Stipple {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let count = self.dots.max(0) as usize;
        if self.route && count > MAX_ROUTE_DOTS {
            return Err(OpFailure::bad_input(format!(
                "route: a single line through {count} dots; at most {MAX_ROUTE_DOTS} (fewer dots, or route: false)"
            )));
        }
        let points_each = match (self.route, self.dot) {
            (true, _) => 1,
            (false, StippleDot::Point) => 2,
            (false, StippleDot::Circle) => 17,
        };
        ctx.check_budget(
            (count * points_each) as u64,
            if self.route { 1 } else { count as u64 },
        )?;
        let picture = source.sample_by(ctx, |w, h| {
            if self.resolution > 0.0 {
                self.resolution
            } else {
                let auto = (w * h / (SAMPLES_PER_DOT * count.max(1) as f64)).sqrt();
                auto.max(w.max(h) / super::source::MAX_SAMPLES_PER_SIDE)
            }
        })?;
        // Each step visits every sample and every dot.
        let work = (picture.nx * picture.ny + count) as f64 * self.iterations.max(1) as f64;
        if work > MAX_RELAXATION_WORK {
            return Err(OpFailure::bad_input(format!(
                "{} relaxation steps over {} × {} samples and {count} dots are {work:.1e} visits; at most {MAX_RELAXATION_WORK:.0e} (fewer iterations, fewer dots or a coarser resolution)",
                self.iterations, picture.nx, picture.ny
            )));
        }
        let dots = stipple_dots(
            &picture,
            count,
            self.iterations.max(0) as usize,
            self.seed,
            ctx,
        )?;
        ctx.check_cancelled()?;
        let mut out = Polylines::new();
        if self.route {
            let tour = route(&dots);
            if tour.len() >= 2 {
                out.push_line(tour.into_iter().map(|p| picture.vertex(p)));
            }
        } else {
            for &p in &dots {
                let d = picture.at(p[0], p[1]).clamp(0.0, 1.0) as f64;
                match self.dot {
                    StippleDot::Point => out.push_line([picture.vertex(p), picture.vertex(p)]),
                    StippleDot::Circle => {
                        let r = self.size_min + (self.size_max - self.size_min) * d;
                        let n = ((std::f64::consts::TAU * r / 0.1).ceil() as usize).clamp(6, 16);
                        out.push_line((0..=n).map(|k| {
                            let a = std::f64::consts::TAU * (k % n) as f64 / n as f64;
                            picture.vertex([p[0] + r * a.cos(), p[1] + r * a.sin()])
                        }));
                    }
                }
            }
        }
        source.finish(vec![out], ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        self.source().fingerprint(ctx, h);
    }

    fn draft(&self) -> Option<Self> {
        Some(Self {
            iterations: self.iterations.min(4),
            ..self.clone()
        })
    }
}
