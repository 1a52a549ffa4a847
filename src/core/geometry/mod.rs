//! The pure geometry core: packed polylines, recipe ids and small math helpers.
//! Nothing here depends on Bevy's ECS or renderer.

mod clip;
mod id;
mod line_vertices;
mod nearest;
mod polylines;
mod travel;

pub use clip::{clip_to_half_space, segment_in_rect};
pub use id::{FLOAT_QUANTUM, GeometryId, IdHasher, quantise};
pub use line_vertices::{GeometryStats, LineVertices};
pub use polylines::{
    MAX_NOTES, OffsetsError, Polylines, is_closed, line_length, without_closing_point,
};
pub use travel::{Placed, input_order, reorder, sort_for_travel, travel_of};

/// Largest coordinate any output accepts (mm): a kilometre, far beyond any paper.
pub const MAX_COORDINATE_MM: f32 = 1.0e6;

/// Vector and matrix types of the core (f32, from glam, which Bevy also uses).
pub use glam::{Mat3, Vec2, Vec3, Vec4};

/// Rotation matrix for Euler angles in degrees, composed Rz·Ry·Rx (X applied first).
pub fn rotation_xyz_degrees(deg: Vec3) -> Mat3 {
    let r = deg * (std::f32::consts::PI / 180.0);
    Mat3::from_rotation_z(r.z) * Mat3::from_rotation_y(r.y) * Mat3::from_rotation_x(r.x)
}

/// Newell's normal of a closed polygon (unnormalised; its length is twice the area, its
/// direction follows the winding). The first point may or may not be repeated at the end.
pub fn newell_normal(ring: &[glam::DVec3]) -> glam::DVec3 {
    let mut n = glam::DVec3::ZERO;
    for (k, &a) in ring.iter().enumerate() {
        let b = ring[(k + 1) % ring.len()];
        n += glam::DVec3::new(
            (a.y - b.y) * (a.z + b.z),
            (a.z - b.z) * (a.x + b.x),
            (a.x - b.x) * (a.y + b.y),
        );
    }
    n
}
