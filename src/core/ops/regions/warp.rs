//! `warp`: bends lines by the distance field of a mask's closed regions (another layer
//! or shape of the scene). `lens` blends each point toward a scaled, rotated, sheared or
//! swirled copy, weighted by how deep inside (or how near the edge of) the mask it lies;
//! `attract` pulls points onto the mask's outline (or pushes them away).

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::distance::RingDistance;
use crate::ops::kit::parallel;
use crate::ops::kit::planar::{P, rings_of};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::reference::Inputs;
use crate::ops::model::typed::Evaluate;

/// Points per parallel chunk.
const CHUNK: usize = 4096;

crate::choice! {
    /// How `warp` moves points.
    pub enum WarpMode { Lens = "lens", Attract = "attract" }
}

crate::choice! {
    /// The transform a `lens` warp blends toward.
    pub enum LensKind { Scale = "scale", Rotate = "rotate", Shear = "shear", Swirl = "swirl" }
}

crate::choice! {
    /// How a `lens` warp's weight varies with the distance to the mask's edge.
    pub enum LensProfile { Band = "band", Ramp = "ramp" }
}

crate::choice! {
    /// Whether `attract` pulls points onto the outline or pushes them away.
    pub enum AttractDirection { Attract = "attract", Repel = "repel" }
}

crate::op! {
    /// bends lines by the distance to a mask's closed regions (another layer or shape): lens blends toward a scaled, rotated, sheared or swirled copy inside the mask; attract pulls points onto its outline
    #[op(effect, name = "warp", version = 1)]
    pub struct Warp {
        /// the layers or shapes whose closed rings shape the field (inside by even-odd)
        pub mask: Inputs = Inputs::none(),
        /// lens (blend toward a transformed copy) or attract (move along the distance gradient)
        pub mode: WarpMode = WarpMode::Lens,
        /// how much of the move is applied (1: all of it)
        pub strength: f64 = 1.0 => ui(0.0, 2.0).domain(-100.0, 100.0),
        /// lens: the transform blended toward
        pub kind: LensKind = LensKind::Scale,
        /// lens: band peaks halfway across the band and fades at both ends; ramp grows to full across the band
        pub profile: LensProfile = LensProfile::Band,
        /// lens: width of the transition from the mask's edge (0: a hard edge)
        pub band: f64 = 20.0 => ui(0.0, 200.0).domain(0.0, 1e6).unit("mm"),
        /// lens: only points inside the mask move (else the band lies on both sides of the edge)
        pub inside_only: bool = true,
        /// lens: transform about the centre of the mask's bounding box (else about pivot)
        pub auto_center: bool = true,
        /// lens: the centre of the transform when auto_center is off
        pub pivot: Vec3 = Vec3::ZERO => ui(-300.0, 600.0).unit("mm"),
        /// lens, scale: the factor
        pub scale: f64 = 1.4 => ui(0.1, 4.0).domain(-1000.0, 1000.0),
        /// lens, rotate and swirl: the angle (swirl: reached at half the mask's diagonal from the centre)
        pub angle: f64 = 30.0 => ui(-180.0, 180.0).domain(-36000.0, 36000.0).unit("deg"),
        /// lens, shear: x moves by shear.x per mm of y, y by shear.y per mm of x
        pub shear: Vec3 = Vec3::new(0.2, 0.0, 0.0) => ui(-2.0, 2.0).domain(-1000.0, 1000.0),
        /// attract: toward the outline or away from it
        pub direction: AttractDirection = AttractDirection::Attract,
        /// attract: the signed distance points settle at (negative: inside)
        pub bias: f64 = 0.0 => ui(-50.0, 50.0).domain(-1e6, 1e6).unit("mm"),
        /// attract: only points this near the settling distance move (0: all)
        pub snap_band: f64 = 30.0 => ui(0.0, 200.0).domain(0.0, 1e6).unit("mm"),
        /// attract: the pull halves every 0.69 × falloff of distance (0: the same pull everywhere)
        pub falloff: f64 = 12.0 => ui(0.0, 200.0).domain(0.0, 1e6).unit("mm"),
        /// also draw the mask
        pub show_mask: bool = false,
        /// also draw the lines before the warp
        pub keep_original: bool = false,
    }
}

fn smoothstep(t: f64) -> f64 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// `v` rotated by `angle` radians.
fn rotated(v: P, angle: f64) -> P {
    let (s, c) = angle.sin_cos();
    [c * v[0] - s * v[1], s * v[0] + c * v[1]]
}

impl Warp {
    /// How far toward the lens target a point at signed distance `d` moves (0..).
    fn lens_mix(&self, d: f64) -> f64 {
        let w = if self.band <= 0.0 {
            if !self.inside_only || d < 0.0 {
                1.0
            } else {
                0.0
            }
        } else if self.inside_only && d >= 0.0 {
            0.0
        } else {
            let t = if self.inside_only { -d } else { d.abs() } / self.band;
            let s = smoothstep(t);
            match self.profile {
                LensProfile::Ramp => s,
                LensProfile::Band => 4.0 * s * (1.0 - s),
            }
        };
        (self.strength * w).max(0.0)
    }

    /// Where the lens transform sends `p` (about `center`; `r_ref` scales the swirl).
    fn lens_target(&self, p: P, center: P, r_ref: f64) -> P {
        let v = [p[0] - center[0], p[1] - center[1]];
        let t = match self.kind {
            LensKind::Scale => [v[0] * self.scale, v[1] * self.scale],
            LensKind::Rotate => rotated(v, self.angle.to_radians()),
            LensKind::Shear => [
                v[0] + self.shear.x as f64 * v[1],
                self.shear.y as f64 * v[0] + v[1],
            ],
            LensKind::Swirl => rotated(v, self.angle.to_radians() * (v[0].hypot(v[1]) / r_ref)),
        };
        [center[0] + t[0], center[1] + t[1]]
    }

    /// How far along the gradient a point at signed distance `d` moves.
    fn attract_shift(&self, d: f64) -> f64 {
        let delta = self.bias - d;
        let far = delta.abs();
        let mut w = 1.0;
        if self.snap_band > 0.0 && far > self.snap_band {
            w = 0.0;
        }
        if self.falloff > 0.0 {
            w *= (-far / self.falloff).exp();
        }
        let sign = match self.direction {
            AttractDirection::Attract => 1.0,
            AttractDirection::Repel => -1.0,
        };
        sign * self.strength * w * delta
    }

    /// `input` moved by the field of `rings`.
    fn warped(&self, input: &Polylines, rings: &[Vec<P>], ctx: &EvalContext) -> Polylines {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in rings.iter().flatten() {
            lo = [lo[0].min(p[0]), lo[1].min(p[1])];
            hi = [hi[0].max(p[0]), hi[1].max(p[1])];
        }
        let center = if self.auto_center {
            [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]
        } else {
            [self.pivot.x as f64, self.pivot.y as f64]
        };
        let r_ref = 0.5 * (hi[0] - lo[0]).hypot(hi[1] - lo[1]);
        if self.kind == LensKind::Swirl && self.mode == WarpMode::Lens && r_ref <= 1e-12 {
            return input.clone();
        }
        let field = RingDistance::new(rings);
        let mut points = parallel::to_vec(ctx.executor.as_ref(), input.points(), CHUNK);
        parallel::for_each_chunk_mut(ctx.executor.as_ref(), &mut points, CHUNK, |_, chunk| {
            for q in chunk {
                let p = [q.x as f64, q.y as f64];
                if !(p[0].is_finite() && p[1].is_finite()) {
                    continue;
                }
                let Some((d, grad)) = field.at(p) else {
                    continue;
                };
                let moved = match self.mode {
                    WarpMode::Lens => {
                        let mix = self.lens_mix(d);
                        if mix == 0.0 {
                            continue;
                        }
                        let t = self.lens_target(p, center, r_ref);
                        [p[0] + mix * (t[0] - p[0]), p[1] + mix * (t[1] - p[1])]
                    }
                    WarpMode::Attract => {
                        let s = self.attract_shift(d);
                        [p[0] + s * grad[0], p[1] + s * grad[1]]
                    }
                };
                if moved[0].is_finite() && moved[1].is_finite() {
                    (q.x, q.y) = (moved[0] as f32, moved[1] as f32);
                }
            }
        });
        input.with_points(points)
    }
}

impl Evaluate for Warp {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        if self.mask.is_empty() {
            return Err(OpFailure::bad_input(
                "no mask: set `mask` to the name of a layer or shape, e.g. warp(mask: \"lens\")",
            ));
        }
        let rings = rings_of(&self.mask);
        // A mask without closed rings has no inside: the lines stay as they are.
        let mut out = if rings.is_empty() {
            input.clone()
        } else {
            self.warped(input, &rings, ctx)
        };
        if self.keep_original {
            out.extend_from(input);
        }
        if self.show_mask {
            for geometry in self.mask.geometries() {
                out.extend_from(geometry);
            }
        }
        Ok(out)
    }
}
