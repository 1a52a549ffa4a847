//! Splitting heavy op work into chunks for the [`Executor`] of the evaluation context.
//!
//! The executor decides where chunks run (Bevy's compute pool in the app, the calling
//! thread in plain tests), so the core never owns threads.

use std::ops::Range;

use crate::ops::model::context::{Executor, Job};

fn chunk_ranges(ex: &dyn Executor, len: usize, min_chunk: usize) -> Vec<Range<usize>> {
    let chunks = ex.threads().min(len / min_chunk.max(1)).max(1);
    let size = len.div_ceil(chunks).max(1);
    (0..len)
        .step_by(size)
        .map(|s| s..(s + size).min(len))
        .collect()
}

/// Calls `f(range)` on consecutive sub-ranges of `0..len` in parallel, returning the results in order.
/// Inputs shorter than `2 * min_chunk` run on the calling thread.
pub fn map_ranges<R, F>(ex: &dyn Executor, len: usize, min_chunk: usize, f: F) -> Vec<R>
where
    R: Send,
    F: Fn(Range<usize>) -> R + Sync,
{
    let ranges = chunk_ranges(ex, len, min_chunk);
    if ranges.len() <= 1 {
        return vec![f(0..len)];
    }
    let mut slots: Vec<Option<R>> = (0..ranges.len()).map(|_| None).collect();
    let f = &f;
    let jobs: Vec<Job> = slots
        .iter_mut()
        .zip(ranges)
        .map(|(slot, r)| Box::new(move || *slot = Some(f(r))) as Job)
        .collect();
    ex.run(jobs);
    slots
        .into_iter()
        .map(|s| s.expect("the executor runs every job"))
        .collect()
}

/// Calls `f(start, chunk)` on consecutive chunks of `data` in parallel.
pub fn for_each_chunk_mut<T, F>(ex: &dyn Executor, data: &mut [T], min_chunk: usize, f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    let ranges = chunk_ranges(ex, data.len(), min_chunk);
    if ranges.len() <= 1 {
        f(0, data);
        return;
    }
    let f = &f;
    let mut rest = data;
    let mut jobs: Vec<Job> = Vec::with_capacity(ranges.len());
    for r in ranges {
        let (chunk, tail) = rest.split_at_mut(r.len());
        rest = tail;
        jobs.push(Box::new(move || f(r.start, chunk)));
    }
    ex.run(jobs);
}

/// `src.iter().map(f).collect()`, in parallel chunks written straight into the new
/// buffer: the kernel zeroes a large new buffer's pages when they are first written, and
/// that cost is then shared by every thread instead of falling on the one evaluating the
/// layer.
pub fn map_to_vec<T, U, F>(ex: &dyn Executor, src: &[T], min_chunk: usize, f: F) -> Vec<U>
where
    T: Sync,
    U: Send,
    F: Fn(&T) -> U + Sync,
{
    let mut out = Vec::with_capacity(src.len());
    for_each_chunk_mut(
        ex,
        &mut out.spare_capacity_mut()[..src.len()],
        min_chunk,
        |start, chunk| {
            for (slot, value) in chunk.iter_mut().zip(&src[start..]) {
                slot.write(f(value));
            }
        },
    );
    // SAFETY: the chunks above cover 0..src.len() and wrote every element (a panic in
    // `f` unwinds before this line, leaving the length 0).
    unsafe { out.set_len(src.len()) };
    out
}

/// `src.to_vec()`, copied in parallel chunks (see [`map_to_vec`]).
pub fn to_vec<T: Copy + Send + Sync>(ex: &dyn Executor, src: &[T], min_chunk: usize) -> Vec<T> {
    map_to_vec(ex, src, min_chunk, |v| *v)
}

/// Calls `f(first_row, rows)` on runs of whole rows of `data` (rows of `width` items) in
/// parallel, at least `min_rows` rows a run.
pub fn for_each_rows_mut<T, F>(
    ex: &dyn Executor,
    data: &mut [T],
    width: usize,
    min_rows: usize,
    f: F,
) where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync,
{
    let rows = data.len() / width.max(1);
    let ranges = chunk_ranges(ex, rows, min_rows);
    let mut bounds: Vec<usize> = ranges.iter().map(|r| r.start * width).collect();
    bounds.push(data.len());
    if bounds.first() != Some(&0) {
        bounds.insert(0, 0);
    }
    let starts: Vec<usize> = bounds.iter().map(|b| b / width.max(1)).collect();
    for_each_part_mut(ex, data, &bounds, |part, slice| f(starts[part], slice));
}

/// Splits `data` at `bounds` (ascending, from 0 to `data.len()`) and calls `f(part, slice)`
/// on the parts in parallel.
pub fn for_each_part_mut<T, F>(ex: &dyn Executor, data: &mut [T], bounds: &[usize], f: F)
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
    let mut rest = data;
    let mut jobs: Vec<Job> = Vec::with_capacity(bounds.len() - 1);
    for (i, w) in bounds.windows(2).enumerate() {
        let (part, tail) = rest.split_at_mut(w[1] - w[0]);
        rest = tail;
        jobs.push(Box::new(move || f(i, part)));
    }
    ex.run(jobs);
}

/// Groups items with cumulative sizes `prefix` (`prefix[i]` = size before item `i`, last = total)
/// into at most `ex.threads()` parts of similar total size, each at least `min_part` when possible.
/// Returns item-index bounds of the parts.
pub fn balanced_bounds(ex: &dyn Executor, prefix: &[usize], min_part: usize) -> Vec<usize> {
    let items = prefix.len() - 1;
    let total = prefix[items];
    let parts = ex
        .threads()
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

/// Polylines per chunk of [`map_lines`].
const LINES_PER_CHUNK: usize = 512;

/// Builds a new geometry from each polyline of `input` in turn (`f` appends any number of
/// polylines for one input polyline), in chunks of polylines on the executor; the output
/// keeps the input's order.
pub fn map_lines<F>(
    ex: &dyn Executor,
    input: &crate::geometry::Polylines,
    f: F,
) -> crate::geometry::Polylines
where
    F: Fn(usize, &[crate::geometry::Vec3], &mut crate::geometry::Polylines) + Sync,
{
    let parts = map_ranges(ex, input.line_count(), LINES_PER_CHUNK, |range| {
        let mut out = crate::geometry::Polylines::new();
        for i in range {
            f(i, input.line(i), &mut out);
        }
        out
    });
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_default();
    for part in parts {
        out.extend_from(&part);
    }
    out
}
