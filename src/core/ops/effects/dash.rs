//! Arc-length effects: `dash` (cut lines into dashes) and `trim` (keep a fraction).

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::arclength::{cumulative, point_at};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Appends the part of `line` between arc lengths `s0 < s1` as one polyline.
fn push_piece(out: &mut Polylines, line: &[Vec3], cum: &[f64], s0: f64, s1: f64) {
    out.push_point(point_at(line, cum, s0));
    let first = cum.partition_point(|&c| c <= s0);
    // Never before `first`, whatever rounding did to s0 and s1.
    let last = cum.partition_point(|&c| c < s1).max(first);
    for &q in &line[first..last] {
        out.push_point(q);
    }
    out.push_point(point_at(line, cum, s1));
    out.end_line();
}

/// Deterministic value in -1..1 for polyline `i` (splitmix64), for dash jitter.
fn jitter_unit(i: usize, seed: u32) -> f32 {
    let mut z = (i as u64)
        .wrapping_add(0x9E37_79B9_7F4A_7C15)
        .wrapping_add((seed as u64).wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 23) as f32 - 1.0
}

crate::op! {
    /// cuts every polyline into dashes along its length; each dash becomes a polyline
    #[op(effect, name = "dash", version = 2)]
    pub struct Dash {
        /// length of each dash
        pub dash_length: f64 = 6.0 => ui(0.0, 100.0).min(0.0).unit("mm"),
        /// length of each gap
        pub gap_length: f64 = 3.0 => ui(0.0, 100.0).min(0.0).unit("mm"),
        /// phase of the pattern at the start of each line
        pub offset: f64 = 0.0 => ui(0.0, 100.0).unit("mm"),
        /// random extra phase per line, up to ±this
        pub offset_jitter: f64 = 0.0 => ui(0.0, 100.0).min(0.0).unit("mm"),
        /// random seed of the jitter (the same dashes for the same seed on every machine)
        pub seed: u32 = 0 => ui(0.0, 9999.0),
    }
}

impl Evaluate for Dash {
    fn passes_through(&self, _input: &Polylines, _ctx: &EvalContext) -> bool {
        self.dash_length + self.gap_length <= 0.0
    }

    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (dash, gap) = (self.dash_length, self.gap_length);
        let period = dash + gap;
        if self.passes_through(input, ctx) {
            return Ok(input.clone());
        }
        let lengths: Vec<Vec<f64>> = input.lines().map(cumulative).collect();
        // Counted in f64 and saturated: a huge line over a tiny period must hit the
        // budget, not wrap around it.
        let pieces: u64 = lengths
            .iter()
            .map(|c| (*c.last().unwrap_or(&0.0) / period).min(u64::MAX as f64 / 4.0) as u64 + 2)
            .fold(0u64, u64::saturating_add);
        ctx.check_budget(
            (input.point_count() as u64).saturating_add(pieces.saturating_mul(2)),
            pieces,
        )?;
        let (offset, jitter) = (self.offset, self.offset_jitter);
        let mut out = Polylines::with_capacity(input.point_count(), pieces as usize);
        for (i, (line, cum)) in input.lines().zip(&lengths).enumerate() {
            let total = *cum.last().unwrap_or(&0.0);
            if line.len() < 2 || total <= 0.0 || dash <= 0.0 {
                continue;
            }
            // Start of the dash that covers (or precedes) arc length 0.
            let phase = (offset + jitter * jitter_unit(i, self.seed) as f64).rem_euclid(period);
            // Each dash start computed from its index, not accumulated: no drift.
            for k in 0u64.. {
                let start = -phase + k as f64 * period;
                if start >= total {
                    break;
                }
                let (s0, s1) = (start.max(0.0), (start + dash).min(total));
                // A sliver left by rounding at the very end is no dash.
                if s1 - s0 > period * 1e-9 {
                    push_piece(&mut out, line, cum, s0, s1);
                }
            }
        }
        Ok(out)
    }
}

crate::op! {
    /// keeps the part of each polyline between two fractions of its length
    #[op(effect, name = "trim", version = 1)]
    pub struct Trim {
        /// start, as a fraction of the length
        pub start_param: f32 = 0.1 => ui(0.0, 1.0).domain(0.0, 1.0),
        /// end, as a fraction of the length
        pub end_param: f32 = 0.5 => ui(0.0, 1.0).domain(0.0, 1.0),
    }
}

impl Evaluate for Trim {
    fn eval(&self, input: &Polylines, _: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.start_param >= self.end_param {
            return Err(OpFailure::bad_input(format!(
                "start_param ({}) must be less than end_param ({})",
                self.start_param, self.end_param
            )));
        }
        let (a, b) = (self.start_param as f64, self.end_param as f64);
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for line in input.lines() {
            let cum = cumulative(line);
            let total = *cum.last().unwrap();
            if line.len() >= 2 && total > 0.0 {
                push_piece(&mut out, line, &cum, a * total, b * total);
            }
        }
        // Like grafix: if nothing is left, the input passes through.
        Ok(if out.line_count() == 0 {
            input.clone()
        } else {
            out
        })
    }
}
