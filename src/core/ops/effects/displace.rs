//! `displace`: moves every point by 3D Perlin noise, optionally varying amplitude and
//! frequency across the drawing.

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::noise::{CoherentSampler, PlanarSampler, perlin3_xyz};
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Points per parallel chunk.
const CHUNK: usize = 16_384;

/// How a parameter (amplitude or frequency) varies over the drawing's bounding box.
#[derive(Clone, Copy)]
struct Gradient {
    slope: Vec3,
    center: Vec3,
    radius: Vec3,
    radial: bool,
    min: f32,
    max: f32,
}

impl Gradient {
    fn is_flat(&self) -> bool {
        self.slope == Vec3::ZERO
    }

    /// Factor at a point given in box-normalised coordinates (-0.5..0.5 per axis).
    #[inline(always)]
    fn factor(&self, u: Vec3) -> f32 {
        let f = if self.radial {
            // Radial falloff uses the strongest (signed) component of the slope.
            let s = self.slope;
            let g = [s.y, s.z]
                .into_iter()
                .fold(s.x, |a, b| if b.abs() > a.abs() { b } else { a });
            1.0 - g * ((u - self.center) / self.radius).length()
        } else {
            1.0 + self.slope.dot(u - self.center)
        };
        f.clamp(self.min, self.max)
    }
}

crate::choice! {
    /// How `displace`'s gradients vary over the drawing.
    pub enum GradientProfile { Linear = "linear", Radial = "radial" }
}

crate::op! {
    /// moves points by 3D Perlin noise; animate with t
    #[op(effect, name = "displace", version = 1)]
    pub struct Displace {
        /// largest displacement per axis
        pub amplitude: Vec3 = Vec3::splat(8.0) => ui(0.0, 50.0).unit("mm"),
        /// noise frequency per axis
        pub spatial_freq: Vec3 = Vec3::splat(0.04) => ui(0.0, 0.1).domain(0.0, 1000.0).unit("1/mm"),
        /// amplitude change across the bounding box
        pub amplitude_gradient: Vec3 = Vec3::ZERO => ui(-4.0, 4.0).domain(-40.0, 40.0),
        /// frequency change across the bounding box
        pub frequency_gradient: Vec3 = Vec3::ZERO => ui(-4.0, 4.0).domain(-40.0, 40.0),
        /// where gradients are neutral, in box units from the centre
        pub gradient_center_offset: Vec3 = Vec3::ZERO => ui(-1.0, 1.0),
        /// linear ramp or falloff with distance from the centre
        pub gradient_profile: GradientProfile = GradientProfile::Linear,
        /// radius of the radial profile, in box units
        pub gradient_radius: Vec3 = Vec3::splat(0.5) => ui(0.05, 1.0).domain(0.001, 100.0),
        /// smallest gradient factor
        pub min_gradient_factor: f32 = 0.1 => ui(0.0, 0.5).domain(0.0, 100.0),
        /// largest gradient factor
        pub max_gradient_factor: f32 = 2.0 => ui(1.0, 4.0).domain(0.0, 100.0),
        /// noise phase; animate it with an expression such as "t * 0.2"
        pub t: f32 = 0.0 => ui(0.0, 1.0).unit("s"),
        /// another noise field for each seed (0: the field graft has always used)
        pub seed: u32 = 0 => ui(0.0, 9999.0),
    }
}

impl Evaluate for Displace {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.min_gradient_factor > self.max_gradient_factor {
            return Err(OpFailure::bad_input(format!(
                "min_gradient_factor ({}) must not exceed max_gradient_factor ({})",
                self.min_gradient_factor, self.max_gradient_factor
            )));
        }
        Ok(displace(&*ctx.executor, input, self))
    }
}

impl Displace {
    fn gradient(&self, slope: Vec3) -> Gradient {
        Gradient {
            slope,
            center: self.gradient_center_offset * 0.5,
            radius: self.gradient_radius,
            radial: self.gradient_profile == GradientProfile::Radial,
            min: self.min_gradient_factor,
            max: self.max_gradient_factor,
        }
    }
}

fn displace(ex: &dyn Executor, input: &Polylines, p: &Displace) -> Polylines {
    let amplitude = p.amplitude;
    let freq = p.spatial_freq;
    // A seed moves the sample point to another part of the noise lattice.
    let offset = if p.seed == 0 {
        Vec3::ZERO
    } else {
        let mut rng = crate::ops::kit::random::SeededRng::new(p.seed as u64, 0);
        Vec3::new(rng.unit() as f32, rng.unit() as f32, rng.unit() as f32) * 500.0
    };
    let phase = Vec3::splat(p.t * 10.0 + 1000.0) + offset;
    let (amp_g, freq_g) = (
        p.gradient(p.amplitude_gradient),
        p.gradient(p.frequency_gradient),
    );
    let mut points = parallel::to_vec(ex, input.points(), CHUNK);
    if amp_g.is_flat() && freq_g.is_flat() {
        // Points of subdivided lines are close together, so most fall in the same noise
        // cell as their predecessor: the coherent sampler reuses that cell's gradients.
        // Planar displacement (no z amplitude, the usual case) needs two noises, not three.
        // Flat drawings (z = 0) also keep the noise's z fixed, which halves the work.
        if amplitude.z == 0.0 {
            parallel::for_each_chunk_mut(ex, &mut points, CHUNK, |_, chunk| {
                let mut flat = PlanarSampler::new([0, 100], phase.z);
                let mut noise = CoherentSampler::new([0, 100]);
                for q in chunk {
                    let s = *q * freq + phase;
                    let [nx, ny] = if q.z == 0.0 {
                        flat.sample(s.x, s.y)
                    } else {
                        noise.sample(s)
                    };
                    *q += Vec3::new(amplitude.x * nx, amplitude.y * ny, 0.0);
                }
            });
        } else {
            parallel::for_each_chunk_mut(ex, &mut points, CHUNK, |_, chunk| {
                let mut noise = CoherentSampler::new([0, 100, 200]);
                for q in chunk {
                    *q += amplitude * Vec3::from_array(noise.sample(*q * freq + phase));
                }
            });
        }
    } else {
        let (lo, hi) = input.bounds().unwrap_or((Vec3::ZERO, Vec3::ONE));
        let mid = (lo + hi) * 0.5;
        let inv = (hi - lo).max(Vec3::splat(1e-9)).recip();
        parallel::for_each_chunk_mut(ex, &mut points, CHUNK, |_, chunk| {
            for q in chunk {
                let u = (*q - mid) * inv;
                let f = freq * freq_g.factor(u);
                *q += amplitude * amp_g.factor(u) * perlin3_xyz(*q * f + phase);
            }
        });
    }
    input.with_points(points)
}
