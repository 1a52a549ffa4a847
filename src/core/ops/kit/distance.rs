//! The signed distance to closed rings (negative inside, even-odd), with its gradient:
//! the field `warp` bends lines by and the generative ops contour.

use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

use super::planar::P;

type Edge = GeomWithData<Line<P>, ()>;

/// The signed distance field of closed rings: negative inside (even-odd over all
/// rings), with the direction in which the distance grows.
pub(crate) struct RingDistance {
    edges: RTree<Edge>,
    right: f64,
}

impl RingDistance {
    /// The field of `rings` (closed, without the repeated point).
    pub(crate) fn new(rings: &[Vec<P>]) -> Self {
        let mut edges = Vec::new();
        let mut right = f64::NEG_INFINITY;
        for ring in rings {
            for (i, &a) in ring.iter().enumerate() {
                let b = ring[(i + 1) % ring.len()];
                right = right.max(a[0]);
                edges.push(Edge::new(Line::new(a, b), ()));
            }
        }
        Self {
            edges: RTree::bulk_load(edges),
            right,
        }
    }

    /// Signed distance at `p` and the unit gradient (zero on the edge itself).
    pub(crate) fn at(&self, p: P) -> Option<(f64, P)> {
        let edge = self.edges.nearest_neighbor(p)?.geom();
        let q = closest_on(edge.from, edge.to, p);
        let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
        let dist = dx.hypot(dy);
        let grad = if dist > 1e-12 {
            [dx / dist, dy / dist]
        } else {
            [0.0, 0.0]
        };
        Some(if self.inside(p) {
            (-dist, [-grad[0], -grad[1]])
        } else {
            (dist, grad)
        })
    }

    /// Even-odd parity of the crossings of a ray from `p` toward +x (half-open in y, so a
    /// vertex on the ray counts once).
    pub(crate) fn inside(&self, p: P) -> bool {
        if p[0] > self.right {
            return false;
        }
        let ray = rstar::AABB::from_corners(p, [self.right + 1.0, p[1]]);
        let mut inside = false;
        for e in self.edges.locate_in_envelope_intersecting(ray) {
            let (a, b) = (e.geom().from, e.geom().to);
            if (a[1] > p[1]) != (b[1] > p[1]) {
                let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
                if p[0] < x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// The point of segment `ab` nearest to `p`.
pub(crate) fn closest_on(a: P, b: P, p: P) -> P {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    if len2 <= 0.0 {
        return a;
    }
    let t = (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0);
    [a[0] + t * dx, a[1] + t * dy]
}
