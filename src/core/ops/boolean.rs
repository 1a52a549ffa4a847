//! `boolean`: union, intersection, difference and xor of closed regions (Shapely's
//! `union`, `intersection`, `difference`, `symmetric_difference`): the layer's own
//! regions against those of other layers or shapes of the scene. i_overlay's overlay:
//! self-intersecting, zero-area and coincident rings give a defined result.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::simplify::SimplifyShape;
use i_overlay::float::single::SingleFloatOverlay;

use crate::geometry::Polylines;

use super::fill::FillRule;
use super::op::{EvalContext, OpError};
use super::planar::{P, Shapes, push_contours, regions, rings_and_paths};
use super::reference::Inputs;
use super::typed::{Choice, Evaluate};

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

/// The union of a side's regions as non-overlapping shapes.
fn merged(regions: Shapes) -> Shapes {
    // Each shape is an outer contour wound one way with holes the other: non-zero
    // winding over all of them is their union.
    let contours: Vec<Vec<P>> = regions.into_iter().flatten().collect();
    contours.simplify_shape(Winding::NonZero)
}

impl Evaluate for Boolean {
    fn eval(&self, input: &Polylines, _ctx: &EvalContext) -> Result<Polylines, OpError> {
        if self.with.is_empty() && self.op != BooleanOp::Union {
            return Err(OpError::new(
                "boolean",
                format!(
                    "{} needs a second input: set `with` to a layer or shape, e.g. boolean(op: {}, with: \"frame\")",
                    self.op.name(),
                    self.op.name()
                ),
            ));
        }
        let subject = merged(regions(&rings_and_paths(input).0, self.rule));
        let mut others: Vec<Vec<P>> = Vec::new();
        for geometry in self.with.geometries() {
            others.extend(rings_and_paths(geometry).0);
        }
        let clip = merged(regions(&others, self.rule));
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
