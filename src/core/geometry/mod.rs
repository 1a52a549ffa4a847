//! The pure geometry core: packed polylines, recipe ids and small math helpers.
//! Nothing here depends on Bevy's ECS or renderer.

mod id;
mod line_vertices;
mod polylines;
mod travel;

pub use id::{FLOAT_QUANTUM, GeometryId, IdHasher, quantise};
pub use line_vertices::{GeometryStats, LineVertices};
pub use polylines::{OffsetsError, Polylines, is_closed, line_length};
pub use travel::{Placed, input_order, sort_for_travel, travel_of};

/// Vector and matrix types of the core (f32, from glam, which Bevy also uses).
pub use glam::{Mat3, Vec2, Vec3, Vec4};

/// Rotation matrix for Euler angles in degrees, composed Rz·Ry·Rx (X applied first).
pub fn rotation_xyz_degrees(deg: Vec3) -> Mat3 {
    let r = deg * (std::f32::consts::PI / 180.0);
    Mat3::from_rotation_z(r.z) * Mat3::from_rotation_y(r.y) * Mat3::from_rotation_x(r.x)
}
