//! An up-front estimate of where the edges of many rings and paths cross: the work of a
//! polygon overlay (and the size of its result) grows with the crossings, which can be
//! quadratic in the input (thousands of overlapping shapes), so region ops count them
//! before they start and refuse what is over budget.

use rstar::primitives::{GeomWithData, Rectangle};
use std::sync::Mutex;

use rstar::{AABB, RTree};

use super::parallel;
use super::planar::P;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;

/// Segment pairs tested at most; past this the count is extrapolated from the share of
/// segments done (the estimate costs well under a second whatever the input).
const MAX_PAIR_TESTS: u64 = 20_000_000;

/// Crossings allowed per vertex of the op's budget: each crossing splits two edges (two
/// new vertices) and costs an overlay far more than a vertex.
const VERTICES_PER_CROSSING: u64 = 40;

/// Segments counted on one thread at least.
const SEGMENTS_PER_CHUNK: usize = 4096;

type Segment = GeomWithData<Rectangle<[f64; 2]>, (usize, usize)>;

/// Whether segments `ab` and `cd` cross or touch.
fn meet(a: P, b: P, c: P, d: P) -> bool {
    let orient = |p: P, q: P, r: P| (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
    let (d1, d2) = (orient(a, b, c), orient(a, b, d));
    let (d3, d4) = (orient(c, d, a), orient(c, d, b));
    (d1 * d2 <= 0.0) && (d3 * d4 <= 0.0) && !(d1 == 0.0 && d2 == 0.0 && d3 == 0.0 && d4 == 0.0)
}

/// About how many points the edges of `lines` (rings when `closed`) cross at; once past
/// `stop_at` the count stops (and is then a lower bound). Neighbouring edges of one line are not counted.
/// Chunks of segments are counted in parallel on `ex`.
pub(crate) fn estimate(lines: &[&[P]], closed: bool, stop_at: u64, ex: &dyn Executor) -> u64 {
    let segment = |line: &[P], k: usize| (line[k], line[(k + 1) % line.len()]);
    let count = |line: &[P]| match (closed, line.len()) {
        (_, 0 | 1) => 0,
        (true, n) => n,
        (false, n) => n - 1,
    };
    let segments: Vec<Segment> = lines
        .iter()
        .enumerate()
        .flat_map(|(l, line)| {
            (0..count(line)).map(move |k| {
                let (a, b) = segment(line, k);
                GeomWithData::new(Rectangle::from_corners(a, b), (l, k))
            })
        })
        .collect();
    let tree = RTree::bulk_load(segments.clone());
    let chunks = ex.threads().max(1) as u64;
    // Crossings found by all chunks so far: every chunk stops once they pass `stop_at`.
    let found = Mutex::new(0u64);
    let counted = parallel::map_ranges(ex, segments.len(), SEGMENTS_PER_CHUNK, |range| {
        let len = range.len() as u64;
        let (mut crossings, mut tests) = (0u64, 0u64);
        for (done, s) in segments[range].iter().enumerate() {
            let (l, k) = s.data;
            let (a, b) = segment(lines[l], k);
            let n = count(lines[l]);
            let before = crossings;
            for other in tree.locate_in_envelope_intersecting(AABB::from_corners(a, b)) {
                let (m, j) = other.data;
                // Each pair once, and not the edges that share a vertex along one line.
                if (m, j) <= (l, k) || (m == l && (j == k + 1 || (closed && k == 0 && j + 1 == n)))
                {
                    continue;
                }
                tests += 1;
                let (c, d) = segment(lines[m], j);
                if meet(a, b, c, d) {
                    crossings += 1;
                }
            }
            let total = {
                let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                *found += crossings - before;
                *found
            };
            if total > stop_at {
                return crossings;
            }
            if tests > MAX_PAIR_TESTS / chunks {
                // Many near misses: the share done so far stands for the rest of the chunk.
                return crossings * len / (done as u64 + 1);
            }
        }
        crossings
    });
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    counted.into_iter().sum::<u64>().max(found)
}

/// Refuses an overlay of `rings` whose edges cross at more points than the op's budget
/// allows (one per 40 vertices of its vertex budget: 500 000 by default, a few seconds of
/// overlay on two cores).
pub(crate) fn check_rings<'a>(
    rings: impl IntoIterator<Item = &'a Vec<P>>,
    ctx: &EvalContext,
) -> Result<(), OpFailure> {
    let rings: Vec<&[P]> = rings.into_iter().map(Vec::as_slice).collect();
    let max = ctx.budget.max_vertices / VERTICES_PER_CROSSING;
    let found = estimate(&rings, true, max, ctx.executor.as_ref());
    if found > max {
        return Err(OpFailure::bad_input(format!(
            "the edges of its regions cross at more than {max} points (counted {found} before stopping), over the budget of one overlay (it would take many seconds); use fewer or simpler overlapping shapes, or combine them in parts"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_crossings_of_a_grid_of_lines_and_of_overlapping_squares() {
        // 10 vertical and 10 horizontal lines cross at 100 points.
        let lines: Vec<Vec<P>> = (0..10)
            .flat_map(|i| {
                let x = i as f64 + 0.5;
                [vec![[x, 0.0], [x, 10.0]], vec![[0.0, x], [10.0, x]]]
            })
            .collect();
        let refs: Vec<&[P]> = lines.iter().map(Vec::as_slice).collect();
        let serial = &crate::ops::model::context::Serial;
        assert_eq!(estimate(&refs, false, u64::MAX, serial), 100);
        let early = estimate(&refs, false, 10, serial);
        assert!(
            early > 10 && early < 100,
            "stops soon past the limit: {early}"
        );
        // Two squares overlapping at a corner cross twice; a ring does not cross itself.
        let square = |x: f64, y: f64| vec![[x, y], [x + 2.0, y], [x + 2.0, y + 2.0], [x, y + 2.0]];
        let (a, b) = (square(0.0, 0.0), square(1.0, 1.0));
        assert_eq!(estimate(&[&a, &b], true, u64::MAX, serial), 2);
        assert_eq!(estimate(&[&a], true, u64::MAX, serial), 0);
    }
}
