//! Renderer benchmarks: the per-frame cost with a million resident segments and nothing
//! changing, and the time to build and upload a million segments.

use std::time::Instant;

use bevy::camera::Camera;
use bevy::color::Color;
use bevy::ecs::query::With;
use bevy::math::Vec2;

use super::pipeline::spawn_layer;
use super::{call, report};
use crate::ecs::{Realized, SceneCanvas, layers_settled};
use crate::geometry::LineVertices;
use crate::ops::{OpRegistry, Recipe, Rgba};
use crate::render::GpuLineStats;
use crate::render::headless::{add_target_image, headless_render_app, spawn_image_camera};

/// Layers of the million-segment scene.
const LAYERS: usize = 8;

/// 1000 vertical lines of 128 segments each: 128 000 segments per layer.
fn layer_recipe(registry: &OpRegistry, i: usize) -> Recipe {
    Recipe {
        source: call(
            registry,
            "grid",
            &[
                ("nx", 999.into()),
                ("ny", 0.into()),
                ("scale", 180.0.into()),
                ("center", [105.0, 148.5, i as f64 * 0.001].into()),
            ],
        ),
        effects: vec![call(registry, "subdivide", &[("subdivisions", 7.into())])],
    }
}

/// Runs the renderer benchmarks (needs a GPU adapter; lavapipe works).
pub fn run(runs: usize) {
    let mut app = match headless_render_app() {
        Ok(app) => app,
        Err(e) => {
            println!("6. renderer: skipped: {e}");
            return;
        }
    };
    let adapter = app
        .world()
        .get_resource::<bevy::render::renderer::RenderAdapterInfo>()
        .map(|a| format!("{} ({:?})", a.name, a.device_type))
        .unwrap_or_default();
    app.insert_resource(SceneCanvas(crate::scene::Canvas {
        width: 210.0,
        height: 297.0,
        background: Rgba::WHITE,
    }));
    let target = add_target_image(app.world_mut(), 1280, 900);
    let camera = spawn_image_camera(
        app.world_mut(),
        &target,
        900.0 / 320.0,
        Vec2::new(105.0, 148.5),
        Color::BLACK,
    );
    let frames = runs.max(1) * 4;
    for _ in 0..5 {
        app.update();
    }
    let empty = super::time(frames, |_| app.update());
    // With the camera off nothing is rasterised: what remains is the CPU side (main world,
    // extraction, cache lookups, uploads, uniforms), free of the software rasteriser.
    set_camera_active(&mut app, camera, false);
    app.update();
    let empty_cpu = super::time(frames, |_| app.update());

    let registry = OpRegistry::builtin();
    for i in 0..LAYERS {
        spawn_layer(&mut app, format!("layer{i}"), i, layer_recipe(&registry, i));
    }
    // Pump until the geometry exists; the frame that shows it uploads it.
    let stats = app.world().resource::<GpuLineStats>().clone();
    let before = stats.get().total;
    let mut upload_frame_ms = f64::NAN;
    for _ in 0..100_000 {
        let t0 = Instant::now();
        app.update();
        let ms = t0.elapsed().as_secs_f64() * 1e3;
        if stats.get().total.uploads - before.uploads >= LAYERS as u64 {
            upload_frame_ms = ms;
            break;
        }
    }
    assert!(layers_settled(app.world_mut()), "layers realised");
    let uploaded = stats.get().total.uploaded_bytes - before.uploaded_bytes;
    let mut q = app.world_mut().query::<&Realized>();
    let realized: Vec<Realized> = q.iter(app.world()).cloned().collect();
    let segments: usize = realized.iter().map(|r| r.geometry.segment_count()).sum();
    let build = super::time(runs.max(1), |_| {
        for r in &realized {
            std::hint::black_box(LineVertices::build(&r.geometry));
        }
    });

    let rest_uploads = stats.get().total.uploads;
    let cpu_only = super::time(frames, |_| app.update());
    set_camera_active(&mut app, camera, true);
    let drawn = super::time(runs.max(1), |_| app.update());
    let after = stats.get();

    println!("6. renderer on {adapter}: {segments} segments in {LAYERS} layers, 1280 × 900 image");
    report("   frame, no layers, drawn (baseline)", empty, "-");
    report("   frame, no layers, camera off (baseline)", empty_cpu, "-");
    report(
        "   frame at rest, 1M resident segments, camera off",
        cpu_only,
        "CPU side",
    );
    report(
        "   frame at rest, 1M resident segments, drawn",
        drawn,
        "rasteriser",
    );
    report(
        "   build GPU layout of 1M segments (LineVertices)",
        build,
        "in pipeline tasks",
    );
    println!(
        "   upload frame (camera off): {upload_frame_ms:.3} ms for {:.1} MiB in {LAYERS} buffers; uploads while at rest: {}",
        uploaded as f64 / (1 << 20) as f64,
        after.total.uploads - rest_uploads,
    );
}

fn set_camera_active(app: &mut bevy::app::App, camera: bevy::ecs::entity::Entity, on: bool) {
    let mut q = app
        .world_mut()
        .query_filtered::<&mut Camera, With<bevy::camera::Camera2d>>();
    if let Ok(mut c) = q.get_mut(app.world_mut(), camera) {
        c.is_active = on;
    }
}
