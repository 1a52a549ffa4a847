//! Gaussian filters along arc length: `lowpass` rounds corners and calms noise,
//! `highpass` exaggerates detail (an unsharp mask). Both resample first, as `resample`.

use glam::DVec3;

use crate::geometry::{Polylines, Vec3};

use super::path_edit::{ClosedMode, resampled};
use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Widest kernel half-width, in samples.
const MAX_RADIUS: usize = 2048;

/// Normalised Gaussian weights for `sigma` samples, from the centre outwards.
fn kernel(sigma: f64) -> Vec<f64> {
    let radius = ((3.0 * sigma).ceil() as usize).clamp(1, MAX_RADIUS);
    let w: Vec<f64> = (0..=radius)
        .map(|i| (-0.5 * (i as f64 / sigma).powi(2)).exp())
        .collect();
    let total = w[0] + 2.0 * w[1..].iter().sum::<f64>();
    w.into_iter().map(|x| x / total).collect()
}

/// `pts` smoothed by `weights`: open lines mirror at their ends (index -1 reads 1), rings
/// wrap around (their closing point is dropped, then restored).
fn smoothed(pts: &[Vec3], ring: bool, weights: &[f64]) -> Vec<DVec3> {
    let base: &[Vec3] = if ring { &pts[..pts.len() - 1] } else { pts };
    let n = base.len() as isize;
    let at = |i: isize| -> DVec3 {
        let j = if ring {
            i.rem_euclid(n)
        } else if n == 1 {
            0
        } else {
            // Reflect without repeating the end sample.
            let period = 2 * (n - 1);
            let k = i.rem_euclid(period);
            if k < n { k } else { period - k }
        };
        base[j as usize].as_dvec3()
    };
    let mut out: Vec<DVec3> = (0..n)
        .map(|i| {
            let mut acc = at(i) * weights[0];
            for (k, &w) in weights.iter().enumerate().skip(1) {
                let k = k as isize;
                acc += (at(i - k) + at(i + k)) * w;
            }
            acc
        })
        .collect();
    if ring {
        out.push(out[0]);
    }
    out
}

/// Resamples `input` at `step` and maps each line's (original, smoothed) points to output.
fn filter(
    input: &Polylines,
    step: f64,
    sigma: f64,
    mode: ClosedMode,
    ctx: &EvalContext,
    mix: impl Fn(DVec3, DVec3) -> DVec3 + Sync,
) -> Result<Polylines, OpFailure> {
    if step <= 0.0 {
        return Err(OpFailure::bad_input("step must be above 0 mm"));
    }
    let even = resampled(input, step, mode, ctx)?;
    if sigma <= 0.0 {
        return Ok(even);
    }
    let weights = kernel(sigma / step);
    Ok(parallel::map_lines(
        &*ctx.executor,
        &even,
        |_, line, out| {
            if line.len() < 3 {
                out.push_line(line.iter().copied());
                return;
            }
            let ring =
                line.len() > 3 && line[0] == line[line.len() - 1] && mode != ClosedMode::Open;
            let smooth = smoothed(line, ring, &weights);
            out.push_line(
                line.iter()
                    .zip(smooth)
                    .map(|(p, s)| mix(p.as_dvec3(), s).as_vec3()),
            );
        },
    ))
}

crate::op! {
    /// smooths every polyline: resamples at `step`, then averages each point with its neighbours by a Gaussian of `sigma` mm along the line (open ends mirror, rings wrap); rounds corners
    #[op(effect, name = "lowpass", version = 1)]
    pub struct Lowpass {
        /// resampling step
        pub step: f64 = 0.5 => ui(0.1, 20.0).min(0.001).unit("mm"),
        /// width of the Gaussian along the line (0: resample only)
        pub sigma: f64 = 1.0 => ui(0.0, 20.0).min(0.0).unit("mm"),
        /// auto: a polyline whose ends meet within 0.01 mm is a ring
        pub closed: ClosedMode = ClosedMode::Auto,
    }
}

impl Evaluate for Lowpass {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        filter(input, self.step, self.sigma, self.closed, ctx, |_, s| s)
    }
}

crate::op! {
    /// exaggerates detail: each resampled point moves away from its `lowpass` by `gain` times the difference
    #[op(effect, name = "highpass", version = 1)]
    pub struct Highpass {
        /// resampling step
        pub step: f64 = 0.5 => ui(0.1, 20.0).min(0.001).unit("mm"),
        /// width of the Gaussian along the line
        pub sigma: f64 = 1.0 => ui(0.0, 20.0).min(0.0).unit("mm"),
        /// strength (0: resample only)
        pub gain: f64 = 1.0 => ui(0.0, 5.0).domain(-100.0, 100.0),
        /// auto: a polyline whose ends meet within 0.01 mm is a ring
        pub closed: ClosedMode = ClosedMode::Auto,
    }
}

impl Evaluate for Highpass {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let gain = self.gain;
        filter(
            input,
            self.step,
            self.sigma,
            self.closed,
            ctx,
            move |p, s| p + (p - s) * gain,
        )
    }
}
