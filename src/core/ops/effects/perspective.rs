//! `perspective`: projects 3D geometry through a pinhole camera onto the paper plane,
//! with near-plane clipping and hidden-line removal for a convex solid.

use std::collections::HashSet;

use glam::DVec3;

use crate::geometry::{Polylines, Vec3};

use crate::ops::kit::defaults::A4_CENTER;
use crate::ops::kit::parallel;
use crate::ops::model::context::Executor;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

/// Grid on which edges shared by two faces are recognised (mm).
const SAME_POINT: f64 = 1e-4;

crate::choice! {
    /// What `perspective` hides.
    pub enum HiddenLines {
        /// Nothing: every line is drawn.
        None = "none",
        /// The input is one convex polyhedron made of closed planar faces (`polyhedron`, an icosphere): faces turned away from the camera are dropped, edges shared by two visible faces are drawn once. Other lines (hatching, open lines) are kept whole: put `perspective` right after the solid and its rigid moves.
        Faces = "faces",
        /// The input lies on one sphere around the centre of its bounds (a latlon, rings or spiral `sphere`): the parts of lines on the far side are cut off exactly at the silhouette.
        Sphere = "sphere",
    }
}

crate::op! {
    /// projects 3D geometry through a pinhole camera at `camera` looking at `target` onto the paper (z = 0): the plane through the target facing the camera keeps its size and the target stays in place; parts nearer than `near` are cut off; `hidden` removes the back of a convex solid
    #[op(effect, name = "perspective", version = 1)]
    pub struct Perspective {
        /// the eye (paper y points down, z away from the viewer: a camera at negative z looks at the paper's front)
        pub camera: Vec3 = Vec3::new(A4_CENTER.x, A4_CENTER.y, -400.0) => ui(-1000.0, 1000.0).unit("mm"),
        /// the point looked at; it keeps its place on the paper
        pub target: Vec3 = A4_CENTER => ui(-300.0, 600.0).unit("mm"),
        /// focal length: 0 uses the camera's distance to the target (the target plane keeps its size); larger zooms in
        pub focal: f64 = 0.0 => ui(0.0, 2000.0).min(0.0).unit("mm"),
        /// nearest depth drawn, along the view direction
        pub near: f64 = 1.0 => ui(0.001, 100.0).min(0.001).unit("mm"),
        /// hidden-line removal for one convex solid
        pub hidden: HiddenLines = HiddenLines::None,
    }
}

/// The camera frame: where it is, its view direction and the paper's x and y seen from it.
struct Camera {
    eye: DVec3,
    forward: DVec3,
    right: DVec3,
    down: DVec3,
    focal: f64,
    target: DVec3,
    near: f64,
}

impl Camera {
    fn of(p: &Perspective) -> Result<Self, OpFailure> {
        let eye = p.camera.as_dvec3();
        let target = p.target.as_dvec3();
        let distance = eye.distance(target);
        if distance < 1e-9 {
            return Err(OpFailure::bad_input(
                "camera and target are the same point; move the camera away from the target",
            ));
        }
        let forward = (target - eye) / distance;
        // Paper y (down) is the image's down unless the camera looks along it.
        let hint = if forward.y.abs() > 0.999 {
            DVec3::Z
        } else {
            DVec3::Y
        };
        let right = hint.cross(forward).normalize();
        let down = forward.cross(right);
        let focal = if p.focal > 0.0 { p.focal } else { distance };
        Ok(Self {
            eye,
            forward,
            right,
            down,
            focal,
            target,
            near: p.near,
        })
    }

    fn depth(&self, p: DVec3) -> f64 {
        (p - self.eye).dot(self.forward)
    }

    fn project(&self, p: DVec3) -> Vec3 {
        let q = p - self.eye;
        let z = q.dot(self.forward);
        let s = self.focal / z;
        Vec3::new(
            (self.target.x + q.dot(self.right) * s) as f32,
            (self.target.y + q.dot(self.down) * s) as f32,
            0.0,
        )
    }
}

/// Splits `line` into the runs where `f(point) >= 0`, cutting each segment where `f`
/// crosses 0 at the parameter `cross(a, b)` gives.
fn keep_where(
    line: &[DVec3],
    f: impl Fn(DVec3) -> f64,
    cross: impl Fn(DVec3, DVec3) -> f64,
    out: &mut Vec<Vec<DVec3>>,
) {
    let mut run: Vec<DVec3> = Vec::new();
    for (i, &p) in line.iter().enumerate() {
        let inside = f(p) >= 0.0;
        if i > 0 {
            let q = line[i - 1];
            let was = f(q) >= 0.0;
            if was != inside {
                let x = q.lerp(p, cross(q, p).clamp(0.0, 1.0));
                run.push(x);
                if !inside {
                    out.push(std::mem::take(&mut run));
                }
            }
        }
        if inside {
            run.push(p);
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
}

/// A closed planar polyline of three or more corners: its distinct points and unit normal.
fn as_face(line: &[DVec3]) -> Option<(Vec<DVec3>, DVec3)> {
    if line.len() < 4 || line[0].distance(line[line.len() - 1]) > 1e-4 {
        return None;
    }
    let ring = &line[..line.len() - 1];
    let n = crate::geometry::newell_normal(ring);
    let len = n.length();
    if len < 1e-12 {
        return None;
    }
    let n = n / len;
    let size = ring.iter().map(|p| p.distance(ring[0])).fold(0.0, f64::max);
    // f32 coordinates at paper scale carry about 1e-5 mm of rounding, more after turns.
    let planar = ring
        .iter()
        .all(|p| (*p - ring[0]).dot(n).abs() <= 1e-3 + 1e-6 * size);
    planar.then(|| (ring.to_vec(), n))
}

/// What hidden-line removal by faces makes of one polyline.
enum Seen {
    /// Not a closed planar face: drawn whole.
    Line,
    /// A face turned away from the camera.
    Hidden,
    /// A face turned toward it: its corners and the keys of its edges.
    Face(Vec<DVec3>, Vec<([i64; 3], [i64; 3])>),
}

fn key(p: DVec3) -> [i64; 3] {
    [p.x, p.y, p.z].map(|c| (c / SAME_POINT).round() as i64)
}

impl Perspective {
    /// The 3D runs left visible by `hidden`, before near clipping and projection.
    fn visible(&self, input: &Polylines, cam: &Camera, ex: &dyn Executor) -> Vec<Vec<DVec3>> {
        let lines: Vec<Vec<DVec3>> = input
            .lines()
            .map(|l| l.iter().map(|p| p.as_dvec3()).collect())
            .collect();
        let centre = input
            .bounds()
            .map(|(lo, hi)| (lo.as_dvec3() + hi.as_dvec3()) / 2.0)
            .unwrap_or_default();
        match self.hidden {
            HiddenLines::None => lines,
            HiddenLines::Faces => {
                // Which faces turn toward the camera and their edge keys, in parallel;
                // then one pass in order draws each shared edge once.
                let sorted: Vec<Seen> = parallel::map_ranges(ex, lines.len(), 256, |range| {
                    range
                        .map(|i| {
                            let Some((ring, mut n)) = as_face(&lines[i]) else {
                                return Seen::Line;
                            };
                            let mid = ring.iter().sum::<DVec3>() / ring.len() as f64;
                            if n.dot(mid - centre) < 0.0 {
                                n = -n;
                            }
                            if n.dot(cam.eye - mid) <= 0.0 {
                                return Seen::Hidden;
                            }
                            let edges = (0..ring.len())
                                .map(|k| {
                                    let (ka, kb) = (key(ring[k]), key(ring[(k + 1) % ring.len()]));
                                    if ka <= kb { (ka, kb) } else { (kb, ka) }
                                })
                                .collect();
                            Seen::Face(ring, edges)
                        })
                        .collect::<Vec<_>>()
                })
                .into_iter()
                .flatten()
                .collect();
                let mut seen: HashSet<([i64; 3], [i64; 3])> = HashSet::new();
                let mut out = Vec::new();
                for (line, sorted) in lines.into_iter().zip(sorted) {
                    let (ring, edges) = match sorted {
                        Seen::Line => {
                            out.push(line);
                            continue;
                        }
                        Seen::Hidden => continue,
                        Seen::Face(ring, edges) => (ring, edges),
                    };
                    // The edges no earlier visible face drew, chained where consecutive.
                    let mut run: Vec<DVec3> = Vec::new();
                    for (k, edge) in edges.into_iter().enumerate() {
                        let (a, b) = (ring[k], ring[(k + 1) % ring.len()]);
                        if seen.insert(edge) {
                            if run.last() != Some(&a) {
                                if run.len() > 1 {
                                    out.push(std::mem::take(&mut run));
                                }
                                run = vec![a];
                            }
                            run.push(b);
                        } else if run.len() > 1 {
                            out.push(std::mem::take(&mut run));
                        } else {
                            run.clear();
                        }
                    }
                    if run.len() > 1 {
                        out.push(run);
                    }
                }
                out
            }
            HiddenLines::Sphere => {
                let mut out = Vec::new();
                for line in lines {
                    sphere_cut(&line, centre, cam.eye, &mut out);
                }
                out
            }
        }
    }
}

/// Appends the parts of `line` on the near side of a sphere around `centre` seen from
/// `eye`: where (p - centre)·(eye - p) >= 0, cut exactly where it is 0.
fn sphere_cut(line: &[DVec3], centre: DVec3, eye: DVec3, out: &mut Vec<Vec<DVec3>>) {
    let g = move |p: DVec3| (p - centre).dot(eye - p);
    let cross = move |a: DVec3, b: DVec3| {
        // g(a + t d) = g(a) + t·(d·(eye - a) - d·(a - c)) - t²·|d|²: solve = 0.
        let d = b - a;
        let (c0, c1, c2) = (
            g(a),
            d.dot(eye - a) - d.dot(a - centre),
            -d.length_squared(),
        );
        if c2.abs() < 1e-18 {
            return if c1.abs() < 1e-18 { 0.5 } else { -c0 / c1 };
        }
        let disc = (c1 * c1 - 4.0 * c2 * c0).max(0.0).sqrt();
        let roots = [(-c1 + disc) / (2.0 * c2), (-c1 - disc) / (2.0 * c2)];
        roots
            .into_iter()
            .filter(|t| (-1e-9..=1.0 + 1e-9).contains(t))
            .min_by(|x, y| (x - 0.5).abs().total_cmp(&(y - 0.5).abs()))
            .unwrap_or(0.5)
    };
    keep_where(line, g, cross, out);
}

impl Evaluate for Perspective {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let cam = Camera::of(self)?;
        // Every cut adds at most one point per segment and one polyline.
        let points = input.point_count() as u64;
        ctx.check_budget(points * 2, points + input.line_count() as u64)?;
        let near = cam.near;
        let depth = |p: DVec3| cam.depth(p) - near;
        let cross = |a: DVec3, b: DVec3| {
            let (da, db) = (depth(a), depth(b));
            if (da - db).abs() < 1e-18 {
                0.5
            } else {
                da / (da - db)
            }
        };
        let finish = |runs: &[Vec<DVec3>], out: &mut Polylines| {
            let mut clipped = Vec::new();
            for run in runs {
                keep_where(run, depth, cross, &mut clipped);
            }
            for run in clipped {
                out.push_line(run.into_iter().map(|p| cam.project(p)));
            }
        };
        if self.hidden == HiddenLines::Faces {
            // Faces share edges: the whole solid at once, then the runs in chunks.
            let runs = self.visible(input, &cam, &*ctx.executor);
            let parts = parallel::map_ranges(&*ctx.executor, runs.len(), 256, |range| {
                let mut out = Polylines::new();
                finish(&runs[range], &mut out);
                out
            });
            let mut out = Polylines::new();
            for part in &parts {
                out.extend_from(part);
            }
            return Ok(out);
        }
        // Line by line, in chunks on the executor.
        let centre = input
            .bounds()
            .map(|(lo, hi)| (lo.as_dvec3() + hi.as_dvec3()) / 2.0)
            .unwrap_or_default();
        let sphere = self.hidden == HiddenLines::Sphere;
        Ok(parallel::map_lines(
            &*ctx.executor,
            input,
            |_, line, out| {
                let pts: Vec<DVec3> = line.iter().map(|p| p.as_dvec3()).collect();
                if sphere {
                    let mut runs = Vec::new();
                    sphere_cut(&pts, centre, cam.eye, &mut runs);
                    finish(&runs, out);
                } else {
                    finish(std::slice::from_ref(&pts), out);
                }
            },
        ))
    }
}
