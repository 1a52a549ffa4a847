//! GPU buffers of line geometry, keyed by geometry id, within a byte budget.
//!
//! Buffers come in size classes (steps of 2^(1/4), about 19 %) and are recycled: a new
//! geometry is written (`write_buffer`) into a free buffer of its class instead of a new
//! allocation. When an animated layer moves to a new id, the id it showed before is
//! superseded and its buffer goes back to the pool at once, so an animation keeps one
//! buffer in use and one spare instead of piling up buffers until the budget.
//!
//! A geometry larger than the device's `max_buffer_size`, or than one frame's upload
//! allowance, is held in several buffers (chunks that share their boundary point), each
//! drawn on its own: a huge layer is drawn, never refused by wgpu's validation, and its
//! upload is spread over frames while the layer's previous geometry is drawn. The byte
//! budget is a hard limit: room is made before a buffer is made.

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

/// One resident geometry: one chunk, or several when it exceeds the buffer size limit or
/// the per-frame upload allowance.
pub(super) struct GpuGeometry {
    pub(super) chunks: Vec<GpuChunk>,
    /// Depth steps its draw takes (its polylines, capped).
    pub(super) depth_steps: u32,
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

/// The limits one frame's uploads keep to.
#[derive(Clone, Copy, Debug)]
pub(super) struct UploadLimits {
    /// Largest buffer to make (the device's limit, or smaller).
    pub(super) max_buffer_bytes: u64,
    /// Bytes of geometry written per frame; more waits for the next frames. A chunk is
    /// never larger, so every frame makes progress.
    pub(super) bytes_per_frame: u64,
    /// Most bytes of buffers held at once.
    pub(super) budget: u64,
}

/// How a geometry is cut into buffers under `limits`, and their bytes together.
struct UploadPlan {
    stride: usize,
    ranges: Vec<std::ops::Range<usize>>,
    class_of: fn(u64, u64) -> u64,
    total_bytes: u64,
}

impl UploadPlan {
    fn new(vertices: &LineVertices, limits: UploadLimits) -> Self {
        let stride = std::mem::size_of::<crate::geometry::Vec4>();
        let chunk_bytes = limits
            .max_buffer_bytes
            .min(limits.bytes_per_frame)
            .max(2 * stride as u64);
        let max_points = (chunk_bytes as usize / stride).max(2);
        let ranges = chunk_ranges(vertices.points().len(), max_points);
        // At the limit the size class may not fit: such a chunk gets an exact buffer.
        let class_of = |bytes: u64, max: u64| {
            Some(class_bytes(bytes))
                .filter(|&c| c <= max)
                .unwrap_or(bytes)
        };
        let total_bytes = ranges
            .iter()
            .map(|r| class_of((r.len() * stride) as u64, limits.max_buffer_bytes))
            .sum();
        Self {
            stride,
            ranges,
            class_of,
            total_bytes,
        }
    }
}

/// True when `vertices` would need more than the whole budget.
pub(super) fn too_large(vertices: &LineVertices, limits: UploadLimits) -> bool {
    UploadPlan::new(vertices, limits).total_bytes > limits.budget
}

/// Where a geometry stands after this frame's uploads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Residency {
    /// Wholly on the GPU: drawn.
    Ready,
    /// Partly written: the rest follows in the next frames (or when the budget has room).
    Waiting {
        /// Bytes still to write.
        bytes_left: u64,
    },
    /// Larger than the whole budget: never drawn.
    TooLarge,
    /// No segment to draw.
    Empty,
}

/// Resident geometry by id, geometry being uploaded over several frames, spare buffers by
/// size class, and what each layer showed last. A layer whose id is resident uploads
/// nothing. What is held never exceeds the budget: room is made (spares, then geometry
/// no view drew this frame) before a buffer is made, and a buffer that does not fit waits.
#[derive(Default)]
pub(super) struct GpuLineCache {
    entries: HashMap<GeometryId, GpuGeometry>,
    /// Geometry partly written: its first chunks.
    uploading: HashMap<GeometryId, GpuGeometry>,
    spare: HashMap<u64, Vec<Buffer>>,
    /// Per drawn layer: the id it showed in the last frame it was drawn.
    shown: HashMap<Entity, GeometryId>,
    /// Bytes of the buffers of `entries` and `uploading`.
    in_use_bytes: u64,
    /// Bytes of the spare buffers.
    spare_bytes: u64,
    /// Bytes still to write this frame.
    allowance: u64,
    frame: u64,
}

impl GpuLineCache {
    /// Starts a frame that may write `bytes_per_frame` bytes.
    pub(super) fn begin_frame(&mut self, bytes_per_frame: u64) {
        self.frame += 1;
        self.allowance = bytes_per_frame;
    }

    /// Marks `id` used this frame if it is resident (it cannot be evicted to make room
    /// for this frame's uploads). True when it is.
    pub(super) fn touch(&mut self, id: GeometryId) -> bool {
        match self.entries.get_mut(&id) {
            Some(entry) => {
                entry.last_used = self.frame;
                true
            }
            None => false,
        }
    }

    /// The resident id `layer` showed last, drawn while its new geometry uploads.
    pub(super) fn previous_of(&self, layer: Entity) -> Option<GeometryId> {
        self.shown
            .get(&layer)
            .copied()
            .filter(|id| self.entries.contains_key(id))
    }

    /// Makes `id` resident as far as this frame's allowance and the budget allow
    /// (writing `vertices` into pooled or new buffers), and marks it used this frame.
    /// `previous`, what the layer drew before, is given up when the budget has no room
    /// for both: a layer always gets to its new geometry.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn use_geometry(
        &mut self,
        device: &RenderDevice,
        queue: &RenderQueue,
        id: GeometryId,
        vertices: &LineVertices,
        previous: Option<GeometryId>,
        limits: UploadLimits,
        stats: &mut FrameGpuStats,
    ) -> Residency {
        if self.touch(id) {
            stats.hits += 1;
            return Residency::Ready;
        }
        if vertices.points().len() < 2 {
            return Residency::Empty;
        }
        let plan = UploadPlan::new(vertices, limits);
        if plan.total_bytes > limits.budget {
            if let Some(partial) = self.uploading.remove(&id) {
                self.free(partial);
            }
            stats.too_large += 1;
            return Residency::TooLarge;
        }
        let (stride, ranges, class_of) = (plan.stride, plan.ranges, plan.class_of);
        let mut partial = self.uploading.remove(&id).unwrap_or(GpuGeometry {
            chunks: Vec::with_capacity(ranges.len()),
            depth_steps: vertices.depth_steps(),
            last_used: self.frame,
        });
        partial.last_used = self.frame;
        while let Some(range) = ranges.get(partial.chunks.len()) {
            let bytes = &vertices.as_bytes()[range.start * stride..range.end * stride];
            let exact = bytes.len() as u64;
            let class = class_of(exact, limits.max_buffer_bytes);
            if exact > self.allowance {
                break;
            }
            if !self.make_room(class, limits.budget, stats) {
                match previous.and_then(|p| self.entries.remove(&p)) {
                    Some(entry) => {
                        stats.evictions += 1;
                        self.free(entry);
                        if !self.make_room(class, limits.budget, stats) {
                            break;
                        }
                    }
                    None => break,
                }
            }
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
            self.allowance -= exact;
            stats.uploaded_bytes += exact;
            stats.chunks += 1;
            self.in_use_bytes += class;
            partial.chunks.push(GpuChunk {
                buffer,
                points: range.len() as u32,
                class,
            });
        }
        if partial.chunks.len() < ranges.len() {
            let bytes_left = ranges[partial.chunks.len()..]
                .iter()
                .map(|r| (r.len() * stride) as u64)
                .sum();
            self.uploading.insert(id, partial);
            stats.waiting += 1;
            return Residency::Waiting { bytes_left };
        }
        stats.uploads += 1;
        self.entries.insert(id, partial);
        Residency::Ready
    }

    /// Makes room for a buffer of `class` bytes within `budget`: a spare of that class
    /// needs none; else spares of other classes go, then geometry no view drew this
    /// frame (least recently used first), then uploads nobody continued. False when
    /// what this frame draws leaves no room.
    fn make_room(&mut self, class: u64, budget: u64, stats: &mut FrameGpuStats) -> bool {
        if self.spare.get(&class).is_some_and(|s| !s.is_empty()) {
            return true;
        }
        if self.in_use_bytes + class > budget {
            // Spares alone cannot help: the geometry held must shrink.
            for id in self.idle_oldest_first() {
                if self.in_use_bytes + class <= budget {
                    break;
                }
                if let Some(entry) = self.entries.remove(&id) {
                    stats.evictions += 1;
                    self.free(entry);
                }
            }
            for id in self.stale_uploads() {
                if self.in_use_bytes + class <= budget {
                    break;
                }
                if let Some(partial) = self.uploading.remove(&id) {
                    self.free(partial);
                }
            }
            if self.in_use_bytes + class > budget {
                return false;
            }
        }
        // The pool goes, largest classes first, until the new buffer fits beside it.
        let mut classes: Vec<u64> = self.spare.keys().copied().collect();
        classes.sort_unstable_by(|a, b| b.cmp(a));
        for c in classes {
            if self.resident_bytes() + class <= budget {
                break;
            }
            if let Some(buffers) = self.spare.remove(&c) {
                self.spare_bytes -= c * buffers.len() as u64;
            }
        }
        true
    }

    /// Resident ids no view drew this frame, least recently used first.
    fn idle_oldest_first(&self) -> Vec<GeometryId> {
        let mut idle: Vec<(u64, GeometryId)> = self
            .entries
            .iter()
            .filter(|(_, e)| e.last_used < self.frame)
            .map(|(id, e)| (e.last_used, *id))
            .collect();
        idle.sort_unstable();
        idle.into_iter().map(|(_, id)| id).collect()
    }

    /// Partial uploads nobody continued this frame.
    fn stale_uploads(&self) -> Vec<GeometryId> {
        self.uploading
            .iter()
            .filter(|(_, e)| e.last_used < self.frame)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Drops the buffers of a geometry no longer held.
    fn free(&mut self, geometry: GpuGeometry) {
        self.in_use_bytes -= geometry.bytes();
    }

    /// Records that `layer` shows `id` this frame. When an animated layer moved on from
    /// another id that no draw of this frame shows (`drawn`), that id is superseded: its
    /// buffer goes back to the pool now (an animation rarely comes back to an old id).
    pub(super) fn shown_by(
        &mut self,
        layer: Entity,
        id: GeometryId,
        animated: bool,
        drawn: &[GeometryId],
        stats: &mut FrameGpuStats,
    ) {
        let Some(previous) = self.shown.insert(layer, id) else {
            return;
        };
        if previous == id || !animated || drawn.contains(&previous) {
            return;
        }
        self.release(previous, stats);
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
        stats.evictions += 1;
        self.pool(entry);
    }

    /// Moves the buffers of a geometry no longer held to the pool, as far as it takes them.
    fn pool(&mut self, geometry: GpuGeometry) {
        self.in_use_bytes -= geometry.bytes();
        for chunk in geometry.chunks {
            let spares = self.spare.entry(chunk.class).or_default();
            if spares.len() < SPARES_PER_CLASS {
                spares.push(chunk.buffer);
                self.spare_bytes += chunk.class;
            }
        }
    }

    /// Ends a frame: uploads nobody continued this frame go to the pool, then least
    /// recently used ids not drawn this frame are evicted until within `budget` bytes,
    /// then spare buffers are dropped if the pool alone is still over it.
    pub(super) fn evict(&mut self, budget: u64, stats: &mut FrameGpuStats) {
        for id in self.stale_uploads() {
            if let Some(partial) = self.uploading.remove(&id) {
                self.pool(partial);
            }
        }
        if self.resident_bytes() > budget {
            for id in self.idle_oldest_first() {
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

    /// Bytes of every buffer held: geometry in use (whole or uploading) and spares.
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
