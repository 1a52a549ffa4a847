//! The GPU line renderer: every visible layer drawn from a GPU buffer cached by
//! [`GeometryId`](crate::geometry::GeometryId), as one instanced draw per layer in a pass
//! of the camera's `Core2d` schedule. Colour and width are uniforms: changing them
//! uploads no geometry.

mod gpu_cache;
pub mod headless;
mod lines;

use std::sync::{Arc, Mutex};

use bevy::ecs::resource::Resource;

pub use lines::GraftRenderPlugin;

/// Geometry upload counters of one rendered frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FrameGpuStats {
    /// Geometries written to the GPU this frame (into a new or a recycled buffer).
    pub uploads: u64,
    /// Of those, written into a recycled buffer of the pool.
    pub reused: u64,
    /// Bytes of geometry uploaded this frame.
    pub uploaded_bytes: u64,
    /// Layers drawn from an already resident buffer.
    pub hits: u64,
    /// Geometries evicted this frame (superseded animated ids, or over budget).
    pub evictions: u64,
    /// Buffers the uploaded geometries took (more than `uploads` when a geometry exceeds
    /// the device's buffer size limit and is split).
    pub chunks: u64,
    /// Segments drawn this frame (all views).
    pub segments_drawn: u64,
    /// Geometries only partly uploaded at the end of this frame (their layers draw their
    /// previous geometry meanwhile).
    pub waiting: u64,
    /// Geometries larger than the whole budget (not drawn).
    pub too_large: u64,
}

/// The GPU line cache's counters, written by the render world and read by the main world
/// (the inspector, tests, benchmarks).
#[derive(Clone, Debug, Default)]
pub struct GpuStats {
    /// The last rendered frame.
    pub last_frame: FrameGpuStats,
    /// Sums over every frame so far.
    pub total: FrameGpuStats,
    /// Frames rendered.
    pub frames: u64,
    /// Bytes of every geometry buffer held on the GPU (in use and spare).
    pub resident_bytes: u64,
    /// Of those, spare buffers kept for reuse.
    pub spare_bytes: u64,
    /// Geometries resident on the GPU.
    pub resident_entries: usize,
    /// Byte budget of the cache (default 512 MiB); ids not drawn in a frame are evicted,
    /// least recently used first, while the cache is over it.
    pub budget_bytes: u64,
    /// Bytes of geometry uploaded per frame at most (default 32 MiB); a larger upload is
    /// spread over the following frames.
    pub upload_bytes_per_frame: u64,
    /// Layers (main-world entities) whose new geometry is still uploading, with the bytes
    /// left: each draws its previous geometry meanwhile.
    pub waiting_layers: Vec<(bevy::ecs::entity::Entity, u64)>,
    /// Layers whose geometry is larger than the whole budget: not drawn.
    pub too_large_layers: Vec<bevy::ecs::entity::Entity>,
    /// Largest geometry buffer to make, below the device's `max_buffer_size` (which
    /// always applies); bigger geometries are split. `None`: the device limit.
    pub max_chunk_bytes: Option<u64>,
    /// Main-world camera entities whose views the line pass drew in the last frame
    /// (a capture waits for its camera to appear here: its pipeline is ready).
    pub drawn_views: Vec<bevy::ecs::entity::Entity>,
}

/// The GPU adapter wgpu would give the renderer (lavapipe counts), or a message saying
/// what to install. Bevy's renderer panics without one, so the app, the headless
/// renderer and `graft bench` ask first.
pub fn probe_adapter() -> Result<String, String> {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::from_env().unwrap_or(wgpu::Backends::all()),
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let adapters = bevy::tasks::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
    match adapters.first() {
        Some(a) => {
            let info = a.get_info();
            Ok(format!("{} ({:?})", info.name, info.device_type))
        }
        None => Err(
            "no GPU adapter found: install a Vulkan driver (on Debian: apt-get install mesa-vulkan-drivers, a software one) or use `graft render`, which needs none".into(),
        ),
    }
}

/// Marks the camera that shows the paper in the window.
#[derive(bevy::ecs::component::Component)]
pub struct PaperCamera;

/// Default GPU cache budget: 512 MiB.
pub const DEFAULT_GPU_BUDGET: u64 = 512 << 20;

/// Default upload allowance per frame: 32 MiB (two million points), a few milliseconds of
/// copying even on software Vulkan.
pub const DEFAULT_UPLOAD_PER_FRAME: u64 = 32 << 20;

/// Shared handle to [`GpuStats`], present in both the main and the render world. Setting
/// `budget_bytes` through it changes the cache budget.
#[derive(Resource, Clone)]
pub struct GpuLineStats(pub Arc<Mutex<GpuStats>>);

impl Default for GpuLineStats {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(GpuStats {
            budget_bytes: DEFAULT_GPU_BUDGET,
            upload_bytes_per_frame: DEFAULT_UPLOAD_PER_FRAME,
            ..Default::default()
        })))
    }
}

impl GpuLineStats {
    /// A copy of the counters.
    pub fn get(&self) -> GpuStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Caps the size of one geometry buffer (tests use it to split small geometries).
    pub fn set_max_chunk_bytes(&self, bytes: Option<u64>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .max_chunk_bytes = bytes;
    }

    /// Changes the GPU cache budget.
    pub fn set_budget(&self, bytes: u64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .budget_bytes = bytes;
    }

    /// Changes how many bytes of geometry one frame may upload.
    pub fn set_upload_per_frame(&self, bytes: u64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .upload_bytes_per_frame = bytes;
    }

    /// True when every drawn layer's geometry is wholly on the GPU (a capture of the
    /// window or an image waits for it).
    pub fn uploads_done(&self) -> bool {
        let s = self.0.lock().unwrap_or_else(|e| e.into_inner());
        s.waiting_layers.is_empty()
    }
}
