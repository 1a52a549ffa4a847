//! Helpers shared by the tests.

use std::sync::Arc;

use graft::geometry::{Polylines, Vec3};
use graft::ops::{EvalContext, OpCall, OpKind, OpRegistry, RawParam, Recipe};

pub fn registry() -> Arc<OpRegistry> {
    Arc::new(OpRegistry::builtin())
}

/// A call of `name` with `params` set.
pub fn call(name: &str, params: &[(&str, RawParam)]) -> OpCall {
    registry().call(name, params).unwrap()
}

/// Evaluates effect `name` on `input`.
pub fn effect(
    name: &str,
    params: &[(&str, RawParam)],
    input: &Polylines,
) -> Result<Polylines, String> {
    let c = call(name, params);
    assert_eq!(c.op.schema().kind, OpKind::Effect);
    let p = c.resolve(0.0).map_err(|e| e.to_string())?;
    c.op.eval(input, &p, &ctx()).map_err(|e| e.to_string())
}

/// The evaluation context of op tests: the default budget, files from disk, serial.
pub fn ctx() -> EvalContext {
    EvalContext::new(
        graft::ops::ResourceBudget::default(),
        std::sync::Arc::new(graft::host::DiskFiles::default()),
        std::sync::Arc::new(graft::ops::Serial),
    )
}

/// The path of bundled scene `name` (`demo.scene.ron`, …) under `assets/scenes`.
pub fn bundled_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/scenes")
        .join(name)
}

/// Bundled scene `name`, loaded.
pub fn bundled_scene(name: &str) -> graft::scene::Scene {
    graft::host::load_scene(&bundled_path(name), &registry()).unwrap()
}

/// Evaluates primitive `name`.
pub fn primitive(name: &str, params: &[(&str, RawParam)]) -> Result<Polylines, String> {
    let recipe = Recipe {
        source: call(name, params),
        effects: vec![],
    };
    let r = recipe.resolve(0.0, &ctx()).map_err(|e| e.to_string())?;
    r.evaluate(&ctx())
        .map(|s| (*s[0]).clone())
        .map_err(|e| e.to_string())
}

pub fn v(x: f32, y: f32) -> Vec3 {
    Vec3::new(x, y, 0.0)
}

/// A closed axis-aligned square ring.
pub fn square(x0: f32, y0: f32, size: f32) -> Vec<Vec3> {
    vec![
        v(x0, y0),
        v(x0 + size, y0),
        v(x0 + size, y0 + size),
        v(x0, y0 + size),
        v(x0, y0),
    ]
}

/// Polylines as rounded (x, y) lists, for exact comparisons.
pub fn rounded(p: &Polylines) -> Vec<Vec<(f32, f32)>> {
    let r = |x: f32| (x * 1000.0).round() / 1000.0 + 0.0;
    p.lines()
        .map(|l| l.iter().map(|q| (r(q.x), r(q.y))).collect())
        .collect()
}

/// A fresh empty directory under the target directory's temp area.
pub fn tempdir(name: &str) -> std::path::PathBuf {
    // A fresh folder per call: tests running in parallel may ask for the same name.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("{name}-{}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Bevy's minimal plugins with the task pools the app makes (the pools are global: the
/// first app of the test binary sizes them, so every test app asks for the same).
pub fn minimal_plugins() -> impl bevy::app::PluginGroup {
    use bevy::app::PluginGroup;
    bevy::MinimalPlugins.set(bevy::app::TaskPoolPlugin {
        task_pool_options: graft::ecs::task_pool_options(),
    })
}

/// A headless app with graft's plugins and no scene (layers come from the test), clock
/// paused at 0.
pub fn rust_app() -> bevy::app::App {
    use bevy::prelude::*;
    let mut app = App::new();
    app.add_plugins((minimal_plugins(), AssetPlugin::default()))
        .add_plugins(graft::ecs::GraftPlugins::default())
        .insert_resource(graft::ecs::SceneClock::paused_at(0.0));
    app
}

/// Spawns a visible layer (order 0) with `recipe` and a pen of `color` and `width_mm`.
pub fn spawn_layer(
    world: &mut bevy::ecs::world::World,
    name: &str,
    color: &str,
    width_mm: f64,
    recipe: Recipe,
) -> bevy::ecs::entity::Entity {
    world
        .spawn((
            graft::ecs::Layer {
                name: name.into(),
                order: 0,
                visible: true,
            },
            graft::ecs::Stroke {
                color: graft::ops::Rgba::parse(color).unwrap(),
                width_mm,
            },
            graft::ecs::LayerRecipe(recipe),
        ))
        .id()
}

/// Everything but the embedded scene (`graft render` records it; the goldens have none).
pub fn without_metadata(svg: &str) -> String {
    match (svg.find("<metadata"), svg.find("</metadata>")) {
        (Some(a), Some(b)) => {
            format!(
                "{}{}",
                &svg[..a],
                svg[b + "</metadata>".len()..].trim_start()
            )
        }
        _ => svg.to_string(),
    }
}

/// Queues what the inspector says while a parameter of `layer` is dragged (`on`) and
/// once it is let go.
pub fn set_drafting(app: &mut bevy::app::App, layer: &str, on: bool) {
    app.world_mut()
        .resource_mut::<graft::ecs::EditQueue>()
        .commands
        .push(graft::ecs::EditCommand::Drafting {
            layer: layer.into(),
            on,
        });
}
