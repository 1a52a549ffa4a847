//! Pipeline counters, read by the inspector, tests and benchmarks.

use std::collections::VecDeque;

use bevy::ecs::resource::Resource;

/// Durations of recent tasks (milliseconds), for last / p50 / p95.
#[derive(Clone, Debug, Default)]
pub struct TaskTimes {
    recent: VecDeque<f64>,
}

impl TaskTimes {
    const KEEP: usize = 256;

    /// Records one task's duration.
    pub fn push(&mut self, millis: f64) {
        if self.recent.len() == Self::KEEP {
            self.recent.pop_front();
        }
        self.recent.push_back(millis);
    }

    /// The latest duration.
    pub fn last(&self) -> Option<f64> {
        self.recent.back().copied()
    }

    /// The `q` quantile (0..=1) of recent durations.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let mut v: Vec<f64> = self.recent.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        crate::core::stats::quantile(&v, q)
    }
}

/// Running totals of the pipeline's work since the app started.
#[derive(Resource, Clone, Debug, Default)]
pub struct PipelineStats {
    /// Tasks spawned.
    pub tasks_spawned: u64,
    /// Tasks whose result was collected (published, stale or failed).
    pub tasks_finished: u64,
    /// Evaluations asked to stop because a newer request replaced them.
    pub tasks_cancelled: u64,
    /// Evaluations that stopped early when asked (the rest had finished already).
    pub tasks_stopped: u64,
    /// Stage results taken from the CPU cache instead of being computed.
    pub stage_hits: u64,
    /// Stages computed (cache misses).
    pub stage_misses: u64,
    /// Requests served entirely from the cache (no task).
    pub full_hits: u64,
    /// Results dropped because a newer result was already on screen when they finished.
    pub stale_dropped: u64,
    /// Superseded results shown anyway because they were newer than the one on screen
    /// (what a slider drag shows on its way).
    pub interim_shown: u64,
    /// Evaluations that failed (op error or panic).
    pub failures: u64,
    /// Tasks running now.
    pub in_flight: usize,
    /// Requests held back this frame because the in-flight bound was reached.
    pub deferred: u64,
    /// Requests served by an evaluation another layer had already started (same id).
    pub shared: u64,
    /// Durations of recent tasks.
    pub task_times: TaskTimes,
}
