//! `occult`: hidden-line removal by drawing order within a layer, and under the layers
//! and shapes named by `by`. A closed polyline hides what was drawn before it, where it
//! covers it: the parts of earlier lines inside it are cut away exactly at its edge (as
//! the vpype-occult plugin does).
//!
//! Each segment meets only the hiding edges near it (a uniform grid of edges; a second
//! grid of shape bounds answers "which shapes contain this point"). A line being walked
//! knows what covers it: a set of shapes (crossing an edge away from its ends enters or
//! leaves that edge's shape), or one shape it lies inside, so that only that shape's
//! edges can change anything until the line leaves it, or nothing certain (after a
//! crossing at or near a vertex), when it looks up which shapes contain the point.

use glam::DVec2;

use crate::geometry::{Polylines, Vec3, is_closed};

use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

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
    /// The points as they came (f32), closed.
    ring: Vec<glam::Vec2>,
    lo: DVec2,
    hi: DVec2,
}

impl Shape {
    /// Whether `p` lies inside (even-odd, so self-crossing rings are defined too).
    fn contains(&self, p: DVec2) -> bool {
        if p.x < self.lo.x || p.y < self.lo.y || p.x > self.hi.x || p.y > self.hi.y {
            return false;
        }
        let mut inside = false;
        for w in self.ring.windows(2) {
            let (a, b) = (w[0].as_dvec2(), w[1].as_dvec2());
            if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y) {
                inside = !inside;
            }
        }
        inside
    }
}

/// What covers the current point of a line being walked.
#[derive(Clone, Copy)]
enum Under {
    /// Exactly the shapes in the walker's cover set (crossing an edge inside both the
    /// segment and the edge enters or leaves that edge's shape).
    Set,
    /// At least this shape (it hides the point; other shapes are not followed until the
    /// line crosses this one's outline).
    In(usize),
    /// Not known: tested afresh at the next piece (a crossing at or near a vertex, at a
    /// grazing angle, or out of the shape followed).
    Unknown,
}

/// Where a segment meets a hiding edge.
#[derive(Clone, Copy)]
struct Cut {
    /// Parameter along the segment (0..1).
    t: f64,
    /// The shape whose edge it is.
    owner: usize,
    /// The edge's index.
    edge: u32,
    /// A transversal crossing inside both the segment and the edge: the segment enters
    /// or leaves `owner` there. Otherwise (at a vertex, or nearly parallel) what covers
    /// the segment past it is tested anew.
    clean: bool,
}

/// One edge of a hiding shape.
#[derive(Clone, Copy)]
struct Edge {
    // f32 as the points came (exact), half the memory of f64: the edge lists are the
    // biggest arrays occult builds.
    a: glam::Vec2,
    b: glam::Vec2,
    /// Index of the polyline whose shape it bounds.
    owner: u32,
}

impl Edge {
    fn ends(&self) -> (DVec2, DVec2) {
        (self.a.as_dvec2(), self.b.as_dvec2())
    }
}

/// Boxes bucketed in a uniform grid: for each cell, the indices of the boxes that
/// overlap it, ascending.
struct Cells {
    origin: DVec2,
    cell: f64,
    cols: usize,
    rows: usize,
    /// Box indices per cell, rows first (CSR: `starts[c]..starts[c + 1]`).
    starts: Vec<u32>,
    items: Vec<u32>,
}

/// Columns c0..=c1 and rows r0..=r1 of a grid.
type CellSpan = [u16; 4];

/// Most cells of a grid (bounds the memory of sparse, far-flung drawings).
const MAX_CELLS: usize = 1 << 22;

impl Cells {
    /// A grid over `lo..hi` of cells about `size` wide (fewer when that would make more
    /// than [`MAX_CELLS`]) holding the `n` boxes `bounds(i)`.
    fn new(
        n: usize,
        (lo, hi): (DVec2, DVec2),
        size: f64,
        bounds: impl Fn(usize) -> (DVec2, DVec2) + Sync,
        ex: &dyn Executor,
    ) -> Self {
        let (lo, hi) = if n == 0 || !(lo.is_finite() && hi.is_finite()) {
            (DVec2::ZERO, DVec2::ONE)
        } else {
            (lo, hi)
        };
        let extent = (hi - lo).max(DVec2::splat(1e-9));
        let floor = (extent.x * extent.y / MAX_CELLS as f64).sqrt();
        let cell = size.max(floor).max(1e-6);
        let cols = ((extent.x / cell) as usize + 1).min(1 << 12);
        let rows = ((extent.y / cell) as usize + 1)
            .min(MAX_CELLS / cols)
            .min(1 << 16);
        let mut grid = Self {
            origin: lo,
            cell,
            cols,
            rows,
            starts: Vec::new(),
            items: Vec::new(),
        };
        // Each box's block of cells, found in parallel; the counting and filling below
        // then only walk integers.
        let spans: Vec<CellSpan> = parallel::map_ranges(ex, n, 1 << 14, |range| {
            range
                .map(|i| {
                    let (lo, hi) = bounds(i);
                    grid.span(lo, hi)
                })
                .collect::<Vec<_>>()
        })
        .concat();
        let mut counts = vec![0u32; cols * rows + 1];
        for span in &spans {
            grid.for_span(*span, |c| counts[c] += 1);
        }
        let mut starts = Vec::with_capacity(counts.len());
        let mut sum = 0u32;
        for c in &counts {
            starts.push(sum);
            sum += c;
        }
        let mut fill = starts.clone();
        let mut items = vec![0u32; sum as usize];
        for (i, span) in spans.iter().enumerate() {
            grid.for_span(*span, |c| {
                items[fill[c] as usize] = i as u32;
                fill[c] += 1;
            });
        }
        grid.starts = starts;
        grid.items = items;
        grid
    }

    /// The block of cells that the box `lo..hi` overlaps.
    fn span(&self, lo: DVec2, hi: DVec2) -> CellSpan {
        // Truncation is floor for the non-negative values left after `max` (and cheaper:
        // the baseline x86-64 target has no floor instruction).
        let to_cell =
            |v: f64, o: f64, n: usize| (((v - o) / self.cell).max(0.0) as usize).min(n - 1) as u16;
        [
            to_cell(lo.x, self.origin.x, self.cols),
            to_cell(hi.x, self.origin.x, self.cols),
            to_cell(lo.y, self.origin.y, self.rows),
            to_cell(hi.y, self.origin.y, self.rows),
        ]
    }

    fn for_span(&self, [c0, c1, r0, r1]: CellSpan, mut f: impl FnMut(usize)) {
        for r in r0 as usize..=r1 as usize {
            for c in c0 as usize..=c1 as usize {
                f(r * self.cols + c);
            }
        }
    }

    /// The boxes of each cell that the box `lo..hi` overlaps (a box may come in several).
    fn for_cells(&self, lo: DVec2, hi: DVec2, mut f: impl FnMut(&[u32])) {
        self.for_span(self.span(lo, hi), |c| {
            f(&self.items[self.starts[c] as usize..self.starts[c + 1] as usize])
        })
    }
}

/// The hiding shapes' edges in a grid, so that a segment meets only the edges near it.
struct EdgeGrid {
    edges: Vec<Edge>,
    cells: Cells,
}

impl EdgeGrid {
    fn new(edges: Vec<Edge>, ex: &dyn Executor) -> Self {
        let extents = parallel::map_ranges(ex, edges.len(), 1 << 14, |range| {
            let (mut lo, mut hi) = (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY));
            let mut total = 0.0;
            for e in &edges[range] {
                let (a, b) = e.ends();
                lo = lo.min(a.min(b));
                hi = hi.max(a.max(b));
                total += a.distance(b);
            }
            (lo, hi, total)
        });
        let (lo, hi, total) = extents.into_iter().fold(
            (
                DVec2::splat(f64::INFINITY),
                DVec2::splat(f64::NEG_INFINITY),
                0.0,
            ),
            |(lo, hi, t), (l, h, u)| (lo.min(l), hi.max(h), t + u),
        );
        // Cells about two edges long.
        let mean = total / edges.len().max(1) as f64;
        let bounds = |i: usize| {
            let (a, b) = edges[i].ends();
            (a.min(b), a.max(b))
        };
        let cells = Cells::new(edges.len(), (lo, hi), 2.0 * mean, bounds, ex);
        Self { edges, cells }
    }

    fn for_cells(&self, lo: DVec2, hi: DVec2, f: impl FnMut(&[u32])) {
        self.cells.for_cells(lo, hi, f)
    }

    /// Whether a → b comes near an edge of shape `j`: crosses or touches one (with a
    /// margin), or runs nearly parallel close to one. False means the segment lies
    /// wholly on one side of `j`'s outline.
    fn touches_shape(&self, a: DVec2, b: DVec2, j: usize) -> bool {
        let d = b - a;
        let (lo, hi) = (a.min(b), a.max(b));
        let mut hit = false;
        self.for_cells(lo, hi, |items| {
            if hit {
                return;
            }
            // By ascending owner: `j`'s edges come after the later shapes' ones.
            for &i in items.iter().rev() {
                let edge = self.edges[i as usize];
                let owner = edge.owner as usize;
                if owner < j {
                    break;
                }
                if owner > j {
                    continue;
                }
                let (ea, eb) = edge.ends();
                let f = eb - ea;
                let den = d.perp_dot(f);
                const MARGIN: f64 = 1e-6;
                if den * den <= 1e-18 * d.length_squared() * f.length_squared() {
                    // Nearly parallel: near when the boxes meet.
                    let (elo, ehi) = (ea.min(eb), ea.max(eb));
                    if elo.cmple(hi + MARGIN).all() && ehi.cmpge(lo - MARGIN).all() {
                        hit = true;
                        return;
                    }
                    continue;
                }
                let t = (ea - a).perp_dot(f) / den;
                let u = (ea - a).perp_dot(d) / den;
                if (-MARGIN..=1.0 + MARGIN).contains(&t) && (-MARGIN..=1.0 + MARGIN).contains(&u) {
                    hit = true;
                    return;
                }
            }
        });
        hit
    }

    /// Where a → b meets edges of shapes drawn after polyline `k`, by ascending `t`
    /// (an edge listed in several of the segment's cells is met once).
    fn crossings(&self, a: DVec2, b: DVec2, k: usize, out: &mut Vec<Cut>) {
        let d = b - a;
        let d_len = d.length();
        self.for_cells(a.min(b), a.max(b), |items| {
            // A cell lists its edges by ascending owner: the ones that can hide polyline
            // `k` come last.
            for &i in items.iter().rev() {
                let edge = self.edges[i as usize];
                if edge.owner as usize <= k {
                    break;
                }
                let (ea, eb) = edge.ends();
                let f = eb - ea;
                let den = d.perp_dot(f);
                if den.abs() < 1e-15 {
                    continue;
                }
                let t = (ea - a).perp_dot(f) / den;
                let u = (ea - a).perp_dot(d) / den;
                // Slightly wider than the segment: a crossing at a shared vertex is seen
                // by both segments (the exact cut is clamped).
                const NEAR: f64 = 1e-9;
                if (-NEAR..=1.0 + NEAR).contains(&t) && (-NEAR..=1.0 + NEAR).contains(&u) {
                    // Within a micrometre of either end, or at a grazing angle, which
                    // side is which is not trusted.
                    const END: f64 = 1e-6;
                    let f_len = f.length();
                    let clean = den.abs() >= 1e-9 * d_len * f_len
                        && t * d_len > END
                        && (1.0 - t) * d_len > END
                        && u * f_len > END
                        && (1.0 - u) * f_len > END;
                    out.push(Cut {
                        t: t.clamp(0.0, 1.0),
                        owner: edge.owner as usize,
                        edge: i,
                        clean,
                    });
                }
            }
        });
        out.sort_by(|x, y| x.t.total_cmp(&y.t).then(x.edge.cmp(&y.edge)));
        out.dedup_by_key(|c| c.edge);
    }
}

impl Evaluate for Occult {
    fn eval(&self, own: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
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
        let ex = ctx.executor.as_ref();
        let all: Vec<&[Vec3]> = input.lines().collect();
        let shapes: Vec<Option<Shape>> = parallel::map_ranges(ex, all.len(), 1024, |range| {
            all[range]
                .iter()
                .map(|l| {
                    (l.len() >= 4 && is_closed(l, self.tolerance as f32)).then(|| {
                        let mut ring: Vec<glam::Vec2> = l.iter().map(|p| p.truncate()).collect();
                        // Ends within the tolerance are joined, so that the edges and the
                        // inside test see the same closed ring.
                        if ring[0] != ring[ring.len() - 1] {
                            ring.push(ring[0]);
                        }
                        let (lo, hi) = ring.iter().fold(
                            (DVec2::splat(f64::INFINITY), DVec2::splat(f64::NEG_INFINITY)),
                            |(lo, hi), p| (lo.min(p.as_dvec2()), hi.max(p.as_dvec2())),
                        );
                        Shape { ring, lo, hi }
                    })
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let edges: Vec<Edge> = parallel::map_ranges(ex, shapes.len(), 1024, |range| {
            let start = range.start;
            shapes[range]
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((start + i, s.as_ref()?)))
                .flat_map(|(owner, s)| {
                    s.ring.windows(2).map(move |w| Edge {
                        a: w[0],
                        b: w[1],
                        owner: owner as u32,
                    })
                })
                .collect::<Vec<_>>()
        })
        .concat();
        let grid = EdgeGrid::new(edges, ex);
        // The shapes' bounds in a grid of cells about a shape wide, for the tests of
        // whether a point is hidden.
        let boxed: Vec<usize> = (0..shapes.len()).filter(|&i| shapes[i].is_some()).collect();
        let bounds = |i: usize| {
            let s = shapes[boxed[i]].as_ref().expect("boxed shapes exist");
            (s.lo, s.hi)
        };
        let (lo, hi, size) = boxed.iter().fold(
            (
                DVec2::splat(f64::INFINITY),
                DVec2::splat(f64::NEG_INFINITY),
                0.0,
            ),
            |(lo, hi, size), &i| {
                let s = shapes[i].as_ref().expect("boxed shapes exist");
                (
                    lo.min(s.lo),
                    hi.max(s.hi),
                    size + (s.hi - s.lo).max_element(),
                )
            },
        );
        let shape_cells = Cells::new(
            boxed.len(),
            (lo, hi),
            size / boxed.len().max(1) as f64,
            bounds,
            ex,
        );
        // A shape drawn after polyline `k` that contains `p`, if any.
        let covered_by = |p: DVec2, k: usize| {
            let mut found = None;
            shape_cells.for_cells(p, p, |items| {
                // Ascending: the shapes that can hide polyline `k` come last.
                found = items
                    .iter()
                    .rev()
                    .map(|&i| boxed[i as usize])
                    .take_while(|&j| j > k)
                    .find(|&j| shapes[j].as_ref().is_some_and(|s| s.contains(p)));
            });
            found
        };
        let lines: Vec<&[Vec3]> = input.lines().take(drawn).collect();
        let occlude = |range: std::ops::Range<usize>| {
            let mut out = Polylines::new();
            let mut cuts = Vec::new();
            let mut run: Vec<Vec3> = Vec::new();
            // The shapes over the current span, when `under` is `Under::Set`.
            let mut cover: Vec<usize> = Vec::new();
            for k in range {
                let line = lines[k];
                if line.len() == 1 {
                    if covered_by(xy(line[0]), k).is_none() {
                        out.push_line([line[0]]);
                    }
                    continue;
                }
                let mut under = Under::Unknown;
                for w in line.windows(2) {
                    let (a, b) = (w[0], w[1]);
                    if matches!(under, Under::Set) && !cover.is_empty() {
                        under = Under::In(cover.iter().copied().max().unwrap_or(0));
                    }
                    // Inside a shape, a segment that never comes near its outline lies in
                    // it whole, so is hidden, whatever other edges it crosses: only that
                    // shape's edges are tested (most lines of a crowded drawing lie deep
                    // under later shapes).
                    if let Under::In(j) = under
                        && !grid.touches_shape(xy(a), xy(b), j)
                    {
                        out.push_run(&mut run);
                        continue;
                    }
                    cuts.clear();
                    grid.crossings(xy(a), xy(b), k, &mut cuts);
                    let mut t0 = 0.0;
                    for i in 0..=cuts.len() {
                        let t1 = cuts.get(i).map_or(1.0, |c| c.t);
                        if t1 - t0 >= 1e-12 {
                            if let Under::Unknown = under {
                                // a + (b - a)·t, not lerp: a segment along an axis-parallel
                                // edge keeps its exact coordinate, so it is inside or
                                // outside as the edge's side says, not as rounding does.
                                let (p, q) = (xy(a), xy(b));
                                under = match covered_by(p + (q - p) * ((t0 + t1) / 2.0), k) {
                                    Some(j) => Under::In(j),
                                    None => {
                                        cover.clear();
                                        Under::Set
                                    }
                                };
                            }
                            if matches!(under, Under::Set) && cover.is_empty() {
                                let (p, q) = (a.lerp(b, t0 as f32), a.lerp(b, t1 as f32));
                                if run.last() != Some(&p) {
                                    out.push_run(&mut run);
                                    run.push(p);
                                }
                                run.push(q);
                            } else {
                                out.push_run(&mut run);
                            }
                        }
                        if let Some(cut) = cuts.get(i) {
                            match under {
                                Under::In(j) if cut.owner == j => under = Under::Unknown,
                                Under::Set if !cut.clean => under = Under::Unknown,
                                Under::Set => {
                                    if let Some(at) = cover.iter().position(|&j| j == cut.owner) {
                                        cover.swap_remove(at);
                                    } else {
                                        cover.push(cut.owner);
                                    }
                                }
                                _ => {}
                            }
                        }
                        t0 = t1;
                    }
                }
                out.push_run(&mut run);
            }
            out
        };
        // Early lines meet every later shape, late ones few: the lines are dealt out in
        // blocks, round robin, so that every worker gets early and late ones.
        const BLOCK: usize = 64;
        let blocks = lines.len().div_ceil(BLOCK);
        let workers = if blocks < 8 {
            1
        } else {
            ctx.executor.threads().clamp(1, blocks)
        };
        let dealt = parallel::map_ranges(ctx.executor.as_ref(), workers, 1, |ws| {
            ws.flat_map(|w| (w..blocks).step_by(workers))
                .map(|b| (b, occlude(b * BLOCK..((b + 1) * BLOCK).min(lines.len()))))
                .collect::<Vec<_>>()
        });
        let mut chunks: Vec<(usize, Polylines)> = dealt.into_iter().flatten().collect();
        chunks.sort_by_key(|c| c.0);
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for (_, chunk) in &chunks {
            out.extend_from(chunk);
        }
        ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sine hash in 0..1 (deterministic, no RNG needed).
    fn hash(i: usize, k: f64) -> f64 {
        ((i as f64 * 12.9898 + k * 78.233).sin() * 43758.5453)
            .fract()
            .abs()
    }

    /// Circles of 5..64 sides, squares on a 1 mm lattice (shared vertices and
    /// collinear edges) and open zigzags, interleaved.
    fn scene(n: usize) -> Polylines {
        let mut out = Polylines::new();
        for i in 0..n {
            let (x, y) = (hash(i, 1.0) * 60.0, hash(i, 2.0) * 60.0);
            match i % 3 {
                0 => {
                    let sides = 5 + (hash(i, 3.0) * 60.0) as usize;
                    let r = 2.0 + hash(i, 4.0) * 6.0;
                    out.push_line((0..=sides).map(|k| {
                        let a = std::f64::consts::TAU * (k % sides) as f64 / sides as f64;
                        Vec3::new((x + r * a.cos()) as f32, (y + r * a.sin()) as f32, 0.0)
                    }));
                }
                1 => {
                    let (x, y, s) = (x.round(), y.round(), 1.0 + (hash(i, 5.0) * 6.0).round());
                    let c = [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
                    out.push_line(c.map(|(x, y)| Vec3::new(x as f32, y as f32, 0.0)));
                }
                _ => {
                    let y = y.round();
                    out.push_line((0..12).map(|k| {
                        Vec3::new(
                            (x + k as f64 * 1.5) as f32,
                            (y + (k % 2) as f64) as f32,
                            0.0,
                        )
                    }));
                }
            }
        }
        out
    }

    /// Visible length by brute force: every segment cut at every later edge, each piece
    /// tested against every later shape.
    fn naive_visible_length(input: &Polylines) -> f64 {
        let xy = |p: Vec3| DVec2::new(p.x as f64, p.y as f64);
        let lines: Vec<Vec<DVec2>> = input
            .lines()
            .map(|l| l.iter().map(|&p| xy(p)).collect())
            .collect();
        let closed: Vec<bool> = input
            .lines()
            .map(|l| l.len() >= 4 && is_closed(l, 0.01))
            .collect();
        let inside = |ring: &[DVec2], p: DVec2| {
            let mut c = false;
            for w in ring.windows(2) {
                let (a, b) = (w[0], w[1]);
                if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y)
                {
                    c = !c;
                }
            }
            c
        };
        let mut total = 0.0;
        for (k, line) in lines.iter().enumerate() {
            for w in line.windows(2) {
                let (a, b) = (w[0], w[1]);
                let mut ts = vec![0.0, 1.0];
                for j in (k + 1..lines.len()).filter(|&j| closed[j]) {
                    for e in lines[j].windows(2) {
                        let (d, f) = (b - a, e[1] - e[0]);
                        let den = d.perp_dot(f);
                        if den.abs() < 1e-15 {
                            continue;
                        }
                        let t = (e[0] - a).perp_dot(f) / den;
                        let u = (e[0] - a).perp_dot(d) / den;
                        if (0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u) {
                            ts.push(t);
                        }
                    }
                }
                ts.sort_by(f64::total_cmp);
                for s in ts.windows(2) {
                    let mid = a + (b - a) * ((s[0] + s[1]) / 2.0);
                    let hidden = (k + 1..lines.len()).any(|j| closed[j] && inside(&lines[j], mid));
                    if !hidden {
                        total += (s[1] - s[0]) * a.distance(b);
                    }
                }
            }
        }
        total
    }

    #[test]
    fn carrying_what_covers_a_line_matches_testing_every_piece() {
        let input = scene(2000);
        let out = Occult::default()
            .eval(&input, &EvalContext::default())
            .unwrap();
        let length: f64 = out
            .lines()
            .flat_map(|l| l.windows(2))
            .map(|w| xy_len(w[0], w[1]))
            .sum();
        let expected = naive_visible_length(&input);
        assert!(
            (length - expected).abs() < 1e-7 * expected,
            "{length} vs {expected}"
        );
    }

    fn xy_len(a: Vec3, b: Vec3) -> f64 {
        (a.x as f64 - b.x as f64).hypot(a.y as f64 - b.y as f64)
    }
}
