//! `deduplicate`: removes double strokes. Segments drawn twice (either way round), and
//! collinear segments that overlap (the shared edges of repeated shapes and grids), are
//! drawn once; then segments that meet end to end are joined into chains.
//!
//! Everything is hashed on a grid of the tolerance, so the cost is near linear: 80 000
//! segments take milliseconds, where pairwise tests would take hours.

use std::collections::HashMap;
use std::f64::consts::PI;

use glam::DVec3;

use crate::geometry::Polylines;

use crate::ops::kit::parallel;
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// draws every stroke once: segments repeated (either direction) or overlapping along the same line within `tolerance` are drawn once (every vertex kept), then, with merge_chains, segments meeting end to end are joined into polylines (split where three or more meet); grafix removes exact repeats only
    #[op(effect, name = "deduplicate", version = 1)]
    pub struct Deduplicate {
        /// points closer than this are the same point; lines closer than this are the same line
        pub tolerance: f64 = 0.001 => ui(0.0, 0.1).domain(0.0, 10.0).unit("mm"),
        /// join the remaining segments into chains
        pub merge_chains: bool = true,
    }
}

/// Points on a grid of the tolerance (exact coordinates when the tolerance is 0); the
/// first point of a cell gives its coordinates.
struct Nodes {
    tol: f64,
    index: HashMap<[i64; 3], usize>,
    points: Vec<DVec3>,
}

impl Nodes {
    fn new(tol: f64) -> Self {
        Self {
            tol,
            index: HashMap::new(),
            points: Vec::new(),
        }
    }

    fn key(&self, p: DVec3) -> [i64; 3] {
        if self.tol > 0.0 {
            [p.x, p.y, p.z].map(|c| (c / self.tol).round() as i64)
        } else {
            // + 0.0 folds -0.0 onto 0.0 (mirrored copies produce both).
            [p.x, p.y, p.z].map(|c| (c + 0.0).to_bits() as i64)
        }
    }

    fn id(&mut self, p: DVec3) -> usize {
        let key = self.key(p);
        let next = self.points.len();
        let id = *self.index.entry(key).or_insert(next);
        if id == next {
            self.points.push(p);
        }
        id
    }
}

/// The line a planar segment lies on: its direction angle in [0, π) and signed distance
/// from the origin, on grids, plus its height.
type LineKey = (i64, i64, i64);

/// Angle grid of line keys: the tolerance over 100 mm.
fn angle_step(tol: f64) -> f64 {
    (tol / 100.0).max(1e-9)
}

fn line_of(a: DVec3, b: DVec3, tol: f64) -> Option<(LineKey, f64, DVec3)> {
    if tol <= 0.0 || (a.z - b.z).abs() > tol {
        return None;
    }
    let d = (b - a).truncate();
    let len = d.length();
    if len < 1e-12 {
        return None;
    }
    let mut theta = d.y.atan2(d.x);
    if theta < 0.0 {
        theta += PI;
    }
    if theta >= PI {
        theta -= PI;
    }
    let dir = glam::DVec2::new(theta.cos(), theta.sin());
    let normal = glam::DVec2::new(-dir.y, dir.x);
    let rho = normal.dot(a.truncate());
    let key = (
        (theta / angle_step(tol)).round() as i64,
        (rho / tol).round() as i64,
        (a.z / tol).round() as i64,
    );
    Some((key, rho, DVec3::new(dir.x, dir.y, 0.0)))
}

impl Evaluate for Deduplicate {
    fn eval(&self, input: &Polylines, ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let tol = self.tolerance;
        let mut nodes = Nodes::new(tol);
        // 1. Unique undirected segments between snapped points.
        let mut seen: HashMap<(usize, usize), ()> = HashMap::new();
        let mut segments: Vec<(usize, usize)> = Vec::new();
        for line in input.lines() {
            for w in line.windows(2) {
                let (a, b) = (nodes.id(w[0].as_dvec3()), nodes.id(w[1].as_dvec3()));
                if a == b {
                    continue;
                }
                let edge = (a.min(b), a.max(b));
                if seen.insert(edge, ()).is_none() {
                    segments.push((a, b));
                }
            }
        }
        // 2. Collinear overlaps: segments on the same line become the union of their
        // intervals along it.
        let mut groups: HashMap<LineKey, usize> = HashMap::new();
        let mut members: Vec<Vec<(f64, f64, DVec3, DVec3)>> = Vec::new();
        // Each group measures along the direction of its first segment (a segment across
        // θ = 0 / π points the other way).
        let mut group_dir: Vec<DVec3> = Vec::new();
        let mut lone: Vec<(DVec3, DVec3)> = Vec::new();
        let n_theta = (PI / angle_step(tol)).round() as i64;
        for &(a, b) in &segments {
            let (pa, pb) = (nodes.points[a], nodes.points[b]);
            let Some((key, _, dir)) = line_of(pa, pb, tol) else {
                lone.push((pa, pb));
                continue;
            };
            // A neighbouring cell of the same line (rounding) joins its group.
            let found = (-1..=1)
                .flat_map(|dt| (-1..=1).map(move |dr| (dt, dr)))
                .map(|(dt, dr)| {
                    let t = key.0 + dt;
                    if t < 0 || t >= n_theta {
                        // Across θ = 0 / π the direction flips and so does ρ.
                        (t.rem_euclid(n_theta), -(key.1 + dr), key.2)
                    } else {
                        (t, key.1 + dr, key.2)
                    }
                })
                .find_map(|k| groups.get(&k).copied());
            let group = match found {
                Some(g) => g,
                None => {
                    groups.insert(key, members.len());
                    members.push(Vec::new());
                    group_dir.push(dir);
                    members.len() - 1
                }
            };
            let dir = group_dir[group];
            let (sa, sb) = (pa.dot(dir), pb.dot(dir));
            if sa <= sb {
                members[group].push((sa, sb, pa, pb));
            } else {
                members[group].push((sb, sa, pb, pa));
            }
        }
        // Within a line: cut at every endpoint of its segments and keep each piece
        // covered at least once, so overlaps are drawn once and every vertex stays.
        // Lines are independent: in parallel chunks of lines, put together in order.
        let merge = |group: &[(f64, f64, DVec3, DVec3)], merged: &mut Vec<(DVec3, DVec3)>| {
            if group.len() == 1 {
                merged.push((group[0].2, group[0].3));
                return;
            }
            let mut events: Vec<(f64, i32, DVec3)> = Vec::with_capacity(group.len() * 2);
            for &(s0, s1, p0, p1) in group {
                events.push((s0, 1, p0));
                events.push((s1, -1, p1));
            }
            events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            let mut cover = 0;
            let mut last: Option<(f64, DVec3)> = None;
            for (s, delta, p) in events {
                if let Some((ls, lp)) = last
                    && cover > 0
                    && s - ls > tol
                {
                    merged.push((lp, p));
                }
                if last.is_none_or(|(ls, _)| s - ls > tol) {
                    last = Some((s, p));
                }
                cover += delta;
            }
        };
        let mut merged: Vec<(DVec3, DVec3)> = Vec::with_capacity(segments.len());
        for part in parallel::map_ranges(ctx.executor.as_ref(), members.len(), 256, |range| {
            let mut merged = Vec::new();
            for group in &members[range] {
                merge(group, &mut merged);
            }
            merged
        }) {
            merged.extend(part);
        }
        merged.extend(lone);
        ctx.check_budget(merged.len() as u64 * 2, merged.len() as u64)?;
        let out_point = |p: DVec3| p.as_vec3();
        if !self.merge_chains {
            return Ok(Polylines::from_lines(
                merged.iter().map(|&(a, b)| [out_point(a), out_point(b)]),
            ));
        }
        // 3. Chains through points where exactly two segments meet.
        let mut ends = Nodes::new(tol);
        let edges: Vec<(usize, usize)> = merged
            .iter()
            .map(|&(a, b)| (ends.id(a), ends.id(b)))
            .filter(|(a, b)| a != b)
            .collect();
        let mut incident: Vec<Vec<usize>> = vec![Vec::new(); ends.points.len()];
        for (e, &(a, b)) in edges.iter().enumerate() {
            incident[a].push(e);
            incident[b].push(e);
        }
        let other = |e: usize, n: usize| {
            if edges[e].0 == n {
                edges[e].1
            } else {
                edges[e].0
            }
        };
        let mut used = vec![false; edges.len()];
        let mut out = Polylines::with_capacity(edges.len() * 2, edges.len());
        let walk = |start: usize, first: usize, used: &mut Vec<bool>, out: &mut Polylines| {
            let mut chain = vec![start];
            let (mut node, mut edge) = (start, first);
            loop {
                used[edge] = true;
                node = other(edge, node);
                chain.push(node);
                if incident[node].len() != 2 || node == start {
                    break;
                }
                match incident[node].iter().find(|&&e| !used[e]) {
                    Some(&e) => edge = e,
                    None => break,
                }
            }
            out.push_line(chain.iter().map(|&n| out_point(ends.points[n])));
        };
        // Open chains start at ends and branch points, in input order; what is left are
        // closed loops.
        for e in 0..edges.len() {
            if used[e] {
                continue;
            }
            let (a, b) = edges[e];
            if incident[a].len() != 2 {
                walk(a, e, &mut used, &mut out);
            } else if incident[b].len() != 2 {
                walk(b, e, &mut used, &mut out);
            }
        }
        for e in 0..edges.len() {
            if !used[e] {
                walk(edges[e].0, e, &mut used, &mut out);
            }
        }
        Ok(out)
    }
}
