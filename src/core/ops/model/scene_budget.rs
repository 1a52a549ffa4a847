//! The geometry a whole scene may hold at once: every evaluation of every layer draws
//! from one allowance, so twenty layers of ten million points fail with a message
//! instead of taking the machine's memory (each op alone is already held to
//! [`ResourceBudget`](super::ResourceBudget)).

use std::collections::HashMap;
use std::sync::Mutex;

use crate::geometry::GeometryId;

/// Vertices a scene may hold by default: about 3 GB of geometry with its GPU layout, a
/// comfortable share of a 24 GB machine.
pub const DEFAULT_SCENE_VERTICES: u64 = 100_000_000;

/// What the evaluations of one scene hold, by the id of the geometry each produces.
#[derive(Debug)]
pub struct SceneBudget {
    max_vertices: u64,
    held: Mutex<HashMap<GeometryId, u64>>,
}

/// An evaluation that would take the scene past its budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverSceneBudget {
    /// Vertices this evaluation has produced so far.
    pub this: u64,
    /// Vertices the scene's other evaluations hold.
    pub others: u64,
    /// The budget.
    pub max: u64,
}

impl SceneBudget {
    /// A budget of `max_vertices` for the whole scene.
    pub fn new(max_vertices: u64) -> Self {
        Self {
            max_vertices,
            held: Mutex::default(),
        }
    }

    /// The budget in vertices.
    pub fn max_vertices(&self) -> u64 {
        self.max_vertices
    }

    /// Records that the evaluation producing `id` holds `vertices` now; refuses (and
    /// records nothing) when the scene would hold more than its budget.
    pub fn hold(&self, id: GeometryId, vertices: u64) -> Result<(), OverSceneBudget> {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        let others: u64 = held
            .iter()
            .filter(|(k, _)| **k != id)
            .map(|(_, v)| *v)
            .fold(0, u64::saturating_add);
        if others.saturating_add(vertices) > self.max_vertices {
            return Err(OverSceneBudget {
                this: vertices,
                others,
                max: self.max_vertices,
            });
        }
        held.insert(id, vertices);
        Ok(())
    }

    /// Forgets evaluations whose geometry no layer holds any more.
    pub fn retain(&self, mut keep: impl FnMut(GeometryId) -> bool) {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|id, _| keep(*id));
    }

    /// Vertices held by the whole scene.
    pub fn held(&self) -> u64 {
        self.held
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .fold(0, |a, b| a.saturating_add(*b))
    }
}

impl Default for SceneBudget {
    fn default() -> Self {
        Self::new(DEFAULT_SCENE_VERTICES)
    }
}
