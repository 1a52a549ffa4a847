//! `relax`: smooths a network of lines as one graph. Points shared by several lines stay
//! shared; ends, branch points and each connected part's outermost points stay put; the
//! rest move toward the mean of their neighbours.

use crate::geometry::Polylines;

use crate::ops::kit::graph::{Graph, NodeIndex};
use crate::ops::model::failure::OpFailure;
use crate::ops::model::op::EvalContext;
use crate::ops::model::typed::Evaluate;

crate::op! {
    /// smooths all polylines as one graph (coincident points are one node): ends and branch points, and the leftmost, rightmost, top and bottom point of each connected part, stay put; every other point moves step of the way to the mean of its neighbours, relaxation_iterations times
    #[op(effect, name = "relax", version = 1)]
    pub struct Relax {
        /// smoothing rounds
        pub relaxation_iterations: u32 = 15 => ui(0.0, 50.0).domain(0.0, 1000.0),
        /// how far a point moves toward its neighbours' mean each round
        pub step: f64 = 0.125 => ui(0.0, 0.5).domain(0.0, 1.0),
    }
}

/// The connected part of every node (union–find with path halving).
pub(crate) fn parts(graph: &Graph) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..graph.nodes.len() as u32).collect();
    fn root(parent: &mut [u32], mut i: u32) -> u32 {
        while parent[i as usize] != i {
            parent[i as usize] = parent[parent[i as usize] as usize];
            i = parent[i as usize];
        }
        i
    }
    for (i, n) in graph.neighbours.iter().enumerate() {
        for &j in n {
            let (a, b) = (root(&mut parent, i as u32), root(&mut parent, j));
            parent[a as usize] = b;
        }
    }
    (0..graph.nodes.len() as u32)
        .map(|i| root(&mut parent, i))
        .collect()
}

/// Fixes each part's extreme nodes in x and y (so a closed loop keeps its place and
/// size instead of shrinking to a point).
pub(crate) fn fix_extremes(graph: &mut Graph) {
    let part = parts(graph);
    let mut extremes: std::collections::HashMap<u32, [u32; 4]> = Default::default();
    for (i, p) in graph.nodes.iter().enumerate() {
        let e = extremes.entry(part[i]).or_insert([i as u32; 4]);
        let at = |k: u32| graph.nodes[k as usize];
        if p.x < at(e[0]).x {
            e[0] = i as u32;
        }
        if p.x > at(e[1]).x {
            e[1] = i as u32;
        }
        if p.y < at(e[2]).y {
            e[2] = i as u32;
        }
        if p.y > at(e[3]).y {
            e[3] = i as u32;
        }
    }
    for e in extremes.values() {
        for &k in e {
            graph.fixed[k as usize] = true;
        }
    }
}

impl Evaluate for Relax {
    fn eval(&self, input: &Polylines, _ctx: &EvalContext) -> Result<Polylines, OpFailure> {
        let mut graph = Graph::default();
        let mut index = NodeIndex::default();
        let lines: Vec<Vec<u32>> = input
            .lines()
            .map(|line| line.iter().map(|&p| index.node(&mut graph, p)).collect())
            .collect();
        for line in &lines {
            for w in line.windows(2) {
                graph.join(w[0], w[1]);
            }
        }
        for (i, n) in graph.neighbours.iter().enumerate() {
            graph.fixed[i] = n.len() != 2;
        }
        fix_extremes(&mut graph);
        graph.relax(self.relaxation_iterations, self.step as f32);
        let mut out = Polylines::with_capacity(input.point_count(), input.line_count());
        for line in &lines {
            out.push_line(line.iter().map(|&k| graph.nodes[k as usize]));
        }
        Ok(out)
    }
}
