//! `subdivide`: inserts midpoints into every segment, level by level.

use crate::geometry::{Polylines, Vec3};

use super::op::{EvalContext, OpError};
use super::parallel;
use super::typed::Evaluate;

/// Segments are never split below this length (mm).
const MIN_SEGMENT: f32 = 0.01;

/// Levels applied to one polyline: as many as asked, but never below [`MIN_SEGMENT`].
fn levels_for(line: &[Vec3], wanted: u32) -> u32 {
    let shortest = line
        .windows(2)
        .map(|w| w[0].distance(w[1]))
        .fold(f32::INFINITY, f32::min);
    let mut levels = 0;
    while levels < wanted && shortest / (1u64 << (levels + 1)) as f32 >= MIN_SEGMENT {
        levels += 1;
    }
    levels
}

/// Writes `line` with each segment split into `pieces` equal parts into `out`.
fn write_subdivided(line: &[Vec3], pieces: usize, out: &mut [Vec3]) {
    let step = 1.0 / pieces as f32;
    let mut o = 0;
    for w in line.windows(2) {
        let (a, d) = (w[0], w[1] - w[0]);
        for k in 0..pieces {
            out[o] = a + d * (k as f32 * step);
            o += 1;
        }
    }
    out[o] = line[line.len() - 1];
}

crate::op! {
    /// each level inserts a midpoint in every segment; segments stay at least 0.01 mm long
    #[op(effect, name = "subdivide", version = 1)]
    pub struct Subdivide {
        /// number of levels; each doubles the segment count
        pub subdivisions: u32 = 1 => ui(0.0, 10.0).domain(0.0, 24.0),
    }
}

impl Evaluate for Subdivide {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpError> {
        let wanted = self.subdivisions;
        if wanted == 0 {
            return Ok(input.clone());
        }
        let lines = input.line_count();
        let levels: Vec<u32> = input
            .lines()
            .map(|l| {
                if l.len() < 2 {
                    0
                } else {
                    levels_for(l, wanted)
                }
            })
            .collect();
        // Output offsets, computed in u64 so that the budget sees absurd sizes before any allocation.
        let mut prefix = Vec::with_capacity(lines + 1);
        prefix.push(0u64);
        for (line, &lv) in input.lines().zip(&levels) {
            let n = if line.len() < 2 {
                line.len() as u64
            } else {
                (line.len() as u64 - 1) * (1u64 << lv) + 1
            };
            prefix.push(prefix.last().unwrap() + n);
        }
        ctx.budget
            .check("subdivide", *prefix.last().unwrap(), lines as u64)?;
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
                    write_subdivided(line, 1 << levels[i], dst);
                }
            }
        });
        let offsets = prefix.iter().map(|&o| o as u32).collect();
        Ok(Polylines::from_parts(points, offsets).expect("offsets built from the points"))
    }
}
