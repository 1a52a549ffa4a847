//! Polylines as one undirected graph of points, and its Laplacian relaxation: each free
//! node moves toward the mean of its neighbours (`relax`, `weave`).

use std::collections::HashMap;

use crate::geometry::Vec3;

/// Points joined by edges; `fixed` nodes never move.
#[derive(Clone, Debug, Default)]
pub(crate) struct Graph {
    pub nodes: Vec<Vec3>,
    pub neighbours: Vec<Vec<u32>>,
    pub fixed: Vec<bool>,
}

impl Graph {
    /// Adds a node at `p` (free), returning its index.
    pub(crate) fn add(&mut self, p: Vec3) -> u32 {
        self.nodes.push(p);
        self.neighbours.push(Vec::new());
        self.fixed.push(false);
        (self.nodes.len() - 1) as u32
    }

    /// Joins `a` and `b` (once).
    pub(crate) fn join(&mut self, a: u32, b: u32) {
        if a != b && !self.neighbours[a as usize].contains(&b) {
            self.neighbours[a as usize].push(b);
            self.neighbours[b as usize].push(a);
        }
    }

    /// `iterations` Jacobi steps: every free node moves `step` of the way to the mean of
    /// its neighbours (all from the previous step, so the order of nodes does not matter).
    pub(crate) fn relax(&mut self, iterations: u32, step: f32) {
        let mut next = self.nodes.clone();
        for _ in 0..iterations {
            for (i, n) in self.neighbours.iter().enumerate() {
                if self.fixed[i] || n.is_empty() {
                    continue;
                }
                let mean = n.iter().map(|&j| self.nodes[j as usize]).sum::<Vec3>() / n.len() as f32;
                next[i] = self.nodes[i] + (mean - self.nodes[i]) * step;
            }
            std::mem::swap(&mut self.nodes, &mut next);
            next.copy_from_slice(&self.nodes);
        }
    }
}

/// Node indices of points that coincide (equal to 1e-6 mm), so that shared points stay
/// shared.
#[derive(Default)]
pub(crate) struct NodeIndex {
    by_key: HashMap<[i64; 3], u32>,
}

impl NodeIndex {
    /// The node at `p`, added to `graph` the first time.
    pub(crate) fn node(&mut self, graph: &mut Graph, p: Vec3) -> u32 {
        let key = [p.x, p.y, p.z].map(|c| (c as f64 * 1e6).round() as i64);
        *self.by_key.entry(key).or_insert_with(|| graph.add(p))
    }
}
