//! Planning: the drawing clipped to the paper margin, in fragments, ordered for less
//! pen-up travel.

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::GcodeProfile;
use crate::core::drawing::DrawnLayer;
use crate::geometry::segment_in_rect;

pub(super) type Pt = [f64; 2];

/// A run of a polyline inside the safe rectangle.
pub(super) struct Fragment {
    pub(super) source: usize,
    pub(super) points: Vec<Pt>,
}

impl Fragment {
    fn start(&self) -> Pt {
        self.points[0]
    }
    fn end(&self) -> Pt {
        self.points[self.points.len() - 1]
    }
}

/// A fragment in plotting order, possibly reversed.
#[derive(Clone, Copy)]
pub(super) struct Step {
    pub(super) fragment: usize,
    pub(super) reversed: bool,
}

pub(super) fn dist(a: Pt, b: Pt) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Splits a layer's polylines into the runs that lie inside `rect` (x0, y0, x1, y1).
pub(super) fn clip_layer(layer: &DrawnLayer, rect: [f64; 4]) -> Vec<Fragment> {
    let mut out = Vec::new();
    for (source, line) in layer.geometry.lines().enumerate() {
        let mut current: Vec<Pt> = Vec::new();
        let mut flush = |current: &mut Vec<Pt>| {
            if current.len() >= 2 {
                out.push(Fragment {
                    source,
                    points: std::mem::take(current),
                });
            }
            current.clear();
        };
        for w in line.windows(2) {
            let (a, b) = (
                [w[0].x as f64, w[0].y as f64],
                [w[1].x as f64, w[1].y as f64],
            );
            let Some((t0, t1)) = segment_in_rect(a, b, [rect[0], rect[1]], [rect[2], rect[3]])
            else {
                flush(&mut current);
                continue;
            };
            let at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
            if t0 > 0.0 || current.is_empty() {
                flush(&mut current);
                current.push(at(t0));
            }
            let q = at(t1);
            if dist(q, *current.last().unwrap()) > 1e-9 {
                current.push(q);
            }
            if t1 < 1.0 {
                flush(&mut current);
            }
        }
        flush(&mut current);
    }
    out
}

/// Greedy nearest-next order of `fragments[range]`, the first one fixed.
fn order_within(
    fragments: &[Fragment],
    range: std::ops::Range<usize>,
    allow_reverse: bool,
    plan: &mut Vec<Step>,
) {
    let mut left: Vec<usize> = range.clone().skip(1).collect();
    plan.push(Step {
        fragment: range.start,
        reversed: false,
    });
    let mut pos = fragments[range.start].end();
    while !left.is_empty() {
        let mut best = (f64::INFINITY, 0, false);
        for (k, &f) in left.iter().enumerate() {
            let fr = &fragments[f];
            let d = dist(pos, fr.start());
            if d < best.0 {
                best = (d, k, false);
            }
            if allow_reverse {
                let d = dist(pos, fr.end());
                if d < best.0 {
                    best = (d, k, true);
                }
            }
        }
        let f = left.remove(best.1);
        pos = if best.2 {
            fragments[f].start()
        } else {
            fragments[f].end()
        };
        plan.push(Step {
            fragment: f,
            reversed: best.2,
        });
    }
}

/// Greedy nearest-next order of all fragments, on an R-tree of their endpoints.
fn order_across(fragments: &[Fragment], allow_reverse: bool) -> Vec<Step> {
    type Endpoint = GeomWithData<Pt, (u32, bool)>;
    let mut plan = Vec::with_capacity(fragments.len());
    if fragments.is_empty() {
        return plan;
    }
    let mut endpoints: Vec<Endpoint> = Vec::with_capacity(fragments.len() * 2);
    for (i, f) in fragments.iter().enumerate().skip(1) {
        endpoints.push(Endpoint::new(f.start(), (i as u32, false)));
        if allow_reverse {
            endpoints.push(Endpoint::new(f.end(), (i as u32, true)));
        }
    }
    let mut tree = RTree::bulk_load(endpoints);
    plan.push(Step {
        fragment: 0,
        reversed: false,
    });
    let mut pos = fragments[0].end();
    while let Some(nearest) = tree.nearest_neighbor(pos).cloned() {
        tree.remove(&nearest);
        let (i, reversed) = nearest.data;
        let f = &fragments[i as usize];
        if allow_reverse {
            let other = if reversed { f.start() } else { f.end() };
            tree.remove(&Endpoint::new(other, (i, !reversed)));
        }
        pos = if reversed { f.start() } else { f.end() };
        plan.push(Step {
            fragment: i as usize,
            reversed,
        });
    }
    plan
}

/// Plans the order of a layer's fragments.
pub(super) fn plan_layer(fragments: &[Fragment], profile: &GcodeProfile) -> Vec<Step> {
    if profile.sort_polylines {
        return order_across(fragments, profile.allow_reverse);
    }
    let mut plan = Vec::with_capacity(fragments.len());
    let mut start = 0;
    while start < fragments.len() {
        let source = fragments[start].source;
        let end = start
            + fragments[start..]
                .iter()
                .take_while(|f| f.source == source)
                .count();
        if profile.optimize_travel {
            order_within(fragments, start..end, profile.allow_reverse, &mut plan);
        } else {
            plan.extend((start..end).map(|fragment| Step {
                fragment,
                reversed: false,
            }));
        }
        start = end;
    }
    plan
}

/// Pen-up travel of a plan (bridged gaps are drawn, not travelled).
pub(super) fn travel(fragments: &[Fragment], plan: &[Step], bridge: f64) -> f64 {
    let mut total = 0.0;
    for w in plan.windows(2) {
        let (a, b) = (&fragments[w[0].fragment], &fragments[w[1].fragment]);
        let from = if w[0].reversed { a.start() } else { a.end() };
        let to = if w[1].reversed { b.end() } else { b.start() };
        let d = dist(from, to);
        if !(a.source == b.source && d < bridge) {
            total += d;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_clips_both_ends_of_a_crossing_segment() {
        let (min, max) = ([0.0, 0.0], [10.0, 10.0]);
        assert_eq!(
            segment_in_rect([-5.0, 5.0], [15.0, 5.0], min, max),
            Some((0.25, 0.75))
        );
        assert_eq!(segment_in_rect([-5.0, -5.0], [-1.0, 20.0], min, max), None);
        assert_eq!(
            segment_in_rect([1.0, 1.0], [2.0, 2.0], min, max),
            Some((0.0, 1.0))
        );
    }
}
