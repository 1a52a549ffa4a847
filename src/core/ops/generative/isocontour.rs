//! `isocontour`: concentric contours of the signed distance to the input's closed
//! regions (even-odd), inside, outside or both: offset rings traced on a grid.

use crate::geometry::Polylines;

use crate::ops::kit::field::{Grid, bounds_of, in_mask, is_flat, passed_through, push_rings};
use crate::ops::kit::planar::rings_and_paths;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// Which side of the outline `isocontour` draws on.
    pub enum ContourSide { Inside = "inside", Outside = "outside", Both = "both" }
}

crate::op! {
    /// contours of the signed distance to the closed regions of the input (ends within 0.001 mm closed; even-odd; open lines are ignored) at phase + k × spacing, out to max_dist: concentric offset rings, traced on a grid of grid_pitch; the result lies on the XY plane
    #[op(effect, name = "isocontour", version = 1)]
    pub struct Isocontour {
        /// draw in the closed regions of these layers or shapes instead of the input's (the input is then kept, beneath)
        pub mask: Inputs = Inputs::none(),
        /// distance between neighbouring contours
        pub spacing: f64 = 2.0 => ui(0.2, 10.0).min(0.01).max(1000.0).unit("mm"),
        /// shifts every contour by this distance
        pub phase: f64 = 0.0 => ui(-10.0, 10.0).domain(-1000.0, 1000.0).unit("mm"),
        /// contours reach this far from the outline
        pub max_dist: f64 = 30.0 => ui(0.0, 200.0).domain(0.0, 10000.0).unit("mm"),
        /// inside the regions, outside them, or both
        pub mode: ContourSide = ContourSide::Inside,
        /// spacing of the grid the distance is sampled on (contours are exact to about a tenth of it)
        pub grid_pitch: f64 = 0.5 => ui(0.1, 5.0).min(0.01).max(100.0).unit("mm"),
        /// 1 spaces contours evenly; above 1 packs them near the outline, below 1 near max_dist
        pub gamma: f64 = 1.0 => ui(0.3, 3.0).domain(0.05, 20.0),
        /// keep every n-th contour
        pub level_step: u32 = 1 => ui(1.0, 20.0).domain(1.0, 1000.0),
        /// also draw the input
        pub keep_original: bool = false,
    }
}

impl Isocontour {
    /// The distances from the outline the contours lie at (positive), nearest first.
    fn distances(&self) -> Vec<f64> {
        let mut out = Vec::new();
        if !(self.spacing > 0.0) || self.max_dist <= 0.0 {
            return out;
        }
        // k from the first contour beyond the outline.
        let first = ((-self.phase) / self.spacing).floor() as i64;
        for k in first.. {
            let s = self.phase + k as f64 * self.spacing;
            if s > self.max_dist {
                break;
            }
            if s <= 1e-9 || (k - first) % self.level_step.max(1) as i64 != 0 {
                continue;
            }
            out.push(self.max_dist * (s / self.max_dist).powf(self.gamma));
            if out.len() > 1_000_000 {
                break;
            }
        }
        out
    }

    /// Draws in the closed regions of `input`.
    fn draw(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if !is_flat(input) {
            return Ok(passed_through(input));
        }
        let mut out = if self.keep_original {
            input.clone()
        } else {
            Polylines::new()
        };
        let rings = rings_and_paths(input).0;
        let Some((lo, hi)) = bounds_of(&rings) else {
            return Ok(out);
        };
        let distances = self.distances();
        let mut levels: Vec<f64> = Vec::new();
        if self.mode != ContourSide::Outside {
            levels.extend(distances.iter().map(|d| -d));
        }
        if self.mode != ContourSide::Inside {
            levels.extend(distances.iter().copied());
        }
        if levels.is_empty() {
            return Ok(out);
        }
        // Outside contours reach max_dist beyond the outline (and one pitch more, so the
        // farthest closes inside the grid).
        let margin = if self.mode == ContourSide::Inside {
            self.grid_pitch
        } else {
            self.max_dist + 2.0 * self.grid_pitch
        };
        let mut grid = Grid::cover(
            [lo[0] - margin, lo[1] - margin],
            [hi[0] + margin, hi[1] + margin],
            self.grid_pitch,
        )?;
        grid.check_levels(levels.len())?;
        grid.fill_signed_distance(&rings, ctx.executor.as_ref())?;
        // The field is most of the work: say so, and stop here if no longer wanted.
        ctx.report_progress(0.7);
        ctx.check_cancelled()?;
        let contours = grid.isolines(&levels, ctx.executor.as_ref())?;
        let points: usize = contours.iter().map(Vec::len).sum();
        ctx.check_budget((out.point_count() + points) as u64, contours.len() as u64)?;
        push_rings(&mut out, &contours);
        Ok(out)
    }
}

impl Evaluate for Isocontour {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        in_mask(input, &self.mask, |region| self.draw(region, ctx))
    }

    /// The draft: a grid twice as coarse (a quarter of the work).
    fn draft(&self) -> Option<Self> {
        Some(Self {
            grid_pitch: self.grid_pitch * 2.0,
            ..self.clone()
        })
    }
}
