//! `flow_lines`: an image drawn as evenly spaced streamlines (after Jobard and Lefer),
//! closer together where it is darker. The direction field is noise, curl noise or the
//! image's own edges (their tangents), or a blend; several copies of the field, each
//! turned, overlay for the woven, hexagonal look.
//!
//! Each streamline grows from a seed in both directions in steps of half the least
//! separation and stops where it would come closer than the separation allowed there to
//! any line (its own earlier part included), leaves the image, reaches bare paper or its
//! longest length. New seeds are set beside every accepted line at the separation of
//! their place; a jittered grid of seeds reaches the areas no line leads to.

use std::collections::VecDeque;

use crate::geometry::{IdHasher, Polylines};

use crate::ops::kit::noise::PlanarSampler;
use crate::ops::kit::parallel;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::Picture;

crate::choice! {
    /// What the streamlines follow.
    pub enum FlowField {
        /// Perlin noise angles
        Noise = "noise",
        /// the curl of Perlin noise (swirls without sources or sinks)
        Curl = "curl",
        /// the tangents of the image's edges (lines run along outlines)
        Edges = "edges",
    }
}

super::source::picture_op! {
    /// an image as evenly spaced streamlines of a noise, curl-noise or edge field, from `separation_min` apart in the darkest areas to `separation_max` on light ones; several turned copies of the field overlay
    #[op(primitive, name = "flow_lines", version = 1)]
    pub struct FlowLines {
        /// what the lines follow
        pub field: FlowField = FlowField::Noise,
        /// how much the image's edge tangents bend the noise field (0: not at all, 1: edges alone)
        pub edge_weight: f64 = 0.0 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// size of the noise's swirls
        pub noise_scale: f64 = 40.0 => ui(2.0, 200.0).domain(0.1, 10000.0).unit("mm"),
        /// distance between lines in the darkest areas (no two lines come closer)
        pub separation_min: f64 = 0.7 => ui(0.2, 5.0).domain(0.05, 100.0).unit("mm"),
        /// distance between lines on the lightest areas
        pub separation_max: f64 = 4.0 => ui(0.5, 20.0).domain(0.05, 200.0).unit("mm"),
        /// lines shorter than this are left out
        pub min_length: f64 = 3.0 => ui(0.0, 50.0).domain(0.0, 1000.0).unit("mm"),
        /// lines stop at this length
        pub max_length: f64 = 120.0 => ui(5.0, 500.0).domain(0.1, 100000.0).unit("mm"),
        /// turned copies of the field, 180° / fields apart (3: the hexagonal look)
        pub fields: i64 = 1 => ui(1.0, 6.0).domain(1.0, 12.0),
        /// lines end where the darkness falls below this (bare paper stays bare)
        pub cutoff: f64 = 0.05 => ui(0.0, 0.5).domain(0.0, 1.0),
        /// the noise and the seeding order
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// sampling distance of the image (and the field) on the paper
        pub resolution: f64 = 0.5 => ui(0.1, 2.0).domain(0.05, 50.0).unit("mm"),
    }
}

/// Unit directions of the field on the picture's grid.
struct Directions<'a> {
    v: Vec<[f32; 2]>,
    picture: &'a Picture,
}

impl Directions<'_> {
    /// The direction at `p`, bilinear between samples, turned by (cos, sin) `turn`.
    fn at(&self, p: [f64; 2], turn: [f64; 2]) -> Option<[f64; 2]> {
        let pic = self.picture;
        let fx = ((p[0] - pic.left) / pic.sx - 0.5).clamp(0.0, (pic.nx - 1) as f64);
        let fy = ((p[1] - pic.top) / pic.sy - 0.5).clamp(0.0, (pic.ny - 1) as f64);
        let (i, j) = ((fx as usize).min(pic.nx - 2), (fy as usize).min(pic.ny - 2));
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let k = j * pic.nx + i;
        let mut d = [0.0; 2];
        for (c, w) in [
            (k, (1.0 - tx) * (1.0 - ty)),
            (k + 1, tx * (1.0 - ty)),
            (k + pic.nx, (1.0 - tx) * ty),
            (k + pic.nx + 1, tx * ty),
        ] {
            d[0] += self.v[c][0] as f64 * w;
            d[1] += self.v[c][1] as f64 * w;
        }
        let len = d[0].hypot(d[1]);
        (len > 1e-9).then(|| {
            let (x, y) = (d[0] / len, d[1] / len);
            [x * turn[0] - y * turn[1], x * turn[1] + y * turn[0]]
        })
    }
}

impl FlowLines {
    /// The field's directions at every sample of `picture`.
    fn directions<'a>(&self, picture: &'a Picture, ctx: &EvalContext) -> Directions<'a> {
        let (nx, ny) = (picture.nx, picture.ny);
        let scale = self.noise_scale.max(1e-6);
        let z = (self.seed % 1000) as f32 * 7.31 + 0.5;
        let edge_weight = match self.field {
            FlowField::Edges => 1.0,
            _ => self.edge_weight.clamp(0.0, 1.0),
        };
        let curl = self.field == FlowField::Curl;
        // The strongest gradient sets the scale of "a strong edge".
        let strongest = if edge_weight > 0.0 {
            let mut m = 1e-6f64;
            for j in (0..ny).step_by(2) {
                for i in (0..nx).step_by(2) {
                    let g = picture.gradient(i, j);
                    m = m.max(g[0].hypot(g[1]));
                }
            }
            m
        } else {
            1.0
        };
        let mut v = vec![[0f32; 2]; nx * ny];
        parallel::for_each_chunk_mut(ctx.executor.as_ref(), &mut v, nx * 8, |start, chunk| {
            let mut noise = PlanarSampler::<1>::new([0], z);
            for (k, slot) in chunk.iter_mut().enumerate() {
                let (i, j) = ((start + k) % nx, (start + k) / nx);
                let p = picture.paper(i as f64, j as f64);
                let (x, y) = ((p[0] / scale) as f32, (p[1] / scale) as f32);
                let base = if curl {
                    let e = 0.01f32;
                    let dy = noise.sample(x, y + e)[0] - noise.sample(x, y - e)[0];
                    let dx = noise.sample(x + e, y)[0] - noise.sample(x - e, y)[0];
                    let len = dx.hypot(dy).max(1e-9);
                    [(dy / len) as f64, (-dx / len) as f64]
                } else {
                    let a = noise.sample(x, y)[0] as f64 * std::f64::consts::TAU;
                    [a.cos(), a.sin()]
                };
                // Along the edge: the gradient turned a quarter, as strong as the edge
                // (none asked for: no edge to look at).
                let tangent = if edge_weight > 0.0 {
                    let g = picture.gradient(i, j);
                    let len = g[0].hypot(g[1]);
                    let strength = (len / strongest * 4.0).min(1.0);
                    let len = len.max(1e-12);
                    [-g[1] / len * strength, g[0] / len * strength]
                } else {
                    [0.0, 0.0]
                };
                // Where there is no edge, the noise still leads (faintly under `edges`).
                let lead = (1.0 - edge_weight).max(0.05);
                *slot = [
                    (base[0] * lead + tangent[0] * edge_weight) as f32,
                    (base[1] * lead + tangent[1] * edge_weight) as f32,
                ];
            }
        });
        Directions { v, picture }
    }
}

/// The accepted points of one field's lines, in a grid of buckets for distance queries.
struct Placed {
    points: Vec<[f64; 2]>,
    /// Per point: its line and its arc length along that line (from the seed, negative
    /// backwards).
    owner: Vec<(u32, f64)>,
    buckets: Vec<Vec<u32>>,
    cell: f64,
    cols: usize,
    rows: usize,
    left: f64,
    top: f64,
}

impl Placed {
    fn new(picture: &Picture, cell: f64) -> Self {
        let cols = (picture.width / cell).ceil().max(1.0) as usize;
        let rows = (picture.height / cell).ceil().max(1.0) as usize;
        Placed {
            points: Vec::new(),
            owner: Vec::new(),
            buckets: vec![Vec::new(); cols * rows],
            cell,
            cols,
            rows,
            left: picture.left,
            top: picture.top,
        }
    }

    fn bucket(&self, p: [f64; 2]) -> (usize, usize) {
        let c = (((p[0] - self.left) / self.cell).floor().max(0.0) as usize).min(self.cols - 1);
        let r = (((p[1] - self.top) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        (c, r)
    }

    fn add(&mut self, p: [f64; 2], line: u32, s: f64) {
        let (c, r) = self.bucket(p);
        self.buckets[r * self.cols + c].push(self.points.len() as u32);
        self.points.push(p);
        self.owner.push((line, s));
    }

    /// Takes back the points from `from` on (a line too short to keep): they are the
    /// last in their buckets.
    fn truncate(&mut self, from: usize) {
        while self.points.len() > from {
            let p = self.points[self.points.len() - 1];
            let (c, r) = self.bucket(p);
            self.buckets[r * self.cols + c].pop();
            self.points.pop();
            self.owner.pop();
        }
    }

    /// Whether any point lies within `radius` of `p`, other than the points of `line`
    /// within `skip` of arc length `s` (the line's own neighbours).
    fn near(&self, p: [f64; 2], radius: f64, line: u32, s: f64, skip: f64) -> bool {
        let reach = (radius / self.cell).ceil() as isize;
        let (c, r) = self.bucket(p);
        let r2 = radius * radius;
        for dr in -reach..=reach {
            let rr = r as isize + dr;
            if rr < 0 || rr >= self.rows as isize {
                continue;
            }
            for dc in -reach..=reach {
                let cc = c as isize + dc;
                if cc < 0 || cc >= self.cols as isize {
                    continue;
                }
                for &k in &self.buckets[rr as usize * self.cols + cc as usize] {
                    let q = self.points[k as usize];
                    let d2 = (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2);
                    if d2 < r2 {
                        let (owner, at) = self.owner[k as usize];
                        if owner != line || (at - s).abs() > skip {
                            return true;
                        }
                    }
                }
            }
        }
        false
    }
}

impl FlowLines {
    /// Lines `separation_min / d` apart: ink per area in proportion to the darkness, as
    /// a pen shades (a linear blend of the two separations would crowd mid-tones toward
    /// the light end), within `separation_min ..= separation_max`.
    fn separation(&self, d: f32) -> f64 {
        let (lo, hi) = (
            self.separation_min,
            self.separation_max.max(self.separation_min),
        );
        (lo / (d.max(0.0) as f64).max(1e-9)).clamp(lo, hi)
    }

    /// The lines of one copy of the field, turned by `turn_deg`.
    fn trace_field(
        &self,
        picture: &Picture,
        dirs: &Directions,
        turn_deg: f64,
        stream: u64,
        cancelled: &dyn Fn() -> bool,
    ) -> Polylines {
        let turn = [turn_deg.to_radians().cos(), turn_deg.to_radians().sin()];
        let min_sep = self.separation_min;
        let max_sep = self.separation_max.max(min_sep);
        // No two points of different lines come closer than the separation of their
        // place, and never closer than the least separation.
        // A growing line stops a little nearer than seeds are set (as Jobard and Lefer
        // do), so lines run on where the field gathers them.
        let test = |d: f32| (0.6 * self.separation(d)).max(min_sep) * 0.999;
        let step = min_sep * 0.5;
        let cell = (2.0 * min_sep).max(picture.width.max(picture.height) / 1500.0);
        let mut placed = Placed::new(picture, cell);
        let cutoff = self.cutoff as f32;
        let mut out = Polylines::new();
        // Seeds across the image on a jittered grid, in random order.
        let mut rng = SeededRng::new(self.seed as u64, stream);
        let mut grid_seeds: Vec<[f64; 2]> = Vec::new();
        let (gx, gy) = (
            (picture.width / max_sep).ceil() as usize,
            (picture.height / max_sep).ceil() as usize,
        );
        for j in 0..gy {
            for i in 0..gx {
                grid_seeds.push([
                    picture.left + (i as f64 + rng.unit()) * max_sep,
                    picture.top + (j as f64 + rng.unit()) * max_sep,
                ]);
            }
        }
        for k in (1..grid_seeds.len()).rev() {
            let m = (rng.next_u64() % (k as u64 + 1)) as usize;
            grid_seeds.swap(k, m);
        }
        let mut queue: VecDeque<[f64; 2]> = VecDeque::new();
        let mut line_id = 0u32;
        let usable = |p: [f64; 2]| picture.contains(p[0], p[1]) && picture.at(p[0], p[1]) >= cutoff;
        let mut next_grid = 0;
        let mut tried = 0u32;
        loop {
            tried = tried.wrapping_add(1);
            if tried.is_multiple_of(1024) && cancelled() {
                break;
            }
            let seed = match queue.pop_front() {
                Some(s) => s,
                None if next_grid < grid_seeds.len() => {
                    next_grid += 1;
                    grid_seeds[next_grid - 1]
                }
                None => break,
            };
            if !usable(seed) {
                continue;
            }
            let d = picture.at(seed[0], seed[1]);
            if placed.near(
                seed,
                self.separation(d).max(min_sep) * 0.999,
                u32::MAX,
                0.0,
                0.0,
            ) {
                continue;
            }
            let first = placed.points.len();
            placed.add(seed, line_id, 0.0);
            let mut halves: [Vec<[f64; 2]>; 2] = [Vec::new(), Vec::new()];
            let mut length = 0.0;
            for (h, sign) in [(0usize, 1.0f64), (1, -1.0)] {
                let mut p = seed;
                let mut s = 0.0;
                while length < self.max_length {
                    let Some(a) = dirs.at(p, turn) else { break };
                    let mid = [
                        p[0] + sign * a[0] * step / 2.0,
                        p[1] + sign * a[1] * step / 2.0,
                    ];
                    let Some(b) = dirs.at(mid, turn) else { break };
                    let q = [p[0] + sign * b[0] * step, p[1] + sign * b[1] * step];
                    if !usable(q) {
                        break;
                    }
                    let radius = test(picture.at(q[0], q[1]));
                    s += sign * step;
                    if placed.near(q, radius, line_id, s, 2.0 * radius + step) {
                        break;
                    }
                    placed.add(q, line_id, s);
                    halves[h].push(q);
                    length += step;
                    p = q;
                }
            }
            if length < self.min_length {
                placed.truncate(first);
                continue;
            }
            let [forward, backward] = halves;
            let line: Vec<[f64; 2]> = backward
                .iter()
                .rev()
                .copied()
                .chain(std::iter::once(seed))
                .chain(forward)
                .collect();
            // Seeds beside the line, at the separation of each place.
            for w in line.windows(2).step_by(2) {
                let (a, b) = (w[0], w[1]);
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                let len = dx.hypot(dy).max(1e-12);
                let sep = self.separation(picture.at(a[0], a[1]));
                for side in [1.0, -1.0] {
                    queue.push_back([a[0] - side * dy / len * sep, a[1] + side * dx / len * sep]);
                }
            }
            out.push_line(line.into_iter().map(|p| picture.vertex(p)));
            line_id += 1;
        }
        out
    }
}

impl Evaluate for FlowLines {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let picture = source.sample(ctx, self.resolution)?;
        let fields = self.fields.clamp(1, 12) as usize;
        // At most the image's area over the least separation, in points half of it apart.
        let most_points = picture.width * picture.height / self.separation_min.powi(2) * 2.0;
        ctx.check_budget(
            most_points as u64 * fields as u64 / 4,
            (most_points / 8.0) as u64,
        )?;
        ctx.check_cancelled()?;
        let dirs = self.directions(&picture, ctx);
        ctx.check_cancelled()?;
        let parts = parallel::map_ranges(ctx.executor.as_ref(), fields, 1, |range| {
            let mut part = Polylines::new();
            for f in range {
                let turn = 180.0 * f as f64 / fields as f64;
                let cancelled = || ctx.check_cancelled().is_err();
                part.extend_from(&self.trace_field(&picture, &dirs, turn, f as u64, &cancelled));
            }
            part
        });
        ctx.check_cancelled()?;
        source.finish(parts, ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        self.source().fingerprint(ctx, h);
    }

    fn draft(&self) -> Option<Self> {
        Some(Self {
            resolution: self.resolution * 2.0,
            separation_min: self.separation_min * 1.5,
            separation_max: self.separation_max * 1.5,
            ..self.clone()
        })
    }
}
