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
            lerp(
                cell.u,
                grad(p(ab), x, y - 1., z),
                grad(p(bb), x - 1., y - 1., z),
            ),
        ),
        lerp(
            cell.v,
            lerp(
                cell.u,
                grad(p(aa + 1), x, y, z - 1.),
                grad(p(ba + 1), x - 1., y, z - 1.),
            ),
            lerp(
                cell.u,
                grad(p(ab + 1), x, y - 1., z - 1.),
                grad(p(bb + 1), x - 1., y - 1., z - 1.),
            ),
        ),
    )
}

/// `c.floor()` as an integer without a libm call (baseline x86-64 has no rounding
/// instruction, and `floorf` calls dominated the noise cost). Valid for |c| < 2³¹.
#[inline(always)]
fn fast_floor(c: f32) -> i32 {
    let i = c as i32;
    i - ((c < i as f32) as i32)
}

/// Splits a coordinate into its lattice index (mod 256) and fraction.
#[inline(always)]
fn split(c: f32) -> (usize, f32) {
    let f = fast_floor(c);
    ((f & 255) as usize, c - f as f32)
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
    let cell = Cell {
        x,
        y,
        z,
        u: fade(x),
        v: fade(y),
        w: fade(z),
    };
    offsets.map(|o| corners(&cell, (xi + o) & 255, (yi + o) & 255, (zi + o) & 255))
}

/// The three displacement noises of `displace`: at `q`, `q + 100` and `q + 200`.
#[inline(always)]
pub fn perlin3_xyz(q: Vec3) -> Vec3 {
    Vec3::from_array(noise_at_offsets(q, &[0, 100, 200]))
}

/// Samples noise at `q + o` for each of `N` integer offsets along a coherent path of
/// points (such as a subdivided polyline), reusing the lattice cell's gradients while
/// consecutive points stay in the same cell. Gives the same values as
/// [`noise_at_offsets`].
pub struct CoherentSampler<const N: usize> {
    offsets: [usize; N],
    cell: Option<[i32; 3]>,
    /// Per offset, structure-of-arrays over the 8 cell corners (index bit 2 = x + 1,
    /// bit 1 = y + 1, bit 0 = z + 1): gradient x, y, z and gradient · corner.
    /// This layout lets the compiler evaluate the 8 corners with SIMD.
    corners: [[[f32; 8]; 4]; N],
}

impl<const N: usize> CoherentSampler<N> {
    /// A sampler for the given offsets.
    pub fn new(offsets: [usize; N]) -> Self {
        Self {
            offsets,
            cell: None,
            corners: [[[0.0; 8]; 4]; N],
        }
    }

    fn load_cell(&mut self, cell: [i32; 3]) {
        self.cell = Some(cell);
        for (k, &o) in self.offsets.iter().enumerate() {
            let [xi, yi, zi] = cell.map(|c| ((c & 255) as usize + o) & 255);
            for corner in 0..8 {
                let (dx, dy, dz) = ((corner >> 2) & 1, (corner >> 1) & 1, corner & 1);
                let h = p(p(p(xi + dx) + yi + dy) + zi + dz);
                let g = GRAD[h & 15];
                let c = &mut self.corners[k];
                c[0][corner] = g[0];
                c[1][corner] = g[1];
                c[2][corner] = g[2];
                c[3][corner] = g[0] * dx as f32 + g[1] * dy as f32 + g[2] * dz as f32;
            }
        }
    }

    /// Noise at `q + o` for each offset `o`.
    #[inline(always)]
    pub fn sample(&mut self, q: Vec3) -> [f32; N] {
        let cell = [fast_floor(q.x), fast_floor(q.y), fast_floor(q.z)];
        if self.cell != Some(cell) {
            self.load_cell(cell);
        }
        let (x, y, z) = (
            q.x - cell[0] as f32,
            q.y - cell[1] as f32,
            q.z - cell[2] as f32,
        );
        let (u, v, w) = (fade(x), fade(y), fade(z));
        let mut out = [0.0; N];
        for (k, [gx, gy, gz, gc]) in self.corners.iter().enumerate() {
            let mut d = [0.0f32; 8];
            for i in 0..8 {
                d[i] = gx[i] * x + gy[i] * y + gz[i] * z - gc[i];
            }
            let mut a = [0.0f32; 4];
            for j in 0..4 {
                a[j] = d[j] + u * (d[j + 4] - d[j]);
            }
            let b = [a[0] + v * (a[2] - a[0]), a[1] + v * (a[3] - a[1])];
            out[k] = b[0] + w * (b[1] - b[0]);
        }
        out
    }
}

/// Like [`CoherentSampler`] for points whose z is one fixed value (flat drawings):
/// the z interpolation is folded into the cell's corner data once per cell, leaving a
/// 4-corner problem per point instead of an 8-corner one.
pub struct PlanarSampler<const N: usize> {
    full: CoherentSampler<N>,
    z: f32,
    cell: Option<[i32; 2]>,
    /// Per offset: x coefficient, y coefficient and constant of the 4 (x, y) corners.
    corners: [[[f32; 4]; 3]; N],
}

impl<const N: usize> PlanarSampler<N> {
    /// A sampler for points at height `z` (in noise space).
    pub fn new(offsets: [usize; N], z: f32) -> Self {
        Self {
            full: CoherentSampler::new(offsets),
            z,
            cell: None,
            corners: [[[0.0; 4]; 3]; N],
        }
    }

    fn load_cell(&mut self, cell: [i32; 2]) {
        self.cell = Some(cell);
        let zi = fast_floor(self.z);
        self.full.load_cell([cell[0], cell[1], zi]);
        let z = self.z - zi as f32;
        let w = fade(z);
        for (k, [gx, gy, gz, gc]) in self.full.corners.iter().enumerate() {
            for j in 0..4 {
                // Corners 2j (z) and 2j + 1 (z + 1) share x and y.
                let (a, b) = (2 * j, 2 * j + 1);
                let ka = gz[a] * z - gc[a];
                let kb = gz[b] * z - gc[b];
                self.corners[k][0][j] = gx[a] + w * (gx[b] - gx[a]);
                self.corners[k][1][j] = gy[a] + w * (gy[b] - gy[a]);
                self.corners[k][2][j] = ka + w * (kb - ka);
            }
        }
    }

    /// Noise at `(x, y, z) + o` for each offset `o`.
    #[inline(always)]
    pub fn sample(&mut self, x: f32, y: f32) -> [f32; N] {
        let cell = [fast_floor(x), fast_floor(y)];
        if self.cell != Some(cell) {
            self.load_cell(cell);
        }
        let (x, y) = (x - cell[0] as f32, y - cell[1] as f32);
        let (u, v) = (fade(x), fade(y));
        let mut out = [0.0; N];
        for (k, [cx, cy, ck]) in self.corners.iter().enumerate() {
            let mut d = [0.0f32; 4];
            for j in 0..4 {
                d[j] = cx[j] * x + cy[j] * y + ck[j];
            }
            // Corner index bit 1 = x + 1, bit 0 = y + 1.
            let a = [d[0] + u * (d[2] - d[0]), d[1] + u * (d[3] - d[1])];
            out[k] = a[0] + v * (a[1] - a[0]);
        }
        out
    }
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
    fn coherent_sampler_matches_direct_noise() {
        let mut sampler = CoherentSampler::new([0, 100, 200]);
        for i in 0..500 {
            let q = Vec3::new(i as f32 * 0.013 - 2.0, 1.7 + i as f32 * 0.007, -0.3);
            let direct = perlin3_xyz(q);
            let cached = Vec3::from_array(sampler.sample(q));
            assert!(
                (direct - cached).abs().max_element() < 1e-5,
                "{direct} vs {cached}"
            );
        }
    }

    #[test]
    fn planar_sampler_matches_direct_noise() {
        let z = 1000.37;
        let mut sampler = PlanarSampler::new([0, 100], z);
        for i in 0..500 {
            let (x, y) = (i as f32 * 0.021 - 3.0, 0.5 + i as f32 * 0.009);
            let direct = perlin3_xyz(Vec3::new(x, y, z));
            let [nx, ny] = sampler.sample(x, y);
            assert!(
                (direct.x - nx).abs() < 1e-4 && (direct.y - ny).abs() < 1e-4,
                "{direct} vs {nx} {ny}"
            );
        }
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
