//! The line pipeline: extraction of layer geometry (Arcs only), upload of what the GPU
//! does not hold yet, per-layer uniforms, and the pass in `Core2dSystems::MainPass`.
//!
//! Colours are blended as the exported SVG is drawn: in sRGB space (the paper camera
//! composites in sRGB, see [`CompositingSpace`](bevy::camera::CompositingSpace)), and
//! each polyline covers a pixel once (see `lines.wgsl`), so a translucent pen looks
//! uniform along a polyline and the same in the window as in the SVG and PNG.

use std::sync::Arc;

use bevy::app::{App, Plugin, PostUpdate};
use bevy::asset::{AssetServer, Handle, embedded_asset, load_embedded_asset};
use bevy::camera::Camera2d;
use bevy::camera::CompositingSpace;
use bevy::camera::visibility::RenderLayers;
use bevy::core_pipeline::core_2d::{CORE_2D_DEPTH_FORMAT, main_transparent_pass_2d};
use bevy::core_pipeline::{Core2d, Core2dSystems};
use bevy::ecs::prelude::*;
use bevy::math::Vec4;
use bevy::mesh::VertexBufferLayout;
use bevy::render::camera::ExtractedCamera;
use bevy::render::diagnostic::RecordDiagnostics;
use bevy::render::render_resource::{binding_types::uniform_buffer, *};
use bevy::render::renderer::{RenderContext, RenderDevice, RenderQueue, ViewQuery};
use bevy::render::sync_world::MainEntity;
use bevy::render::view::{
    ExtractedView, Msaa, ViewDepthTexture, ViewTarget, ViewUniform, ViewUniformOffset, ViewUniforms,
};
use bevy::render::{
    Extract, ExtractSchedule, GpuResourceAppExt, Render, RenderApp, RenderStartup, RenderSystems,
};
use bevy::shader::{Shader, ShaderDefVal};

use super::gpu_cache::{GpuLineCache, Residency, UploadLimits, too_large};
use super::{FrameGpuStats, GpuLineStats};
use crate::ecs::{Layer, Realized, Resolved, SceneCanvas, Stroke};
use crate::geometry::{GeometryId, IdHasher, LineVertices, Polylines, Vec3};
use crate::ops::Rgba;

/// Draws every visible layer (and the paper) in each `Camera2d` view.
pub struct GraftRenderPlugin;

impl Plugin for GraftRenderPlugin {
    fn build(&self, app: &mut App) {
        embedded_asset!(app, "lines.wgsl");
        let stats = app
            .world_mut()
            .get_resource_or_insert_with(GpuLineStats::default)
            .clone();
        app.init_resource::<Paper>()
            .add_systems(PostUpdate, update_paper);
        let Some(render_app) = app.get_sub_app_mut(RenderApp) else {
            return;
        };
        render_app
            .insert_resource(stats)
            .init_resource::<ExtractedLines>()
            .init_resource::<LineGpu>()
            .init_gpu_resource::<SpecializedRenderPipelines<LinePipeline>>()
            .add_systems(RenderStartup, init_line_pipeline)
            .add_systems(ExtractSchedule, extract_lines)
            .add_systems(
                Render,
                (
                    prepare_line_pipelines.in_set(RenderSystems::Prepare),
                    prepare_line_buffers.in_set(RenderSystems::PrepareResources),
                    prepare_line_bind_groups.in_set(RenderSystems::PrepareBindGroups),
                ),
            )
            .add_systems(
                Core2d,
                line_pass
                    .after(main_transparent_pass_2d)
                    .in_set(Core2dSystems::MainPass),
            );
    }
}

/// The paper as a drawable: one flat-ended segment as wide as the sheet is high.
#[derive(Resource, Clone)]
struct Paper {
    id: GeometryId,
    vertices: Arc<LineVertices>,
    color: Rgba,
    half_height: f64,
}

impl Paper {
    fn of(canvas: &SceneCanvas) -> Self {
        let c = &canvas.0;
        let mid = (c.height / 2.0) as f32;
        let sheet = Polylines::from_lines([[
            Vec3::new(0.0, mid, 0.0),
            Vec3::new(c.width as f32, mid, 0.0),
        ]]);
        let mut h = IdHasher::new("graft-paper", 1);
        h.float(c.width).float(c.height);
        Self {
            id: h.finish(),
            vertices: Arc::new(LineVertices::build(&sheet)),
            color: c.background,
            half_height: c.height / 2.0,
        }
    }
}

impl Default for Paper {
    fn default() -> Self {
        Self::of(&SceneCanvas::default())
    }
}

fn update_paper(canvas: Option<Res<SceneCanvas>>, mut paper: ResMut<Paper>) {
    if let Some(canvas) = canvas
        && canvas.is_changed()
    {
        *paper = Paper::of(&canvas);
    }
}

/// Per-draw uniform.
#[derive(Clone, Copy, ShaderType)]
struct LineUniform {
    /// sRGB-encoded, straight alpha (the shader converts for linear views).
    color: Vec4,
    half_width: f32,
    flags: u32,
    /// Depth steps taken by the draws before this one in its pass.
    depth_base: u32,
}

const FLAT_ENDS: u32 = 1;

fn srgb(c: Rgba) -> Vec4 {
    Vec4::from_array(c.0)
}

/// One draw of this frame, as extracted: an id, an `Arc` of its GPU layout and a uniform.
struct ExtractedDraw {
    /// The layer entity (none for the paper).
    layer: Option<Entity>,
    /// The layer's final stage keeps changing id (its superseded ids are dropped at once).
    animated: bool,
    id: GeometryId,
    vertices: Arc<LineVertices>,
    uniform: LineUniform,
}

#[derive(Resource, Default)]
struct ExtractedLines(Vec<ExtractedDraw>);

/// Copies `Arc`s and ids of the paper and the visible layers, in drawing order.
fn extract_lines(
    mut out: ResMut<ExtractedLines>,
    paper: Extract<Option<Res<Paper>>>,
    layers: Extract<Query<(Entity, &Layer, &Stroke, &Realized, Option<&Resolved>)>>,
) {
    out.0.clear();
    if let Some(paper) = paper.as_ref() {
        out.0.push(ExtractedDraw {
            layer: None,
            animated: false,
            id: paper.id,
            vertices: Arc::clone(&paper.vertices),
            uniform: LineUniform {
                color: srgb(paper.color),
                half_width: paper.half_height as f32,
                flags: FLAT_ENDS,
                depth_base: 0,
            },
        });
    }
    let mut visible: Vec<_> = layers.iter().filter(|(_, l, ..)| l.visible).collect();
    visible.sort_by_key(|(_, l, ..)| l.order);
    for (entity, _, stroke, realized, resolved) in visible {
        out.0.push(ExtractedDraw {
            layer: Some(entity),
            animated: resolved.is_some_and(Resolved::final_churning),
            id: realized.id,
            vertices: Arc::clone(&realized.vertices),
            uniform: LineUniform {
                color: srgb(stroke.color),
                half_width: (stroke.width_mm / 2.0) as f32,
                flags: 0,
                depth_base: 0,
            },
        });
    }
}

#[derive(Resource)]
struct LinePipeline {
    view_layout: BindGroupLayoutDescriptor,
    line_layout: BindGroupLayoutDescriptor,
    shader: Handle<Shader>,
}

/// Which part of a draw a pipeline makes (each draw is made in two passes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum LinePart {
    /// Fully covered pixels; each polyline writes a pixel once (depth test).
    Interior,
    /// Anti-aliased edge pixels the interior left, once per polyline: translucent pens.
    FringeOnce,
    /// Anti-aliased edge pixels, blended freely: opaque pens, whose overlapping edges
    /// only get closer to the true coverage.
    FringeBlended,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct LinePipelineKey {
    format: TextureFormat,
    samples: u32,
    /// The view blends in linear light (the shader decodes the sRGB colour).
    linear: bool,
    part: LinePart,
}

fn init_line_pipeline(mut commands: Commands, asset_server: Res<AssetServer>) {
    let layout = |name: &'static str, entry| {
        BindGroupLayoutDescriptor::new(
            name,
            &BindGroupLayoutEntries::single(ShaderStages::VERTEX_FRAGMENT, entry),
        )
    };
    commands.insert_resource(LinePipeline {
        view_layout: layout(
            "graft line view layout",
            uniform_buffer::<ViewUniform>(true),
        ),
        line_layout: layout(
            "graft line uniform layout",
            uniform_buffer::<LineUniform>(true),
        ),
        shader: load_embedded_asset!(asset_server.as_ref(), "lines.wgsl"),
    });
}

impl SpecializedRenderPipeline for LinePipeline {
    type Key = LinePipelineKey;

    fn specialize(&self, key: LinePipelineKey) -> RenderPipelineDescriptor {
        let mut defs: Vec<ShaderDefVal> = Vec::new();
        if key.linear {
            defs.push("LINEAR_COMPOSITING".into());
        }
        if key.part != LinePart::Interior {
            defs.push("FRINGE".into());
        }
        let once = key.part != LinePart::FringeBlended;
        let depth = DepthStencilState {
            format: CORE_2D_DEPTH_FORMAT,
            depth_write_enabled: Some(once),
            depth_compare: Some(if once {
                CompareFunction::Greater
            } else {
                CompareFunction::Always
            }),
            stencil: StencilState::default(),
            bias: DepthBiasState::default(),
        };
        // The same point buffer is bound twice: instance i reads points i and i + 1.
        let point = |location| VertexBufferLayout {
            array_stride: 16,
            step_mode: VertexStepMode::Instance,
            attributes: vec![VertexAttribute {
                format: VertexFormat::Float32x4,
                offset: 0,
                shader_location: location,
            }],
        };
        RenderPipelineDescriptor {
            label: Some("graft line pipeline".into()),
            layout: vec![self.view_layout.clone(), self.line_layout.clone()],
            immediate_size: 0,
            vertex: VertexState {
                shader: self.shader.clone(),
                shader_defs: defs.clone(),
                entry_point: Some("vertex".into()),
                buffers: vec![point(0), point(1)],
            },
            fragment: Some(FragmentState {
                shader: self.shader.clone(),
                shader_defs: defs,
                entry_point: Some("fragment".into()),
                targets: vec![Some(ColorTargetState {
                    format: key.format,
                    blend: Some(BlendState::ALPHA_BLENDING),
                    write_mask: ColorWrites::ALL,
                })],
            }),
            primitive: PrimitiveState::default(),
            depth_stencil: Some(depth),
            multisample: MultisampleState {
                count: key.samples,
                mask: !0,
                alpha_to_coverage_enabled: false,
            },
            zero_initialize_workgroup_memory: false,
        }
    }
}

/// The pipelines of a view, by [`LinePart`].
#[derive(Component)]
struct ViewLinePipelines {
    interior: CachedRenderPipelineId,
    fringe_once: CachedRenderPipelineId,
    fringe_blended: CachedRenderPipelineId,
}

fn prepare_line_pipelines(
    mut commands: Commands,
    cache: Res<PipelineCache>,
    mut pipelines: ResMut<SpecializedRenderPipelines<LinePipeline>>,
    pipeline: Res<LinePipeline>,
    views: Query<
        (
            Entity,
            &ExtractedView,
            &ViewTarget,
            &Msaa,
            Option<&RenderLayers>,
        ),
        With<Camera2d>,
    >,
) {
    for (entity, view, target, msaa, layers) in &views {
        // Cameras that see no layer 0 (e.g. the inspector's overlay camera) draw no lines.
        if layers.is_some_and(|l| !l.intersects(&RenderLayers::default())) {
            continue;
        }
        let mut specialize = |part| {
            let key = LinePipelineKey {
                format: view.target_format,
                samples: msaa.samples(),
                linear: target.compositing_space != Some(CompositingSpace::Srgb),
                part,
            };
            pipelines.specialize(&cache, &pipeline, key)
        };
        commands.entity(entity).insert(ViewLinePipelines {
            interior: specialize(LinePart::Interior),
            fringe_once: specialize(LinePart::FringeOnce),
            fringe_blended: specialize(LinePart::FringeBlended),
        });
    }
}

/// A draw ready for the pass.
struct Draw {
    id: GeometryId,
    uniform_offset: u32,
    /// Translucent: its fringe is drawn once per polyline too.
    translucent: bool,
    /// Starts a new render pass with cleared depth (the depth steps ran out).
    clear_depth: bool,
}

/// Depth steps of one pass: 2^24 - 1 (values stay exact in f32).
const DEPTH_STEPS: u32 = (1 << 24) - 1;

/// Render-world state: resident geometry, this frame's uniforms and draws.
#[derive(Resource, Default)]
struct LineGpu {
    cache: GpuLineCache,
    uniforms: DynamicUniformBuffer<LineUniform>,
    draws: Vec<Draw>,
    view_bind_group: Option<BindGroup>,
    line_bind_group: Option<BindGroup>,
}

/// Uploads geometry the GPU does not hold (within the frame's allowance and the budget),
/// writes the uniforms, evicts over budget. A layer whose new geometry is still
/// uploading draws its previous one.
fn prepare_line_buffers(
    device: Res<RenderDevice>,
    queue: Res<RenderQueue>,
    extracted: Res<ExtractedLines>,
    shared: Res<GpuLineStats>,
    mut gpu: ResMut<LineGpu>,
) {
    let gpu = &mut *gpu;
    let mut frame = FrameGpuStats::default();
    let limits = {
        let s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
        UploadLimits {
            max_buffer_bytes: s
                .max_chunk_bytes
                .unwrap_or(u64::MAX)
                .min(device.limits().max_buffer_size),
            bytes_per_frame: s.upload_bytes_per_frame.max(1),
            budget: s.budget_bytes,
        }
    };
    gpu.cache.begin_frame(limits.bytes_per_frame);
    gpu.draws.clear();
    gpu.uniforms.clear();
    // What this frame draws from resident buffers is marked first: making room for the
    // uploads below never evicts it. (A layer whose new geometry can never fit draws
    // nothing: its previous geometry is not kept for it.)
    for draw in &extracted.0 {
        if !gpu.cache.touch(draw.id)
            && !too_large(&draw.vertices, limits)
            && let Some(previous) = draw.layer.and_then(|l| gpu.cache.previous_of(l))
        {
            gpu.cache.touch(previous);
        }
    }
    let mut waiting = Vec::new();
    let mut too_large = Vec::new();
    let mut depth_base = 0u32;
    for draw in &extracted.0 {
        // What the layer drew before may make room, unless an earlier draw shows it too.
        let previous = draw
            .layer
            .and_then(|l| gpu.cache.previous_of(l))
            .filter(|p| !gpu.draws.iter().any(|d| d.id == *p));
        let residency = gpu.cache.use_geometry(
            &device,
            &queue,
            draw.id,
            &draw.vertices,
            previous,
            limits,
            &mut frame,
        );
        let id = match residency {
            Residency::Ready => Some(draw.id),
            Residency::Waiting { bytes_left } => {
                if let Some(layer) = draw.layer {
                    waiting.push((layer, bytes_left));
                }
                draw.layer.and_then(|l| gpu.cache.previous_of(l))
            }
            Residency::TooLarge => {
                too_large.extend(draw.layer);
                None
            }
            Residency::Empty => None,
        };
        let Some(geometry) = id.and_then(|id| gpu.cache.get(id).map(|g| (id, g))) else {
            continue;
        };
        let (id, geometry) = geometry;
        let steps = geometry.depth_steps;
        let clear_depth = depth_base.saturating_add(steps) > DEPTH_STEPS;
        if clear_depth {
            depth_base = 0;
        }
        let uniform_offset = gpu.uniforms.push(&LineUniform {
            depth_base,
            ..draw.uniform
        });
        depth_base = depth_base.saturating_add(steps);
        gpu.draws.push(Draw {
            id,
            uniform_offset,
            translucent: draw.uniform.color.w < 1.0,
            clear_depth,
        });
    }
    // Only once every draw of the frame is known: an id another layer still shows stays.
    // A layer still uploading keeps its previous id as the one it shows.
    let drawn: Vec<Entity> = extracted.0.iter().filter_map(|d| d.layer).collect();
    let drawn_ids: Vec<GeometryId> = gpu.draws.iter().map(|d| d.id).collect();
    for draw in &extracted.0 {
        if let Some(layer) = draw.layer
            && gpu.cache.get(draw.id).is_some()
        {
            gpu.cache
                .shown_by(layer, draw.id, draw.animated, &drawn_ids, &mut frame);
        }
    }
    gpu.cache.forget_layers_except(&drawn);
    let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
    gpu.cache.evict(s.budget_bytes, &mut frame);
    if !gpu.draws.is_empty() {
        gpu.uniforms.write_buffer(&device, &queue);
    }
    s.frames += 1;
    s.last_frame = frame;
    s.drawn_views.clear();
    s.waiting_layers = waiting;
    s.too_large_layers = too_large;
    s.total.uploads += frame.uploads;
    s.total.reused += frame.reused;
    s.total.uploaded_bytes += frame.uploaded_bytes;
    s.total.hits += frame.hits;
    s.total.evictions += frame.evictions;
    s.total.chunks += frame.chunks;
    s.total.waiting += frame.waiting;
    s.total.too_large += frame.too_large;
    s.resident_bytes = gpu.cache.resident_bytes();
    s.spare_bytes = gpu.cache.spare_bytes();
    s.resident_entries = gpu.cache.len();
}

fn prepare_line_bind_groups(
    device: Res<RenderDevice>,
    cache: Res<PipelineCache>,
    pipeline: Res<LinePipeline>,
    view_uniforms: Res<ViewUniforms>,
    mut gpu: ResMut<LineGpu>,
) {
    gpu.view_bind_group = view_uniforms.uniforms.binding().map(|b| {
        device.create_bind_group(
            "graft line view bind group",
            &cache.get_bind_group_layout(&pipeline.view_layout),
            &BindGroupEntries::single(b),
        )
    });
    gpu.line_bind_group = gpu.uniforms.binding().map(|b| {
        device.create_bind_group(
            "graft line uniform bind group",
            &cache.get_bind_group_layout(&pipeline.line_layout),
            &BindGroupEntries::single(b),
        )
    });
}

/// Draws the paper and every layer, one instanced draw each, over what the core 2D
/// passes drew. Used in `Core2dSystems::MainPass`.
fn line_pass(
    view: ViewQuery<(
        &ViewTarget,
        &ViewUniformOffset,
        &ViewLinePipelines,
        Option<&ViewDepthTexture>,
        Option<&ExtractedCamera>,
        &MainEntity,
    )>,
    cache: Res<PipelineCache>,
    gpu: Res<LineGpu>,
    shared: Res<GpuLineStats>,
    mut ctx: RenderContext,
) {
    let (target, view_offset, pipelines, depth, camera, main_entity) = view.into_inner();
    if gpu.draws.is_empty() {
        return;
    }
    let (Some(interior), Some(fringe_once), Some(fringe_blended), Some(depth)) = (
        cache.get_render_pipeline(pipelines.interior),
        cache.get_render_pipeline(pipelines.fringe_once),
        cache.get_render_pipeline(pipelines.fringe_blended),
        depth,
    ) else {
        return;
    };
    let (Some(view_bg), Some(line_bg)) =
        (gpu.view_bind_group.as_ref(), gpu.line_bind_group.as_ref())
    else {
        return;
    };
    let color_attachments = [Some(target.get_color_attachment())];
    let mut segments = 0u64;
    let mut draws = gpu.draws.iter().peekable();
    // GPU time of the lines, where the adapter has timestamp queries (the inspector sums
    // it with Bevy's own passes into the frame's GPU time).
    let diagnostics = ctx.diagnostic_recorder();
    let diagnostics = diagnostics.as_deref();
    let span = diagnostics.time_span(ctx.command_encoder(), "graft_lines");
    while draws.peek().is_some() {
        // One render pass per run of draws that share the depth steps.
        let mut pass = ctx.begin_tracked_render_pass(RenderPassDescriptor {
            label: Some("graft line pass"),
            color_attachments: &color_attachments,
            depth_stencil_attachment: Some(RenderPassDepthStencilAttachment {
                view: depth.view(),
                depth_ops: Some(Operations {
                    load: LoadOp::Clear(0.0),
                    store: StoreOp::Store,
                }),
                stencil_ops: None,
            }),
            timestamp_writes: None,
            occlusion_query_set: None,
            multiview_mask: None,
        });
        if let Some(viewport) = camera.and_then(|c| c.viewport.as_ref()) {
            pass.set_camera_viewport(viewport);
        }
        pass.set_bind_group(0, view_bg, &[view_offset.offset]);
        let mut first = true;
        while let Some(draw) = draws.next_if(|d| first || !d.clear_depth) {
            first = false;
            let Some(geometry) = gpu.cache.get(draw.id) else {
                continue;
            };
            pass.set_bind_group(1, line_bg, &[draw.uniform_offset]);
            let fringe = if draw.translucent {
                fringe_once
            } else {
                fringe_blended
            };
            for pipeline in [interior, fringe] {
                pass.set_render_pipeline(pipeline);
                for chunk in &geometry.chunks {
                    let end = chunk.points as u64 * 16;
                    pass.set_vertex_buffer(0, chunk.buffer.slice(0..end - 16));
                    pass.set_vertex_buffer(1, chunk.buffer.slice(16..end));
                    pass.draw(0..6, 0..chunk.points - 1);
                }
            }
            segments += geometry.instances();
        }
    }
    span.end(ctx.command_encoder());
    let mut s = shared.0.lock().unwrap_or_else(|e| e.into_inner());
    s.last_frame.segments_drawn += segments;
    s.total.segments_drawn += segments;
    s.drawn_views.push(main_entity.id());
}
