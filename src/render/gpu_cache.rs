//! GPU buffers of line geometry, keyed by geometry id, within a byte budget.
//!
//! Buffers come in size classes (steps of 2^(1/4), about 19 %) and are recycled: a new
//! geometry is written (`write_buffer`) into a free buffer of its class instead of a new
//! allocation. When an animated layer moves to a new id, the id it showed before is
//! superseded and its buffer goes back to the pool at once, so an animation keeps one
//! buffer in use and one spare instead of piling up buffers until the budget.
//!
//! A geometry larger than the device's `max_buffer_size` is held in several buffers
//! (chunks that share their boundary point), each drawn on its own: a huge layer is
//! drawn, never refused by wgpu's validation.

use std::collections::HashMap;

use bevy::ecs::entity::Entity;
use bevy::render::render_resource::{Buffer, BufferDescriptor, BufferUsages};
use bevy::render::renderer::{RenderDevice, RenderQueue};

use super::FrameGpuStats;
use crate::geometry::{GeometryId, LineVertices};

/// Smallest buffer made (bytes): tiny geometries share one class.
const MIN_CLASS_BYTES: u64 = 4096;
/// Spare buffers kept per size class.
const SPARES_PER_CLASS: usize = 2;

/// The size class of a buffer holding `bytes`: the smallest `2^(k/4)` (k an integer),
/// rounded up to 256 bytes, that holds `bytes` (and at least [`MIN_CLASS_BYTES`]).
pub(super) fn class_bytes(bytes: u64) -> u64 {
    let bytes = bytes.max(MIN_CLASS_BYTES);
    let size = |k: i32| (2f64.powf(k as f64 / 4.0).ceil() as u64).div_ceil(256) * 256;
    // Start one step low: floating point may round the logarithm either way.
    let mut k = ((bytes as f64).log2() * 4.0).ceil() as i32 - 1;
    while size(k) < bytes {
        k += 1;
    }
    size(k)
}

/// One buffer of a resident geometry.
pub(super) struct GpuChunk {
    pub(super) buffer: Buffer,
    /// Points in the buffer (instances = points - 1).
    pub(super) points: u32,
    /// Size of the buffer (its class).
    class: u64,
}

/// One resident geometry: one chunk, or several when it exceeds the buffer size limit.
pub(super) struct GpuGeometry {
    pub(super) chunks: Vec<GpuChunk>,
    last_used: u64,
}

impl GpuGeometry {
    /// Instances drawn (segments and gaps), over all chunks.
    pub(super) fn instances(&self) -> u64 {
        self.chunks.iter().map(|c| c.points as u64 - 1).sum()
    }

    fn bytes(&self) -> u64 {
        self.chunks.iter().map(|c| c.class).sum()
    }
}

/// Point ranges of the chunks of `points` points, each at most `max_points` (≥ 2) long;
/// consecutive ranges share one point, so every segment is in exactly one chunk.
pub(super) fn chunk_ranges(points: usize, max_points: usize) -> Vec<std::ops::Range<usize>> {
    let max_points = max_points.max(2);
    let mut ranges = Vec::with_capacity(points.div_ceil(max_points - 1));
    let mut start = 0;
    while start + 1 < points {
        let end = (start + max_points).min(points);
        ranges.push(start..end);
        start = end - 1;
    }
    ranges
}

/// Resident geometry by id, spare buffers by size class, and what each layer showed
/// last. A layer whose id is resident uploads nothing.
#[derive(Default)]
pub(super) struct GpuLineCache {
    entries: HashMap<GeometryId, GpuGeometry>,
    spare: HashMap<u64, Vec<Buffer>>,
    /// Per drawn layer: the id it showed in the last frame it was drawn.
    shown: HashMap<Entity, GeometryId>,
    /// Bytes of the buffers of `entries`.
    in_use_bytes: u64,
    /// Bytes of the spare buffers.
    spare_bytes: u64,
    frame: u64,
}

impl GpuLineCache {
    /// Starts a frame.
    pub(super) fn begin_frame(&mut self) {
        self.frame += 1;
    }

    /// Makes `id` resident (writing `vertices` into pooled or new buffers of at most
    /// `max_buffer_bytes` each, if it is not) and marks it used this frame.
    pub(super) fn use_geometry(
        &mut self,
        device: &RenderDevice,
        queue: &RenderQueue,
        id: GeometryId,
        vertices: &LineVertices,
        max_buffer_bytes: u64,
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
        let stride = std::mem::size_of::<crate::geometry::Vec4>();
        let max_points = (max_buffer_bytes as usize / stride).max(2);
        let ranges = chunk_ranges(vertices.points().len(), max_points);
        let mut chunks = Vec::with_capacity(ranges.len());
        for range in ranges {
            let bytes = &vertices.as_bytes()[range.start * stride..range.end * stride];
            let exact = bytes.len() as u64;
            // At the limit the size class may not fit: such a chunk gets an exact buffer.
            let class = Some(class_bytes(exact))
                .filter(|&c| c <= max_buffer_bytes)
                .unwrap_or(exact);
            let buffer = match self.spare.get_mut(&class).and_then(Vec::pop) {
                Some(buffer) => {
                    self.spare_bytes -= class;
                    stats.reused += 1;
                    buffer
                }
                None => device.create_buffer(&BufferDescriptor {
                    label: Some("graft line geometry"),
                    size: class,
                    usage: BufferUsages::VERTEX | BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                }),
            };
            queue.write_buffer(&buffer, 0, bytes);
            stats.uploaded_bytes += bytes.len() as u64;
            self.in_use_bytes += class;
            chunks.push(GpuChunk {
                buffer,
                points: range.len() as u32,
                class,
            });
        }
        stats.uploads += 1;
        stats.chunks += chunks.len() as u64;
        self.entries.insert(
            id,
            GpuGeometry {
                chunks,
                last_used: self.frame,
            },
        );
    }

    /// Records that `layer` shows `id` this frame. When an animated layer moved on from
    /// another id that nothing drew this frame, that id is superseded: its buffer goes
    /// back to the pool now (an animation rarely comes back to an old id).
    pub(super) fn shown_by(
        &mut self,
        layer: Entity,
        id: GeometryId,
        animated: bool,
        stats: &mut FrameGpuStats,
    ) {
        let Some(previous) = self.shown.insert(layer, id) else {
            return;
        };
        if previous == id || !animated {
            return;
        }
        if self
            .entries
            .get(&previous)
            .is_some_and(|e| e.last_used < self.frame)
        {
            self.release(previous, stats);
        }
    }

    /// Forgets layers that were not drawn this frame (despawned or hidden).
    pub(super) fn forget_layers_except(&mut self, drawn: &[Entity]) {
        self.shown.retain(|layer, _| drawn.contains(layer));
    }

    /// The resident geometry of `id`.
    pub(super) fn get(&self, id: GeometryId) -> Option<&GpuGeometry> {
        self.entries.get(&id)
    }

    /// Moves the buffer of `id` to the pool (or frees it when its class has spares).
    fn release(&mut self, id: GeometryId, stats: &mut FrameGpuStats) {
        let Some(entry) = self.entries.remove(&id) else {
            return;
        };
        self.in_use_bytes -= entry.bytes();
        stats.evictions += 1;
        for chunk in entry.chunks {
            let spares = self.spare.entry(chunk.class).or_default();
            if spares.len() < SPARES_PER_CLASS {
                spares.push(chunk.buffer);
                self.spare_bytes += chunk.class;
            }
        }
    }

    /// Evicts least recently used ids not drawn this frame until within `budget` bytes,
    /// then drops spare buffers if the pool alone is still over it.
    pub(super) fn evict(&mut self, budget: u64, stats: &mut FrameGpuStats) {
        if self.resident_bytes() > budget {
            let mut idle: Vec<(u64, GeometryId)> = self
                .entries
                .iter()
                .filter(|(_, e)| e.last_used < self.frame)
                .map(|(id, e)| (e.last_used, *id))
                .collect();
            idle.sort_unstable();
            for (_, id) in idle {
                if self.resident_bytes() <= budget {
                    break;
                }
                self.release(id, stats);
            }
        }
        if self.resident_bytes() > budget {
            self.spare.clear();
            self.spare_bytes = 0;
        }
    }

    /// Bytes of every buffer held: geometry in use and spares.
    pub(super) fn resident_bytes(&self) -> u64 {
        self.in_use_bytes + self.spare_bytes
    }

    /// Bytes of the spare buffers.
    pub(super) fn spare_bytes(&self) -> u64 {
        self.spare_bytes
    }

    /// Geometries resident.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{chunk_ranges, class_bytes};

    #[test]
    fn chunks_share_their_boundary_point_so_every_segment_is_drawn_once() {
        assert_eq!(chunk_ranges(0, 4), Vec::<std::ops::Range<usize>>::new());
        assert_eq!(chunk_ranges(1, 4), Vec::<std::ops::Range<usize>>::new());
        assert_eq!(chunk_ranges(4, 4), [0..4]);
        assert_eq!(chunk_ranges(10, 4), [0..4, 3..7, 6..10]);
        assert_eq!(chunk_ranges(11, 4), [0..4, 3..7, 6..10, 9..11]);
        for (n, max) in [(2, 2), (1000, 7), (1001, 1000), (5000, 256)] {
            let ranges = chunk_ranges(n, max);
            let segments: usize = ranges.iter().map(|r| r.len() - 1).sum();
            assert_eq!(segments, n - 1);
            assert!(ranges.iter().all(|r| r.len() <= max && r.len() >= 2));
            assert!(ranges.windows(2).all(|w| w[1].start == w[0].end - 1));
        }
    }

    #[test]
    fn size_classes_hold_their_bytes_with_little_waste() {
        assert_eq!(class_bytes(1), 4096);
        assert_eq!(class_bytes(4096), 4096);
        for bytes in [4097u64, 10_000, 1_600_000, 123_456_789] {
            let c = class_bytes(bytes);
            assert!(
                c >= bytes && (c as f64) < bytes as f64 * 1.2 + 256.0,
                "{bytes} → {c}"
            );
            assert_eq!(c % 256, 0);
            // Sizes of one class share it.
            assert_eq!(class_bytes(c), c);
        }
    }
}
