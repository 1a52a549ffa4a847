//! The executor that runs ops' parallel chunks on Bevy's compute pool, the pool meant
//! for work the frame waits on (the pipeline's tasks themselves run on the async
//! compute pool, so chunks never queue behind whole layers).

use std::sync::atomic::{AtomicUsize, Ordering};

use bevy::tasks::{ComputeTaskPool, TaskPool};

use crate::ops::{Executor, Job};

/// Runs jobs on Bevy's [`ComputeTaskPool`] (created with one thread per core when the
/// app has not made it), at most `max_threads` at once.
#[derive(Clone, Copy, Debug)]
pub struct ComputePoolExecutor {
    /// Most jobs split off at once (1 = serial; used by benchmarks).
    pub max_threads: usize,
}

impl Default for ComputePoolExecutor {
    fn default() -> Self {
        Self {
            max_threads: usize::MAX,
        }
    }
}

/// Layer evaluations running now (see [`Evaluating`]).
static EVALUATING: AtomicUsize = AtomicUsize::new(0);

/// Counts one running layer evaluation while it lives: the chunks of evaluations running
/// side by side share the compute pool's threads instead of each asking for all.
pub(crate) struct Evaluating(());

impl Evaluating {
    /// Starts counting an evaluation.
    pub(crate) fn start() -> Self {
        EVALUATING.fetch_add(1, Ordering::Relaxed);
        Self(())
    }
}

impl Drop for Evaluating {
    fn drop(&mut self) {
        EVALUATING.fetch_sub(1, Ordering::Relaxed);
    }
}

fn pool() -> &'static TaskPool {
    ComputeTaskPool::get_or_init(TaskPool::default)
}

impl Executor for ComputePoolExecutor {
    fn threads(&self) -> usize {
        if self.max_threads <= 1 {
            return 1;
        }
        // The calling thread works through the pool's queue too while it waits for the
        // scope (Bevy's scope ticks the pool's executor), so one more part keeps it busy.
        // Evaluations running side by side share those threads.
        let evaluating = EVALUATING.load(Ordering::Relaxed).max(1);
        ((pool().thread_num() + 1) / evaluating)
            .max(1)
            .min(self.max_threads)
    }

    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        if jobs.len() <= 1 || self.max_threads <= 1 {
            return jobs.into_iter().for_each(|job| job());
        }
        pool().scope(|s| {
            for job in jobs {
                s.spawn(async move { job() });
            }
        });
    }
}

/// graft's sizes for Bevy's three task pools (given to `TaskPoolPlugin` by the app, the
/// headless apps and `graft bench`):
/// - op chunks on the compute pool, one thread less than there are cores: the thread
///   that evaluates a layer works through its chunks too, so one heavy layer uses every
///   core;
/// - layer evaluations on the async compute pool, one thread per core (at most 8), so
///   that layers (and an animated layer's two overlapping evaluations) run side by side
///   on idle cores. While several evaluate, each splits its ops into fewer chunks,
///   so together they ask for about as many threads as there are
///   cores;
/// - file output on its own small I/O pool, so an export never holds up live work.
pub fn task_pool_options() -> bevy::app::TaskPoolOptions {
    use bevy::app::{TaskPoolOptions, TaskPoolThreadAssignmentPolicy};
    let policy = |min_threads, max_threads, percent| TaskPoolThreadAssignmentPolicy {
        min_threads,
        max_threads,
        percent,
        on_thread_spawn: None,
        on_thread_destroy: None,
    };
    let cores = bevy::tasks::available_parallelism();
    TaskPoolOptions {
        io: policy(1, 2, 0.25),
        async_compute: policy(cores.min(8), 8, 1.0),
        compute: policy(chunk_threads(), usize::MAX, 1.0),
        // Bevy hands out the pools' threads in turn from the core count: these
        // percentages ask for more than it has, and the minimums above decide.
        min_total_threads: 1,
        max_total_threads: usize::MAX,
    }
}

/// Threads of the compute pool: every core but the one the evaluating thread keeps.
fn chunk_threads() -> usize {
    bevy::tasks::available_parallelism()
        .saturating_sub(1)
        .max(1)
}
