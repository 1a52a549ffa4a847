//! `halftone`: an image as dots on a rotated grid, each sized by the darkness about its
//! centre (area in proportion, as a printer's screen), drawn as circles or as spirals
//! that fill the dot.

use crate::geometry::{IdHasher, Polylines};

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::Picture;

crate::choice! {
    /// How a halftone dot is drawn.
    pub enum DotShape {
        /// one circle, its radius by tone
        Circle = "circle",
        /// a spiral from the centre out to that radius, filling the dot at `fill_pitch`
        Spiral = "spiral",
    }
}

super::source::picture_op! {
    /// an image as halftone dots on a grid turned by `angle`: each dot's area follows the darkness about it; circles, or spirals that fill the dot
    #[op(primitive, name = "halftone", version = 1)]
    pub struct Halftone {
        /// distance between dot centres
        pub cell: f64 = 2.0 => ui(0.3, 10.0).domain(0.05, 100.0).unit("mm"),
        /// angle of the grid (45°: the classic screen)
        pub angle: f64 = 45.0 => ui(-90.0, 90.0).unit("deg"),
        /// circle: one ring a dot; spiral: a filled dot
        pub shape: DotShape = DotShape::Circle,
        /// largest radius as a part of half the cell (1: full dots touch)
        pub scale: f64 = 1.0 => ui(0.1, 1.5).domain(0.0, 4.0),
        /// dots smaller than this radius are left out
        pub min_radius: f64 = 0.1 => ui(0.0, 2.0).domain(0.0, 100.0).unit("mm"),
        /// distance between the turns of a spiral dot
        pub fill_pitch: f64 = 0.35 => ui(0.1, 2.0).domain(0.02, 50.0).unit("mm"),
        /// sampling distance of the image on the paper
        pub resolution: f64 = 0.5 => ui(0.1, 2.0).domain(0.05, 50.0).unit("mm"),
    }
}

/// Distance between the points of a dot's outline.
const ARC_STEP: f64 = 0.15;

/// Appends a dot of radius `r` at `c`.
fn dot(
    shape: DotShape,
    c: [f64; 2],
    r: f64,
    fill_pitch: f64,
    picture: &Picture,
    out: &mut Polylines,
) {
    let segments = ((std::f64::consts::TAU * r / ARC_STEP).ceil() as usize).clamp(8, 96);
    match shape {
        DotShape::Circle => {
            out.push_line((0..=segments).map(|k| {
                let a = std::f64::consts::TAU * (k % segments) as f64 / segments as f64;
                picture.vertex([c[0] + r * a.cos(), c[1] + r * a.sin()])
            }));
        }
        DotShape::Spiral => {
            // An Archimedean spiral out to r, then once round at r.
            let turns = (r / fill_pitch).max(0.0);
            let spiral_points = ((turns * segments as f64).ceil() as usize).max(1);
            let spiral = (0..spiral_points).map(|k| {
                let f = k as f64 / spiral_points as f64;
                let (rad, a) = (r * f, std::f64::consts::TAU * turns * f);
                [c[0] + rad * a.cos(), c[1] + rad * a.sin()]
            });
            let end = std::f64::consts::TAU * turns;
            let rim = (0..=segments).map(|k| {
                let a = end + std::f64::consts::TAU * k as f64 / segments as f64;
                [c[0] + r * a.cos(), c[1] + r * a.sin()]
            });
            out.push_line(spiral.chain(rim).map(|p| picture.vertex(p)));
        }
    }
}

impl Evaluate for Halftone {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let picture = source.sample(ctx, self.resolution)?;
        ctx.check_cancelled()?;
        let cell = self.cell;
        let a = self.angle.to_radians();
        let (u, v) = ([a.cos(), a.sin()], [-a.sin(), a.cos()]);
        let centre = [
            picture.left + picture.width / 2.0,
            picture.top + picture.height / 2.0,
        ];
        let reach = (picture.width.hypot(picture.height) / 2.0 / cell).ceil() as i64;
        let rows = (2 * reach + 1) as usize;
        ctx.check_budget((rows * rows) as u64 * 9, (rows * rows) as u64)?;
        let half = cell / 2.0;
        let parts = parallel::map_ranges(ctx.executor.as_ref(), rows, 8, |range| {
            let mut part = Polylines::new();
            for row in range {
                let n = row as i64 - reach;
                for m in -reach..=reach {
                    let c = [
                        centre[0] + u[0] * m as f64 * cell + v[0] * n as f64 * cell,
                        centre[1] + u[1] * m as f64 * cell + v[1] * n as f64 * cell,
                    ];
                    if !picture.contains(c[0], c[1]) {
                        continue;
                    }
                    // The darkness over the cell: its centre and four points about it.
                    let q = cell / 4.0;
                    let d = (picture.at(c[0], c[1])
                        + picture.at(c[0] - q, c[1] - q)
                        + picture.at(c[0] + q, c[1] - q)
                        + picture.at(c[0] - q, c[1] + q)
                        + picture.at(c[0] + q, c[1] + q))
                        / 5.0;
                    let r = half * self.scale * (d.max(0.0) as f64).sqrt();
                    if r < self.min_radius.max(1e-3) {
                        continue;
                    }
                    dot(self.shape, c, r, self.fill_pitch, &picture, &mut part);
                }
            }
            part
        });
        source.finish(parts, ctx)
    }

    fn fingerprint(&self, ctx: &EvalContext, h: &mut IdHasher) {
        self.source().fingerprint(ctx, h);
    }

    fn draft(&self) -> Option<Self> {
        Some(Self {
            resolution: self.resolution * 2.0,
            ..self.clone()
        })
    }
}
