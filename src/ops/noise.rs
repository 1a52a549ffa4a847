//! Classic 3D Perlin gradient noise (Perlin's 2002 "improved noise": reference
//! permutation, 12 edge gradients, quintic fade), in f32.
//!
//! Hand-written rather than taken from the `noise` crate because `displace` needs three
//! noise values per vertex for hundreds of thousands of vertices per frame: the three
//! samples sit at integer offsets from each other, so they share the fade weights and
//! fractional offsets, which a generic noise function cannot exploit.

use crate::geometry::Vec3;

const PERMUTATION: [u8; 256] = [
    151, 160, 137, 91, 90, 15, 131, 13, 201, 95, 96, 53, 194, 233, 7, 225, 140, 36, 103, 30, 69,
    142, 8, 99, 37, 240, 21, 10, 23, 190, 6, 148, 247, 120, 234, 75, 0, 26, 197, 62, 94, 252, 219,
    203, 117, 35, 11, 32, 57, 177, 33, 88, 237, 149, 56, 87, 174, 20, 125, 136, 171, 168, 68, 175,
    74, 165, 71, 134, 139, 48, 27, 166, 77, 146, 158, 231, 83, 111, 229, 122, 60, 211, 133, 230,
    220, 105, 92, 41, 55, 46, 245, 40, 244, 102, 143, 54, 65, 25, 63, 161, 1, 216, 80, 73, 209, 76,
    132, 187, 208, 89, 18, 169, 200, 196, 135, 130, 116, 188, 159, 86, 164, 100, 109, 198, 173,
    186, 3, 64, 52, 217, 226, 250, 124, 123, 5, 202, 38, 147, 118, 126, 255, 82, 85, 212, 207, 206,
    59, 227, 47, 16, 58, 17, 182, 189, 28, 42, 223, 183, 170, 213, 119, 248, 152, 2, 44, 154, 163,
    70, 221, 153, 101, 155, 167, 43, 172, 9, 129, 22, 39, 253, 19, 98, 108, 110, 79, 113, 224, 232,
    178, 185, 112, 104, 218, 246, 97, 228, 251, 34, 242, 193, 238, 210, 144, 12, 191, 179, 162,
    241, 81, 51, 145, 235, 249, 14, 239, 107, 49, 192, 214, 31, 181, 199, 106, 157, 184, 84, 204,
    176, 115, 121, 50, 45, 127, 4, 150, 254, 138, 236, 205, 93, 222, 114, 67, 29, 24, 72, 243, 141,
    128, 195, 78, 66, 215, 61, 156, 180,
];

/// The permutation repeated twice so that `P[P[x] + y]` never wraps.
const P: [u8; 512] = {
    let mut p = [0u8; 512];
    let mut i = 0;
    while i < 512 {
        p[i] = PERMUTATION[i & 255];
        i += 1;
    }
    p
};

/// The 12 cube-edge gradients, padded to 16 as in the reference.
const GRAD: [[f32; 3]; 16] = [
    [1., 1., 0.],
    [-1., 1., 0.],
    [1., -1., 0.],
    [-1., -1., 0.],
    [1., 0., 1.],
    [-1., 0., 1.],
    [1., 0., -1.],
    [-1., 0., -1.],
    [0., 1., 1.],
    [0., -1., 1.],
    [0., 1., -1.],
    [0., -1., -1.],
    [1., 1., 0.],
    [0., -1., 1.],
    [-1., 1., 0.],
    [0., -1., -1.],
];

#[inline(always)]
fn p(i: usize) -> usize {
    P[i & 511] as usize
}

#[inline(always)]
fn grad(hash: usize, x: f32, y: f32, z: f32) -> f32 {
    let g = GRAD[hash & 15];
    g[0] * x + g[1] * y + g[2] * z
}

#[inline(always)]
fn fade(t: f32) -> f32 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

#[inline(always)]
fn lerp(t: f32, a: f32, b: f32) -> f32 {
    a + t * (b - a)
}

/// Position inside the lattice cell and the fade weights, shared by samples at integer offsets.
struct Cell {
    x: f32,
    y: f32,
    z: f32,
    u: f32,
    v: f32,
    w: f32,
}

#[inline(always)]
fn corners(cell: &Cell, xi: usize, yi: usize, zi: usize) -> f32 {
    let (x, y, z) = (cell.x, cell.y, cell.z);
    let a = p(xi) + yi;
    let (aa, ab) = (p(a) + zi, p(a + 1) + zi);
    let b = p(xi + 1) + yi;
    let (ba, bb) = (p(b) + zi, p(b + 1) + zi);
    lerp(
        cell.w,
        lerp(
            cell.v,
            lerp(cell.u, grad(p(aa), x, y, z), grad(p(ba), x - 1., y, z)),
            lerp(cell.u, grad(p(ab), x, y - 1., z), grad(p(bb), x - 1., y - 1., z)),
        ),
        lerp(
            cell.v,
            lerp(cell.u, grad(p(aa + 1), x, y, z - 1.), grad(p(ba + 1), x - 1., y, z - 1.)),
            lerp(cell.u, grad(p(ab + 1), x, y - 1., z - 1.), grad(p(bb + 1), x - 1., y - 1., z - 1.)),
        ),
    )
}

/// Splits a coordinate into its lattice index (mod 256) and fraction.
#[inline(always)]
fn split(c: f32) -> (usize, f32) {
    let f = c.floor();
    ((f as i32 & 255) as usize, c - f)
}

/// Perlin noise at `q`; roughly in -1..=1, zero at lattice points.
pub fn perlin3(q: Vec3) -> f32 {
    noise_at_offsets(q, &[0])[0]
}

/// Noise at `q + o` for each integer offset `o` (added to all three axes).
#[inline(always)]
pub fn noise_at_offsets<const N: usize>(q: Vec3, offsets: &[usize; N]) -> [f32; N] {
    let (xi, x) = split(q.x);
    let (yi, y) = split(q.y);
    let (zi, z) = split(q.z);
    let cell = Cell { x, y, z, u: fade(x), v: fade(y), w: fade(z) };
    offsets.map(|o| corners(&cell, (xi + o) & 255, (yi + o) & 255, (zi + o) & 255))
}

/// The three displacement noises of `displace`: at `q`, `q + 100` and `q + 200`.
#[inline(always)]
pub fn perlin3_xyz(q: Vec3) -> Vec3 {
    Vec3::from_array(noise_at_offsets(q, &[0, 100, 200]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_on_lattice_and_bounded() {
        assert_eq!(perlin3(Vec3::new(3.0, 7.0, 11.0)), 0.0);
        let mut max = 0.0f32;
        for i in 0..2000 {
            let q = Vec3::new(i as f32 * 0.137, i as f32 * 0.071, i as f32 * 0.029);
            max = max.max(perlin3(q).abs());
        }
        assert!(max > 0.3 && max <= 1.05, "{max}");
    }

    #[test]
    fn offsets_match_separate_samples() {
        let q = Vec3::new(1.3, 2.7, 0.4);
        let v = perlin3_xyz(q);
        // Separate samples lose a little precision adding 100 in f32; shared cells do not.
        assert!((v.y - perlin3(q + Vec3::splat(100.0))).abs() < 1e-4);
        assert!((v.z - perlin3(q + Vec3::splat(200.0))).abs() < 1e-4);
    }
}
