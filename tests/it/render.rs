//! The GPU line renderer, headless, on whatever adapter wgpu finds (lavapipe in CI).
//! There is no skip: without an adapter the app fails to start and this test fails.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use graft::ecs::{Layer, LayerRecipe, Realized, SceneCanvas, Stroke, layers_settled};
use graft::ops::{RawParam, Recipe, Rgba};
use graft::render::GpuLineStats;
use graft::render::headless::{
    add_target_image, capture_image, headless_render_app as render_app, spawn_image_camera,
};
use graft::scene::Canvas;

use crate::util::call;

const SIZE: u32 = 240;
/// The view: 2 pixels per millimetre, the 100 × 100 mm paper centred with 10 mm around it.
const PX_PER_MM: f32 = 2.0;
const CLEAR: [u8; 3] = [40, 40, 40];

fn headless_render_app() -> (App, Handle<Image>) {
    let mut app = render_app().expect("a GPU adapter (install mesa-vulkan-drivers for lavapipe)");
    app.insert_resource(SceneCanvas(Canvas {
        width: 100.0,
        height: 100.0,
        background: Rgba::WHITE,
    }));
    let target = add_target_image(app.world_mut(), SIZE, SIZE);
    spawn_image_camera(
        app.world_mut(),
        &target,
        PX_PER_MM,
        Vec2::new(50.0, 50.0),
        Color::srgb_u8(CLEAR[0], CLEAR[1], CLEAR[2]),
    );
    (app, target)
}

fn spawn_line(
    app: &mut App,
    name: &str,
    order: usize,
    color: &str,
    center: [f64; 3],
    angle: f64,
) -> Entity {
    let recipe = Recipe {
        source: call(
            "line",
            &[
                ("length", 80.0.into()),
                ("center", center.into()),
                ("angle", angle.into()),
            ],
        ),
        effects: vec![],
    };
    app.world_mut()
        .spawn((
            Layer {
                name: name.into(),
                order,
                visible: true,
            },
            Stroke {
                color: Rgba::parse(color).unwrap(),
                width_mm: 2.0,
            },
            LayerRecipe(recipe),
        ))
        .id()
}

/// Frames until every layer shows what it wants.
fn settle(app: &mut App) {
    let start = Instant::now();
    loop {
        app.update();
        if layers_settled(app.world_mut()) {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "pipeline did not settle"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Renders and reads the target back.
fn capture(app: &mut App, target: &Handle<Image>) -> Image {
    capture_image(app, target).unwrap()
}

fn rgb(image: &Image, x: u32, y: u32) -> [u8; 3] {
    let c = image.get_color_at(x, y).unwrap().to_srgba().to_u8_array();
    [c[0], c[1], c[2]]
}

/// Pixel of a canvas point (mm).
fn px(x_mm: f32, y_mm: f32) -> (u32, u32) {
    (
        ((x_mm + 10.0) * PX_PER_MM) as u32,
        ((y_mm + 10.0) * PX_PER_MM) as u32,
    )
}

fn close(a: [u8; 3], b: [u8; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= 2)
}

#[test]
fn lines_render_with_pen_width_and_layer_order_and_upload_only_new_geometry() {
    let (mut app, target) = headless_render_app();
    let red = spawn_line(&mut app, "red", 0, "#ff0000", [50.0, 20.0, 0.0], 0.0);
    let blue = spawn_line(&mut app, "blue", 1, "#0000ff", [50.0, 50.0, 0.0], 90.0);
    settle(&mut app);
    // The first captures may predate shader loading; wait for the paper to appear.
    let mut image = capture(&mut app, &target);
    for _ in 0..20 {
        if close(
            rgb(&image, px(30.0, 60.0).0, px(30.0, 60.0).1),
            [255, 255, 255],
        ) {
            break;
        }
        image = capture(&mut app, &target);
    }

    let at = |image: &Image, x: f32, y: f32| rgb(image, px(x, y).0, px(x, y).1);
    assert_eq!(
        rgb(&image, 5, 5),
        CLEAR,
        "outside the paper: the clear colour"
    );
    assert_eq!(
        at(&image, 30.0, 60.0),
        [255, 255, 255],
        "paper where nothing is drawn"
    );
    assert_eq!(at(&image, 30.0, 20.0), [255, 0, 0], "on the red segment");
    assert_eq!(
        at(&image, 50.0, 20.0),
        [0, 0, 255],
        "the second layer is drawn over the first"
    );
    assert_eq!(at(&image, 50.0, 70.0), [0, 0, 255]);
    // A 2 mm pen at 2 px/mm covers 4 pixel rows across the horizontal line.
    let column = px(30.0, 0.0).0;
    let covered = (0..SIZE)
        .filter(|&y| {
            let c = rgb(&image, column, y);
            c[0] > 128 && c[1] < 128
        })
        .count();
    assert!(
        (3..=5).contains(&covered),
        "pen width covers {covered} pixels, expected 4 ± 1"
    );
    // Round caps: the red line ends at x = 10 mm, its cap reaches 1 mm further.
    assert_eq!(at(&image, 9.6, 20.0), [255, 0, 0]);
    assert_eq!(at(&image, 8.5, 20.0), [255, 255, 255]);

    let stats = app.world().resource::<GpuLineStats>().clone();
    let before = stats.get();
    assert_eq!(before.resident_entries, 3, "paper + two layers");
    for _ in 0..3 {
        app.update();
    }
    let idle = stats.get();
    assert_eq!(
        idle.total.uploaded_bytes, before.total.uploaded_bytes,
        "unchanged frames upload nothing"
    );
    assert_eq!(idle.last_frame.hits, 3);

    // Colour and width are uniforms: no upload, and the new colour shows.
    *app.world_mut().get_mut::<Stroke>(red).unwrap() = Stroke {
        color: Rgba::parse("#00ff00").unwrap(),
        width_mm: 3.0,
    };
    let image = capture(&mut app, &target);
    assert_eq!(at(&image, 30.0, 20.0), [0, 255, 0]);
    assert_eq!(
        at(&image, 30.0, 21.25),
        [0, 255, 0],
        "3 mm pen: 1.5 mm either side"
    );
    assert_eq!(
        stats.get().total.uploads,
        before.total.uploads,
        "stroke edits upload no geometry"
    );

    // A parameter change uploads exactly that layer's new geometry.
    app.world_mut()
        .get_mut::<LayerRecipe>(blue)
        .unwrap()
        .0
        .source
        .set("length", &RawParam::from(60.0))
        .unwrap();
    settle(&mut app);
    app.update();
    let after = stats.get();
    let new_bytes = app
        .world()
        .get::<Realized>(blue)
        .unwrap()
        .vertices
        .byte_size() as u64;
    assert_eq!(after.total.uploads - before.total.uploads, 1);
    assert_eq!(
        after.total.uploaded_bytes - before.total.uploaded_bytes,
        new_bytes
    );

    // Over budget, ids not drawn are evicted; when they return they are uploaded again.
    stats.set_budget(after.resident_bytes - 1);
    app.update();
    let evicted = stats.get();
    assert_eq!(
        evicted.total.evictions - after.total.evictions,
        1,
        "the old blue geometry goes"
    );
    assert_eq!(evicted.resident_entries, 3);
    app.world_mut()
        .get_mut::<LayerRecipe>(blue)
        .unwrap()
        .0
        .source
        .set("length", &RawParam::from(80.0))
        .unwrap();
    settle(&mut app);
    app.update();
    let back = stats.get();
    assert_eq!(
        back.total.uploads - evicted.total.uploads,
        1,
        "the returning id is uploaded again"
    );
    let image = capture(&mut app, &target);
    assert_eq!(at(&image, 50.0, 85.0), [0, 0, 255]);
    assert!(
        app.should_exit().is_none(),
        "the renderer reported an error"
    );
}

#[test]
fn an_animated_layer_reuses_pooled_buffers_and_stays_within_three_times_its_geometry() {
    let mut app = render_app().expect("a GPU adapter (install mesa-vulkan-drivers for lavapipe)");
    app.insert_resource(SceneCanvas(Canvas {
        width: 100.0,
        height: 100.0,
        background: Rgba::WHITE,
    }));
    // A small target: the test is about buffers, not the rasteriser.
    let target = add_target_image(app.world_mut(), 32, 32);
    spawn_image_camera(
        app.world_mut(),
        &target,
        0.3,
        Vec2::new(50.0, 50.0),
        Color::BLACK,
    );
    // About 20 000 points whose positions change with t.
    let recipe = Recipe {
        source: call(
            "grid",
            &[
                ("nx", 50.into()),
                ("ny", 50.into()),
                ("scale", 80.0.into()),
                ("center", [50.0, 50.0, 0.0].into()),
            ],
        ),
        effects: vec![
            call("subdivide", &[("subdivisions", 3.into())]),
            call(
                "displace",
                &[("amplitude", [2.0, 2.0, 0.0].into()), ("t", "t".into())],
            ),
        ],
    };
    let layer = app
        .world_mut()
        .spawn((
            Layer {
                name: "animated".into(),
                order: 0,
                visible: true,
            },
            Stroke {
                color: Rgba::BLACK,
                width_mm: 0.3,
            },
            LayerRecipe(recipe),
        ))
        .id();
    settle(&mut app);
    let stats = app.world().resource::<GpuLineStats>().clone();
    let start = stats.get();
    let mut ids = std::collections::HashSet::new();
    let mut worst = 0.0f64;
    for frame in 1..=600 {
        app.world_mut()
            .resource_mut::<graft::ecs::SceneClock>()
            .seek(frame as f64 / 60.0);
        app.update();
        let realized = app.world().get::<Realized>(layer).unwrap();
        ids.insert(realized.id);
        let live = realized.vertices.byte_size() as u64;
        let s = stats.get();
        // The paper's own buffer is the smallest class.
        let ratio = (s.resident_bytes - 4096) as f64 / live as f64;
        worst = worst.max(ratio);
        assert!(
            ratio <= 3.0,
            "frame {frame}: {} bytes resident for {live} live ({ratio:.2}×)",
            s.resident_bytes
        );
    }
    let end = stats.get();
    assert!(ids.len() > 100, "the layer animated: {} ids", ids.len());
    let uploads = end.total.uploads - start.total.uploads;
    let reused = end.total.reused - start.total.reused;
    assert!(uploads > 100, "{uploads} uploads");
    assert!(
        reused + 2 >= uploads,
        "every upload after the first few writes into a pooled buffer: {reused} of {uploads}"
    );
    println!(
        "600 animated frames: {} ids, {uploads} uploads, {reused} into pooled buffers, worst {worst:.2}× live bytes resident",
        ids.len()
    );
}

/// Spawns a closed triangle (a ring with three joints) of `width_mm` in `color`.
fn spawn_triangle(app: &mut App, color: &str, width_mm: f64) -> Entity {
    let recipe = Recipe {
        source: call(
            "polygon",
            &[
                ("n_sides", 3.into()),
                ("scale", 70.0.into()),
                ("center", [50.0, 50.0, 0.0].into()),
            ],
        ),
        effects: vec![],
    };
    app.world_mut()
        .spawn((
            Layer {
                name: "glass".into(),
                order: 0,
                visible: true,
            },
            Stroke {
                color: Rgba::parse(color).unwrap(),
                width_mm,
            },
            LayerRecipe(recipe),
        ))
        .id()
}

/// Captures until the paper shows (the first frames may predate the shaders).
fn capture_with_paper(app: &mut App, target: &Handle<Image>) -> Image {
    let mut image = capture(app, target);
    for _ in 0..20 {
        if close(rgb(&image, px(3.0, 3.0).0, px(3.0, 3.0).1), [255, 255, 255]) {
            break;
        }
        image = capture(app, target);
    }
    image
}

#[test]
fn a_translucent_pen_is_uniform_at_joints_and_blends_as_the_exported_png() {
    let (mut app, target) = headless_render_app();
    let layer = spawn_triangle(&mut app, "#0000ff80", 4.0);
    settle(&mut app);
    let image = capture_with_paper(&mut app, &target);
    let realized = app.world().get::<Realized>(layer).unwrap().clone();
    let ring = realized.geometry.lines().next().unwrap().to_vec();
    let (a, b) = (ring[0], ring[1]);
    let mid = (a + b) / 2.0;
    let at = |x: f32, y: f32| rgb(&image, px(x, y).0, px(x, y).1);
    let edge = at(mid.x, mid.y);
    // Where two segments' round caps overlap (b), and where the ring closes (a), the
    // pen is blended once, as along an edge.
    assert!(
        close(at(b.x, b.y), edge),
        "joint {:?} vs edge {edge:?}",
        at(b.x, b.y)
    );
    assert!(
        close(at(a.x, a.y), edge),
        "closing joint {:?} vs edge {edge:?}",
        at(a.x, a.y)
    );

    // The same drawing rasterised by resvg (the PNG export): the same colour, i.e. a
    // 50 % blue over white blended in sRGB space (about 127, not linear light's 188).
    let drawing = graft::export::Drawing {
        canvas: Canvas {
            width: 100.0,
            height: 100.0,
            background: Rgba::WHITE,
        },
        layers: vec![graft::export::DrawnLayer {
            name: "glass".into(),
            color: Rgba::parse("#0000ff80").unwrap(),
            pen_width: 4.0,
            id: realized.id,
            geometry: realized.geometry.clone(),
        }],
    };
    let png = graft::export::to_png(&drawing, 25.4 * PX_PER_MM as f64).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    let file_px = |x: f32, y: f32| {
        let c = pixmap
            .pixel((x * PX_PER_MM) as u32, (y * PX_PER_MM) as u32)
            .unwrap()
            .demultiply();
        [c.red(), c.green(), c.blue()]
    };
    let file_edge = file_px(mid.x, mid.y);
    assert!(
        edge.iter().zip(file_edge).all(|(w, f)| w.abs_diff(f) <= 3),
        "window {edge:?} vs PNG {file_edge:?}"
    );
    assert!((120..=135).contains(&edge[0]), "{edge:?}");
    let file_joint = file_px(b.x, b.y);
    assert!(close(file_joint, file_edge), "the PNG too: {file_joint:?}");
}

#[test]
fn a_layer_beyond_the_buffer_size_limit_is_split_into_chunks_and_drawn_the_same() {
    let (mut app, target) = headless_render_app();
    let recipe = rings(70.0);
    let layer = app
        .world_mut()
        .spawn((
            Layer {
                name: "rings".into(),
                order: 0,
                visible: true,
            },
            Stroke {
                color: Rgba::parse("#00000080").unwrap(),
                width_mm: 1.0,
            },
            LayerRecipe(recipe),
        ))
        .id();
    settle(&mut app);
    let whole = capture_with_paper(&mut app, &target);
    let stats = app.world().resource::<GpuLineStats>().clone();
    let before = stats.get().total;
    assert_eq!(before.chunks, before.uploads, "one buffer per geometry");

    // Hidden with no budget, the layer's buffer is evicted; shown again as if the device
    // allowed 4 KiB buffers (256 points), it is uploaded in chunks.
    let set_visible = |app: &mut App, visible: bool| {
        app.world_mut().get_mut::<Layer>(layer).unwrap().visible = visible;
    };
    set_visible(&mut app, false);
    stats.set_budget(0);
    for _ in 0..3 {
        app.update();
    }
    stats.set_budget(graft::render::DEFAULT_GPU_BUDGET);
    stats.set_max_chunk_bytes(Some(4096));
    set_visible(&mut app, true);
    let split = capture(&mut app, &target);
    let after = stats.get().total;
    let chunks = after.chunks - before.chunks;
    let uploads = after.uploads - before.uploads;
    // Four rings of 3001 points and their gaps: 12 008 points, 48 chunks of 255 segments.
    assert_eq!(uploads, 1, "the layer is uploaded again");
    assert!(chunks >= 45, "{chunks} chunks");
    assert_eq!(
        whole.data, split.data,
        "the split layer draws exactly as the whole one"
    );
}

/// Segments the next frame that draws anything draws.
fn drawn_segments(app: &mut App, stats: &GpuLineStats) -> u64 {
    for _ in 0..20 {
        app.update();
        let drawn = stats.get().last_frame.segments_drawn;
        if drawn > 0 {
            return drawn;
        }
    }
    panic!("20 frames drew nothing");
}

/// Four concentric rings of 3 000 sides: 12 008 points with their gaps, 192 128 bytes.
fn rings(scale: f64) -> Recipe {
    Recipe {
        source: call(
            "polygon",
            &[
                ("n_sides", 3000.into()),
                ("scale", scale.into()),
                ("center", [50.0, 50.0, 0.0].into()),
            ],
        ),
        effects: vec![call(
            "repeat",
            &[
                ("count", 3.into()),
                ("offset", [0.0, 0.0, 0.0].into()),
                ("scale", [0.5, 0.5, 1.0].into()),
            ],
        )],
    }
}

#[test]
fn uploads_beyond_a_frames_allowance_spread_over_frames_and_the_budget_is_a_hard_limit() {
    let (mut app, target) = headless_render_app();
    let stats = app.world().resource::<GpuLineStats>().clone();
    let layer = spawn_line(&mut app, "grows", 0, "black", [50.0, 50.0, 0.0], 0.0);
    settle(&mut app);
    capture_with_paper(&mut app, &target);
    // Segments drawn with the paper alone, and with the line.
    app.world_mut().get_mut::<Layer>(layer).unwrap().visible = false;
    let paper_only = drawn_segments(&mut app, &stats);
    app.world_mut().get_mut::<Layer>(layer).unwrap().visible = true;
    let before = drawn_segments(&mut app, &stats);
    assert!(
        before > paper_only && paper_only > 0,
        "{paper_only} segments with the paper, {before} with the line"
    );

    // A frame may upload 64 KiB: the rings (three times that) take three frames, and
    // the line stays drawn until they are all there.
    let budget = 300 << 10;
    stats.set_upload_per_frame(64 << 10);
    stats.set_budget(budget);
    app.world_mut().get_mut::<LayerRecipe>(layer).unwrap().0 = rings(70.0);
    let wanted = |app: &mut App| {
        layers_settled(app.world_mut())
            && app
                .world()
                .get::<Realized>(layer)
                .unwrap()
                .vertices
                .points()
                .len()
                == 12_008
    };
    let (mut waiting_frames, mut frames) = (0, 0);
    loop {
        app.update();
        frames += 1;
        assert!(frames < 500, "the rings never arrived");
        let s = stats.get();
        assert!(
            s.resident_bytes <= budget,
            "{} bytes held",
            s.resident_bytes
        );
        if let Some(&(_, left)) = s.waiting_layers.iter().find(|(l, _)| *l == layer) {
            waiting_frames += 1;
            assert!(left > 0 && left < 192_128);
            assert!(s.last_frame.uploaded_bytes <= 64 << 10);
            // (A frame whose view drew nothing, as right after a capture, says nothing.)
            assert!(
                [0, before].contains(&s.last_frame.segments_drawn),
                "the line is drawn while the rings upload"
            );
        } else if wanted(&mut app) && s.last_frame.segments_drawn > before {
            break;
        }
    }
    assert_eq!(waiting_frames, 2, "three chunks, one a frame");
    let spread = capture(&mut app, &target);
    // The same rings uploaded at once draw the same pixels.
    app.world_mut().get_mut::<Layer>(layer).unwrap().visible = false;
    stats.set_budget(0);
    app.update();
    app.update();
    stats.set_budget(graft::render::DEFAULT_GPU_BUDGET);
    stats.set_upload_per_frame(graft::render::DEFAULT_UPLOAD_PER_FRAME);
    app.world_mut().get_mut::<Layer>(layer).unwrap().visible = true;
    let at_once = capture(&mut app, &target);
    assert_eq!(spread.data, at_once.data);

    // Rings of twice the budget are never held, nor drawn; the inspector is told.
    let total_before = stats.get().total;
    stats.set_budget(96 << 10);
    app.world_mut().get_mut::<LayerRecipe>(layer).unwrap().0 = rings(60.0);
    settle(&mut app);
    for _ in 0..5 {
        app.update();
        let s = stats.get();
        assert!(
            s.resident_bytes <= 96 << 10,
            "{} bytes held",
            s.resident_bytes
        );
    }
    assert_eq!(
        drawn_segments(&mut app, &stats),
        paper_only,
        "only the paper"
    );
    let s = stats.get();
    assert_eq!(s.too_large_layers, [layer]);
    assert_eq!(s.total.uploads, total_before.uploads, "nothing uploaded");
}
