//! `buffer`: grows or shrinks the closed regions of a layer by a distance (Shapely's
//! `buffer`), with round, mitre or bevel corners. Open lines grow into the outline of a
//! stroke of twice the distance. The offsetting and the union of the results are
//! i_overlay's (robust integer overlay: self-intersecting, zero-area and coincident
//! input gives a defined result); which regions are inside follows `fill`'s rules.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::core::overlay_rule::OverlayRule;
use i_overlay::float::single::SingleFloatOverlay;
use i_overlay::mesh::float::outline::offset::OutlineOffset;
use i_overlay::mesh::float::stroke::offset::StrokeOffset;
use i_overlay::mesh::float::style::{LineCap, LineJoin, OutlineStyle, StrokeStyle};

use crate::geometry::Polylines;

use crate::ops::kit::crossings;
use crate::ops::kit::fill_rule::FillRule;
use crate::ops::kit::planar::{Shapes, push_contours, regions, rings_and_paths};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Open paths stroked together in one overlay before the pairwise merges.
const STROKES_PER_OVERLAY: usize = 32;

crate::choice! {
    /// Corner style of `buffer`.
    pub enum BufferJoin { Round = "round", Mitre = "mitre", Bevel = "bevel" }
}

crate::op! {
    /// grows (distance > 0) or shrinks (< 0) the closed regions (ends within 0.001 mm closed) by a distance, as Shapely's buffer; open lines grow into stroke outlines; the result is their union as closed rings, on the XY plane
    #[op(effect, name = "buffer", version = 1)]
    pub struct Buffer {
        /// how far the outline moves out (negative: in)
        pub distance: f64 = 5.0 => ui(-25.0, 25.0).min(-1000.0).max(1000.0).unit("mm"),
        /// corners: round arcs, mitred points or bevelled cuts
        pub join: BufferJoin = BufferJoin::Round,
        /// which regions are inside: per_shape (each outer ring with the holes nested in it; overlapping shapes merge), even_odd (overlaps cancel), nonzero (rings wound the same way merge)
        pub rule: FillRule = FillRule::PerShape,
        /// segments per quarter circle of round corners and ends
        pub quad_segs: u32 = 12 => ui(1.0, 100.0).domain(1.0, 1000.0),
        /// also draw the input
        pub keep_original: bool = false,
    }
}

impl Buffer {
    /// The angle of one segment of a round corner or end: i_overlay's round step (arc
    /// length per segment over the radius).
    fn round_step(&self) -> f64 {
        std::f64::consts::FRAC_PI_2 / self.quad_segs.max(1) as f64
    }

    fn join(&self) -> LineJoin<f64> {
        match self.join {
            BufferJoin::Round => LineJoin::Round(self.round_step()),
            // Shapely's default mitre limit (5) is a corner of about 23 degrees.
            BufferJoin::Mitre => LineJoin::Miter(0.4),
            BufferJoin::Bevel => LineJoin::Bevel,
        }
    }
}

impl Evaluate for Buffer {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.distance == 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let d = self.distance;
        if !d.is_finite() {
            return Err(OpFailure::bad_input(
                "distance must be a finite number of mm",
            ));
        }
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let (rings, paths) = rings_and_paths(input);
        crossings::check_rings(&rings, ctx)?;
        let mut out = if self.keep_original {
            input.clone()
        } else {
            Polylines::new()
        };
        // Each region (and each open line) is grown on its own, then the results are
        // merged pairwise: one overlay of thousands of overlapping outlines (the even-odd
        // bands of repeated shapes) costs quadratic time and memory, a merge tree of small
        // ones does not.
        let mut parts: Vec<Shapes> = Vec::new();
        if !rings.is_empty() {
            // The regions as proper shapes (outer rings with their holes) first.
            let style = OutlineStyle::new(d).line_join(self.join());
            let regions = regions(&rings, self.rule);
            for region in regions {
                parts.push(region.outline(&style));
            }
        }
        if d > 0.0 && !paths.is_empty() {
            let cap = match self.join {
                BufferJoin::Round => LineCap::Round(self.round_step()),
                _ => LineCap::Square,
            };
            let style = StrokeStyle::new(2.0 * d)
                .line_join(self.join())
                .start_cap(cap.clone())
                .end_cap(cap);
            // A few dozen strokes go through one overlay (text: 10 strokes in one call
            // instead of 10 calls and 9 merges); more are grouped for the merge tree.
            for group in paths.chunks(STROKES_PER_OVERLAY) {
                parts.push(group.stroke(style.clone(), false));
            }
        }
        while parts.len() > 1 {
            let mut next = Vec::with_capacity(parts.len().div_ceil(2));
            let mut pairs = parts.into_iter();
            while let Some(a) = pairs.next() {
                next.push(match pairs.next() {
                    Some(b) => a.overlay(&b, OverlayRule::Union, Winding::NonZero),
                    None => a,
                });
            }
            parts = next;
        }
        push_contours(&mut out, &parts.pop().unwrap_or_default());
        Ok(out)
    }
}
