//! Plot passes (vpype's vocabulary): `linemerge`, `linesort`, `reloop`, `multipass`,
//! `filter`, `splitall` and `reverse`. They change order, direction and joins, never the
//! strokes drawn (except `filter`, which drops whole polylines).

use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::geometry::{Polylines, Vec3, is_closed, line_length, reorder, sort_for_travel};

use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

type Endpoint = GeomWithData<[f64; 2], (u32, bool)>;

fn xy(p: Vec3) -> [f64; 2] {
    [p.x as f64, p.y as f64]
}

fn d2(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

crate::op! {
    /// joins polylines whose ends meet within `tolerance` into longer ones (turning them round when allowed), so the pen lifts less
    #[op(effect, name = "linemerge", version = 1)]
    pub struct Linemerge {
        /// ends closer than this are joined
        pub tolerance: f64 = 0.05 => ui(0.0, 1.0).min(0.0).unit("mm"),
        /// a polyline may be drawn backwards to join
        pub allow_reverse: bool = true,
    }
}

impl Evaluate for Linemerge {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let lines: Vec<&[Vec3]> = input.lines().filter(|l| !l.is_empty()).collect();
        let mut tree = RTree::bulk_load(
            lines
                .iter()
                .enumerate()
                .flat_map(|(i, l)| {
                    [
                        Endpoint::new(xy(l[0]), (i as u32, false)),
                        Endpoint::new(xy(l[l.len() - 1]), (i as u32, true)),
                    ]
                })
                .collect(),
        );
        let tol2 = self.tolerance * self.tolerance;
        let mut used = vec![false; lines.len()];
        let remove = |tree: &mut RTree<Endpoint>, i: usize| {
            let l = lines[i];
            tree.remove(&Endpoint::new(xy(l[0]), (i as u32, false)));
            tree.remove(&Endpoint::new(xy(l[l.len() - 1]), (i as u32, true)));
        };
        // The nearest unused end within the tolerance that may be joined at `at`:
        // `want_start` asks for a polyline that starts there (drawn forwards).
        let find = |tree: &RTree<Endpoint>, at: Vec3, want_start: bool| -> Option<(usize, bool)> {
            tree.nearest_neighbor_iter(xy(at))
                .take_while(|e| d2(*e.geom(), xy(at)) <= tol2)
                .map(|e| e.data)
                .find(|&(_, is_end)| self.allow_reverse || is_end != want_start)
                .map(|(j, is_end)| (j as usize, is_end == want_start))
        };
        let mut out = Polylines::with_capacity(input.point_count(), lines.len());
        for i in 0..lines.len() {
            if used[i] {
                continue;
            }
            used[i] = true;
            remove(&mut tree, i);
            let mut chain: Vec<Vec3> = lines[i].to_vec();
            // Forwards from the end, then backwards from the start.
            while let Some((j, reversed)) = find(&tree, chain[chain.len() - 1], true) {
                used[j] = true;
                remove(&mut tree, j);
                let l = lines[j];
                if reversed {
                    chain.extend(l.iter().rev().skip(1));
                } else {
                    chain.extend(l.iter().skip(1));
                }
            }
            while let Some((j, reversed)) = find(&tree, chain[0], false) {
                used[j] = true;
                remove(&mut tree, j);
                let l = lines[j];
                let mut front: Vec<Vec3> = if reversed {
                    l.iter().rev().copied().collect()
                } else {
                    l.to_vec()
                };
                front.pop();
                front.extend(chain);
                chain = front;
            }
            out.push_line(chain);
        }
        ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
        Ok(out)
    }
}

crate::op! {
    /// reorders polylines (and turns them round when allowed) to shorten pen-up travel: greedy nearest-next from the first polyline, then 2-opt and Or-opt improvement (which may change the first); never longer than the input order
    #[op(effect, name = "linesort", version = 1)]
    pub struct Linesort {
        /// a polyline may be drawn backwards
        pub allow_reverse: bool = true,
        /// run the 2-opt improvement after the greedy order
        pub improve: bool = true,
    }
}

impl Evaluate for Linesort {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let drawn: Polylines = Polylines::from_lines(
            input
                .lines()
                .filter(|l| !l.is_empty())
                .map(<[Vec3]>::to_vec),
        );
        let order = sort_for_travel(&drawn, self.allow_reverse, self.improve);
        let out = reorder(&drawn, &order);
        Ok(out)
    }
}

crate::op! {
    /// starts every closed polyline at its vertex nearest to where the previous polyline ended, so the pen travels less (the ring drawn is the same)
    #[op(effect, name = "reloop", version = 1)]
    pub struct Reloop {
        /// ends closer than this make a closed polyline
        pub tolerance: f64 = 0.05 => ui(0.0, 1.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Reloop {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        let mut pen: Option<Vec3> = None;
        for line in input.lines() {
            if line.is_empty() {
                continue;
            }
            let ring = line.len() >= 4 && is_closed(line, self.tolerance as f32);
            match (ring, pen) {
                (true, Some(at)) => {
                    let body = &line[..line.len() - 1];
                    let k = (0..body.len())
                        .min_by(|&a, &b| {
                            body[a]
                                .distance_squared(at)
                                .total_cmp(&body[b].distance_squared(at))
                        })
                        .unwrap_or(0);
                    out.push_line(
                        body[k..]
                            .iter()
                            .chain(&body[..k])
                            .chain(std::iter::once(&body[k]))
                            .copied(),
                    );
                }
                _ => out.push_line(line.iter().copied()),
            }
            pen = Some(out.line(out.line_count() - 1)[out.line(out.line_count() - 1).len() - 1]);
        }
        Ok(out)
    }
}

crate::op! {
    /// draws every polyline `count` times without lifting the pen: open lines go back and forth, closed ones round again
    #[op(effect, name = "multipass", version = 1)]
    pub struct Multipass {
        /// times each polyline is drawn
        pub count: u32 = 2 => ui(1.0, 10.0).domain(1.0, 1000.0),
    }
}

impl Evaluate for Multipass {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let n = self.count as u64;
        ctx.check_budget(n * input.point_count() as u64, input.line_count() as u64)?;
        let mut out =
            Polylines::with_capacity((n as usize) * input.point_count(), input.line_count());
        for line in input.lines() {
            if line.len() < 2 {
                out.push_line(line.iter().copied());
                continue;
            }
            let ring = line[0] == line[line.len() - 1];
            let mut path: Vec<Vec3> = line.to_vec();
            for pass in 1..n {
                if ring || pass % 2 == 0 {
                    path.extend(line.iter().skip(1));
                } else {
                    path.extend(line.iter().rev().skip(1));
                }
            }
            out.push_line(path);
        }
        Ok(out)
    }
}

crate::choice! {
    /// Which polylines `filter` keeps by shape.
    pub enum ClosedFilter { Any = "any", Closed = "closed", Open = "open" }
}

crate::op! {
    /// keeps only the polylines at least `min_length` long, at most `max_length` (negative: no limit), and closed or open as asked
    #[op(effect, name = "filter", version = 1)]
    pub struct FilterLines {
        /// shorter polylines are dropped
        pub min_length: f64 = 0.0 => ui(0.0, 50.0).min(0.0).unit("mm"),
        /// longer polylines are dropped (negative: no limit)
        pub max_length: f64 = -1.0 => ui(-1.0, 500.0).unit("mm"),
        /// keep any, only closed or only open polylines
        pub closed: ClosedFilter = ClosedFilter::Any,
        /// ends closer than this make a closed polyline
        pub tolerance: f64 = 0.05 => ui(0.0, 1.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for FilterLines {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for line in input.lines() {
            let len = line_length(line);
            let closed = line.len() >= 3 && is_closed(line, self.tolerance as f32);
            let shape = match self.closed {
                ClosedFilter::Any => true,
                ClosedFilter::Closed => closed,
                ClosedFilter::Open => !closed,
            };
            if shape && len >= self.min_length && (self.max_length < 0.0 || len <= self.max_length)
            {
                out.push_line(line.iter().copied());
            }
        }
        Ok(out)
    }
}

crate::op! {
    /// splits every polyline into its segments, each its own two-point polyline
    #[op(effect, name = "splitall", version = 1)]
    pub struct Splitall {}
}

impl Evaluate for Splitall {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let segments = input.segment_count() as u64;
        ctx.check_budget(segments * 2, segments)?;
        let mut out = Polylines::with_capacity(segments as usize * 2, segments as usize);
        for line in input.lines() {
            for w in line.windows(2) {
                out.push_line([w[0], w[1]]);
            }
        }
        Ok(out)
    }
}

crate::op! {
    /// reverses the order the polylines are drawn in; with `flip`, each one is drawn backwards too
    #[op(effect, name = "reverse", version = 1)]
    pub struct ReverseLines {
        /// also draw each polyline from its last point
        pub flip: bool = false,
    }
}

impl Evaluate for ReverseLines {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for i in (0..input.line_count()).rev() {
            let l = input.line(i);
            if self.flip {
                out.push_line(l.iter().rev().copied());
            } else {
                out.push_line(l.iter().copied());
            }
        }
        Ok(out)
    }
}
