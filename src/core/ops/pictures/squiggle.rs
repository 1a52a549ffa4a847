//! `squiggle`: an image as one wavy line per row (or one spiral), the wave's amplitude
//! and frequency rising with the darkness under it, as plotter "squiggle" and "spiral
//! betty" drawings do. The pen never lifts within a row, nor in the whole spiral, unless
//! `lift` asks it to on light areas.

use crate::geometry::{IdHasher, Polylines, Vec3};

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::Picture;

crate::choice! {
    /// The path a squiggle follows.
    pub enum SquigglePath {
        /// rows across the image, one line each, back and forth
        Rows = "rows",
        /// one spiral from the centre out to the image's shorter side
        Spiral = "spiral",
    }
}

super::source::picture_op! {
    /// an image as wavy lines (rows, or one spiral) whose amplitude and frequency rise with the darkness under them; one continuous line per row, or one for the spiral
    #[op(primitive, name = "squiggle", version = 1)]
    pub struct Squiggle {
        /// rows across the image, or one spiral
        pub path: SquigglePath = SquigglePath::Rows,
        /// distance between rows (or turns of the spiral)
        pub spacing: f64 = 1.5 => ui(0.3, 10.0).domain(0.05, 100.0).unit("mm"),
        /// the wave's half-height at full darkness
        pub amplitude: f64 = 0.7 => ui(0.0, 5.0).domain(0.0, 100.0).unit("mm"),
        /// waves per mm at full darkness
        pub frequency: f64 = 1.2 => ui(0.05, 4.0).domain(0.001, 20.0).unit("1/mm"),
        /// waves per mm on bare paper (where the line is straight)
        pub min_frequency: f64 = 0.1 => ui(0.0, 2.0).domain(0.0, 20.0).unit("1/mm"),
        /// the pen lifts where the darkness is below this (0: never; one pen of a colour separation then leaves the others' areas bare)
        pub lift: f64 = 0.0 => ui(0.0, 0.5).domain(0.0, 1.0),
        /// sampling distance of the image on the paper
        pub resolution: f64 = 0.4 => ui(0.1, 2.0).domain(0.05, 50.0).unit("mm"),
    }
}

/// Points per wave at the highest frequency.
const POINTS_PER_WAVE: f64 = 12.0;

impl Squiggle {
    /// Distance between consecutive points along the path.
    fn step(&self) -> f64 {
        (1.0 / (self.frequency.max(self.min_frequency).max(1e-3) * POINTS_PER_WAVE)).min(0.5)
    }

    /// The phase advance over `ds` mm at darkness `d`.
    fn advance(&self, d: f64, ds: f64) -> f64 {
        std::f64::consts::TAU
            * (self.min_frequency + (self.frequency - self.min_frequency) * d)
            * ds
    }

    fn row(&self, picture: &Picture, j: usize, out: &mut Polylines) {
        let y = picture.top + self.spacing * (j as f64 + 0.5);
        let step = self.step();
        let n = (picture.width / step).ceil().max(1.0) as usize;
        let ds = picture.width / n as f64;
        let backwards = j % 2 == 1;
        let mut phase = 0.0;
        let mut run = Vec::new();
        for k in 0..=n {
            let k = if backwards { n - k } else { k };
            let x = picture.left + k as f64 * ds;
            let d = picture.at(x, y).max(0.0) as f64;
            phase += self.advance(d, ds);
            self.draw_or_lift(
                d,
                picture.vertex([x, y + self.amplitude * d * phase.sin()]),
                &mut run,
                out,
            );
        }
        flush(&mut run, out);
    }

    /// Adds `point` to the pen-down `run`, or, where the pen lifts at darkness `d`, ends
    /// the run (kept when it is a line).
    fn draw_or_lift(&self, d: f64, point: Vec3, run: &mut Vec<Vec3>, out: &mut Polylines) {
        if self.lift <= 0.0 || d >= self.lift {
            run.push(point);
        } else {
            flush(run, out);
        }
    }

    fn spiral(&self, picture: &Picture, out: &mut Polylines) {
        let (cx, cy) = (
            picture.left + picture.width / 2.0,
            picture.top + picture.height / 2.0,
        );
        let outer = picture.width.min(picture.height) / 2.0;
        let step = self.step();
        let per_turn = self.spacing / std::f64::consts::TAU;
        let (mut theta, mut phase) = (std::f64::consts::TAU, 0.0);
        let mut run = Vec::new();
        loop {
            let r = per_turn * theta;
            if r > outer {
                break;
            }
            let (x, y) = (cx + r * theta.cos(), cy + r * theta.sin());
            let d = picture.at(x, y).max(0.0) as f64;
            phase += self.advance(d, step);
            let wave = r + self.amplitude * d * phase.sin();
            let point = picture.vertex([cx + wave * theta.cos(), cy + wave * theta.sin()]);
            self.draw_or_lift(d, point, &mut run, out);
            theta += step / r.max(step);
        }
        flush(&mut run, out);
    }
}

/// Ends the pen-down `run`, kept when it is a line.
fn flush(run: &mut Vec<Vec3>, out: &mut Polylines) {
    if run.len() >= 2 {
        out.push_line(run.iter().copied());
    }
    run.clear();
}

impl Evaluate for Squiggle {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let picture = source.sample(ctx, self.resolution)?;
        ctx.check_cancelled()?;
        let rows = (picture.height / self.spacing).floor().max(1.0) as usize;
        // Points: the path's length over the step.
        let length = match self.path {
            SquigglePath::Rows => rows as f64 * picture.width,
            SquigglePath::Spiral => {
                let r = picture.width.min(picture.height) / 2.0;
                std::f64::consts::PI * r * r / self.spacing
            }
        };
        ctx.check_budget((length / self.step()) as u64 + rows as u64, rows as u64)?;
        let parts = match self.path {
            SquigglePath::Rows => parallel::map_ranges(ctx.executor.as_ref(), rows, 4, |range| {
                let mut part = Polylines::new();
                for j in range {
                    self.row(&picture, j, &mut part);
                }
                part
            }),
            SquigglePath::Spiral => {
                let mut out = Polylines::new();
                self.spiral(&picture, &mut out);
                vec![out]
            }
        };
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
