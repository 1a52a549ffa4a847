//! Saved states of step-by-step simulations, so that a later run of the same simulation
//! with more steps (an animated `steps`, a slider moved up) resumes instead of starting
//! over. Kept in the evaluation context's memo, one store per state type, bounded in
//! bytes.

use std::collections::VecDeque;
use std::hash::Hasher;
use std::sync::{Arc, Mutex};

use super::planar::P;

/// Adds `rings` (every coordinate's bits) to a simulation key: the mask a state grew in.
pub(crate) fn hash_rings(h: &mut impl Hasher, rings: &[Vec<P>]) {
    for ring in rings {
        h.write_usize(ring.len());
        for p in ring {
            h.write_u64(p[0].to_bits());
            h.write_u64(p[1].to_bits());
        }
    }
}

/// Most bytes of states one store keeps.
const MAX_SAVED_BYTES: usize = 64 << 20;

/// Recent states of simulations of type `T`, by simulation key and steps done.
pub(crate) struct SavedRuns<T> {
    runs: Mutex<VecDeque<Saved<T>>>,
}

struct Saved<T> {
    key: u64,
    steps: u32,
    bytes: usize,
    state: Arc<T>,
}

impl<T> Default for SavedRuns<T> {
    fn default() -> Self {
        Self {
            runs: Mutex::new(VecDeque::new()),
        }
    }
}

impl<T> SavedRuns<T> {
    /// The furthest saved state of simulation `key` at most `steps` steps in.
    pub(crate) fn latest(&self, key: u64, steps: u32) -> Option<(u32, Arc<T>)> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.iter()
            .filter(|s| s.key == key && s.steps <= steps)
            .max_by_key(|s| s.steps)
            .map(|s| (s.steps, Arc::clone(&s.state)))
    }

    /// Keeps the state of `key` after `steps` steps (about `bytes` large), dropping the
    /// oldest past the cap; a state over a quarter of the cap is not kept.
    pub(crate) fn keep(&self, key: u64, steps: u32, state: T, bytes: usize) {
        if bytes > MAX_SAVED_BYTES / 4 {
            return;
        }
        let mut runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.retain(|s| !(s.key == key && s.steps == steps));
        runs.push_back(Saved {
            key,
            steps,
            bytes,
            state: Arc::new(state),
        });
        while runs.iter().map(|s| s.bytes).sum::<usize>() > MAX_SAVED_BYTES {
            runs.pop_front();
        }
    }

    /// The step counts saved for `key`, oldest first.
    #[cfg(test)]
    pub(crate) fn saved_steps(&self, key: u64) -> Vec<u32> {
        let runs = self.runs.lock().unwrap_or_else(|e| e.into_inner());
        runs.iter()
            .filter(|s| s.key == key)
            .map(|s| s.steps)
            .collect()
    }
}
