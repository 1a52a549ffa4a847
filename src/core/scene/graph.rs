//! The scene as a small graph: layers and shapes whose stages read other layers or
//! shapes. Gives the order that evaluates every name after the names it reads, and
//! refuses cycles and missing names with messages that name them.

use std::collections::HashMap;

use crate::geometry::GeometryId;
use crate::ops::RefError;

/// Why the names of a scene cannot be put in order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// A stage reads a name no layer or shape has.
    #[error(
        "'{from}' reads '{name}', but there is no layer or shape named '{name}'; valid names: {valid}"
    )]
    Missing {
        /// The layer or shape whose stage reads it.
        from: String,
        /// The missing name.
        name: String,
        /// Every layer and shape name.
        valid: String,
    },
    /// Names that read each other in a circle.
    #[error("layers and shapes read each other in a cycle: {}; a layer cannot read its own result", .0.join(" → "))]
    Cycle(Vec<String>),
}

/// One named recipe and the names it reads.
pub struct Node<'a> {
    /// The layer's or shape's name.
    pub name: &'a str,
    /// Names its enabled stages read.
    pub reads: Vec<String>,
}

/// Indices of `nodes` in an order where every node comes after the nodes it reads;
/// nodes that read nothing keep their relative order. Only the nodes reachable from
/// `wanted` are listed (all of them when `wanted` is `None`).
pub fn evaluation_order(
    nodes: &[Node<'_>],
    wanted: Option<&[usize]>,
) -> Result<Vec<usize>, GraphError> {
    let index = |name: &str| nodes.iter().position(|n| n.name == name);
    let valid = || {
        let names: Vec<&str> = nodes.iter().map(|n| n.name).collect();
        if names.is_empty() {
            "(none)".to_string()
        } else {
            names.join(", ")
        }
    };
    // 0 = not seen, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; nodes.len()];
    let mut order = Vec::with_capacity(nodes.len());
    let mut path: Vec<usize> = Vec::new();
    let roots: Vec<usize> = match wanted {
        Some(w) => w.to_vec(),
        None => (0..nodes.len()).collect(),
    };
    for root in roots {
        if state[root] == 2 {
            continue;
        }
        // Iterative depth-first walk: (node, next child to visit).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        path.push(root);
        while let Some(&mut (node, ref mut child)) = stack.last_mut() {
            if let Some(name) = nodes[node].reads.get(*child) {
                *child += 1;
                let Some(next) = index(name) else {
                    return Err(GraphError::Missing {
                        from: nodes[node].name.into(),
                        name: name.clone(),
                        valid: valid(),
                    });
                };
                match state[next] {
                    0 => {
                        state[next] = 1;
                        path.push(next);
                        stack.push((next, 0));
                    }
                    1 => {
                        let from = path.iter().position(|&p| p == next).unwrap_or(0);
                        let mut cycle: Vec<String> = path[from..]
                            .iter()
                            .map(|&p| nodes[p].name.to_string())
                            .collect();
                        cycle.push(nodes[next].name.into());
                        return Err(GraphError::Cycle(cycle));
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                order.push(node);
                path.pop();
                stack.pop();
            }
        }
    }
    Ok(order)
}

/// Like [`evaluation_order`] for a scene that may be broken: the nodes an error names
/// (those in a cycle, one that reads a missing name) are taken out with the error's
/// message, and the rest are put in order.
pub fn order_around_errors(nodes: &[Node<'_>]) -> (Vec<usize>, Vec<(usize, String)>) {
    let mut reads: Vec<Vec<String>> = nodes.iter().map(|n| n.reads.clone()).collect();
    let mut broken: Vec<(usize, String)> = Vec::new();
    // Each round takes the nodes one error names out of the graph (they read nothing
    // any more and are skipped), until the rest can be ordered.
    loop {
        let round: Vec<Node<'_>> = nodes
            .iter()
            .zip(&reads)
            .map(|(n, reads)| Node {
                name: n.name,
                reads: reads.clone(),
            })
            .collect();
        let error = match evaluation_order(&round, None) {
            Ok(order) => {
                let skip: Vec<usize> = broken.iter().map(|(i, _)| *i).collect();
                return (
                    order.into_iter().filter(|i| !skip.contains(i)).collect(),
                    broken,
                );
            }
            Err(e) => e,
        };
        let named: Vec<usize> = match &error {
            GraphError::Missing { from, .. } => nodes
                .iter()
                .position(|n| n.name == from)
                .into_iter()
                .collect(),
            GraphError::Cycle(names) => (0..nodes.len())
                .filter(|&i| names.iter().any(|n| n == nodes[i].name))
                .collect(),
        };
        if named.is_empty() {
            return (Vec::new(), broken);
        }
        for i in named {
            reads[i].clear();
            broken.push((i, error.to_string()));
        }
    }
}

/// The id of the layer or shape `read` among those evaluated so far (`done`); `valid` is
/// every name of the scene, for the message when it is not one of them.
pub fn bind_by_name(
    read: &str,
    done: &HashMap<&str, GeometryId>,
    valid: &[&str],
) -> Result<GeometryId, RefError> {
    done.get(read).copied().ok_or_else(|| {
        if valid.contains(&read) {
            RefError::Unavailable {
                name: read.into(),
                why: "it has an error of its own".into(),
            }
        } else {
            RefError::Missing {
                name: read.into(),
                valid: valid.join(", "),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node<'a>(name: &'a str, reads: &[&str]) -> Node<'a> {
        Node {
            name,
            reads: reads.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn dependencies_come_first_and_independent_nodes_keep_their_order() {
        let nodes = [
            node("a", &["c"]),
            node("b", &[]),
            node("c", &[]),
            node("d", &["a", "b"]),
        ];
        assert_eq!(evaluation_order(&nodes, None).unwrap(), vec![2, 0, 1, 3]);
        assert_eq!(evaluation_order(&nodes, Some(&[0])).unwrap(), vec![2, 0]);
    }

    #[test]
    fn cycles_and_missing_names_are_named() {
        let nodes = [node("a", &["b"]), node("b", &["c"]), node("c", &["a"])];
        assert_eq!(
            evaluation_order(&nodes, None).unwrap_err().to_string(),
            "layers and shapes read each other in a cycle: a → b → c → a; a layer cannot read its own result"
        );
        let own = [node("self", &["self"])];
        assert_eq!(
            evaluation_order(&own, None).unwrap_err(),
            GraphError::Cycle(vec!["self".into(), "self".into()])
        );
        let missing = [node("a", &["frame"]), node("b", &[])];
        assert_eq!(
            evaluation_order(&missing, None).unwrap_err().to_string(),
            "'a' reads 'frame', but there is no layer or shape named 'frame'; valid names: a, b"
        );
    }
}
