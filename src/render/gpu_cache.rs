//! GPU buffers of line geometry, keyed by geometry id, within a byte budget.

use std::collections::HashMap;

use bevy::render::render_resource::{Buffer, BufferInitDescriptor, BufferUsages};
use bevy::render::renderer::RenderDevice;

use super::FrameGpuStats;
use crate::geometry::{GeometryId, LineVertices};

/// One resident geometry.
pub(super) struct GpuGeometry {
    pub(super) buffer: Buffer,
    /// Points in the buffer (instances = points - 1).
    pub(super) points: u32,
    bytes: u64,
    last_used: u64,
}

/// Resident geometry by id. A layer whose id is resident uploads nothing.
#[derive(Default)]
pub(super) struct GpuLineCache {
    entries: HashMap<GeometryId, GpuGeometry>,
    resident_bytes: u64,
    frame: u64,
}

impl GpuLineCache {
    /// Starts a frame.
    pub(super) fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// Makes `id` resident (uploading `vertices` if it is not) and marks it used this frame.
    pub(super) fn use_geometry(
        &mut self,
        device: &RenderDevice,
        id: GeometryId,
        vertices: &LineVertices,
        stats: &mut FrameGpuStats,
    ) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.last_used = self.frame;
            stats.hits += 1;
            return;
        }
        if vertices.points().len() < 2 {
            return;
        }
        let bytes = vertices.as_bytes();
        let buffer = device.create_buffer_with_data(&BufferInitDescriptor {
            label: Some("graft line geometry"),
            contents: bytes,
            usage: BufferUsages::VERTEX,
        });
        stats.uploads += 1;
        stats.uploaded_bytes += bytes.len() as u64;
        self.resident_bytes += bytes.len() as u64;
        self.entries.insert(
            id,
            GpuGeometry {
                buffer,
                points: vertices.points().len() as u32,
                bytes: bytes.len() as u64,
                last_used: self.frame,
            },
        );
    }

    /// The resident geometry of `id`.
    pub(super) fn get(&self, id: GeometryId) -> Option<&GpuGeometry> {
        self.entries.get(&id)
    }

    /// Evicts least recently used ids not drawn this frame until within `budget` bytes.
    pub(super) fn evict(&mut self, budget: u64, stats: &mut FrameGpuStats) {
        if self.resident_bytes <= budget {
            return;
        }
        let mut idle: Vec<(u64, GeometryId)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.last_used < self.frame)
            .map(|(id, e)| (e.last_used, *id))
            .collect();
        idle.sort_unstable();
        for (_, id) in idle {
            if self.resident_bytes <= budget {
                break;
            }
            if let Some(e) = self.entries.remove(&id) {
                self.resident_bytes -= e.bytes;
                stats.evictions += 1;
            }
        }
    }

    /// Bytes resident.
    pub(super) fn resident_bytes(&self) -> u64 {
        self.resident_bytes
    }

    /// Geometries resident.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}
