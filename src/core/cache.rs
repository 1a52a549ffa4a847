//! The CPU geometry cache: stage results by [`GeometryId`], least recently used first out,
//! bounded by entry count and by bytes. Pure Rust, shared by the pipeline and its tasks.
//!
//! Results that depend on time (animated stages) live in a separate, smaller pool: an
//! animation makes a new one every frame and would otherwise flush every static result
//! (and, growing, make each frame pay for fresh memory). The latest ones are still kept,
//! so editing a later stage while paused reuses them.

use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::geometry::{GeometryId, LineVertices, Polylines};
use crate::ops::{EvalContext, OpError, ResolvedRecipe};

/// What a cache pool can hold: anything that knows its heap size.
pub trait ByteSize {
    /// Approximate heap size in bytes.
    fn byte_size(&self) -> usize;
}

impl ByteSize for Polylines {
    fn byte_size(&self) -> usize {
        Polylines::byte_size(self)
    }
}

impl ByteSize for LineVertices {
    fn byte_size(&self) -> usize {
        LineVertices::byte_size(self)
    }
}

/// Limits of a [`GeometryCache`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheBudget {
    /// Most static entries kept. Default 4096.
    pub max_entries: usize,
    /// Most bytes of static geometry kept (points + offsets). Default 1 GiB.
    pub max_bytes: usize,
    /// Most time-dependent entries kept. Default 16.
    pub animated_entries: usize,
    /// Most bytes of time-dependent geometry kept. Default 64 MiB.
    pub animated_bytes: usize,
    /// Most bytes of GPU-ready layouts ([`LineVertices`]) of final results kept. Default 256 MiB.
    pub vertices_bytes: usize,
}

impl Default for CacheBudget {
    fn default() -> Self {
        Self {
            max_entries: 4096,
            max_bytes: 1 << 30,
            animated_entries: 16,
            animated_bytes: 64 << 20,
            vertices_bytes: 256 << 20,
        }
    }
}

/// One LRU pool with entry and byte limits.
struct Pool<T> {
    entries: LruCache<GeometryId, Arc<T>>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
}

impl<T: ByteSize> Pool<T> {
    fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            // Both bounds are enforced by hand.
            entries: LruCache::unbounded(),
            bytes: 0,
            max_entries,
            max_bytes,
        }
    }

    fn insert(&mut self, id: GeometryId, geometry: Arc<T>) -> bool {
        let size = geometry.byte_size();
        if size > self.max_bytes || self.max_entries == 0 {
            return false;
        }
        if let Some(old) = self.entries.put(id, geometry) {
            self.bytes -= old.byte_size();
        }
        self.bytes += size;
        self.shrink();
        true
    }

    fn shrink(&mut self) {
        while self.bytes > self.max_bytes || self.entries.len() > self.max_entries {
            match self.entries.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.byte_size(),
                None => break,
            }
        }
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
}

/// Geometry by id, bounded by a [`CacheBudget`].
pub struct GeometryCache {
    stable: Pool<Polylines>,
    animated: Pool<Polylines>,
    vertices: Pool<LineVertices>,
    budget: CacheBudget,
}

impl GeometryCache {
    /// An empty cache with `budget`.
    pub fn new(budget: CacheBudget) -> Self {
        Self {
            stable: Pool::new(budget.max_entries, budget.max_bytes),
            animated: Pool::new(budget.animated_entries, budget.animated_bytes),
            vertices: Pool::new(usize::MAX, budget.vertices_bytes),
            budget,
        }
    }

    /// The geometry of `id`, marking it recently used.
    pub fn get(&mut self, id: GeometryId) -> Option<Arc<Polylines>> {
        match self.stable.entries.get(&id) {
            Some(g) => Some(Arc::clone(g)),
            None => self.animated.entries.get(&id).cloned(),
        }
    }

    /// True when `id` is cached (does not change the recency order).
    pub fn contains(&self, id: GeometryId) -> bool {
        self.stable.entries.contains(&id) || self.animated.entries.contains(&id)
    }

    /// Stores a result (in the time-dependent pool when `animated`), evicting least
    /// recently used entries of that pool to stay within budget. A result larger than
    /// the pool's whole byte budget is not stored; returns whether it was.
    pub fn insert(&mut self, id: GeometryId, geometry: Arc<Polylines>, animated: bool) -> bool {
        if animated {
            self.animated.insert(id, geometry)
        } else {
            self.stable.insert(id, geometry)
        }
    }

    /// The GPU-ready layout of final result `id`, if kept.
    pub fn get_vertices(&mut self, id: GeometryId) -> Option<Arc<LineVertices>> {
        self.vertices.entries.get(&id).cloned()
    }

    /// Keeps the GPU-ready layout of final result `id`.
    pub fn insert_vertices(&mut self, id: GeometryId, vertices: Arc<LineVertices>) -> bool {
        self.vertices.insert(id, vertices)
    }

    /// Number of geometry entries.
    pub fn len(&self) -> usize {
        self.stable.entries.len() + self.animated.entries.len()
    }

    /// Number of entries in the pool for results that do not change with time.
    pub fn stable_len(&self) -> usize {
        self.stable.entries.len()
    }

    /// True when `id` is held in the pool for results that do not change with time.
    pub fn holds_stable(&self, id: GeometryId) -> bool {
        self.stable.entries.contains(&id)
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes of geometry held (GPU-ready layouts not included).
    pub fn bytes(&self) -> usize {
        self.stable.bytes + self.animated.bytes
    }

    /// The limits.
    pub fn budget(&self) -> CacheBudget {
        self.budget
    }

    /// Changes the limits, evicting what no longer fits.
    pub fn set_budget(&mut self, budget: CacheBudget) {
        self.budget = budget;
        (self.stable.max_entries, self.stable.max_bytes) = (budget.max_entries, budget.max_bytes);
        (self.animated.max_entries, self.animated.max_bytes) =
            (budget.animated_entries, budget.animated_bytes);
        self.vertices.max_bytes = budget.vertices_bytes;
        self.stable.shrink();
        self.animated.shrink();
        self.vertices.shrink();
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.stable.clear();
        self.animated.clear();
        self.vertices.clear();
    }

    /// Where an evaluation of `recipe` resumes: the index of the first stage to compute
    /// and its input, the output of the deepest stage already cached (all of them cached:
    /// the index is the stage count).
    pub fn resume_point(&mut self, recipe: &ResolvedRecipe) -> (usize, Option<Arc<Polylines>>) {
        (0..recipe.stages.len())
            .rev()
            .find_map(|i| self.get(recipe.stages[i].id).map(|g| (i + 1, Some(g))))
            .unwrap_or((0, None))
    }
}

/// Evaluates `recipe` through `cache`, as the pipeline's tasks do: cached stages are
/// reused, the others computed and stored (stages that depend on `t` in the time
/// pool). The lock is held only between stages. Returns the final geometry.
pub fn evaluate_cached(
    recipe: &ResolvedRecipe,
    ctx: &EvalContext,
    cache: &Mutex<GeometryCache>,
) -> Result<Arc<Polylines>, OpError> {
    let lock = || cache.lock().unwrap_or_else(|e| e.into_inner());
    let (start, input) = lock().resume_point(recipe);
    if start == recipe.stages.len() {
        return Ok(input.unwrap_or_default());
    }
    recipe.evaluate_from(start, input, ctx, |stage, geometry| {
        lock().insert(stage.id, Arc::clone(geometry), stage.animated);
    })
}

impl Default for GeometryCache {
    fn default() -> Self {
        Self::new(CacheBudget::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Vec3;

    fn geometry(points: usize) -> Arc<Polylines> {
        Arc::new(Polylines::from_lines([vec![Vec3::ZERO; points]]))
    }

    #[test]
    fn evicts_least_recently_used_by_entries_and_bytes() {
        let one = geometry(10).byte_size();
        let budget = CacheBudget {
            max_entries: 2,
            max_bytes: 10 * one,
            ..Default::default()
        };
        let mut c = GeometryCache::new(budget);
        c.insert(GeometryId(1), geometry(10), false);
        c.insert(GeometryId(2), geometry(10), false);
        assert!(c.get(GeometryId(1)).is_some());
        c.insert(GeometryId(3), geometry(10), false);
        assert!(
            c.contains(GeometryId(1)) && !c.contains(GeometryId(2)) && c.contains(GeometryId(3))
        );
        assert_eq!(c.bytes(), 2 * one);
        // Too big for the whole budget: used by the caller, never stored.
        assert!(!c.insert(GeometryId(4), geometry(1000), false));
        assert_eq!(c.len(), 2);
        c.set_budget(CacheBudget {
            max_entries: 10,
            max_bytes: one,
            ..Default::default()
        });
        assert_eq!(c.len(), 1);
        assert!(c.contains(GeometryId(3)));
    }

    #[test]
    fn animated_results_never_evict_static_ones() {
        let budget = CacheBudget {
            max_entries: 2,
            animated_entries: 2,
            ..Default::default()
        };
        let mut c = GeometryCache::new(budget);
        c.insert(GeometryId(1), geometry(10), false);
        for frame in 100..110 {
            c.insert(GeometryId(frame), geometry(10), true);
        }
        assert!(c.contains(GeometryId(1)));
        assert!(
            c.contains(GeometryId(109))
                && c.contains(GeometryId(108))
                && !c.contains(GeometryId(107))
        );
        assert_eq!(c.len(), 3);
    }
}
