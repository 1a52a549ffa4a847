//! Sketches without a window: the same plugins in a headless app, pumped until every
//! layer shows its geometry at a time `t`.

use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

use bevy::MinimalPlugins;
use bevy::app::App;
use bevy::app::PluginGroup;
use bevy::asset::AssetPlugin;
use bevy::ecs::query::With;
use bevy::input::InputPlugin;

use super::SketchError;
use crate::app::AppError;
use crate::ecs::{
    ActiveScene, GraftPlugins, Layer, LayerError, Realized, SceneClock, SceneStatus, SystemErrors,
    current_drawing, layers_settled,
};
use crate::export::Drawing;
use crate::geometry::GeometryId;

/// Longest wait for a frame's geometry.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);

/// A windowless app with graft's plugins (and input, so sketch systems that read keys
/// still run), showing `scene` if given; `add` adds the sketch. The clock is paused at 0.
pub fn headless_sketch_app(
    scene: Option<&Path>,
    add: impl FnOnce(&mut App),
) -> Result<App, SketchError> {
    let mut app = App::new();
    app.set_error_handler(super::errors::record_error)
        .add_plugins((
            MinimalPlugins.set(bevy::app::TaskPoolPlugin {
                task_pool_options: crate::ecs::task_pool_options(),
            }),
            InputPlugin,
            super::errors::SketchErrorsPlugin,
        ));
    let graft = match scene {
        Some(path) => {
            let file = path.canonicalize().map_err(|source| AppError::OpenScene {
                path: path.to_path_buf(),
                source,
            })?;
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            app.add_plugins(AssetPlugin {
                file_path: dir.to_string_lossy().into_owned(),
                watch_for_changes_override: Some(false),
                ..Default::default()
            });
            GraftPlugins {
                scene: Some(name),
                scene_root: Some(dir),
            }
        }
        None => {
            app.add_plugins(AssetPlugin {
                watch_for_changes_override: Some(false),
                ..Default::default()
            });
            GraftPlugins::default()
        }
    };
    app.add_plugins(graft)
        .insert_resource(SceneClock::paused_at(0.0));
    add(&mut app);
    app.finish();
    app.cleanup();
    Ok(app)
}

fn shown_ids(app: &mut App) -> Vec<Option<GeometryId>> {
    let world = app.world_mut();
    let mut q = world.query_filtered::<Option<&Realized>, With<Layer>>();
    q.iter(world).map(|r| r.map(|r| r.id)).collect()
}

/// True when there is no layer and none is coming: the scene has loaded with none (a
/// valid scene may have `layers: []`). A sketch without a scene may spawn its layers
/// late (after an asset loads), so for it no layer is never taken as final.
fn nothing_to_draw(app: &mut App) -> bool {
    if !shown_ids(app).is_empty() {
        return false;
    }
    let world = app.world();
    world.get_resource::<ActiveScene>().is_some()
        && world
            .get_resource::<SceneStatus>()
            .is_some_and(|s| s.loads > 0 && s.error().is_none())
}

/// Seeks the clock to `t`, runs frames until every layer shows the geometry it wants and
/// stays so for a frame (sketch systems may change parameters after the pipeline ran),
/// and returns the drawing (with no layers when the scene has none). A layer error or a
/// scene error is an error.
pub fn render_at(app: &mut App, t: f64) -> Result<Drawing, SketchError> {
    if !t.is_finite() {
        return Err(SketchError::Time(t));
    }
    app.world_mut().resource_mut::<SceneClock>().seek(t);
    let start = Instant::now();
    let mut previous: Option<Vec<Option<GeometryId>>> = None;
    let seen = app.world().resource::<SystemErrors>().count;
    let mut shown_progress = false;
    loop {
        app.update();
        // On a terminal, long ops' progress (reaction–diffusion, …) after a second.
        if start.elapsed() > Duration::from_secs(1) && std::io::stderr().is_terminal() {
            let done = app
                .world()
                .resource::<crate::ecs::Evaluations>()
                .running_progress();
            if let Some(done) = done {
                eprint!("\rcomputing: {:3.0} %", done * 100.0);
                shown_progress = true;
            }
        }
        let errors = app.world().resource::<SystemErrors>().since(seen);
        if !errors.is_empty() {
            return Err(SketchError::Systems(errors.to_vec()));
        }
        if let Some(e) = app
            .world()
            .get_resource::<SceneStatus>()
            .and_then(|s| s.error())
        {
            return Err(e.clone().into());
        }
        if layers_settled(app.world_mut()) || nothing_to_draw(app) {
            let ids = shown_ids(app);
            if previous.as_ref() == Some(&ids) {
                break;
            }
            previous = Some(ids);
        } else {
            previous = None;
        }
        if start.elapsed() > SETTLE_TIMEOUT {
            let layers = shown_ids(app).len();
            return Err(if layers == 0 {
                SketchError::NoLayers
            } else {
                SketchError::Timeout(SETTLE_TIMEOUT.as_secs())
            });
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    if shown_progress {
        eprint!("\r{:16}\r", "");
    }
    let world = app.world_mut();
    let mut q = world.query::<(&Layer, &LayerError)>();
    if let Some((layer, error)) = q.iter(world).find(|(_, e)| e.is_set()) {
        return Err(SketchError::Layer {
            layer: layer.name.clone(),
            message: error.message.clone().unwrap_or_default(),
        });
    }
    Ok(current_drawing(world))
}
