//! Live statistics for the inspector, sampled a few times a second so that reading
//! them costs nothing per frame.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};

use crate::ecs::{Layer, PipelineStats, Realized, SceneExport};
use crate::export::PlotStats;
use crate::geometry::{GeometryId, GeometryStats, Polylines};
use crate::render::GpuLineStats;

/// How often the figures are refreshed.
const SAMPLE_EVERY: Duration = Duration::from_millis(250);
/// Frame times kept for the quantiles.
const FRAMES_KEPT: usize = 240;

/// The figures the inspector shows.
#[derive(Resource, Clone, Debug, Default)]
pub struct LiveStats {
    /// Frames per second over the last sample.
    pub fps: f64,
    /// Median frame time (ms) of recent frames.
    pub frame_p50_ms: f64,
    /// 95th percentile frame time (ms) of recent frames.
    pub frame_p95_ms: f64,
    /// Visible layers with geometry.
    pub layers: usize,
    /// Polylines, vertices and segments drawn.
    pub polylines: usize,
    /// Vertices drawn.
    pub vertices: usize,
    /// Segments drawn.
    pub segments: usize,
    /// Share of stages served from the CPU cache since the start (0..=1), if any ran.
    pub cpu_hit_rate: Option<f64>,
    /// Pipeline tasks running.
    pub tasks_in_flight: usize,
    /// GPU geometry uploads in the last second.
    pub gpu_uploads_per_s: u64,
    /// GPU geometry bytes uploaded in the last second.
    pub gpu_bytes_per_s: u64,
    /// Geometry bytes resident on the GPU.
    pub gpu_resident_bytes: u64,
    /// Layers whose new geometry is still uploading (spread over frames), with the bytes
    /// left; each draws its previous geometry meanwhile.
    pub gpu_waiting: Vec<(Entity, u64)>,
    /// Layers whose geometry is larger than the whole GPU budget (not drawn).
    pub gpu_too_large: Vec<Entity>,
    /// GPU time of the last measured frame (ms): the passes that record timestamps,
    /// summed. `None` where the adapter has no timestamp queries.
    pub gpu_frame_ms: Option<f64>,
    /// Pen-down length of the current frame (mm).
    pub pen_down_mm: f64,
    /// Pen-up travel of the current frame, in file order (mm).
    pub pen_up_mm: f64,
    /// Plot time from the G-code profile's feeds (seconds).
    pub plot_seconds: f64,
    /// CPU the process used over the last sample, in % of one core (200 % = two cores busy).
    pub cpu_percent: Option<f64>,
    /// Memory the process holds in RAM (bytes).
    pub resident_bytes: Option<u64>,
}

#[derive(Default)]
struct Sampler {
    frames: VecDeque<f64>,
    last_sample: Option<Instant>,
    frames_since: u32,
    gpu_history: VecDeque<(Instant, u64, u64)>,
    /// Plot figures of the geometry on screen, by id.
    by_id: HashMap<GeometryId, GeometryStats>,
    /// The newest figures known for each layer (an animated layer's id moves on while
    /// its figures are computed).
    by_layer: HashMap<Entity, GeometryStats>,
    /// Figures being computed off the main thread.
    figures_task: Option<Task<Vec<(Entity, GeometryId, GeometryStats)>>>,
    /// CPU seconds used by the process at the last sample.
    cpu_at_last: Option<f64>,
}

/// Samples [`LiveStats`].
pub(super) struct StatsPlugin;

impl Plugin for StatsPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<LiveStats>()
            .add_systems(Last, sample_stats);
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    crate::core::stats::quantile(sorted, q).unwrap_or(0.0)
}

/// The GPU time of the newest frame Bevy's render diagnostics measured: every pass's
/// `elapsed_gpu` of that frame, summed (ms). `None` without timestamp queries.
fn gpu_frame_ms(world: &World) -> Option<f64> {
    use bevy::diagnostic::DiagnosticsStore;
    use bevy::render::renderer::RenderDevice;
    use bevy::render::settings::WgpuFeatures;
    let needed = WgpuFeatures::TIMESTAMP_QUERY | WgpuFeatures::TIMESTAMP_QUERY_INSIDE_ENCODERS;
    if !world
        .get_resource::<RenderDevice>()?
        .features()
        .contains(needed)
    {
        return None;
    }
    let store = world.get_resource::<DiagnosticsStore>()?;
    let passes: Vec<_> = store
        .iter()
        .filter(|d| {
            let path = d.path().as_str();
            path.starts_with("render/") && path.ends_with("/elapsed_gpu")
        })
        .collect();
    // One read-back writes every pass of a frame with the same time.
    let newest = passes
        .iter()
        .filter_map(|d| d.measurement())
        .map(|m| m.time)
        .max()?;
    Some(
        passes
            .iter()
            .flat_map(|d| d.measurements())
            .filter(|m| m.time == newest)
            .map(|m| m.value)
            .sum(),
    )
}

fn sample_stats(world: &mut World, mut sampler: Local<Sampler>) {
    let dt = world.resource::<Time<Real>>().delta_secs_f64() * 1e3;
    if dt > 0.0 {
        if sampler.frames.len() == FRAMES_KEPT {
            sampler.frames.pop_front();
        }
        sampler.frames.push_back(dt);
    }
    sampler.frames_since += 1;
    let now = Instant::now();
    let since = sampler.last_sample.map(|t| now - t);
    if since.is_some_and(|s| s < SAMPLE_EVERY) {
        return;
    }
    sampler.last_sample = Some(now);
    let mut stats = world.resource::<LiveStats>().clone();
    if let Some(since) = since {
        stats.fps = sampler.frames_since as f64 / since.as_secs_f64();
    }
    sampler.frames_since = 0;
    let cpu = crate::host::process::cpu_seconds();
    if let (Some(since), Some(now_cpu), Some(before)) = (since, cpu, sampler.cpu_at_last) {
        stats.cpu_percent = Some((now_cpu - before) / since.as_secs_f64().max(1e-6) * 100.0);
    }
    sampler.cpu_at_last = cpu;
    stats.resident_bytes = crate::host::process::resident_bytes();
    let mut sorted: Vec<f64> = sampler.frames.iter().copied().collect();
    sorted.sort_by(f64::total_cmp);
    stats.frame_p50_ms = quantile(&sorted, 0.5);
    stats.frame_p95_ms = quantile(&sorted, 0.95);

    let pipeline = world.resource::<PipelineStats>();
    let stages = pipeline.stage_hits + pipeline.stage_misses;
    stats.cpu_hit_rate = (stages > 0).then(|| pipeline.stage_hits as f64 / stages as f64);
    stats.tasks_in_flight = pipeline.in_flight;

    if let Some(gpu) = world.get_resource::<GpuLineStats>().map(GpuLineStats::get) {
        stats.gpu_resident_bytes = gpu.resident_bytes;
        let history = &mut sampler.gpu_history;
        history.push_back((now, gpu.total.uploads, gpu.total.uploaded_bytes));
        while history
            .front()
            .is_some_and(|(t, ..)| now - *t > Duration::from_secs(1))
        {
            history.pop_front();
        }
        let (_, u0, b0) = history[0];
        stats.gpu_uploads_per_s = gpu.total.uploads - u0;
        stats.gpu_bytes_per_s = gpu.total.uploaded_bytes - b0;
        stats.gpu_waiting = gpu.waiting_layers;
        stats.gpu_too_large = gpu.too_large_layers;
    }
    stats.gpu_frame_ms = gpu_frame_ms(world);

    // Plot figures walk every point: a background task computes them for geometry not
    // seen before; meanwhile a layer shows the newest figures known for it.
    let shown: Vec<(Entity, GeometryId, Arc<Polylines>)> = {
        let mut layers = world.query::<(Entity, &Layer, &Realized)>();
        let mut v: Vec<_> = layers
            .iter(world)
            .filter(|(_, l, _)| l.visible)
            .map(|(e, l, r)| (l.order, e, r.id, Arc::clone(&r.geometry)))
            .collect();
        v.sort_by_key(|(order, ..)| *order);
        v.into_iter().map(|(_, e, id, g)| (e, id, g)).collect()
    };
    let sampler = &mut *sampler;
    if let Some(task) = sampler.figures_task.as_mut()
        && let Some(done) = check_ready(task)
    {
        sampler.figures_task = None;
        for (layer, id, figures) in done {
            sampler.by_id.insert(id, figures);
            sampler.by_layer.insert(layer, figures);
        }
    }
    let missing: Vec<(Entity, GeometryId, Arc<Polylines>)> = shown
        .iter()
        .filter(|(_, id, _)| !sampler.by_id.contains_key(id))
        .cloned()
        .collect();
    if !missing.is_empty() && sampler.figures_task.is_none() {
        sampler.figures_task = Some(AsyncComputeTaskPool::get().spawn(async move {
            missing
                .into_iter()
                .map(|(layer, id, g)| (layer, id, GeometryStats::of(&g)))
                .collect()
        }));
    }
    let mut plot = PlotStats {
        layers: shown.len(),
        ..Default::default()
    };
    for (layer, id, _) in &shown {
        if let Some(f) = sampler.by_id.get(id).or(sampler.by_layer.get(layer)) {
            plot.add(f);
        }
    }
    // Keep the figures of what is on screen only.
    sampler
        .by_id
        .retain(|id, _| shown.iter().any(|(_, s, _)| s == id));
    sampler
        .by_layer
        .retain(|layer, _| shown.iter().any(|(l, ..)| l == layer));
    stats.layers = plot.layers;
    stats.polylines = plot.polylines;
    stats.vertices = plot.vertices;
    stats.segments = plot.segments;
    stats.pen_down_mm = plot.pen_down_mm;
    stats.pen_up_mm = plot.pen_up_mm;
    let profile = &world.resource::<SceneExport>().0.gcode;
    stats.plot_seconds = profile.plot_seconds(
        plot.pen_down_mm,
        plot.pen_up_mm,
        plot.segments,
        plot.polylines,
    );
    *world.resource_mut::<LiveStats>() = stats;
}
