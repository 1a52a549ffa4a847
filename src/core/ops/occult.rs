//! `occult`: hidden-line removal by drawing order within a layer, and under the layers
//! and shapes named by `by`. A closed polyline hides what was drawn before it, where it
//! covers it: the parts of earlier lines inside it are cut away exactly at its edge (as
//! the vpype-occult plugin does).
//!
//! Each segment meets only the hiding edges near it (a grid of edges), and whether a
//! part is hidden is tested only where the line crosses an edge: between crossings it
//! stays as it was.

use glam::DVec2;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use crate::geometry::{Polylines, Vec3, is_closed};

use super::op::{EvalContext, OpError};
use super::parallel;
use super::reference::Inputs;
use super::typed::Evaluate;

crate::op! {
    /// hides what lies under later closed shapes: walking the layer in drawing order, each closed polyline covers the parts of every earlier line inside it (cut exactly at its edge)
    #[op(effect, name = "occult", version = 2)]
    pub struct Occult {
        /// layers or shapes drawn above this one: their closed shapes hide this layer's lines too (vpype-occult across layers)
        pub by: Inputs = Inputs::none(),
        /// ends closer than this make a closed polyline (a shape that can hide)
        pub tolerance: f64 = 0.01 => ui(0.0, 1.0).min(0.0).unit("mm"),
    }
}

/// A closed shape that hides: its ring and bounds.
struct Shape {
    ring: Vec<DVec2>,
    lo: DVec2,
    hi: DVec2,
}

impl Shape {
    fn contains(&self, p: DVec2) -> bool {
        if p.x < self.lo.x || p.y < self.lo.y || p.x > self.hi.x || p.y > self.hi.y {
            return false;
        }
        let mut inside = false;
        for w in self.ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }
}

/// One edge of a hiding shape.
#[derive(Clone, Copy)]
struct Edge {
    a: DVec2,
    b: DVec2,
    /// Index of the polyline whose shape it bounds.
    owner: usize,
}

/// The hiding shapes' edges bucketed in a uniform grid, so that a segment meets only
/// the edges near it.
struct EdgeGrid {
    edges: Vec<Edge>,
    origin: DVec2,
    cell: f64,
    cols: usize,
    rows: usize,
    /// Edge indices per cell, rows first (CSR: `starts[c]..starts[c + 1]`).
    starts: Vec<u32>,
    items: Vec<u32>,
}

/// Most cells of an edge grid (bounds the memory of sparse, far-flung drawings).
const MAX_CELLS: usize = 1 << 22;

impl EdgeGrid {
    fn new(edges: Vec<Edge>) -> Self {
        let (mut lo, mut hi) = (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY));
        let mut total = 0.0;
        for e in &edges {
            lo = lo.min(e.a.min(e.b));
            hi = hi.max(e.a.max(e.b));
            total += e.a.distance(e.b);
        }
        if edges.is_empty() {
            lo = DVec2::ZERO;
            hi = DVec2::ONE;
        }
        let extent = (hi - lo).max(DVec2::splat(1e-9));
        // Cells about two edges long, and never more than MAX_CELLS of them.
        let mean = total / edges.len().max(1) as f64;
        let floor = (extent.x * extent.y / MAX_CELLS as f64).sqrt();
        let cell = (2.0 * mean).max(floor).max(1e-6);
        let cols = ((extent.x / cell) as usize + 1).min(1 << 12);
        let rows = ((extent.y / cell) as usize + 1).min(MAX_CELLS / cols);
        let mut grid = Self {
            edges,
            origin: lo,
            cell,
            cols,
            rows,
            starts: Vec::new(),
            items: Vec::new(),
        };
        let mut counts = vec![0u32; cols * rows + 1];
        for i in 0..grid.edges.len() {
            let e = grid.edges[i];
            grid.for_cells(e.a.min(e.b), e.a.max(e.b), |c| counts[c] += 1);
        }
        let mut starts = Vec::with_capacity(counts.len());
        let mut sum = 0u32;
        for c in &counts {
            starts.push(sum);
            sum += c;
        }
        let mut fill = starts.clone();
        let mut items = vec![0u32; sum as usize];
        for i in 0..grid.edges.len() {
            let e = grid.edges[i];
            grid.for_cells(e.a.min(e.b), e.a.max(e.b), |c| {
                items[fill[c] as usize] = i as u32;
                fill[c] += 1;
            });
        }
        grid.starts = starts;
        grid.items = items;
        grid
    }

    fn for_cells(&self, lo: DVec2, hi: DVec2, mut f: impl FnMut(usize)) {
        let to_cell =
            |v: f64, o: f64, n: usize| (((v - o) / self.cell).floor().max(0.0) as usize).min(n - 1);
        let (c0, c1) = (
            to_cell(lo.x, self.origin.x, self.cols),
            to_cell(hi.x, self.origin.x, self.cols),
        );
        let (r0, r1) = (
            to_cell(lo.y, self.origin.y, self.rows),
            to_cell(hi.y, self.origin.y, self.rows),
        );
        for r in r0..=r1 {
            for c in c0..=c1 {
                f(r * self.cols + c);
            }
        }
    }

    /// Parameters along a → b where it meets an edge of a shape drawn after polyline
    /// `k`; returns whether any crossing lies at or near the segment's ends or inside it.
    fn crossings(&self, a: DVec2, b: DVec2, k: usize, out: &mut Vec<f64>) -> bool {
        let d = b - a;
        let mut any = false;
        self.for_cells(a.min(b), a.max(b), |cell| {
            let (s, e) = (self.starts[cell] as usize, self.starts[cell + 1] as usize);
            for &i in &self.items[s..e] {
                let edge = self.edges[i as usize];
                if edge.owner <= k {
                    continue;
                }
                let f = edge.b - edge.a;
                let den = d.perp_dot(f);
                if den.abs() < 1e-15 {
                    continue;
                }
                let t = (edge.a - a).perp_dot(f) / den;
                let u = (edge.a - a).perp_dot(d) / den;
                // Slightly wider than the segment: a crossing at a shared vertex marks
                // both segments as changing (the exact cut is clamped below).
                const NEAR: f64 = 1e-9;
                if (-NEAR..=1.0 + NEAR).contains(&t) && (-NEAR..=1.0 + NEAR).contains(&u) {
                    any = true;
                    out.push(t.clamp(0.0, 1.0));
                }
            }
        });
        any
    }
}

impl Evaluate for Occult {
    fn eval(&self, own: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
        // What `by` names is drawn after the whole layer: appended, it hides every line
        // of the layer, and only the layer's own lines are written.
        let drawn = own.line_count();
        let joined;
        let input = if self.by.is_empty() {
            own
        } else {
            let mut all = own.clone();
            for g in self.by.geometries() {
                all.extend_from(g);
            }
            joined = all;
            &joined
        };
        let xy = |p: Vec3| DVec2::new(p.x as f64, p.y as f64);
        // The shape each polyline makes, if it is closed.
        let shapes: Vec<Option<Shape>> = input
            .lines()
            .map(|l| {
                (l.len() >= 4 && is_closed(l, self.tolerance as f32)).then(|| {
                    let ring: Vec<DVec2> = l.iter().map(|&p| xy(p)).collect();
                    let (lo, hi) = ring.iter().fold(
                        (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY)),
                        |(lo, hi), p| (lo.min(*p), hi.max(*p)),
                    );
                    Shape { ring, lo, hi }
                })
            })
            .collect();
        let edges: Vec<Edge> = shapes
            .iter()
            .enumerate()
            .filter_map(|(owner, s)| Some((owner, s.as_ref()?)))
            .flat_map(|(owner, s)| {
                s.ring.windows(2).map(move |w| Edge {
                    a: w[0],
                    b: w[1],
                    owner,
                })
            })
            .collect();
        let grid = EdgeGrid::new(edges);
        // The shapes' bounds in an R-tree, for the few tests of whether a point is hidden.
        type Boxed = GeomWithData<Rectangle<[f64; 2]>, usize>;
        let tree: RTree<Boxed> = RTree::bulk_load(
            shapes
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let s = s.as_ref()?;
                    Some(Boxed::new(
                        Rectangle::from_corners([s.lo.x, s.lo.y], [s.hi.x, s.hi.y]),
                        i,
                    ))
                })
                .collect(),
        );
        let hidden = |p: DVec2, k: usize| {
            tree.locate_in_envelope_intersecting(AABB::from_point([p.x, p.y]))
                .any(|b| b.data > k && shapes[b.data].as_ref().is_some_and(|s| s.contains(p)))
        };
        let lines: Vec<&[Vec3]> = input.lines().take(drawn).collect();
        let chunks = parallel::map_ranges(ctx.executor.as_ref(), lines.len(), 256, |range| {
            let mut out = Polylines::new();
            let mut cuts = Vec::new();
            let mut run: Vec<Vec3> = Vec::new();
            for k in range {
                let line = lines[k];
                if line.len() == 1 {
                    if !hidden(xy(line[0]), k) {
                        out.push_line([line[0]]);
                    }
                    continue;
                }
                // Whether the last span was hidden; `None` until it is known.
                let mut state: Option<bool> = None;
                for w in line.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    cuts.clear();
                    let crossed = grid.crossings(xy(a), xy(b), k, &mut cuts);
                    if !crossed && let Some(was_hidden) = state {
                        // No edge met: the whole segment is as the last span was.
                        if !was_hidden {
                            if run.last() != Some(&a) {
                                out.push_run(&mut run);
                                run.push(a);
                            }
                            run.push(b);
                        }
                        continue;
                    }
                    cuts.push(0.0);
                    cuts.push(1.0);
                    cuts.sort_by(f64::total_cmp);
                    for span in cuts.windows(2) {
                        let (t0, t1) = (span[0], span[1]);
                        if t1 - t0 < 1e-12 {
                            continue;
                        }
                        let mid = xy(a).lerp(xy(b), (t0 + t1) / 2.0);
                        let (p, q) = (a.lerp(b, t0 as f32), a.lerp(b, t1 as f32));
                        let is_hidden = hidden(mid, k);
                        state = Some(is_hidden);
                        if is_hidden {
                            out.push_run(&mut run);
                            continue;
                        }
                        if run.last() != Some(&p) {
                            out.push_run(&mut run);
                            run.push(p);
                        }
                        run.push(q);
                    }
                }
                out.push_run(&mut run);
            }
            out
        });
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for chunk in &chunks {
            out.extend_from(chunk);
        }
        ctx.budget
            .check("occult", out.point_count() as u64, out.line_count() as u64)?;
        Ok(out)
    }
}
