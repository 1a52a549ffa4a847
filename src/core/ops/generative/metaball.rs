//! `metaball`: the blobby union of the input's closed shapes. Each ring adds a field
//! that is 1 on its outline, grows inside it and falls to 0 at `radius` outside; the
//! contour of the sum at `threshold` joins shapes nearer than about 0.6 × radius.

use crate::geometry::Polylines;

use crate::ops::kit::distance::RingDistance;
use crate::ops::kit::field::{Grid, bounds_of, is_flat, passed_through, push_rings};
use crate::ops::kit::planar::{P, rings_and_paths};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// What `metaball` draws of the merged shapes.
    pub enum MetaballOutput { Both = "both", Exterior = "exterior" }
}

crate::op! {
    /// blobby union of the closed shapes of the input (ends within 0.001 mm closed; open lines are ignored): each shape's field is 1 on its outline and fades to 0 at radius outside it; shapes whose fields add up past threshold merge smoothly; traced on a grid of grid_pitch, on the XY plane
    #[op(effect, name = "metaball", version = 1)]
    pub struct Metaball {
        /// how far outside a shape its field reaches
        pub radius: f64 = 3.0 => ui(0.0, 50.0).min(0.0).max(1000.0).unit("mm"),
        /// the field value traced: 1 follows the shapes where they are alone, lower values swell them
        pub threshold: f64 = 1.0 => ui(0.05, 5.0).min(0.001).max(100.0),
        /// spacing of the grid the field is sampled on
        pub grid_pitch: f64 = 0.5 => ui(0.1, 10.0).min(0.01).max(100.0).unit("mm"),
        /// both: outlines and holes; exterior: outlines only
        pub output: MetaballOutput = MetaballOutput::Both,
        /// also draw the input
        pub keep_original: bool = false,
    }
}

/// One ring's contribution, with the box outside which it is 0.
struct Source {
    field: RingDistance,
    lo: P,
    hi: P,
}

impl Metaball {
    /// The field of a shape at signed distance `d` from its outline (negative inside).
    fn falloff(&self, d: f64) -> f64 {
        if self.radius <= 0.0 {
            return if d <= 0.0 { 1.0 } else { 0.0 };
        }
        let g = (1.0 - d / self.radius).max(0.0);
        g * g
    }
}

impl Evaluate for Metaball {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        self.draw(input, ctx)
    }

    /// The draft: a grid twice as coarse (a quarter of the work).
    fn draft(&self) -> Option<Self> {
        Some(Self {
            grid_pitch: self.grid_pitch * 2.0,
            ..self.clone()
        })
    }
}

impl Metaball {
    /// Draws the metaballs of `input`.
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
        let reach = self.radius + 2.0 * self.grid_pitch;
        let mut grid = Grid::cover(
            [lo[0] - reach, lo[1] - reach],
            [hi[0] + reach, hi[1] + reach],
            self.grid_pitch,
        )?;
        let sources: Vec<Source> = rings
            .iter()
            .map(|ring| {
                let (lo, hi) = bounds_of([ring]).expect("a ring has points");
                Source {
                    field: RingDistance::new(std::slice::from_ref(ring)),
                    lo: [lo[0] - self.radius, lo[1] - self.radius],
                    hi: [hi[0] + self.radius, hi[1] + self.radius],
                }
            })
            .collect();
        // Work: every grid point inside a source's box asks that source.
        let cells: f64 = sources
            .iter()
            .map(|s| {
                ((s.hi[0] - s.lo[0]) / self.grid_pitch + 1.0)
                    * ((s.hi[1] - s.lo[1]) / self.grid_pitch + 1.0)
            })
            .sum();
        let max = 4 * crate::ops::kit::field::MAX_GRID_POINTS;
        OpFailure::check_estimate(
            "distance samples (fewer or smaller shapes, or raise grid_pitch)",
            cells,
            max,
        )?;
        let boxes = rstar::RTree::bulk_load(
            sources
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    rstar::primitives::GeomWithData::new(
                        rstar::primitives::Rectangle::from_corners(s.lo, s.hi),
                        i,
                    )
                })
                .collect(),
        );
        grid.fill(ctx.executor.as_ref(), |p| {
            boxes
                .locate_all_at_point(p)
                .map(|b| {
                    let d = sources[b.data]
                        .field
                        .at(p)
                        .map_or(f64::INFINITY, |(d, _)| d);
                    self.falloff(d)
                })
                .sum()
        });
        // The field is most of the work: say so, and stop here if no longer wanted.
        ctx.report_progress(0.7);
        ctx.check_cancelled()?;
        let regions = grid.regions(self.threshold)?;
        let contours: Vec<&Vec<P>> = match self.output {
            MetaballOutput::Both => regions.iter().flatten().collect(),
            MetaballOutput::Exterior => regions.iter().filter_map(|r| r.first()).collect(),
        };
        let points: usize = contours.iter().map(|c| c.len()).sum();
        ctx.check_budget((out.point_count() + points) as u64, contours.len() as u64)?;
        push_rings(&mut out, contours);
        Ok(out)
    }
}
