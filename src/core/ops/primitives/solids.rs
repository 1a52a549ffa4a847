//! 3D wireframe primitives: `polyhedron`, `sphere`, `torus`.
//!
//! Polyhedra are built from their vertices alone: every uniform polyhedron has edges of
//! one length, so the edges are the closest vertex pairs, and each face is traced by
//! turning as little as possible at every vertex. Faces come out counter-clockwise seen
//! from outside (their normal points out), which `perspective` uses to hide the back.

use std::f64::consts::{PI, TAU};

use glam::DVec3;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Golden ratio.
const PHI: f64 = 1.618_033_988_749_895;

crate::choice! {
    /// The Platonic and Archimedean solids `polyhedron` draws.
    pub enum PolyhedronKind {
        Tetrahedron = "tetrahedron",
        Hexahedron = "hexahedron",
        Octahedron = "octahedron",
        Dodecahedron = "dodecahedron",
        Icosahedron = "icosahedron",
        Cuboctahedron = "cuboctahedron",
        Icosidodecahedron = "icosidodecahedron",
        TruncatedTetrahedron = "truncated_tetrahedron",
        TruncatedCube = "truncated_cube",
        TruncatedOctahedron = "truncated_octahedron",
        TruncatedDodecahedron = "truncated_dodecahedron",
        TruncatedIcosahedron = "truncated_icosahedron",
        Rhombicuboctahedron = "rhombicuboctahedron",
        TruncatedCuboctahedron = "truncated_cuboctahedron",
        Rhombicosidodecahedron = "rhombicosidodecahedron",
        TruncatedIcosidodecahedron = "truncated_icosidodecahedron",
        SnubCubeLeft = "snub_cube_left",
        SnubCubeRight = "snub_cube_right",
        SnubDodecahedronLeft = "snub_dodecahedron_left",
        SnubDodecahedronRight = "snub_dodecahedron_right",
    }
}

/// Every point from `base` with each non-zero coordinate taking both signs.
fn signs(base: &[[f64; 3]]) -> Vec<DVec3> {
    let mut out = Vec::new();
    for b in base {
        for mask in 0..8 {
            let p: Vec<f64> = (0..3)
                .map(|i| if mask & (1 << i) != 0 { -b[i] } else { b[i] })
                .collect();
            if (0..3).any(|i| b[i] == 0.0 && mask & (1 << i) != 0) {
                continue;
            }
            out.push(DVec3::new(p[0], p[1], p[2]));
        }
    }
    out
}

/// Cyclic (even) permutations of each point.
fn cyclic(points: Vec<DVec3>) -> Vec<DVec3> {
    points
        .into_iter()
        .flat_map(|p| [p, DVec3::new(p.y, p.z, p.x), DVec3::new(p.z, p.x, p.y)])
        .collect()
}

/// All six permutations of each point.
fn all_permutations(points: Vec<DVec3>) -> Vec<DVec3> {
    points
        .into_iter()
        .flat_map(|p| {
            [
                p,
                DVec3::new(p.y, p.z, p.x),
                DVec3::new(p.z, p.x, p.y),
                DVec3::new(p.y, p.x, p.z),
                DVec3::new(p.x, p.z, p.y),
                DVec3::new(p.z, p.y, p.x),
            ]
        })
        .collect()
}

/// `points` without repeats (within a small tolerance).
fn unique(points: Vec<DVec3>) -> Vec<DVec3> {
    let mut out: Vec<DVec3> = Vec::with_capacity(points.len());
    for p in points {
        if !out.iter().any(|q| q.distance(p) < 1e-9) {
            out.push(p);
        }
    }
    out
}

/// Vertices cut `t` of the way from each end of every edge of `solid` (truncation).
fn truncate(solid: &[DVec3], t: f64) -> Vec<DVec3> {
    let edges = edges_of(solid);
    let mut out = Vec::with_capacity(edges.len() * 2);
    for &(a, b) in &edges {
        out.push(solid[a].lerp(solid[b], t));
        out.push(solid[a].lerp(solid[b], 1.0 - t));
    }
    unique(out)
}

/// Vertex pairs at the shortest distance: the edges of a uniform polyhedron.
fn edges_of(v: &[DVec3]) -> Vec<(usize, usize)> {
    let mut shortest = f64::INFINITY;
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            shortest = shortest.min(v[i].distance(v[j]));
        }
    }
    let mut edges = Vec::new();
    for i in 0..v.len() {
        for j in i + 1..v.len() {
            if v[i].distance(v[j]) < shortest * (1.0 + 1e-6) {
                edges.push((i, j));
            }
        }
    }
    edges
}

/// The vertices of a solid (any size, centred at the origin).
fn vertices(kind: PolyhedronKind) -> Vec<DVec3> {
    use PolyhedronKind::*;
    let s2 = 2f64.sqrt();
    let tetra = || {
        vec![
            DVec3::new(1.0, 1.0, 1.0),
            DVec3::new(1.0, -1.0, -1.0),
            DVec3::new(-1.0, 1.0, -1.0),
            DVec3::new(-1.0, -1.0, 1.0),
        ]
    };
    let cube = || signs(&[[1.0, 1.0, 1.0]]);
    let octa = || cyclic(signs(&[[1.0, 0.0, 0.0]]));
    let dodeca = || {
        let mut v = signs(&[[1.0, 1.0, 1.0]]);
        v.extend(cyclic(signs(&[[0.0, 1.0 / PHI, PHI]])));
        v
    };
    let icosa = || cyclic(signs(&[[0.0, 1.0, PHI]]));
    // Truncating an edge at `t` from each end keeps the faces regular when
    // t = 1 / (2 + 2 cos(π / n)) for n-gon faces.
    let t = |n: f64| 1.0 / (2.0 + 2.0 * (PI / n).cos());
    let midpoints = |solid: Vec<DVec3>| truncate(&solid, 0.5);
    match kind {
        Tetrahedron => tetra(),
        Hexahedron => cube(),
        Octahedron => octa(),
        Dodecahedron => dodeca(),
        Icosahedron => icosa(),
        Cuboctahedron => midpoints(cube()),
        Icosidodecahedron => midpoints(icosa()),
        TruncatedTetrahedron => truncate(&tetra(), t(3.0)),
        TruncatedCube => truncate(&cube(), t(4.0)),
        TruncatedOctahedron => truncate(&octa(), t(3.0)),
        TruncatedDodecahedron => truncate(&dodeca(), t(5.0)),
        TruncatedIcosahedron => truncate(&icosa(), t(3.0)),
        Rhombicuboctahedron => unique(all_permutations(signs(&[[1.0, 1.0, 1.0 + s2]]))),
        TruncatedCuboctahedron => {
            unique(all_permutations(signs(&[[1.0, 1.0 + s2, 1.0 + 2.0 * s2]])))
        }
        Rhombicosidodecahedron => unique(cyclic(signs(&[
            [1.0, 1.0, PHI.powi(3)],
            [PHI * PHI, PHI, 2.0 * PHI],
            [2.0 + PHI, 0.0, PHI * PHI],
        ]))),
        TruncatedIcosidodecahedron => unique(cyclic(signs(&[
            [1.0 / PHI, 1.0 / PHI, 3.0 + PHI],
            [2.0 / PHI, PHI, 1.0 + 2.0 * PHI],
            [1.0 / PHI, PHI * PHI, -1.0 + 3.0 * PHI],
            [-1.0 + 2.0 * PHI, 2.0, 2.0 + PHI],
            [PHI, 3.0, 2.0 * PHI],
        ]))),
        SnubCubeLeft | SnubCubeRight => {
            // The tribonacci constant: even permutations of (±1, ±1/t, ±t) with an even
            // number of minus signs, odd permutations with an odd number.
            let tr =
                (1.0 + (19.0 + 3.0 * 33f64.sqrt()).cbrt() + (19.0 - 3.0 * 33f64.sqrt()).cbrt())
                    / 3.0;
            let base = [1.0, 1.0 / tr, tr];
            let mut out = Vec::new();
            for mask in 0..8u32 {
                let p = DVec3::new(
                    if mask & 1 != 0 { -base[0] } else { base[0] },
                    if mask & 2 != 0 { -base[1] } else { base[1] },
                    if mask & 4 != 0 { -base[2] } else { base[2] },
                );
                let odd_signs = mask.count_ones() % 2 == 1;
                if odd_signs {
                    out.extend([
                        DVec3::new(p.y, p.x, p.z),
                        DVec3::new(p.x, p.z, p.y),
                        DVec3::new(p.z, p.y, p.x),
                    ]);
                } else {
                    out.extend([p, DVec3::new(p.y, p.z, p.x), DVec3::new(p.z, p.x, p.y)]);
                }
            }
            if kind == SnubCubeRight {
                out.iter_mut().for_each(|p| p.x = -p.x);
            }
            unique(out)
        }
        SnubDodecahedronLeft | SnubDodecahedronRight => {
            // The orbit of one point under the 60 icosahedral rotations: the point where
            // the pentagon, triangle and 2-fold edges come out equal (solved once).
            let seed = DVec3::new(0.337_843_282, 0.656_480_600, 0.674_459_145);
            let mut out: Vec<DVec3> =
                crate::ops::kit::symmetry::rotations(crate::ops::kit::symmetry::SymmetryGroup::I)
                    .into_iter()
                    .map(|m| m * seed)
                    .collect();
            if kind == SnubDodecahedronRight {
                out.iter_mut().for_each(|p| p.x = -p.x);
            }
            unique(out)
        }
    }
}

/// The faces of the convex solid with vertices `v` (centred at the origin), each a list
/// of vertex indices counter-clockwise seen from outside.
fn faces(v: &[DVec3]) -> Vec<Vec<usize>> {
    let edges = edges_of(v);
    let mut neighbours = vec![Vec::new(); v.len()];
    for &(a, b) in &edges {
        neighbours[a].push(b);
        neighbours[b].push(a);
    }
    // The next vertex after a → b along the face on the left of a → b: the neighbour of b
    // reached first turning clockwise (seen from outside) from the way back to a.
    let next = |a: usize, b: usize| -> usize {
        let n = v[b].normalize();
        let back = v[a] - v[b];
        let e1 = (back - n * n.dot(back)).normalize();
        let e2 = n.cross(e1);
        *neighbours[b]
            .iter()
            .filter(|&&c| c != a)
            .min_by(|&&c, &&d| {
                let cw = |x: usize| {
                    let w = v[x] - v[b];
                    (-(w.dot(e2)).atan2(w.dot(e1))).rem_euclid(TAU)
                };
                cw(c).total_cmp(&cw(d))
            })
            .expect("every vertex of a solid has three or more neighbours")
    };
    let mut used = std::collections::HashSet::new();
    let mut out = Vec::new();
    for &(a, b) in &edges {
        for (s, t) in [(a, b), (b, a)] {
            if used.contains(&(s, t)) {
                continue;
            }
            let mut face = vec![s];
            let (mut p, mut q) = (s, t);
            while q != s && face.len() <= v.len() {
                used.insert((p, q));
                face.push(q);
                let r = next(p, q);
                (p, q) = (q, r);
            }
            used.insert((p, q));
            out.push(face);
        }
    }
    out
}

crate::op! {
    /// a Platonic or Archimedean solid as one closed polyline per face, counter-clockwise seen from outside (so every edge is drawn twice: follow with `perspective(hidden: "faces")` or `deduplicate` to plot it once); `scale` is the diameter of its circumsphere
    #[op(primitive, name = "polyhedron", version = 1)]
    pub struct Polyhedron {
        /// which solid
        pub kind: PolyhedronKind = PolyhedronKind::Tetrahedron,
        /// position of the solid's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// diameter of the circumsphere
        pub scale: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Polyhedron {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let v = vertices(self.kind);
        let radius = v.iter().map(|p| p.length()).fold(0.0, f64::max);
        let k = 0.5 * self.scale / radius;
        let c = self.center.as_dvec3();
        let faces = faces(&v);
        let points: usize = faces.iter().map(|f| f.len() + 1).sum();
        ctx.check_budget(points as u64, faces.len() as u64)?;
        let place = |p: DVec3| (c + p * k).as_vec3();
        Ok(Polylines::from_lines(faces.iter().map(|f| {
            f.iter()
                .chain(std::iter::once(&f[0]))
                .map(|&i| place(v[i]))
                .collect::<Vec<_>>()
        })))
    }
}

crate::op! {
    /// wireframe torus around the z axis: `major_segments` closed meridians and `minor_segments` closed parallels
    #[op(primitive, name = "torus", version = 1)]
    pub struct Torus {
        /// distance from the centre to the tube's middle
        pub major_radius: f64 = 40.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// radius of the tube
        pub minor_radius: f64 = 15.0 => ui(0.0, 200.0).min(0.0).unit("mm"),
        /// meridians (rings around the tube)
        pub major_segments: u32 = 32 => ui(3.0, 256.0).domain(3.0, 100_000.0),
        /// parallels (rings around the axis)
        pub minor_segments: u32 = 16 => ui(3.0, 256.0).domain(3.0, 100_000.0),
        /// position of the torus's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
    }
}

impl Evaluate for Torus {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let (nu, nv) = (self.major_segments as u64, self.minor_segments as u64);
        ctx.check_budget(nu * (nv + 1) + nv * (nu + 1), nu + nv)?;
        let (big, small) = (self.major_radius, self.minor_radius);
        let c = self.center.as_dvec3();
        let at = |u: f64, w: f64| {
            let r = big + small * w.cos();
            (c + DVec3::new(r * u.cos(), r * u.sin(), small * w.sin())).as_vec3()
        };
        let mut out =
            Polylines::with_capacity((nu * (nv + 1) + nv * (nu + 1)) as usize, (nu + nv) as usize);
        for i in 0..nu {
            let u = TAU * i as f64 / nu as f64;
            out.push_line((0..=nv).map(|j| at(u, TAU * (j % nv) as f64 / nv as f64)));
        }
        for j in 0..nv {
            let w = TAU * j as f64 / nv as f64;
            out.push_line((0..=nu).map(|i| at(TAU * (i % nu) as f64 / nu as f64, w)));
        }
        Ok(out)
    }
}

crate::choice! {
    /// How `sphere` draws its surface.
    pub enum SphereStyle { Latlon = "latlon", Rings = "rings", Spiral = "spiral", Icosphere = "icosphere" }
}

crate::choice! {
    /// Which lines a latitude/longitude or ring sphere draws.
    pub enum SphereLines { Both = "both", Horizontal = "horizontal", Vertical = "vertical" }
}

crate::op! {
    /// wireframe sphere: latitude and longitude lines, rings in three planes, one spiral from pole to pole, or an icosphere's triangles (faces counter-clockwise seen from outside)
    #[op(primitive, name = "sphere", version = 1)]
    pub struct Sphere {
        /// how the surface is drawn
        pub style: SphereStyle = SphereStyle::Latlon,
        /// which families of lines (latlon, rings)
        pub line_mode: SphereLines = SphereLines::Both,
        /// detail: lines per family are 4 · 2^subdivisions (icosphere: triangle splits)
        pub subdivisions: u32 = 2 => ui(0.0, 5.0).domain(0.0, 7.0),
        /// position of the sphere's centre
        pub center: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// diameter
        pub scale: f64 = 100.0 => ui(0.0, 300.0).min(0.0).unit("mm"),
    }
}

impl Evaluate for Sphere {
    fn eval(&self, _: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let r = self.scale / 2.0;
        let c = self.center.as_dvec3();
        let place = |p: DVec3| (c + p * r).as_vec3();
        let lines = 4u64 << self.subdivisions;
        let samples = 16 * lines;
        let mode = self.line_mode;
        let mut out = Polylines::new();
        match self.style {
            SphereStyle::Latlon => {
                ctx.check_budget(2 * lines * (samples + 1), 2 * lines)?;
                // Parallels between the poles (not at them), meridians pole to pole.
                if mode != SphereLines::Vertical {
                    for i in 1..lines {
                        let lat = PI * (i as f64 / lines as f64 - 0.5);
                        out.push_line((0..=samples).map(|k| {
                            let lon = TAU * (k % samples) as f64 / samples as f64;
                            place(DVec3::new(
                                lat.cos() * lon.cos(),
                                lat.cos() * lon.sin(),
                                lat.sin(),
                            ))
                        }));
                    }
                }
                if mode != SphereLines::Horizontal {
                    for i in 0..lines {
                        let lon = TAU * i as f64 / lines as f64;
                        out.push_line((0..=samples / 2).map(|k| {
                            let lat = PI * (k as f64 / (samples / 2) as f64 - 0.5);
                            place(DVec3::new(
                                lat.cos() * lon.cos(),
                                lat.cos() * lon.sin(),
                                lat.sin(),
                            ))
                        }));
                    }
                }
            }
            SphereStyle::Rings => {
                ctx.check_budget(3 * lines * (samples + 1), 3 * lines)?;
                // Rings of constant x, y (vertical) and z (horizontal).
                let axes: &[usize] = match mode {
                    SphereLines::Both => &[0, 1, 2],
                    SphereLines::Vertical => &[0, 1],
                    SphereLines::Horizontal => &[2],
                };
                for &axis in axes {
                    for i in 1..lines {
                        let h = 2.0 * i as f64 / lines as f64 - 1.0;
                        let rr = (1.0 - h * h).sqrt();
                        out.push_line((0..=samples).map(|k| {
                            let a = TAU * (k % samples) as f64 / samples as f64;
                            let (p, q) = (rr * a.cos(), rr * a.sin());
                            place(match axis {
                                0 => DVec3::new(h, p, q),
                                1 => DVec3::new(p, h, q),
                                _ => DVec3::new(p, q, h),
                            })
                        }));
                    }
                }
            }
            SphereStyle::Spiral => {
                let n = samples * lines / 2;
                ctx.check_budget(n + 1, 1)?;
                let turns = lines as f64;
                out.push_line((0..=n).map(|k| {
                    let t = k as f64 / n as f64;
                    let lat = PI * (t - 0.5);
                    let lon = TAU * turns * t;
                    place(DVec3::new(
                        lat.cos() * lon.cos(),
                        lat.cos() * lon.sin(),
                        lat.sin(),
                    ))
                }));
            }
            SphereStyle::Icosphere => {
                let tris = 20u64 << (2 * self.subdivisions);
                ctx.check_budget(tris * 4, tris)?;
                let ico = vertices(PolyhedronKind::Icosahedron);
                let mut triangles: Vec<[DVec3; 3]> = faces(&ico)
                    .into_iter()
                    .map(|f| [ico[f[0]], ico[f[1]], ico[f[2]]].map(DVec3::normalize))
                    .collect();
                for _ in 0..self.subdivisions {
                    triangles = triangles
                        .into_iter()
                        .flat_map(|[a, b, c]| {
                            let (ab, bc, ca) = (
                                a.lerp(b, 0.5).normalize(),
                                b.lerp(c, 0.5).normalize(),
                                c.lerp(a, 0.5).normalize(),
                            );
                            [[a, ab, ca], [ab, b, bc], [ca, bc, c], [ab, bc, ca]]
                        })
                        .collect();
                }
                for [a, b, c] in triangles {
                    out.push_line([place(a), place(b), place(c), place(a)]);
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (vertices, edges, faces) of every solid: V − E + F = 2 and the known counts.
    #[test]
    fn every_solid_has_its_known_vertex_edge_and_face_counts() {
        use PolyhedronKind::*;
        let expected = [
            (Tetrahedron, 4, 6, 4),
            (Hexahedron, 8, 12, 6),
            (Octahedron, 6, 12, 8),
            (Dodecahedron, 20, 30, 12),
            (Icosahedron, 12, 30, 20),
            (Cuboctahedron, 12, 24, 14),
            (Icosidodecahedron, 30, 60, 32),
            (TruncatedTetrahedron, 12, 18, 8),
            (TruncatedCube, 24, 36, 14),
            (TruncatedOctahedron, 24, 36, 14),
            (TruncatedDodecahedron, 60, 90, 32),
            (TruncatedIcosahedron, 60, 90, 32),
            (Rhombicuboctahedron, 24, 48, 26),
            (TruncatedCuboctahedron, 48, 72, 26),
            (Rhombicosidodecahedron, 60, 120, 62),
            (TruncatedIcosidodecahedron, 120, 180, 62),
            (SnubCubeLeft, 24, 60, 38),
            (SnubCubeRight, 24, 60, 38),
            (SnubDodecahedronLeft, 60, 150, 92),
            (SnubDodecahedronRight, 60, 150, 92),
        ];
        for (kind, v, e, f) in expected {
            let verts = vertices(kind);
            let found = (verts.len(), edges_of(&verts).len(), faces(&verts).len());
            assert_eq!(found, (v, e, f), "{kind:?}");
            // Every face is planar and wound with its normal pointing out.
            for face in faces(&verts) {
                let centre = face.iter().map(|&i| verts[i]).sum::<DVec3>() / face.len() as f64;
                let mut normal = DVec3::ZERO;
                for (k, &i) in face.iter().enumerate() {
                    let j = face[(k + 1) % face.len()];
                    normal += verts[i].cross(verts[j]);
                }
                assert!(
                    normal.dot(centre) > 0.0,
                    "{kind:?} face {face:?} winds inwards"
                );
                for &i in &face {
                    assert!(
                        (verts[i] - centre).dot(normal.normalize()).abs() < 1e-9,
                        "{kind:?}"
                    );
                }
            }
        }
    }
}
