//! `boolean`: union, intersection, difference and xor of closed regions (Shapely's
//! `union`, `intersection`, `difference`, `symmetric_difference`): the layer's own
//! regions against those of other layers or shapes of the scene. i_overlay's overlay:
//! self-intersecting, zero-area and coincident rings give a defined result.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::simplify::SimplifyShape;
use i_overlay::float::single::SingleFloatOverlay;

use crate::geometry::Polylines;

use crate::ops::kit::crossings;
use crate::ops::kit::fill_rule::FillRule;
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, Shapes, push_contours, regions, rings_and_paths, rings_of};
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::{Choice, Evaluate};

crate::choice! {
    /// The set operation of `boolean`.
    pub enum BooleanOp {
        Union = "union",
        Intersection = "intersection",
        Difference = "difference",
        Xor = "xor",
    }
}

crate::op! {
    /// combines closed regions: the layer's own (ends within 0.001 mm closed; open lines are dropped) with those of other layers or shapes; union alone merges the layer's own regions; the result is closed rings on the XY plane
    #[op(effect, name = "boolean", version = 1)]
    pub struct Boolean {
        /// union, intersection (inside both), difference (the layer's regions minus the others'), xor (inside exactly one)
        pub op: BooleanOp = BooleanOp::Union,
        /// the layers or shapes to combine with (union may leave it empty)
        pub with: Inputs = Inputs::none(),
        /// which parts are inside, on both sides: per_shape (each outer ring with its holes; overlapping shapes merge), even_odd (overlaps cancel), nonzero
        pub rule: FillRule = FillRule::PerShape,
    }
}

/// Shapes merged in one overlay at most; more are split into strips merged in parallel.
const SHAPES_PER_OVERLAY: usize = 2048;

/// The union of a side's regions as non-overlapping shapes.
fn merged(mut regions: Shapes, ex: &dyn Executor) -> Shapes {
    // Each shape is an outer contour wound one way with holes the other: non-zero
    // winding over all of them is their union.
    let union = |shapes: &[Vec<Vec<P>>]| -> Shapes {
        let contours: Vec<&Vec<P>> = shapes.iter().flatten().collect();
        let contours: Vec<Vec<P>> = contours.into_iter().cloned().collect();
        contours.simplify_shape(Winding::NonZero)
    };
    if regions.len() <= SHAPES_PER_OVERLAY {
        return union(&regions);
    }
    // Strips of neighbouring shapes (sorted by their left edge) merge into few contours,
    // and the strips then merge cheaply.
    let left = |s: &Vec<Vec<P>>| s[0].iter().map(|p| p[0]).fold(f64::INFINITY, f64::min);
    regions.sort_by(|a, b| left(a).total_cmp(&left(b)));
    let strips: Vec<&[Vec<Vec<P>>]> = regions.chunks(SHAPES_PER_OVERLAY).collect();
    let parts = parallel::map_ranges(ex, strips.len(), 1, |range| {
        strips[range]
            .iter()
            .flat_map(|strip| union(strip))
            .collect::<Shapes>()
    });
    union(&parts.into_iter().flatten().collect::<Shapes>())
}

impl Evaluate for Boolean {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.with.is_empty() && self.op != BooleanOp::Union {
            return Err(OpFailure::bad_input(format!(
                "{} needs a second input: set `with` to a layer or shape, e.g. boolean(op: {}, with: \"frame\")",
                self.op.name(),
                self.op.name()
            )));
        }
        // Even-odd and non-zero regions come out of one overlay already disjoint; only
        // per-shape regions may overlap and need merging.
        let disjoint = |rings: &[Vec<P>]| {
            let shapes = regions(rings, self.rule);
            match self.rule {
                FillRule::PerShape => merged(shapes, ctx.executor.as_ref()),
                FillRule::EvenOdd | FillRule::Nonzero => shapes,
            }
        };
        let (own, others) = (rings_and_paths(input).0, rings_of(&self.with));
        crossings::check_rings(own.iter().chain(&others), ctx)?;
        let subject = disjoint(&own);
        let clip = disjoint(&others);
        let rule = match self.op {
            BooleanOp::Union => OverlayRule::Union,
            BooleanOp::Intersection => OverlayRule::Intersect,
            BooleanOp::Difference => OverlayRule::Difference,
            BooleanOp::Xor => OverlayRule::Xor,
        };
        let result: Shapes = if clip.is_empty() {
            match self.op {
                BooleanOp::Intersection => Vec::new(),
                _ => subject,
            }
        } else if subject.is_empty() {
            match self.op {
                BooleanOp::Union | BooleanOp::Xor => clip,
                _ => Vec::new(),
            }
        } else {
            subject.overlay(&clip, rule, Winding::NonZero)
        };
        let mut out = Polylines::new();
        push_contours(&mut out, &result);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(shapes: &Shapes) -> f64 {
        shapes
            .iter()
            .flatten()
            .map(|c| {
                (0..c.len())
                    .map(|i| {
                        let (a, b) = (c[i], c[(i + 1) % c.len()]);
                        a[0] * b[1] - b[0] * a[1]
                    })
                    .sum::<f64>()
                    / 2.0
            })
            .sum()
    }

    /// `n` overlapping squares scattered by a sine hash (deterministic, no RNG needed).
    fn scattered_squares(n: usize) -> Polylines {
        let mut out = Polylines::new();
        for i in 0..n {
            let h = |k: f64| {
                ((i as f64 * 12.9898 + k * 78.233).sin() * 43758.5453)
                    .fract()
                    .abs()
            };
            let (x, y, s) = (h(1.0) * 200.0, h(2.0) * 280.0, 2.0 + h(3.0) * 6.0);
            let corners = [(x, y), (x + s, y), (x + s, y + s), (x, y + s), (x, y)];
            out.push_line(
                corners.map(|(x, y)| crate::geometry::Vec3::new(x as f32, y as f32, 0.0)),
            );
        }
        out
    }

    #[test]
    fn strips_merge_to_the_union_of_one_overlay() {
        let squares = scattered_squares(6_000);
        let rg = regions(&rings_and_paths(&squares).0, FillRule::PerShape);
        let flat: Vec<Vec<P>> = rg.iter().flatten().cloned().collect();
        let one = flat.simplify_shape(Winding::NonZero);
        let strips = merged(rg, &crate::ops::model::context::Serial);
        assert_eq!(
            one.iter().flatten().count(),
            strips.iter().flatten().count()
        );
        assert!((area(&one) - area(&strips)).abs() < 1e-6 * area(&one));
    }
}
