//! Splitting heavy op work across Bevy's compute thread pool.
//!
//! The pool is shared with the rest of the app (one set of worker threads, no
//! oversubscription); outside an app it is created on first use with one thread per core.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use bevy_tasks::{ComputeTaskPool, TaskPool};

static MAX_THREADS: AtomicUsize = AtomicUsize::new(usize::MAX);

/// Caps how many chunks work is split into (1 = run serially; used by benchmarks).
pub fn set_max_threads(n: usize) {
    MAX_THREADS.store(n.max(1), Ordering::Relaxed);
}

/// Number of chunks work is split into at most.
pub fn threads() -> usize {
    let cap = MAX_THREADS.load(Ordering::Relaxed);
    if cap <= 1 {
        return 1;
    }
    pool().thread_num().max(1).min(cap)
}

fn pool() -> &'static TaskPool {
    ComputeTaskPool::get_or_init(TaskPool::default)
}

fn chunk_ranges(len: usize, min_chunk: usize) -> Vec<Range<usize>> {
    let chunks = threads().min(len / min_chunk.max(1)).max(1);
    let size = len.div_ceil(chunks).max(1);
    (0..len)
        .step_by(size)
        .map(|s| s..(s + size).min(len))
        .collect()
}

/// Calls `f(range)` on consecutive sub-ranges of `0..len` in parallel, returning the results in order.
/// Inputs shorter than `2 * min_chunk` run on the calling thread.
pub fn map_ranges<R, F>(len: usize, min_chunk: usize, f: F) -> Vec<R>
where
    R: Send + 'static,
    F: Fn(Range<usize>) -> R + Sync,
{
    let ranges = chunk_ranges(len, min_chunk);
    if ranges.len() <= 1 {
        return vec![f(0..len)];
    }
    let f = &f;
    pool().scope(|s| {
        for r in ranges {
            s.spawn(async move { f(r) });
        }
    })
}

/// Calls `f(start, chunk)` on consecutive chunks of `data` in parallel.
pub fn for_each_chunk_mut<T, F>(data: &mut [T], min_chunk: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    let ranges = chunk_ranges(data.len(), min_chunk);
    if ranges.len() <= 1 {
        f(0, data);
        return;
    }
    let f = &f;
    pool().scope(|s| {
        let mut rest = data;
        for r in ranges {
            let (chunk, tail) = rest.split_at_mut(r.len());
            rest = tail;
            s.spawn(async move { f(r.start, chunk) });
        }
    });
}

/// Splits `data` at `bounds` (ascending, from 0 to `data.len()`) and calls `f(part, slice)`
/// on the parts in parallel.
pub fn for_each_part_mut<T, F>(data: &mut [T], bounds: &[usize], f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    debug_assert!(bounds.first() == Some(&0) && bounds.last() == Some(&data.len()));
    if bounds.len() <= 2 {
        f(0, data);
        return;
    }
    let f = &f;
    pool().scope(|s| {
        let mut rest = data;
        for (i, w) in bounds.windows(2).enumerate() {
            let (part, tail) = rest.split_at_mut(w[1] - w[0]);
            rest = tail;
            s.spawn(async move { f(i, part) });
        }
    });
}

/// Groups items with cumulative sizes `prefix` (`prefix[i]` = size before item `i`, last = total)
/// into at most [`threads`] parts of similar total size, each at least `min_part` when possible.
/// Returns item-index bounds of the parts.
pub fn balanced_bounds(prefix: &[usize], min_part: usize) -> Vec<usize> {
    let items = prefix.len() - 1;
    let total = prefix[items];
    let parts = threads()
        .min(total / min_part.max(1))
        .clamp(1, items.max(1));
    let mut bounds = vec![0];
    for k in 1..parts {
        let target = total * k / parts;
        let i = prefix.partition_point(|&p| p < target).min(items);
        if i > *bounds.last().unwrap() {
            bounds.push(i);
        }
    }
    bounds.push(items);
    bounds
}
