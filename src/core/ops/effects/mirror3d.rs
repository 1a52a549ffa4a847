//! `mirror3d`: radial symmetry about an axis, or the rotation groups of the regular
//! solids, in 3D.

use std::f64::consts::PI;

use glam::{DMat3, DVec3};

use crate::geometry::{Polylines, Vec3, clip_to_half_space};

use super::mirror::distinct_copies;
use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::parallel;
use crate::ops::kit::symmetry::{SymmetryGroup, rotations};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Points this close to a mirror plane count as on it (mm).
const ON_PLANE: f64 = 1e-6;

crate::choice! {
    /// How `mirror3d` copies its source.
    pub enum Mirror3dMode { Azimuth = "azimuth", Polyhedral = "polyhedral" }
}

crate::op! {
    /// 3D symmetry: azimuth keeps the wedge of 180°/n around `axis` (from `phi0`) and copies it by n rotations and their reflections (optionally mirrored across the equator too); polyhedral keeps the octant x, y, z ≥ 0 around the centre (as grafix; copies of the octant overlap, the repeats are dropped) and copies it by the rotations of a regular solid's group (optionally with reflections); repeated copies are dropped
    #[op(effect, name = "mirror3d", version = 1)]
    pub struct Mirror3d {
        /// azimuth (about an axis) or polyhedral (a solid's rotation group)
        pub mode: Mirror3dMode = Mirror3dMode::Azimuth,
        /// wedges around the axis (azimuth)
        pub n_azimuth: u32 = 1 => ui(1.0, 64.0).domain(1.0, 360.0),
        /// centre of symmetry
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// axis of the azimuth symmetry (normalised; not zero)
        pub axis: Vec3 = Vec3::Z => ui(-1.0, 1.0),
        /// angle where the source wedge starts, around the axis
        pub phi0: f64 = 0.0 => ui(-180.0, 180.0).unit("deg"),
        /// also mirror across the plane through the centre normal to the axis
        pub mirror_equator: bool = false,
        /// keep the side of the equator the axis points to (else the other)
        pub source_side: bool = true,
        /// rotation group (polyhedral)
        pub group: SymmetryGroup = SymmetryGroup::T,
        /// add the mirror image of every rotated copy (polyhedral)
        pub use_reflection: bool = false,
    }
}

/// The parts of `line` where `normal · (p - centre) >= 0`.
fn clip(line: &[DVec3], normal: DVec3, centre: DVec3) -> Vec<Vec<DVec3>> {
    clip_to_half_space(line, ON_PLANE, |p| normal.dot(p - centre), DVec3::lerp)
}

/// Reflection across the plane through the origin with unit normal `n`.
fn reflection(n: DVec3) -> DMat3 {
    DMat3::IDENTITY - 2.0 * DMat3::from_cols(n * n.x, n * n.y, n * n.z)
}

impl Mirror3d {
    /// The source region (half-spaces through the centre) and the copies.
    fn symmetry(&self) -> Result<(Vec<DVec3>, Vec<DMat3>), OpFailure> {
        match self.mode {
            Mirror3dMode::Polyhedral => {
                let mut copies = rotations(self.group);
                if self.use_reflection {
                    let flip = reflection(DVec3::Y);
                    let flipped: Vec<DMat3> = copies.iter().map(|m| flip * *m).collect();
                    copies.extend(flipped);
                }
                Ok((vec![DVec3::X, DVec3::Y, DVec3::Z], copies))
            }
            Mirror3dMode::Azimuth => {
                let axis = self.axis.as_dvec3();
                if axis.length() < 1e-9 {
                    return Err(OpFailure::bad_input(
                        "axis is zero; give a direction such as (0, 0, 1)",
                    ));
                }
                let k = axis.normalize();
                let helper = if k.dot(DVec3::X).abs() > 0.95 {
                    DVec3::Y
                } else {
                    DVec3::X
                };
                let b0 = k.cross(helper).normalize();
                let b1 = k.cross(b0);
                let n = self.n_azimuth.max(1) as f64;
                let phi0 = self.phi0.to_radians();
                let dir = |a: f64| b0 * a.cos() + b1 * a.sin();
                let (u0, u1) = (dir(phi0), dir(phi0 + PI / n));
                let (n0, n1) = (k.cross(u0), k.cross(u1));
                let mut source = vec![n0, -n1];
                let mirror = reflection(n0);
                let mut copies = Vec::new();
                for m in 0..self.n_azimuth.max(1) {
                    let r = DMat3::from_axis_angle(k, 2.0 * PI * m as f64 / n);
                    copies.push(r);
                    copies.push(r * mirror);
                }
                if self.mirror_equator {
                    source.push(if self.source_side { k } else { -k });
                    let equator = reflection(k);
                    let flipped: Vec<DMat3> = copies.iter().map(|m| equator * *m).collect();
                    copies.extend(flipped);
                }
                Ok((source, copies))
            }
        }
    }
}

impl Evaluate for Mirror3d {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let ex = ctx.executor.as_ref();
        let (source, copies) = self.symmetry()?;
        let c = self.center.as_dvec3();
        // Each polyline cut to the source region, in chunks of polylines.
        let pieces: Vec<Vec<DVec3>> = parallel::map_ranges(ex, input.line_count(), 256, |range| {
            let mut pieces: Vec<Vec<DVec3>> = range
                .map(|i| input.line(i).iter().map(|p| p.as_dvec3()).collect())
                .collect();
            for normal in &source {
                pieces = pieces.iter().flat_map(|l| clip(l, *normal, c)).collect();
            }
            pieces
        })
        .concat();
        let points: usize = pieces.iter().map(Vec::len).sum();
        ctx.check_budget(
            (points * copies.len()) as u64,
            (pieces.len() * copies.len()) as u64,
        )?;
        Ok(distinct_copies(ex, copies.len(), pieces.len(), |k, i| {
            pieces[i]
                .iter()
                .map(|&p| (c + copies[k] * (p - c)).as_vec3())
                .collect()
        }))
    }
}
