//! The executor that runs ops' parallel chunks on Bevy's compute pool, the pool meant
//! for work the frame waits on (the pipeline's tasks themselves run on the async
//! compute pool, so chunks never queue behind whole layers).

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
        (pool().thread_num() + 1).min(self.max_threads)
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
/// headless apps and `graft bench`): layer evaluations on the async compute pool (half
/// the cores), op chunks on the compute pool with one thread less than there are cores
/// (the evaluating thread works through the chunks too, so one heavy layer uses every
/// core, and on two cores one evaluation and one chunk thread add up to the core
/// count), and file output on its own small I/O pool so that an export never holds up
/// live evaluation.
pub fn task_pool_options() -> bevy::app::TaskPoolOptions {
    use bevy::app::{TaskPoolOptions, TaskPoolThreadAssignmentPolicy};
    let policy = |min_threads, max_threads, percent| TaskPoolThreadAssignmentPolicy {
        min_threads,
        max_threads,
        percent,
        on_thread_spawn: None,
        on_thread_destroy: None,
    };
    TaskPoolOptions {
        io: policy(1, 2, 0.25),
        async_compute: policy(1, 8, 0.5),
        compute: policy(chunk_threads(), usize::MAX, 1.0),
        ..Default::default()
    }
}

/// Threads of the compute pool: every core but the one the evaluating thread keeps.
fn chunk_threads() -> usize {
    bevy::tasks::available_parallelism()
        .saturating_sub(1)
        .max(1)
}
