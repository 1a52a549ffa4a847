//! The inspector's edit model without a window: edits, undo/redo, drags as one step,
//! save back to the scene file, and the reload that a save triggers.

use std::process::Command;
use std::sync::Arc;

use bevy::prelude::*;
use graft::ecs::{
    EditCommand, EditQueue, LayerRecipe, Resolved, SceneDocument, SceneStatus, Stroke, apply_edit,
    redo, save, undo,
};
use graft::edit::{Edit, EditHistory, ParamPath};
use graft::ops::{EvalContext, ParamInput, RawParam, Rgba, Scalar};
use graft::scene::Scene;

use crate::pipeline::{SCENE, app, entity, run_until, settle};
use crate::util::{registry, tempdir};

const TEXT: &str = "// a header comment that survives saving\n(\n    canvas: (size: (200, 150), background: \"#fafafa\"),\n    layers: [\n        (name: \"waves\", color: \"#1d3557\", pen_width: 0.35,\n         source: grid(nx: 8, ny: 8, scale: 100, center: (100, 75, 0)),\n         effects: [subdivide(subdivisions: 2), displace(amplitude: (2, 2, 0), t: \"t * 0.5\"), dash(dash_length: 3)]),\n        (name: \"ring\", color: \"#e76f51\", source: circle(radius: 30, center: (100, 75, 0)), effects: [fill(density: 12, enabled: false)]),\n    ],\n    export: (gcode: (travel_feed: 4000, pen: Commands(up: [\"M5\"], down: [\"M3 S30\"])), png: (dpi: 100)),\n)\n";

fn amplitude() -> ParamPath {
    ParamPath::parse("displace/amplitude").unwrap()
}

fn vec3(x: f64) -> ParamInput {
    ParamInput::Vec3([Scalar::Const(x), Scalar::Const(x), Scalar::Const(0.0)])
}

#[test]
fn an_edit_changes_the_recipe_and_ids_and_undo_restores_the_exact_ids() {
    let scene = Scene::parse(TEXT, "t.scene.ron", &registry()).unwrap();
    let original = scene.layers[0].clone();
    let ids0 = original
        .recipe
        .resolve(1.0, &graft::ops::EvalContext::default())
        .unwrap()
        .ids();

    let mut layer = original.clone();
    let mut history = EditHistory::default();
    let before = layer.clone();
    Edit::SetParam(amplitude(), vec3(5.0))
        .apply(&mut layer)
        .unwrap();
    history.record(before, layer.clone(), None);
    let ids1 = layer
        .recipe
        .resolve(1.0, &graft::ops::EvalContext::default())
        .unwrap()
        .ids();
    // Source and subdivide are untouched; displace and what follows get new ids.
    assert_eq!(ids1[..2], ids0[..2]);
    assert_ne!(ids1[2], ids0[2]);
    assert_ne!(ids1[3], ids0[3]);

    let step = history.undo().unwrap();
    assert_eq!(step.before, original);
    assert_eq!(
        step.before
            .recipe
            .resolve(1.0, &graft::ops::EvalContext::default())
            .unwrap()
            .ids(),
        ids0
    );
    let step = history.redo().unwrap();
    assert_eq!(
        step.after
            .recipe
            .resolve(1.0, &graft::ops::EvalContext::default())
            .unwrap()
            .ids(),
        ids1
    );

    // A refused edit names the layer, op and parameter and changes nothing.
    let err = Edit::SetRaw(
        ParamPath::parse("subdivide/subdivisions").unwrap(),
        RawParam::Num(-3.0, true),
    )
    .apply(&mut layer)
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("layer 'waves'") && err.contains("subdivide.subdivisions"),
        "{err}"
    );
    assert_eq!(
        layer
            .recipe
            .resolve(1.0, &graft::ops::EvalContext::default())
            .unwrap()
            .ids(),
        ids1
    );
}

#[test]
fn a_drag_of_many_moves_is_one_undo_step() {
    let scene = Scene::parse(TEXT, "t.scene.ron", &registry()).unwrap();
    let mut layer = scene.layers[0].clone();
    let original = layer.clone();
    let mut history = EditHistory::default();
    for x in [2.5, 3.0, 3.5, 4.0] {
        let before = layer.clone();
        Edit::SetParam(amplitude(), vec3(x))
            .apply(&mut layer)
            .unwrap();
        history.record(before, layer.clone(), Some(7));
    }
    history.seal();
    assert_eq!(history.undo_len(), 1);
    // The next drag of the same widget is a step of its own.
    let before = layer.clone();
    Edit::SetParam(amplitude(), vec3(9.0))
        .apply(&mut layer)
        .unwrap();
    history.record(before, layer.clone(), Some(7));
    assert_eq!(history.undo_len(), 2);
    history.undo().unwrap();
    let step = history.undo().unwrap();
    assert_eq!(step.before, original);
    assert_eq!(step.after.recipe.effects[1].params[0], vec3(4.0));
}

#[test]
fn effects_are_added_removed_reordered_and_switched() {
    let reg = registry();
    let scene = Scene::parse(TEXT, "t.scene.ron", &reg).unwrap();
    let mut layer = scene.layers[0].clone();
    let names = |l: &graft::scene::LayerDef| -> Vec<String> {
        l.recipe
            .effects
            .iter()
            .map(|e| e.op.name().to_string())
            .collect()
    };
    Edit::AddEffect(3, Arc::clone(reg.get("rotate").unwrap()))
        .apply(&mut layer)
        .unwrap();
    assert_eq!(names(&layer), ["subdivide", "displace", "dash", "rotate"]);
    Edit::MoveEffect(3, 0).apply(&mut layer).unwrap();
    assert_eq!(names(&layer), ["rotate", "subdivide", "displace", "dash"]);
    Edit::RemoveEffect(2).apply(&mut layer).unwrap();
    assert_eq!(names(&layer), ["rotate", "subdivide", "dash"]);
    Edit::SetEnabled(2, false).apply(&mut layer).unwrap();
    assert_eq!(
        layer
            .recipe
            .resolve(0.0, &graft::ops::EvalContext::default())
            .unwrap()
            .stages
            .len(),
        3
    );
    let err = Edit::AddEffect(0, Arc::clone(reg.get("circle").unwrap()))
        .apply(&mut layer)
        .unwrap_err()
        .to_string();
    assert!(err.contains("'circle' is a primitive"), "{err}");
    assert!(Edit::SetPenWidth(0.0).apply(&mut layer).is_err());
    assert!(Edit::RemoveEffect(9).apply(&mut layer).is_err());
}

#[test]
fn scenes_written_back_parse_to_the_same_scene() {
    let reg = registry();
    let scene = Scene::parse(TEXT, "t.scene.ron", &reg).unwrap();
    let text = scene.to_ron("// header\n");
    assert!(text.starts_with("// header\n("), "{text}");
    let again = Scene::parse(&text, "again.scene.ron", &reg).unwrap();
    assert_eq!(again, scene);
    // Every bundled scene too.
    let demo = std::fs::read_to_string(graft::app::demo_scene()).unwrap();
    let demo = Scene::parse(&demo, "demo", &reg).unwrap();
    let written = demo.to_ron("");
    assert_eq!(Scene::parse(&written, "demo2", &reg).unwrap(), demo);
    // Parameters keep the order and the explicit values the author wrote.
    assert!(
        written.contains(
            r#"text(text: "graft", font: "futural", scale: 14, center: (105, 272, 0), text_align: "center")"#
        ),
        "{written}"
    );
    std::fs::write(
        concat!(env!("CARGO_TARGET_TMPDIR"), "/demo-written.scene.ron"),
        &written,
    )
    .unwrap();
}

#[test]
fn edits_through_the_ecs_change_ids_undo_restores_them_and_save_writes_the_file() {
    let dir = tempdir("edit-ecs");
    let file = dir.join(SCENE);
    std::fs::write(&file, TEXT).unwrap();
    let mut app = app(&dir, true);
    settle(&mut app);
    let waves = entity(&mut app, "waves");
    let ids = |app: &mut App| app.world().get::<Resolved>(waves).unwrap().ids.clone();
    let ids0 = ids(&mut app);

    // Through the queue, as the inspector does: a three-move drag, then a colour.
    for x in [3.0, 4.0, 5.0] {
        app.world_mut()
            .resource_mut::<EditQueue>()
            .push(EditCommand::Edit {
                layer: "waves".into(),
                edit: Edit::SetParam(amplitude(), vec3(x)),
                merge: Some(1),
            });
        app.update();
    }
    app.world_mut()
        .resource_mut::<EditQueue>()
        .push(EditCommand::Seal);
    apply_edit(
        app.world_mut(),
        "waves",
        &Edit::SetColor(Rgba::parse("#ff0000").unwrap()),
        None,
    )
    .unwrap();
    settle(&mut app);
    let ids1 = ids(&mut app);
    assert_ne!(ids1, ids0);
    assert_eq!(
        ids1[..2],
        ids0[..2],
        "stages before the edit keep their ids"
    );
    assert_eq!(
        app.world().get::<Stroke>(waves).unwrap().color,
        Rgba::parse("#ff0000").unwrap()
    );
    assert!(app.world().resource::<SceneDocument>().is_dirty());
    assert_eq!(
        app.world().resource::<SceneDocument>().history.undo_len(),
        2
    );

    // Undo twice: the colour, then the whole drag; the exact ids come back.
    assert_eq!(undo(app.world_mut()).as_deref(), Some("waves"));
    undo(app.world_mut()).unwrap();
    settle(&mut app);
    assert_eq!(ids(&mut app), ids0);
    assert!(!app.world().resource::<SceneDocument>().is_dirty());
    redo(app.world_mut()).unwrap();
    settle(&mut app);
    assert_eq!(ids(&mut app), ids1);

    // An unknown layer or a bad value is refused with its name.
    let err = apply_edit(app.world_mut(), "nope", &Edit::SetVisible(false), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("'nope'"), "{err}");
    let err = apply_edit(app.world_mut(), "waves", &Edit::Rename("ring".into()), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unique"), "{err}");

    // Save: the file is rewritten, the old one kept as .bak, comments at the top kept.
    let loads = app.world().resource::<SceneStatus>().loads;
    let saved_path = save(app.world_mut()).unwrap();
    assert!(saved_path.ends_with(SCENE));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("// a header comment that survives saving\n"));
    assert_eq!(
        std::fs::read_to_string(dir.join(format!("{SCENE}.bak"))).unwrap(),
        TEXT
    );
    let reg = registry();
    let reloaded = Scene::parse(&written, SCENE, &reg).unwrap();
    let document = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    assert_eq!(
        reloaded, document,
        "load → edit → save → load gives the same scene"
    );
    assert_eq!(
        reloaded.export.gcode.travel_feed, 4000.0,
        "export settings survive"
    );
    assert!(
        !reloaded.layers[1].recipe.effects[0].enabled,
        "switched-off effects survive"
    );

    // The save's own reload keeps the entity, the geometry and the undo history.
    run_until(&mut app, "the reload of the saved file", |app| {
        app.world().resource::<SceneStatus>().loads > loads
    });
    settle(&mut app);
    assert_eq!(entity(&mut app, "waves"), waves);
    assert_eq!(ids(&mut app), ids1);
    let doc = app.world().resource::<SceneDocument>();
    assert!(!doc.is_dirty());
    assert_eq!((doc.history.undo_len(), doc.history.redo_len()), (1, 1));

    // The saved file renders identically through the CLI and in memory.
    let out = dir.join("cli.svg");
    let status = Command::new(env!("CARGO_BIN_EXE_graft"))
        .args([
            "render",
            file.to_str().unwrap(),
            "--t",
            "1.5",
            "--svg",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    // The CLI embeds the file it rendered (reproducible SVG).
    let source = graft::export::SceneSource {
        text: std::fs::read_to_string(&file).unwrap(),
        t: 1.5,
        version: env!("CARGO_PKG_VERSION").to_string(),
        export: String::new(),
    };
    let memory = graft::export::to_svg_with_scene(
        &document.realize(1.5, &EvalContext::default()).unwrap(),
        Some(&source),
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), memory);
    assert!(app.world().get::<LayerRecipe>(waves).is_some());
}

#[test]
fn a_queued_save_writes_on_the_io_pool_and_edits_made_meanwhile_stay_unsaved() {
    let dir = tempdir("edit-async-save");
    let file = dir.join(SCENE);
    std::fs::write(&file, TEXT).unwrap();
    let mut app = app(&dir, true);
    settle(&mut app);
    let colour = |c: &str| EditCommand::Edit {
        layer: "ring".into(),
        edit: Edit::SetColor(Rgba::parse(c).unwrap()),
        merge: None,
    };
    {
        let mut queue = app.world_mut().resource_mut::<EditQueue>();
        queue.push(colour("#ff0000"));
        queue.push(EditCommand::Save);
    }
    app.update();
    // The frame that took the save did not write the file: a task does.
    assert!(app.world().resource::<SceneDocument>().saving);
    // An edit made while the save runs is not part of it.
    app.world_mut()
        .resource_mut::<EditQueue>()
        .push(colour("#00ff00"));
    run_until(&mut app, "the save task", |app| {
        !app.world().resource::<SceneDocument>().saving
    });
    let doc = app.world().resource::<SceneDocument>();
    assert!(matches!(doc.last_save, Some(Ok(_))), "{:?}", doc.last_save);
    assert!(doc.is_dirty(), "the second colour is not saved yet");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("#ff0000") && !written.contains("#00ff00"),
        "{written}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(format!("{SCENE}.bak"))).unwrap(),
        TEXT
    );
    app.world_mut()
        .resource_mut::<EditQueue>()
        .push(EditCommand::Save);
    run_until(&mut app, "the second save", |app| {
        let doc = app.world().resource::<SceneDocument>();
        !doc.saving && !doc.is_dirty()
    });
    assert!(std::fs::read_to_string(&file).unwrap().contains("#00ff00"));
}

#[test]
fn a_file_changed_on_disk_under_unsaved_edits_keeps_the_edits_beside_it() {
    let dir = tempdir("edit-displaced");
    let file = dir.join(SCENE);
    std::fs::write(&file, TEXT).unwrap();
    let mut app = app(&dir, true);
    settle(&mut app);
    apply_edit(
        app.world_mut(),
        "ring",
        &Edit::SetColor(Rgba::parse("#123456").unwrap()),
        None,
    )
    .unwrap();
    assert!(app.world().resource::<SceneDocument>().is_dirty());
    // Another program rewrites the file: the file's version wins on screen…
    std::fs::write(&file, TEXT.replace("#e76f51", "#00aa00")).unwrap();
    run_until(&mut app, "the reload", |app| {
        app.world().resource::<SceneDocument>().kept_edits.is_some()
    });
    let doc = app.world().resource::<SceneDocument>();
    assert!(!doc.is_dirty());
    assert_eq!(doc.history.undo_len(), 0, "undo cannot revert the reload");
    // …and the edits are kept in a new file beside it, which reads back as the edited scene.
    let kept = doc.kept_edits.clone().unwrap().unwrap();
    assert_eq!(
        kept.file_name().unwrap().to_string_lossy(),
        "test.unsaved_001.scene.ron"
    );
    let text = std::fs::read_to_string(&kept).unwrap();
    assert!(
        text.contains("#123456") && !text.contains("#00aa00"),
        "{text}"
    );
    assert!(Scene::parse(&text, "kept", &registry()).is_ok());
    settle(&mut app);
    let ring = entity(&mut app, "ring");
    assert_eq!(
        app.world().get::<Stroke>(ring).unwrap().color,
        Rgba::parse("#00aa00").unwrap()
    );
}

const READERS: &str = "(\n    canvas: (size: (200, 150)),\n    layers: [\n        (name: \"sun\", source: circle(radius: 20, center: (100, 75, 0))),\n        (name: \"sea\", source: grid(nx: 0, ny: 20, scale: 150, center: (100, 75, 0)), effects: [clip(mask: \"water\"), occult(by: [\"sun\"])]),\n    ],\n    shapes: [\n        (name: \"water\", source: rect(width: 150, height: 60, center: (100, 100, 0))),\n    ],\n)\n";

#[test]
fn renaming_a_layer_or_shape_renames_the_references_to_it_and_undo_renames_them_back() {
    let dir = tempdir("edit-rename-refs");
    let file = dir.join(SCENE);
    std::fs::write(&file, READERS).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let sea = entity(&mut app, "sea");
    let final_id = |app: &mut App| {
        *app.world()
            .get::<Resolved>(sea)
            .unwrap()
            .ids
            .last()
            .unwrap()
    };
    let id0 = final_id(&mut app);
    let refs = |app: &mut App| app.world().get::<LayerRecipe>(sea).unwrap().0.references();
    assert_eq!(refs(&mut app), ["water", "sun"]);

    apply_edit(app.world_mut(), "sun", &Edit::Rename("star".into()), None).unwrap();
    apply_edit(app.world_mut(), "water", &Edit::Rename("lake".into()), None).unwrap();
    settle(&mut app);
    assert_eq!(refs(&mut app), ["lake", "star"]);
    let error = app.world().get::<graft::ecs::LayerError>(sea).unwrap();
    assert!(!error.is_set(), "{:?}", error.message);
    assert_eq!(
        final_id(&mut app),
        id0,
        "same geometry read under new names"
    );
    let doc = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    assert_eq!(doc.layers[1].recipe.references(), ["lake", "star"]);
    assert_eq!(doc.shapes[0].name, "lake");

    // One undo step per rename, the readers included.
    assert_eq!(
        app.world().resource::<SceneDocument>().history.undo_len(),
        2
    );
    undo(app.world_mut()).unwrap();
    settle(&mut app);
    assert_eq!(refs(&mut app), ["water", "star"]);
    undo(app.world_mut()).unwrap();
    settle(&mut app);
    assert_eq!(refs(&mut app), ["water", "sun"]);
    assert!(!app.world().resource::<SceneDocument>().is_dirty());
    redo(app.world_mut()).unwrap();
    settle(&mut app);
    assert_eq!(refs(&mut app), ["water", "star"]);

    // Saved and reloaded, the references still resolve.
    save(app.world_mut()).unwrap();
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(!written.contains("\"sun\""), "{written}");
    let reloaded = Scene::parse(&written, SCENE, &registry()).unwrap();
    assert_eq!(reloaded.layers[0].name, "star");
    assert_eq!(reloaded.layers[1].recipe.references(), ["water", "star"]);
}
