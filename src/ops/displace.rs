//! `displace`: moves every point by 3D Perlin noise, optionally varying amplitude and
//! frequency across the drawing.

use crate::geometry::{Polylines, Vec3};

use super::noise::{CoherentSampler, PlanarSampler, perlin3_xyz};
use super::op::{Op, Params};
use super::parallel;
use super::schema::{OpSchema, ParamSpec};

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

fn displace_op() -> Op {
    Op::new(
        OpSchema::effect(
            "displace",
            1,
            "moves points by 3D Perlin noise; animate with t",
            vec![
                ParamSpec::vec3("amplitude", [8.0; 3])
                    .ui(0.0, 50.0)
                    .unit("mm")
                    .doc("largest displacement per axis"),
                ParamSpec::vec3("spatial_freq", [0.04; 3])
                    .ui(0.0, 0.1)
                    .domain(0.0, 1000.0)
                    .unit("1/mm")
                    .doc("noise frequency per axis"),
                ParamSpec::vec3("amplitude_gradient", [0.0; 3])
                    .ui(-4.0, 4.0)
                    .domain(-40.0, 40.0)
                    .doc("amplitude change across the bounding box"),
                ParamSpec::vec3("frequency_gradient", [0.0; 3])
                    .ui(-4.0, 4.0)
                    .domain(-40.0, 40.0)
                    .doc("frequency change across the bounding box"),
                ParamSpec::vec3("gradient_center_offset", [0.0; 3])
                    .ui(-1.0, 1.0)
                    .doc("where gradients are neutral, in box units from the centre"),
                ParamSpec::choice("gradient_profile", "linear", &["linear", "radial"])
                    .doc("linear ramp or falloff with distance from the centre"),
                ParamSpec::vec3("gradient_radius", [0.5; 3])
                    .ui(0.05, 1.0)
                    .domain(0.001, 100.0)
                    .doc("radius of the radial profile, in box units"),
                ParamSpec::float("min_gradient_factor", 0.1)
                    .ui(0.0, 0.5)
                    .domain(0.0, 100.0)
                    .doc("smallest gradient factor"),
                ParamSpec::float("max_gradient_factor", 2.0)
                    .ui(1.0, 4.0)
                    .domain(0.0, 100.0)
                    .doc("largest gradient factor"),
                ParamSpec::float("t", 0.0)
                    .ui(0.0, 1.0)
                    .unit("s")
                    .doc("noise phase; animate it with an expression such as \"t * 0.2\""),
            ],
        ),
        |input, p, _| Ok(displace(input, p)),
    )
}

fn gradient(p: &Params, slope: &str) -> Gradient {
    Gradient {
        slope: p.vec3(slope),
        center: p.vec3("gradient_center_offset") * 0.5,
        radius: p.vec3("gradient_radius"),
        radial: p.str("gradient_profile") == "radial",
        min: p.f32("min_gradient_factor"),
        max: p.f32("max_gradient_factor"),
    }
}

fn displace(input: &Polylines, p: &Params) -> Polylines {
    let amplitude = p.vec3("amplitude");
    let freq = p.vec3("spatial_freq");
    let phase = Vec3::splat(p.f32("t") * 10.0 + 1000.0);
    let (amp_g, freq_g) = (
        gradient(p, "amplitude_gradient"),
        gradient(p, "frequency_gradient"),
    );
    let mut points = input.points().to_vec();
    if amp_g.is_flat() && freq_g.is_flat() {
        // Points of subdivided lines are close together, so most fall in the same noise
        // cell as their predecessor: the coherent sampler reuses that cell's gradients.
        // Planar displacement (no z amplitude, the usual case) needs two noises, not three.
        // Flat drawings (z = 0) also keep the noise's z fixed, which halves the work.
        if amplitude.z == 0.0 {
            parallel::for_each_chunk_mut(&mut points, CHUNK, |_, chunk| {
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
            parallel::for_each_chunk_mut(&mut points, CHUNK, |_, chunk| {
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
        parallel::for_each_chunk_mut(&mut points, CHUNK, |_, chunk| {
            for q in chunk {
                let u = (*q - mid) * inv;
                let f = freq * freq_g.factor(u);
                *q += amplitude * amp_g.factor(u) * perlin3_xyz(*q * f + phase);
            }
        });
    }
    input.with_points(points)
}

/// The effects of this module.
pub(crate) fn ops() -> Vec<Op> {
    vec![displace_op()]
}
