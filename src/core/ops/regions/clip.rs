//! `clip`: keeps the parts of every line inside (or outside) the closed regions of
//! other geometry, a layer or a shape of the scene (`clip(mask: "frame")`). The cutting
//! is i_overlay's string clipping, exact at the mask's edges.

use i_overlay::core::fill_rule::FillRule as Winding;
use i_overlay::float::clip::FloatClip;
use i_overlay::string::clip::ClipRule;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::crossings;
use crate::ops::kit::fill_rule::FillRule;
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, planar, push_contours, regions, rings_of};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// Which side of the mask `clip` keeps.
    pub enum ClipMode { Inside = "inside", Outside = "outside" }
}

crate::op! {
    /// keeps the parts of every line inside (or outside) the closed regions of a mask: other layers or shapes of the scene; the cut is exact at the mask's edges; the result lies on the XY plane
    #[op(effect, name = "clip", version = 1)]
    pub struct Clip {
        /// the layers or shapes whose closed regions cut (ends within 0.001 mm closed)
        pub mask: Inputs = Inputs::none(),
        /// keep what lies inside the regions, or outside them
        pub mode: ClipMode = ClipMode::Inside,
        /// which parts of the mask are inside: per_shape (each outer ring with its holes; overlapping shapes merge), even_odd (overlaps cancel), nonzero
        pub rule: FillRule = FillRule::PerShape,
        /// also draw the mask's outline
        pub outline: bool = false,
    }
}

/// Consecutive ranges of `paths` holding at least `points` points each (the last may
/// hold fewer).
fn groups_of(paths: &[Vec<P>], points: usize) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let (mut start, mut held) = (0, 0);
    for (i, path) in paths.iter().enumerate() {
        held += path.len();
        if held >= points {
            groups.push(start..i + 1);
            (start, held) = (i + 1, 0);
        }
    }
    if start < paths.len() {
        groups.push(start..paths.len());
    }
    groups
}

impl Evaluate for Clip {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.mask.is_empty() {
            return Err(OpFailure::bad_input(
                "no mask: set `mask` to the name of a layer or shape, e.g. clip(mask: \"frame\")",
            ));
        }
        let rings = rings_of(&self.mask);
        crossings::check_rings(&rings, ctx)?;
        let mask = regions(&rings, self.rule);
        // Every line is clipped as an open path; a ring keeps its closing point.
        let paths: Vec<Vec<P>> = input
            .lines()
            .filter_map(|l| {
                let (mut pts, closed) = planar(l)?;
                if closed {
                    pts.push(pts[0]);
                }
                Some(pts)
            })
            .collect();
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        let keep_all = mask.is_empty() && self.mode == ClipMode::Outside;
        if keep_all {
            for p in &paths {
                out.push_line(p.iter().map(|q| Vec3::new(q[0] as f32, q[1] as f32, 0.0)));
            }
        } else if !mask.is_empty() && !paths.is_empty() {
            let rule = ClipRule {
                invert: self.mode == ClipMode::Outside,
                boundary_included: false,
            };
            // Paths are clipped in groups: one overlay of every path would also compute
            // every crossing between paths (a hatch's lines cross by the thousand), one
            // overlay per path would rebuild the mask each time. A group holds about as
            // many points as the mask, so the mask costs at most as much as the paths.
            let mask_points: usize = mask.iter().flatten().map(Vec::len).sum();
            let groups = groups_of(&paths, mask_points.max(256));
            let parts = parallel::map_ranges(ctx.executor.as_ref(), groups.len(), 1, |range| {
                let mut part = Polylines::new();
                for group in &groups[range] {
                    // The mask's shapes do not overlap each other's holes, so non-zero
                    // reads their union (overlapping per-shape regions merge).
                    for piece in (&paths[group.clone()]).clip_by(&mask, Winding::NonZero, rule) {
                        if piece.len() >= 2 {
                            part.push_line(
                                piece
                                    .iter()
                                    .map(|q| Vec3::new(q[0] as f32, q[1] as f32, 0.0)),
                            );
                        }
                    }
                }
                part
            });
            for part in &parts {
                out.extend_from(part);
            }
        }
        if self.outline {
            push_contours(&mut out, &mask);
        }
        Ok(out)
    }
}
