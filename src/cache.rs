//! The CPU geometry cache: stage results by [`GeometryId`], least recently used first out,
//! bounded by entry count and by bytes. Pure Rust, shared by the pipeline and its tasks.

use std::sync::Arc;

use lru::LruCache;

use crate::geometry::{GeometryId, Polylines};

/// Limits of a [`GeometryCache`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CacheBudget {
    /// Most entries kept. Default 4096.
    pub max_entries: usize,
    /// Most bytes of geometry kept (points + offsets). Default 1 GiB.
    pub max_bytes: usize,
}

impl Default for CacheBudget {
    fn default() -> Self {
        Self {
            max_entries: 4096,
            max_bytes: 1 << 30,
        }
    }
}

/// Geometry by id, bounded by a [`CacheBudget`].
pub struct GeometryCache {
    entries: LruCache<GeometryId, Arc<Polylines>>,
    bytes: usize,
    budget: CacheBudget,
}

impl GeometryCache {
    /// An empty cache with `budget`.
    pub fn new(budget: CacheBudget) -> Self {
        Self {
            // The entry bound is enforced by hand, together with the byte bound.
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
        }
    }

    /// The geometry of `id`, marking it recently used.
    pub fn get(&mut self, id: GeometryId) -> Option<Arc<Polylines>> {
        self.entries.get(&id).cloned()
    }

    /// True when `id` is cached (does not change the recency order).
    pub fn contains(&self, id: GeometryId) -> bool {
        self.entries.contains(&id)
    }

    /// Stores a result, evicting least recently used entries to stay within budget.
    /// A result larger than the whole byte budget is not stored; returns whether it was.
    pub fn insert(&mut self, id: GeometryId, geometry: Arc<Polylines>) -> bool {
        let size = geometry.byte_size();
        if size > self.budget.max_bytes || self.budget.max_entries == 0 {
            return false;
        }
        if let Some(old) = self.entries.put(id, geometry) {
            self.bytes -= old.byte_size();
        }
        self.bytes += size;
        while self.bytes > self.budget.max_bytes || self.entries.len() > self.budget.max_entries {
            match self.entries.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.byte_size(),
                None => break,
            }
        }
        true
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes of geometry held.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The limits.
    pub fn budget(&self) -> CacheBudget {
        self.budget
    }

    /// Changes the limits, evicting what no longer fits.
    pub fn set_budget(&mut self, budget: CacheBudget) {
        self.budget = budget;
        while self.bytes > budget.max_bytes || self.entries.len() > budget.max_entries {
            match self.entries.pop_lru() {
                Some((_, evicted)) => self.bytes -= evicted.byte_size(),
                None => break,
            }
        }
    }

    /// Drops every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }
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
        let mut c = GeometryCache::new(CacheBudget { max_entries: 2, max_bytes: 10 * one });
        c.insert(GeometryId(1), geometry(10));
        c.insert(GeometryId(2), geometry(10));
        assert!(c.get(GeometryId(1)).is_some());
        c.insert(GeometryId(3), geometry(10));
        assert!(c.contains(GeometryId(1)) && !c.contains(GeometryId(2)) && c.contains(GeometryId(3)));
        assert_eq!(c.bytes(), 2 * one);
        // Too big for the whole budget: used by the caller, never stored.
        assert!(!c.insert(GeometryId(4), geometry(1000)));
        assert_eq!(c.len(), 2);
        c.set_budget(CacheBudget { max_entries: 10, max_bytes: one });
        assert_eq!(c.len(), 1);
        assert!(c.contains(GeometryId(3)));
    }
}
