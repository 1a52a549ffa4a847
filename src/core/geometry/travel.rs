//! Pen-up travel: the order (and direction) polylines are drawn in. A greedy
//! nearest-next tour on an R-tree of the endpoints, then local search between nearby
//! endpoints: 2-opt (drawing a run of polylines backwards) and Or-opt (moving a short run
//! elsewhere, either way round), under a work bound rather than a clock so the result is
//! the same on every machine. Never longer than the input order.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::Polylines;
use super::nearest::k_nearest;

type Pt = [f64; 2];

/// Plain sqrt of squares: the sort's hot loop, where libm's `hypot` (careful about
/// overflow that millimetre coordinates never reach) took 40 % of `graft optimize`.
fn dist(a: Pt, b: Pt) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

/// One polyline in a drawing order: its index and whether it is drawn backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    /// Index of the polyline in the input.
    pub index: usize,
    /// Drawn from its last point to its first.
    pub reversed: bool,
}

/// Endpoints of the polylines, (start, end) in the plane.
fn ends(input: &Polylines) -> Vec<(Pt, Pt)> {
    input
        .lines()
        .map(|l| {
            let (a, b) = (l[0], l[l.len() - 1]);
            ([a.x as f64, a.y as f64], [b.x as f64, b.y as f64])
        })
        .collect()
}

/// Pen-up travel between consecutive polylines of `order` (not from or to home).
pub fn travel_of(input: &Polylines, order: &[Placed]) -> f64 {
    let e = ends(input);
    let at = |p: &Placed| {
        let (s, t) = e[p.index];
        if p.reversed { (t, s) } else { (s, t) }
    };
    order
        .windows(2)
        .map(|w| dist(at(&w[0]).1, at(&w[1]).0))
        .sum()
}

/// The input order.
pub fn input_order(input: &Polylines) -> Vec<Placed> {
    input_order_of(input.line_count())
}

/// `input`'s polylines in `order`, each turned round where it says so.
pub fn reorder(input: &Polylines, order: &[Placed]) -> Polylines {
    let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
    for p in order {
        let line = input.line(p.index);
        if p.reversed {
            out.push_line(line.iter().rev().copied());
        } else {
            out.push_line(line.iter().copied());
        }
    }
    out
}

/// Up to this many polylines, 2-opt tries every pair (as vpype's two-opt does).
const EXHAUSTIVE: usize = 2000;
/// Neighbours tried per endpoint by the improvement moves.
const NEIGHBOURS: usize = 8;
/// Improvement passes at most (each a 2-opt sweep and an Or-opt sweep).
const PASSES: usize = 12;
/// Or-opt moves runs of up to this many consecutive polylines.
const OR_OPT_RUN: usize = 3;
/// Polylines moved by the improvement moves, per polyline of the input: bounds the work
/// (deterministically, unlike a time limit) to about a second for 100 000 polylines.
const WORK_PER_POLYLINE: usize = 400;

/// A short drawing order of the (non-empty) polylines of `input`: greedy from the first
/// polyline, then (when `improve`) 2-opt and Or-opt moves, which may also change which
/// polyline comes first; direction flips only with `allow_reverse`. Never more travel
/// than the input order.
pub fn sort_for_travel(input: &Polylines, allow_reverse: bool, improve: bool) -> Vec<Placed> {
    let n = input.line_count();
    if n < 3 {
        return input_order(input);
    }
    let e = ends(input);
    let mut order = greedy(&e, allow_reverse);
    if improve && allow_reverse {
        order = improved(&e, &order);
    }
    if travel_of(input, &order) <= travel_of(input, &input_order(input)) {
        order
    } else {
        input_order(input)
    }
}

/// `order` after local search. The polylines are first renumbered in that order (each
/// drawn forwards), so moves between nearby polylines touch nearby memory.
fn improved(e: &[(Pt, Pt)], order: &[Placed]) -> Vec<Placed> {
    let local: Vec<(Pt, Pt)> = order
        .iter()
        .map(|p| {
            let (s, t) = e[p.index];
            if p.reversed { (t, s) } else { (s, t) }
        })
        .collect();
    let tour = Tour::new(&local, input_order_of(local.len()));
    tour.improve()
        .into_iter()
        .map(|p| Placed {
            index: order[p.index].index,
            reversed: p.reversed != order[p.index].reversed,
        })
        .collect()
}

fn input_order_of(n: usize) -> Vec<Placed> {
    (0..n)
        .map(|index| Placed {
            index,
            reversed: false,
        })
        .collect()
}

type Endpoint = GeomWithData<Pt, (u32, bool)>;

fn greedy(e: &[(Pt, Pt)], allow_reverse: bool) -> Vec<Placed> {
    let mut endpoints: Vec<Endpoint> = Vec::with_capacity(e.len() * 2);
    for (i, &(s, t)) in e.iter().enumerate().skip(1) {
        endpoints.push(Endpoint::new(s, (i as u32, false)));
        if allow_reverse {
            endpoints.push(Endpoint::new(t, (i as u32, true)));
        }
    }
    let mut tree = RTree::bulk_load(endpoints);
    let mut order = Vec::with_capacity(e.len());
    order.push(Placed {
        index: 0,
        reversed: false,
    });
    let mut pos = e[0].1;
    while let Some(nearest) = tree.nearest_neighbor(pos).cloned() {
        tree.remove(&nearest);
        let (i, reversed) = nearest.data;
        let (s, t) = e[i as usize];
        if allow_reverse {
            let other = if reversed { s } else { t };
            tree.remove(&Endpoint::new(other, (i, !reversed)));
        }
        pos = if reversed { s } else { t };
        order.push(Placed {
            index: i as usize,
            reversed,
        });
    }
    order
}

/// The endpoint number of a polyline's current first (or, with `last`, last) point,
/// drawn backwards or not: `2 * index` is its first point in the input, `+ 1` its last.
fn endpoint_id(index: usize, reversed: bool, last: bool) -> usize {
    2 * index + usize::from(last != reversed)
}

/// Whether endpoint `id` is currently the last point of its polyline.
fn is_current_end(id: u32, reversed: bool) -> bool {
    (id % 2 == 1) != reversed
}

/// Length of a pen-up move; none when either side is the free start or end of the tour.
fn link(a: Option<Pt>, b: Option<Pt>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) => dist(a, b),
        _ => 0.0,
    }
}

/// A drawing order being improved in place. Endpoints are numbered `2 * polyline` (its
/// first point) and `2 * polyline + 1` (its last).
struct Tour<'a> {
    e: &'a [(Pt, Pt)],
    order: Vec<Placed>,
    /// Where each polyline is in `order`.
    position: Vec<usize>,
    /// The `NEIGHBOURS` nearest endpoints of each endpoint (other polylines only).
    near: Vec<u32>,
    work: usize,
    budget: usize,
}

impl<'a> Tour<'a> {
    fn new(e: &'a [(Pt, Pt)], order: Vec<Placed>) -> Self {
        let n = order.len();
        let points: Vec<Pt> = e.iter().flat_map(|&(s, t)| [s, t]).collect();
        let near = k_nearest(&points, NEIGHBOURS, |q, c| q / 2 == c / 2);
        let mut position = vec![0usize; n];
        for (p, placed) in order.iter().enumerate() {
            position[placed.index] = p;
        }
        // Small drawings get the full search; large ones a bounded one.
        let budget = (WORK_PER_POLYLINE * n).max(if n <= EXHAUSTIVE { 50 * n * n } else { 0 });
        Tour {
            e,
            order,
            position,
            near,
            work: 0,
            budget,
        }
    }

    fn len(&self) -> usize {
        self.order.len()
    }

    /// Current first point of the polyline at `k`, if there is one.
    fn start(&self, k: usize) -> Option<Pt> {
        self.order.get(k).map(|p| {
            let (s, t) = self.e[p.index];
            if p.reversed { t } else { s }
        })
    }

    /// Current last point of the polyline at `k` (none before the first).
    fn end(&self, k: Option<usize>) -> Option<Pt> {
        k.and_then(|k| self.order.get(k)).map(|p| {
            let (s, t) = self.e[p.index];
            if p.reversed { s } else { t }
        })
    }

    fn start_id(&self, k: usize) -> usize {
        endpoint_id(self.order[k].index, self.order[k].reversed, false)
    }

    fn end_id(&self, k: usize) -> usize {
        endpoint_id(self.order[k].index, self.order[k].reversed, true)
    }

    /// Nearest endpoints of endpoint `id`, each as (its position in the order, whether
    /// it is currently the last point of its polyline).
    fn neighbours(&self, id: usize) -> impl Iterator<Item = (usize, bool)> + '_ {
        self.near[id * NEIGHBOURS..(id + 1) * NEIGHBOURS]
            .iter()
            .map(|&c| {
                let q = c as usize / 2;
                let pos = self.position[q];
                (pos, is_current_end(c, self.order[pos].reversed))
            })
    }

    fn before(k: usize) -> Option<usize> {
        k.checked_sub(1)
    }

    /// Travel saved by drawing `a..=b` backwards.
    fn reversal_gain(&self, a: usize, b: usize) -> f64 {
        let (pa, sa, eb, nb) = (
            self.end(Self::before(a)),
            self.start(a),
            self.end(Some(b)),
            self.start(b + 1),
        );
        link(pa, sa) + link(eb, nb) - link(pa, eb) - link(sa, nb)
    }

    fn reverse(&mut self, a: usize, b: usize) {
        self.work += b - a + 1;
        self.order[a..=b].reverse();
        for k in a..=b {
            self.order[k].reversed = !self.order[k].reversed;
            self.position[self.order[k].index] = k;
        }
    }

    /// One 2-opt sweep: for each position `a`, the best reversal `a..=b` among the
    /// candidates (every `b` when exhaustive, else those making a new pen-up move
    /// between nearest endpoints, within `span`).
    fn two_opt_sweep(&mut self, exhaustive: bool, span: usize) -> bool {
        let n = self.len();
        let mut improved = false;
        let mut candidates = Vec::with_capacity(2 * NEIGHBOURS);
        for a in 0..n {
            if self.work >= self.budget {
                break;
            }
            candidates.clear();
            if exhaustive {
                candidates.extend(a..n);
            } else {
                // New move end(a-1) -> end(b): b's end near a-1's end.
                if a > 0 {
                    candidates.extend(
                        self.neighbours(self.end_id(a - 1))
                            .filter(|&(b, is_end)| is_end && b >= a)
                            .map(|(b, _)| b),
                    );
                }
                // New move start(a) -> start(b+1): b+1's start near a's start.
                candidates.extend(
                    self.neighbours(self.start_id(a))
                        .filter(|&(c, is_end)| !is_end && c > a + 1)
                        .map(|(c, _)| c - 1),
                );
                candidates.retain(|&b| b - a <= span);
                // Turning the tail round joins nothing new: always a candidate.
                if n - 1 - a <= span && a > 0 {
                    candidates.push(n - 1);
                }
            }
            let best = candidates
                .iter()
                .map(|&b| (b, self.reversal_gain(a, b)))
                .fold((0, 1e-9), |best, c| if c.1 > best.1 { c } else { best });
            if best.1 > 1e-9 && self.work + best.0 - a < self.budget {
                self.reverse(a, best.0);
                improved = true;
            }
        }
        improved
    }

    /// One Or-opt sweep: each run of up to `OR_OPT_RUN` polylines is moved (either way
    /// round) next to one of the nearest endpoints of its ends, anywhere in the order,
    /// when that saves travel. Works on a linked list, so a move costs the same however
    /// far it goes.
    fn or_opt_sweep(&mut self) -> bool {
        let mut chain = Chain::new(self.e, &self.order);
        let mut improved = false;
        for k in 0..self.order.len() {
            let p = self.order[k].index as u32;
            for len in 1..=OR_OPT_RUN {
                if chain.try_move(p, len, &self.near) {
                    improved = true;
                    break;
                }
            }
        }
        if improved {
            self.order = chain.order();
            for (k, placed) in self.order.iter().enumerate() {
                self.position[placed.index] = k;
            }
        }
        improved
    }

    /// 2-opt and Or-opt sweeps until neither helps or the work budget is spent. Short
    /// moves come first (cheap, most of the gain), longer ones in later passes.
    fn improve(mut self) -> Vec<Placed> {
        let n = self.len();
        let exhaustive = n <= EXHAUSTIVE;
        let passes = if exhaustive { 200 } else { PASSES };
        for pass in 0..passes {
            let span = if exhaustive {
                n
            } else {
                64usize.saturating_mul(4usize.saturating_pow(pass as u32))
            };
            let improved = self.two_opt_sweep(exhaustive, span) | self.or_opt_sweep();
            if (!improved && span >= n) || self.work >= self.budget {
                break;
            }
        }
        self.order
    }
}

const NONE: u32 = u32::MAX;

/// A drawing order as a doubly linked list of polylines (for Or-opt).
struct Chain<'a> {
    e: &'a [(Pt, Pt)],
    next: Vec<u32>,
    prev: Vec<u32>,
    reversed: Vec<bool>,
    head: u32,
}

impl<'a> Chain<'a> {
    fn new(e: &'a [(Pt, Pt)], order: &[Placed]) -> Self {
        let n = e.len();
        let (mut next, mut prev) = (vec![NONE; n], vec![NONE; n]);
        let mut reversed = vec![false; n];
        for (k, placed) in order.iter().enumerate() {
            reversed[placed.index] = placed.reversed;
            if k > 0 {
                prev[placed.index] = order[k - 1].index as u32;
            }
            if let Some(after) = order.get(k + 1) {
                next[placed.index] = after.index as u32;
            }
        }
        Chain {
            e,
            next,
            prev,
            reversed,
            head: order[0].index as u32,
        }
    }

    fn order(&self) -> Vec<Placed> {
        let mut out = Vec::with_capacity(self.next.len());
        let mut at = self.head;
        while at != NONE {
            out.push(Placed {
                index: at as usize,
                reversed: self.reversed[at as usize],
            });
            at = self.next[at as usize];
        }
        out
    }

    fn start(&self, q: u32) -> Option<Pt> {
        (q != NONE).then(|| {
            let (s, t) = self.e[q as usize];
            if self.reversed[q as usize] { t } else { s }
        })
    }

    fn end(&self, q: u32) -> Option<Pt> {
        (q != NONE).then(|| {
            let (s, t) = self.e[q as usize];
            if self.reversed[q as usize] { s } else { t }
        })
    }

    /// The polyline after `q` (`NONE`: the first).
    fn after(&self, q: u32) -> u32 {
        if q == NONE {
            self.head
        } else {
            self.next[q as usize]
        }
    }

    /// Tries moving the run of `len` polylines from `p` to the best gap next to a nearest
    /// endpoint of its ends; true when it moved.
    fn try_move(&mut self, p: u32, len: usize, near: &[u32]) -> bool {
        let mut run = [NONE; OR_OPT_RUN];
        let mut b = p;
        for k in 0..len {
            if k > 0 {
                b = self.next[b as usize];
                if b == NONE {
                    return false;
                }
            }
            run[k] = b;
        }
        let (before, after) = (self.prev[p as usize], self.next[b as usize]);
        let (s, t) = (self.start(p).unwrap(), self.end(b).unwrap());
        let removal = link(self.end(before), Some(s)) + link(Some(t), self.start(after))
            - link(self.end(before), self.start(after));
        if removal <= 1e-9 {
            return false;
        }
        // The gap after `g` (`NONE`: before the first), turned round or not.
        let mut best: Option<(u32, bool, f64)> = None;
        let mut consider = |chain: &Self, g: u32, turned: bool| {
            if g == before || run[..len].contains(&g) {
                return; // where it is, or inside it
            }
            let (x, y) = if turned { (t, s) } else { (s, t) };
            let (pe, ns) = (chain.end(g), chain.start(chain.after(g)));
            let gain = removal - (link(pe, Some(x)) + link(Some(y), ns) - link(pe, ns));
            if gain > best.map_or(1e-9, |b| b.2) {
                best = Some((g, turned, gain));
            }
        };
        let id = |q: u32, last: bool| endpoint_id(q as usize, self.reversed[q as usize], last);
        for (id, from_start) in [(id(p, false), true), (id(b, true), false)] {
            for &c in &near[id * NEIGHBOURS..(id + 1) * NEIGHBOURS] {
                let q = c / 2;
                let is_end = is_current_end(c, self.reversed[q as usize]);
                // Next to q's end: after q; next to its start: before it.
                let g = if is_end { q } else { self.prev[q as usize] };
                // The run's start meets q's end (or its end q's start) forwards.
                consider(self, g, from_start != is_end);
            }
        }
        let Some((g, turned, _)) = best else {
            return false;
        };
        // Unlink the run, then link it in after g.
        if before == NONE {
            self.head = after;
        } else {
            self.next[before as usize] = after;
        }
        if after != NONE {
            self.prev[after as usize] = before;
        }
        let run = &mut run[..len];
        if turned {
            run.reverse();
            for &q in run.iter() {
                self.reversed[q as usize] = !self.reversed[q as usize];
            }
        }
        let follow = self.after(g);
        let mut last = g;
        for &q in run.iter() {
            self.prev[q as usize] = last;
            if last == NONE {
                self.head = q;
            } else {
                self.next[last as usize] = q;
            }
            last = q;
        }
        self.next[last as usize] = follow;
        if follow != NONE {
            self.prev[follow as usize] = last;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::Vec3;

    #[test]
    fn sorting_joins_a_shuffled_row_of_segments() {
        // Segments along x in a shuffled order, some backwards.
        let xs = [3.0f32, 0.0, 4.0, 1.0, 2.0];
        let p = Polylines::from_lines(xs.iter().enumerate().map(|(k, &x)| {
            let (a, b) = (
                Vec3::new(x * 2.0, 0.0, 0.0),
                Vec3::new(x * 2.0 + 1.0, 0.0, 0.0),
            );
            if k % 2 == 0 { vec![a, b] } else { vec![b, a] }
        }));
        let order = sort_for_travel(&p, true, true);
        assert!(travel_of(&p, &order) <= travel_of(&p, &input_order(&p)));
        // From the first (x = 6..7) the best tour walks the row without going back twice.
        assert!(travel_of(&p, &order) <= 13.0, "{}", travel_of(&p, &order));
    }
}
