//! `subdivide`: inserts midpoints into every segment, level by level.

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Segments are never split below this length (mm).
const MIN_SEGMENT: f32 = 0.01;

/// Levels applied to a segment of `length`: as many as asked, but never below
/// [`MIN_SEGMENT`]. Decided per segment, so one short segment (e.g. the end of a dash)
/// does not stop the rest of its polyline from being subdivided.
fn levels_for(length: f32, wanted: u32) -> u32 {
    let mut levels = 0;
    while levels < wanted && length / (1u64 << (levels + 1)) as f32 >= MIN_SEGMENT {
        levels += 1;
    }
    levels
}

/// Points `line` becomes: its last point plus each segment's pieces.
fn subdivided_len(line: &[Vec3], wanted: u32) -> u64 {
    if line.len() < 2 {
        return line.len() as u64;
    }
    1 + line
        .windows(2)
        .map(|w| 1u64 << levels_for(w[0].distance(w[1]), wanted))
        .sum::<u64>()
}

/// Writes `line` with each segment split into its equal parts into `out`.
fn write_subdivided(line: &[Vec3], wanted: u32, out: &mut [Vec3]) {
    let mut o = 0;
    for w in line.windows(2) {
        let (a, d) = (w[0], w[1] - w[0]);
        let pieces = 1usize << levels_for(d.length(), wanted);
        let step = 1.0 / pieces as f32;
        for k in 0..pieces {
            out[o] = a + d * (k as f32 * step);
            o += 1;
        }
    }
    out[o] = line[line.len() - 1];
}

crate::op! {
    /// each level inserts a midpoint in every segment; a segment stops splitting (on its own, not its whole polyline) before its pieces get shorter than 0.01 mm
    #[op(effect, name = "subdivide", version = 2)]
    pub struct Subdivide {
        /// number of levels; each doubles the segment count
        pub subdivisions: u32 = 1 => ui(0.0, 10.0).domain(0.0, 24.0),
    }
}

impl Evaluate for Subdivide {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.subdivisions == 0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let wanted = self.subdivisions;
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let lines = input.line_count();
        // Output offsets, computed in u64 so that the budget sees absurd sizes before any allocation.
        let mut prefix = Vec::with_capacity(lines + 1);
        prefix.push(0u64);
        for line in input.lines() {
            prefix.push(prefix.last().unwrap() + subdivided_len(line, wanted));
        }
        ctx.check_budget(*prefix.last().unwrap(), lines as u64)?;
        let prefix: Vec<usize> = prefix.into_iter().map(|v| v as usize).collect();
        let mut points = vec![Vec3::ZERO; prefix[lines]];
        let line_bounds = parallel::balanced_bounds(&*ctx.executor, &prefix, 1 << 16);
        let point_bounds: Vec<usize> = line_bounds.iter().map(|&i| prefix[i]).collect();
        parallel::for_each_part_mut(&*ctx.executor, &mut points, &point_bounds, |part, out| {
            let base = point_bounds[part];
            for i in line_bounds[part]..line_bounds[part + 1] {
                let line = input.line(i);
                let dst = &mut out[prefix[i] - base..prefix[i + 1] - base];
                if line.len() < 2 {
                    dst.copy_from_slice(line);
                } else {
                    write_subdivided(line, wanted, dst);
                }
            }
        });
        let offsets = prefix.iter().map(|&o| o as u32).collect();
        Ok(Polylines::from_parts(points, offsets).expect("offsets built from the points"))
    }
}
