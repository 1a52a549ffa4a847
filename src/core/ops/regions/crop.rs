//! `crop`: keeps the parts of lines inside (or outside) a rectangle, a circle or the
//! scene's paper, cut exactly where they cross its edge.

use glam::DVec2;

use crate::geometry::{IdHasher, Polylines, Vec3, segment_in_rect};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// The region of `crop`.
    pub enum CropShape { Rect = "rect", Circle = "circle", Paper = "paper" }
}

crate::choice! {
    /// Which side of the region `crop` keeps.
    pub enum CropKeep { Inside = "inside", Outside = "outside" }
}

crate::op! {
    /// keeps the parts of every line inside (or outside) a rectangle, a circle or the paper, less a margin, cut exactly at its edge; a line that leaves and comes back becomes several
    #[op(effect, name = "crop", version = 1)]
    pub struct Crop {
        /// rectangle, circle, or the scene's paper (its canvas)
        pub shape: CropShape = CropShape::Rect,
        /// keep what is inside or outside
        pub keep: CropKeep = CropKeep::Inside,
        /// centre of the region
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// width of the rectangle
        pub width: f64 = 190.0 => ui(0.0, 600.0).min(0.0).unit("mm"),
        /// height of the rectangle
        pub height: f64 = 277.0 => ui(0.0, 600.0).min(0.0).unit("mm"),
        /// radius of the circle
        pub radius: f64 = 80.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
        /// how far inside the region's edge the cut lies (every side of a rectangle or the paper)
        pub margin: f64 = 0.0 => ui(0.0, 50.0).min(0.0).unit("mm"),
    }
}

/// The region a crop cuts by, its margin taken off.
#[derive(Clone, Copy, Debug)]
enum Region {
    /// Centre and half sizes (a rectangle narrower than twice the margin is empty).
    Rect { c: DVec2, hw: f64, hh: f64 },
    /// Centre and radius.
    Circle { c: DVec2, r: f64 },
    /// Nothing is inside.
    Empty,
}

impl Crop {
    /// The region with the margin taken off; the paper needs the scene's page.
    fn region(&self, ctx: &EvalContext) -> Result<Region, OpFailure> {
        let center = DVec2::new(self.center.x as f64, self.center.y as f64);
        let m = self.margin;
        let rect = |c: DVec2, w: f64, h: f64| {
            let (hw, hh) = (w / 2.0 - m, h / 2.0 - m);
            if hw < 0.0 || hh < 0.0 {
                Region::Empty
            } else {
                Region::Rect { c, hw, hh }
            }
        };
        Ok(match self.shape {
            CropShape::Rect => rect(center, self.width, self.height),
            CropShape::Circle if self.radius - m < 0.0 => Region::Empty,
            CropShape::Circle => Region::Circle {
                c: center,
                r: self.radius - m,
            },
            CropShape::Paper => {
                let page = ctx.page.ok_or_else(|| {
                    OpFailure::bad_input("shape \"paper\" needs a scene's canvas; this recipe is evaluated on its own (use shape \"rect\")",
                    )
                })?;
                let c = DVec2::new(page.width / 2.0, page.height / 2.0);
                rect(c, page.width, page.height)
            }
        })
    }
}

impl Region {
    /// The part [t0, t1] of the segment a → b inside the region (None: all outside).
    fn inside(self, a: DVec2, b: DVec2) -> Option<(f64, f64)> {
        let d = b - a;
        match self {
            Region::Empty => None,
            Region::Rect { c, hw, hh } => segment_in_rect(
                a.to_array(),
                b.to_array(),
                [c.x - hw, c.y - hh],
                [c.x + hw, c.y + hh],
            ),
            Region::Circle { c, r } => {
                // |a + t d - c|² = r²
                let f = a - c;
                let (qa, qb, qc) = (
                    d.length_squared(),
                    2.0 * f.dot(d),
                    f.length_squared() - r * r,
                );
                if qa == 0.0 {
                    return (qc <= 0.0).then_some((0.0, 1.0));
                }
                let disc = qb * qb - 4.0 * qa * qc;
                if disc < 0.0 {
                    return None;
                }
                let s = disc.sqrt();
                let (t0, t1) = ((-qb - s) / (2.0 * qa), (-qb + s) / (2.0 * qa));
                let (t0, t1) = (t0.max(0.0), t1.min(1.0));
                (t0 <= t1).then_some((t0, t1))
            }
        }
    }
}

impl Evaluate for Crop {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let region = self.region(ctx)?;
        let out = parallel::map_lines(&*ctx.executor, input, |_, line, out| {
            let mut run: Vec<Vec3> = Vec::new();
            if line.len() == 1 {
                let p = DVec2::new(line[0].x as f64, line[0].y as f64);
                let inside = region.inside(p, p).is_some();
                if inside == (self.keep == CropKeep::Inside) {
                    out.push_line([line[0]]);
                }
                return;
            }
            for w in line.windows(2) {
                let (a, b) = (w[0], w[1]);
                let (a2, b2) = (
                    DVec2::new(a.x as f64, a.y as f64),
                    DVec2::new(b.x as f64, b.y as f64),
                );
                let at = |t: f64| a.lerp(b, t as f32);
                // The kept pieces of this segment, in order.
                let pieces: Vec<(f64, f64)> = match (self.keep, region.inside(a2, b2)) {
                    // A segment that only touches the region (at a corner, or a tangent)
                    // leaves no zero-length piece behind.
                    (CropKeep::Inside, Some(span)) if span.1 > span.0 => vec![span],
                    (CropKeep::Inside, _) => vec![],
                    (CropKeep::Outside, None) => vec![(0.0, 1.0)],
                    (CropKeep::Outside, Some((t0, t1))) => [(0.0, t0), (t1, 1.0)]
                        .into_iter()
                        .filter(|(s, e)| e > s)
                        .collect(),
                };
                for (t0, t1) in pieces {
                    let (p, q) = (at(t0), at(t1));
                    // A piece that starts where the run ends continues it.
                    if t0 > 0.0 || run.last() != Some(&p) {
                        out.push_run(&mut run);
                        run.push(p);
                    }
                    run.push(q);
                    if t1 < 1.0 {
                        out.push_run(&mut run);
                    }
                }
                if run.last() != Some(&b) {
                    out.push_run(&mut run);
                }
            }
            out.push_run(&mut run);
        });
        ctx.check_budget(out.point_count() as u64, out.line_count() as u64)?;
        Ok(out)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        // The paper's size enters the id: a new canvas crops anew.
        if self.shape == CropShape::Paper
            && let Some(page) = ctx.page
        {
            h.float(page.width).float(page.height);
        }
    }
}
