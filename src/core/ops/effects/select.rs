//! Selection: `drop` removes (or keeps only) polylines picked by index, length or a seeded
//! random draw whose probability can vary across the drawing, in chunks of polylines.

use crate::geometry::{Polylines, Vec3, line_length};

use crate::ops::kit::parallel;
use crate::ops::kit::random::SeededRng;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::choice! {
    /// What `drop` picks from: every polyline, or only faces (polylines of 3 or more
    /// vertices; shorter ones are always kept).
    pub enum DropBy { Line = "line", Face = "face" }
}

crate::choice! {
    /// Whether `drop` removes what it picks or keeps only that.
    pub enum KeepMode { Drop = "drop", Keep = "keep" }
}

crate::op! {
    /// picks polylines by index (every `interval`-th from `index_offset`), by length (at most `min_length` or at least `max_length`) or at random (probability `probability_base` + `probability_slope` · position, per axis over the drawing's bounds from -1 to 1); any of these picks; `keep_mode` drops the picked ones or keeps only them
    #[op(effect, name = "drop", version = 1)]
    pub struct DropLines {
        /// pick every n-th polyline (0: none by index)
        pub interval: u32 = 0 => ui(0.0, 100.0),
        /// index the interval counts from (modulo the interval)
        pub index_offset: u32 = 0 => ui(0.0, 100.0),
        /// pick polylines no longer than this (negative: off)
        pub min_length: f64 = -1.0 => ui(-1.0, 200.0).unit("mm"),
        /// pick polylines at least this long (negative: off)
        pub max_length: f64 = -1.0 => ui(-1.0, 200.0).unit("mm"),
        /// probability of a random pick per axis, at the drawing's centre
        pub probability_base: Vec3 = Vec3::ZERO => ui(0.0, 1.0),
        /// change of that probability from the centre to the +x/+y/+z edge of the bounds
        pub probability_slope: Vec3 = Vec3::ZERO => ui(-1.0, 1.0),
        /// every polyline, or faces only
        pub by: DropBy = DropBy::Line,
        /// random seed (the same pick for the same seed on every machine)
        pub seed: u32 = 0 => ui(0.0, 9999.0),
        /// drop the picked polylines, or keep only them
        pub keep_mode: KeepMode = KeepMode::Drop,
    }
}

impl DropLines {
    fn random_enabled(&self) -> bool {
        self.probability_base.max_element() > 0.0
            || self.probability_slope.abs().max_element() > 0.0
    }

    /// Probability of a random pick for a polyline centred at `c` in bounds `lo..hi`.
    fn probability(&self, c: Vec3, lo: Vec3, hi: Vec3) -> f64 {
        let mut miss = 1.0;
        for axis in 0..3 {
            let extent = hi[axis] - lo[axis];
            let t = if extent > 0.0 {
                2.0 * (c[axis] - lo[axis]) as f64 / extent as f64 - 1.0
            } else {
                0.0
            };
            let p = (self.probability_base[axis] as f64 + self.probability_slope[axis] as f64 * t)
                .clamp(0.0, 1.0);
            miss *= 1.0 - p;
        }
        1.0 - miss
    }
}

impl Evaluate for DropLines {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (lo, hi) = input.bounds().unwrap_or((Vec3::ZERO, Vec3::ZERO));
        let random = self.random_enabled();
        // Each polyline's index among the candidates (a quick pass, so the chunks below
        // can start anywhere).
        let mut candidates = 0u64;
        let index: Vec<u64> = input
            .lines()
            .map(|line| {
                let i = candidates;
                candidates += u64::from(!(self.by == DropBy::Face && line.len() < 3));
                i
            })
            .collect();
        Ok(parallel::map_lines(
            ctx.executor.as_ref(),
            input,
            |i, line, out| {
                if self.by == DropBy::Face && line.len() < 3 {
                    out.push_line(line.iter().copied());
                    return;
                }
                let index = index[i];
                // Every interval-th index, counted from the offset (taken modulo the interval).
                let by_index = self.interval > 0 && {
                    let n = self.interval as u64;
                    (index + n - self.index_offset as u64 % n).is_multiple_of(n)
                };
                let by_length = (self.min_length >= 0.0 || self.max_length >= 0.0) && {
                    let mut len = line_length(line);
                    if self.by == DropBy::Face && line.first() != line.last() {
                        len += line[0].as_dvec3().distance(line[line.len() - 1].as_dvec3());
                    }
                    (self.min_length >= 0.0 && len <= self.min_length)
                        || (self.max_length >= 0.0 && len >= self.max_length)
                };
                let by_chance = random && {
                    let pts = crate::geometry::without_closing_point(line);
                    let c = pts.iter().copied().sum::<Vec3>() / pts.len().max(1) as f32;
                    SeededRng::new(self.seed as u64, i as u64).unit() < self.probability(c, lo, hi)
                };
                let picked = by_index || by_length || by_chance;
                if picked == (self.keep_mode == KeepMode::Keep) {
                    out.push_line(line.iter().copied());
                }
            },
        ))
    }
}
