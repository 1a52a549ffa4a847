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
        pool().thread_num().max(1).min(self.max_threads)
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

/// graft's sizes for Bevy's three task pools (given to `TaskPoolPlugin` by the app and
/// the headless apps): layer evaluations on the async compute pool with half the cores,
/// op chunks on the compute pool with the rest, and file output on its own small I/O
/// pool so that an export never holds up live evaluation.
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
        compute: policy(1, usize::MAX, 1.0),
        ..Default::default()
    }
}
