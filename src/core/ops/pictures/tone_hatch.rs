//! `tone_hatch`: an image drawn as hatching in tone levels, as the hatched plug-in does:
//! each darker level adds a layer of lines (at its own angle when cross-hatching, in
//! between the lighter level's lines otherwise, or as concentric circles). Every line is
//! cut exactly where the smoothed darkness crosses its level's threshold, found along
//! the line, so hatch ends follow the tone edge instead of stair-stepping on pixels.

use crate::geometry::{IdHasher, Polylines};

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

use super::source::Picture;

super::source::picture_op! {
    /// an image as hatching in `levels` tone levels: every darker level adds lines (crossed at a new angle, or in between the lighter level's lines, or as concentric circles), each cut exactly at its tone's edge
    #[op(primitive, name = "tone_hatch", version = 1)]
    pub struct ToneHatch {
        /// tone levels: level k hatches where the darkness reaches k / (levels + 1)
        pub levels: i64 = 3 => ui(1.0, 8.0).domain(1.0, 32.0),
        /// distance between the lines of one level
        pub pitch: f64 = 1.2 => ui(0.2, 5.0).domain(0.05, 100.0).unit("mm"),
        /// angle of the first level's lines
        pub angle: f64 = 45.0 => ui(-180.0, 180.0).unit("deg"),
        /// each darker level at a new angle (90°, then 45° between); off: at the same angle, in between the lighter levels' lines
        pub cross: bool = true,
        /// concentric circles about the image's centre instead of straight lines
        pub circular: bool = false,
        /// sampling distance of the image on the paper
        pub resolution: f64 = 0.4 => ui(0.1, 2.0).domain(0.05, 50.0).unit("mm"),
    }
}

/// Most darkness samples taken along the strokes (about a second of work).
const MAX_SAMPLES_TRACED: f64 = 2e8;

/// Turns of the cross-hatching levels after the first, in degrees.
const CROSS_TURNS: [f64; 8] = [0.0, 90.0, 45.0, 135.0, 22.5, 112.5, 67.5, 157.5];

/// One line (or circle) of hatching to trace.
#[derive(Clone, Copy)]
struct Stroke {
    /// The level's threshold of darkness.
    threshold: f32,
    /// A straight line: start point and direction, and its length over the image; a
    /// circle: centre and radius in `start` and `length`.
    start: [f64; 2],
    dir: [f64; 2],
    length: f64,
    circle: bool,
    /// Drawn backwards (every other line, so the pen sweeps back and forth).
    backwards: bool,
}

impl ToneHatch {
    fn strokes(&self, picture: &Picture) -> Vec<Stroke> {
        let n = self.levels.max(1) as usize;
        let pitch = self.pitch;
        let (cx, cy) = (
            picture.left + picture.width / 2.0,
            picture.top + picture.height / 2.0,
        );
        let half_diagonal = picture.width.hypot(picture.height) / 2.0;
        let mut strokes = Vec::new();
        for k in 0..n {
            let threshold = ((k + 1) as f64 / (n + 1) as f64) as f32;
            // Without crossing (and for circles), level k's lines fall between the
            // lighter levels' lines: the darkest tone is hatched at pitch / levels.
            let interleaved = !self.cross || self.circular || k >= CROSS_TURNS.len();
            let offset = if interleaved {
                pitch * k as f64 / n as f64
            } else {
                0.0
            };
            if self.circular {
                let mut r = offset.max(pitch / 2.0);
                while r <= half_diagonal {
                    strokes.push(Stroke {
                        threshold,
                        start: [cx, cy],
                        dir: [0.0, 0.0],
                        length: r,
                        circle: true,
                        backwards: false,
                    });
                    r += pitch;
                }
                continue;
            }
            let turn = if interleaved { 0.0 } else { CROSS_TURNS[k] };
            let a = (self.angle + turn).to_radians();
            let (u, normal) = ([a.cos(), a.sin()], [-a.sin(), a.cos()]);
            // Lines at s = offset + m · pitch across the image, each from where it
            // enters the image's rectangle to where it leaves.
            let s_from = ((-half_diagonal - offset) / pitch).floor() as i64;
            let s_to = ((half_diagonal - offset) / pitch).ceil() as i64;
            for m in s_from..=s_to {
                let s = offset + m as f64 * pitch;
                let base = [cx + normal[0] * s, cy + normal[1] * s];
                let Some((t0, t1)) = through_rect(base, u, picture) else {
                    continue;
                };
                strokes.push(Stroke {
                    threshold,
                    start: [base[0] + u[0] * t0, base[1] + u[1] * t0],
                    dir: u,
                    length: t1 - t0,
                    circle: false,
                    backwards: m % 2 != 0,
                });
            }
        }
        strokes
    }
}

/// The span of parameters `t` for which `base + t · u` lies on the picture.
fn through_rect(base: [f64; 2], u: [f64; 2], picture: &Picture) -> Option<(f64, f64)> {
    let (mut t0, mut t1) = (f64::NEG_INFINITY, f64::INFINITY);
    let lo = [picture.left, picture.top];
    let hi = [picture.left + picture.width, picture.top + picture.height];
    for axis in 0..2 {
        if u[axis].abs() < 1e-12 {
            if base[axis] < lo[axis] || base[axis] > hi[axis] {
                return None;
            }
        } else {
            let a = (lo[axis] - base[axis]) / u[axis];
            let b = (hi[axis] - base[axis]) / u[axis];
            t0 = t0.max(a.min(b));
            t1 = t1.min(a.max(b));
        }
    }
    (t1 > t0).then_some((t0, t1))
}

/// Appends the parts of `stroke` where the darkness reaches its threshold, sampled
/// every `step` mm and each end placed where the darkness crosses the threshold
/// (linear between samples).
fn trace(stroke: &Stroke, picture: &Picture, step: f64, out: &mut Polylines) {
    let [cx, cy] = stroke.start;
    let (length, point): (f64, Box<dyn Fn(f64) -> [f64; 2]>) = if stroke.circle {
        let r = stroke.length;
        (
            std::f64::consts::TAU * r,
            Box::new(move |t: f64| {
                let a = t / r;
                [cx + r * a.cos(), cy + r * a.sin()]
            }),
        )
    } else {
        let u = stroke.dir;
        (
            stroke.length,
            Box::new(move |t: f64| [cx + u[0] * t, cy + u[1] * t]),
        )
    };
    let samples = (length / step).ceil().max(1.0) as usize;
    let dt = length / samples as f64;
    let value = |t: f64| {
        let p = point(t);
        picture.at(p[0], p[1]) - stroke.threshold
    };
    let mut pieces: Vec<(f64, f64)> = Vec::new();
    let mut prev = value(0.0);
    let mut start = (prev >= 0.0).then_some(0.0);
    for s in 1..=samples {
        let t = s as f64 * dt;
        let v = value(t);
        if (v >= 0.0) != (prev >= 0.0) {
            let cross = t - dt * (v / (v - prev)) as f64;
            match start.take() {
                Some(a) => pieces.push((a, cross)),
                None => start = Some(cross),
            }
        }
        prev = v;
    }
    if let Some(a) = start {
        pieces.push((a, length));
    }
    // A circle inked where it starts and ends is one arc across its start.
    if stroke.circle && pieces.len() >= 2 {
        let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
        if first.0 == 0.0 && last.1 == length {
            pieces.remove(0);
            let end = pieces.len() - 1;
            pieces[end].1 = length + first.1;
        }
    }
    if stroke.backwards {
        pieces.reverse();
    }
    for (a, b) in pieces {
        if b - a < 1e-6 {
            continue;
        }
        let inner = ((b - a) / step).floor() as usize;
        let mut ts: Vec<f64> = if stroke.circle {
            // Arcs keep their curve; straight lines need only their ends.
            std::iter::once(a)
                .chain((1..=inner).map(|k| a + k as f64 * (b - a) / (inner + 1) as f64))
                .chain(std::iter::once(b))
                .collect()
        } else {
            vec![a, b]
        };
        if stroke.backwards {
            ts.reverse();
        }
        out.push_line(ts.into_iter().map(|t| picture.vertex(point(t))));
    }
}

impl Evaluate for ToneHatch {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let source = self.source();
        let picture = source.sample(ctx, self.resolution)?;
        ctx.check_cancelled()?;
        let strokes = self.strokes(&picture);
        // At least two points for every stroke; a stroke cut into pieces has more.
        ctx.check_budget(2 * strokes.len() as u64, strokes.len() as u64)?;
        let step = 0.5 * picture.sx.min(picture.sy);
        // Every stroke is sampled along its length: bound that work before doing it.
        let samples: f64 = strokes
            .iter()
            .map(|s| if s.circle { std::f64::consts::TAU * s.length } else { s.length } / step)
            .sum();
        if samples > MAX_SAMPLES_TRACED {
            return Err(OpFailure::bad_input(format!(
                "{} strokes at pitch {} mm over a {:.0} × {:.0} mm image are {samples:.1e} samples to trace; at most {MAX_SAMPLES_TRACED:.0e} (raise pitch or resolution, or lower levels)",
                strokes.len(),
                self.pitch,
                picture.width,
                picture.height
            )));
        }
        let parts = parallel::map_ranges(ctx.executor.as_ref(), strokes.len(), 64, |range| {
            let mut part = Polylines::new();
            for stroke in &strokes[range] {
                trace(stroke, &picture, step, &mut part);
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
