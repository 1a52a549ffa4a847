//! What every layer depends on besides its recipe: the paper, the scene seed, the scene's
//! folder (relative file paths) and the files ops read. When one changes, every layer is
//! resolved again and only the stages whose ids change run again.

use std::time::Instant;

use bevy::ecs::change_detection::{DetectChanges, DetectChangesMut};
use bevy::ecs::system::{Local, Query, Res, ResMut};

use super::PipelineSettings;
use crate::ecs::layer::LayerRecipe;
use crate::ecs::scene::{ActiveScene, SceneCanvas, SceneImages, SceneSeed};
use crate::ops::Page;

/// How often the files ops read are looked at again (a `stat` each).
pub const FILE_POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Follows the canvas (the page of `crop(shape: "paper")`), the seed (random stages),
/// the scene's folder (relative paths) and the files ops read (content stamps): one
/// system, so a still frame costs one system run, not four.
pub(super) fn follow_inputs(
    canvas: Option<Res<SceneCanvas>>,
    seed: Option<Res<SceneSeed>>,
    images: Option<Res<SceneImages>>,
    scene: Option<Res<ActiveScene>>,
    mut settings: ResMut<PipelineSettings>,
    mut last_poll: Local<(u64, Option<Instant>)>,
    mut recipes: Query<&mut LayerRecipe>,
) {
    let mut moved = false;
    if let Some(canvas) = canvas {
        let page = Page {
            width: canvas.0.width,
            height: canvas.0.height,
        };
        if settings.eval.page != Some(page) {
            settings.eval.page = Some(page);
            moved = true;
        }
    }
    if let Some(seed) = seed
        && settings.eval.seed != seed.0
    {
        settings.eval.seed = seed.0;
        moved = true;
    }
    if let Some(images) = images
        && settings.eval.named_files.as_slice() != images.0.as_slice()
    {
        settings.eval = settings.eval.clone().with_named_files(&images.0);
        moved = true;
    }
    // Files a scene names by relative paths are read beside the scene.
    if let Some(scene) = scene.filter(|s| s.is_changed()) {
        moved |= settings
            .files
            .set_base(scene.file.parent().map(|d| d.to_path_buf()));
    }
    let now = Instant::now();
    if last_poll.1.is_none_or(|at| now - at >= FILE_POLL) {
        last_poll.1 = Some(now);
        settings.files.poll();
    }
    // The app's watcher thread may have polled too; either way the generation moved.
    let generation = settings.files.generation();
    if generation != last_poll.0 {
        last_poll.0 = generation;
        moved = true;
    }
    if moved {
        for mut recipe in &mut recipes {
            recipe.set_changed();
        }
    }
}
