//! Pen-up travel: the order (and direction) polylines are drawn in. A greedy
//! nearest-next tour on an R-tree of the endpoints, then 2-opt moves between nearby
//! endpoints (reversing a run of polylines and each of them), a fixed number of passes so
//! the result is the same on every machine. Never longer than the input order.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::Polylines;

type Pt = [f64; 2];

fn dist(a: Pt, b: Pt) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
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
    (0..input.line_count())
        .map(|index| Placed {
            index,
            reversed: false,
        })
        .collect()
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
/// Neighbours tried per endpoint by the 2-opt passes.
const NEIGHBOURS: usize = 8;
/// 2-opt passes at most.
const PASSES: usize = 12;
/// Polylines moved by 2-opt reversals, per polyline of the input: bounds the work
/// (deterministically, unlike a time limit) to about a second for 100 000 polylines.
const WORK_PER_POLYLINE: usize = 300;

/// A short drawing order of the (non-empty) polylines of `input`: greedy, then 2-opt
/// when `improve`; direction flips only with `allow_reverse`. The first polyline stays
/// first. Never more travel than the input order.
pub fn sort_for_travel(input: &Polylines, allow_reverse: bool, improve: bool) -> Vec<Placed> {
    let n = input.line_count();
    if n < 3 {
        return input_order(input);
    }
    let e = ends(input);
    let mut order = greedy(&e, allow_reverse);
    if improve && allow_reverse {
        two_opt(&e, &mut order);
    }
    if travel_of(input, &order) <= travel_of(input, &input_order(input)) {
        order
    } else {
        input_order(input)
    }
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

/// 2-opt: for a position i and a polyline j later in the order whose current end lies
/// near the end of i, drawing i+1..=j backwards (each reversed) replaces the edges
/// (end i → start i+1) and (end j → start j+1) by (end i → end j) and
/// (start i+1 → start j+1). Applied when it shortens the tour.
fn two_opt(e: &[(Pt, Pt)], order: &mut [Placed]) {
    let n = order.len();
    let tree = RTree::bulk_load(
        e.iter()
            .enumerate()
            .flat_map(|(i, &(s, t))| {
                [
                    Endpoint::new(s, (i as u32, false)),
                    Endpoint::new(t, (i as u32, true)),
                ]
            })
            .collect(),
    );
    // Each polyline's end's nearest endpoints, found once (by endpoint: 2 per polyline).
    let near: Vec<Vec<(u32, bool)>> = e
        .iter()
        .flat_map(|&(s, t)| [s, t])
        .map(|p| {
            tree.nearest_neighbor_iter(p)
                .take(NEIGHBOURS)
                .map(|c| c.data)
                .collect()
        })
        .collect();
    let mut position = vec![0usize; e.len()];
    for (p, placed) in order.iter().enumerate() {
        position[placed.index] = p;
    }
    let start = |p: &Placed| {
        if p.reversed {
            e[p.index].1
        } else {
            e[p.index].0
        }
    };
    let end = |p: &Placed| {
        if p.reversed {
            e[p.index].0
        } else {
            e[p.index].1
        }
    };
    let mut work = 0usize;
    // Small drawings get the full search; large ones a bounded one.
    let budget = (WORK_PER_POLYLINE * n).max(if n <= EXHAUSTIVE { 50 * n * n } else { 0 });
    let passes = if n <= EXHAUSTIVE { 200 } else { PASSES };
    for pass in 0..passes {
        // Short reversals first (cheap, most of the gain), longer ones in later passes.
        let span = 64usize.saturating_mul(4usize.saturating_pow(pass as u32));
        let mut improved = false;
        for i in 0..n - 1 {
            let ei = end(&order[i]);
            let si1 = start(&order[i + 1]);
            let here = dist(ei, si1);
            if here == 0.0 {
                continue;
            }
            let here_end = 2 * order[i].index + usize::from(!order[i].reversed);
            // Small drawings try every later polyline; large ones the nearest ends.
            let exhaustive = n <= EXHAUSTIVE;
            let candidates: Vec<usize> = if exhaustive {
                (i + 1..n).collect()
            } else {
                near[here_end]
                    .iter()
                    // The candidate must be a later polyline's current end.
                    .filter(|&&(q, is_end_point)| {
                        order[position[q as usize]].reversed != is_end_point
                    })
                    .map(|&(q, _)| position[q as usize])
                    .collect()
            };
            for j in candidates {
                if j <= i || (!exhaustive && j - i > span) {
                    continue;
                }
                let ej = end(&order[j]);
                let (old_next, new_next) = if j + 1 < n {
                    let sj1 = start(&order[j + 1]);
                    (dist(ej, sj1), dist(si1, sj1))
                } else {
                    (0.0, 0.0)
                };
                let gain = here + old_next - dist(ei, ej) - new_next;
                if gain > 1e-9 && work + (j - i) <= budget {
                    work += j - i;
                    order[i + 1..=j].reverse();
                    for (k, placed) in order[i + 1..=j].iter_mut().enumerate() {
                        placed.reversed = !placed.reversed;
                        position[placed.index] = i + 1 + k;
                    }
                    improved = true;
                    break;
                }
            }
        }
        if !improved && span >= n {
            break;
        }
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
