//! Fill rules: which closed rings are inside, and rings grouped as shapes (outer ring
//! with its holes), shared by `fill` and the region ops.

use crate::geometry::Vec2;

crate::choice! {
    /// What counts as inside a set of closed rings (`fill`, `clip`, `boolean`, `buffer`).
    pub enum FillRule { EvenOdd = "even_odd", Nonzero = "nonzero", PerShape = "per_shape" }
}

/// One closed ring, in 2D.
pub(crate) type Ring = Vec<Vec2>;

/// Whether `p` lies inside `ring` (even-odd ray test).
pub(crate) fn contains(ring: &[Vec2], p: Vec2) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a.y > p.y) != (b.y > p.y) && p.x < a.x + (b.x - a.x) * (p.y - a.y) / (b.y - a.y) {
            inside = !inside;
        }
    }
    inside
}

/// Whether ring `inner` lies inside `outer`: every vertex off `outer`'s edges is inside
/// it, and there is one (shapes that touch, or share a corner, are not nested; shapes
/// that only overlap are not either).
fn ring_inside(inner: &[Vec2], outer: &[Vec2]) -> bool {
    let on_edge = |p: Vec2| {
        outer.windows(2).any(|w| {
            let (a, b) = (w[0], w[1]);
            let d = b - a;
            let t = ((p - a).dot(d) / d.length_squared().max(1e-12)).clamp(0.0, 1.0);
            (a + d * t).distance(p) < 1e-5
        })
    };
    let mut off = inner.iter().filter(|&&p| !on_edge(p)).peekable();
    off.peek().is_some() && off.all(|&p| contains(outer, p))
}

/// Rings grouped as shapes: each outer ring (inside an even number of others) with the
/// holes directly inside it.
pub(crate) fn shapes(rings: &[Ring]) -> Vec<Vec<Ring>> {
    use rstar::primitives::{GeomWithData, Rectangle};
    use rstar::{AABB, RTree};
    let bounds: Vec<([f32; 2], [f32; 2])> = rings
        .iter()
        .map(|r| {
            r.iter().fold(
                ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]),
                |(lo, hi), p| {
                    (
                        [lo[0].min(p.x), lo[1].min(p.y)],
                        [hi[0].max(p.x), hi[1].max(p.y)],
                    )
                },
            )
        })
        .collect();
    // Only a ring whose bounds hold another's can hold it: an R-tree of the bounds keeps
    // the nesting test near-linear on thousands of separate shapes.
    type Boxed = GeomWithData<Rectangle<[f32; 2]>, usize>;
    let tree: RTree<Boxed> = RTree::bulk_load(
        bounds
            .iter()
            .enumerate()
            .map(|(i, (lo, hi))| Boxed::new(Rectangle::from_corners(*lo, *hi), i))
            .collect(),
    );
    // Candidates `o` for "r inside o": bounds of o hold those of r (with a little slack
    // for rings that share an edge).
    let holders = |i: usize| {
        let (lo, hi) = bounds[i];
        let bounds = &bounds;
        let eps = 1e-4;
        tree.locate_in_envelope_intersecting(AABB::from_corners(lo, hi))
            .map(|b| b.data)
            .filter(move |&j| {
                let (olo, ohi) = bounds[j];
                j != i
                    && olo[0] <= lo[0] + eps
                    && olo[1] <= lo[1] + eps
                    && ohi[0] >= hi[0] - eps
                    && ohi[1] >= hi[1] - eps
            })
    };
    let depth: Vec<usize> = (0..rings.len())
        .map(|i| {
            holders(i)
                .filter(|&j| ring_inside(&rings[i], &rings[j]))
                .count()
        })
        .collect();
    // Group of each outer ring, by ring index.
    let mut group_of: Vec<Option<usize>> = vec![None; rings.len()];
    let mut groups: Vec<Vec<Ring>> = Vec::new();
    for (i, r) in rings.iter().enumerate() {
        if depth[i] % 2 == 0 {
            group_of[i] = Some(groups.len());
            groups.push(vec![r.clone()]);
        }
    }
    for (i, r) in rings.iter().enumerate() {
        if depth[i] % 2 == 1
            && let Some(o) = holders(i)
                .filter(|&o| depth[o] + 1 == depth[i] && ring_inside(r, &rings[o]))
                .min()
            && let Some(g) = group_of[o]
        {
            groups[g].push(r.clone());
        }
    }
    groups
}
