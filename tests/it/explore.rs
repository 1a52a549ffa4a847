//! Exploring: presets and locks through the scene file, randomise and nudge from
//! per-address streams, morphs, and the app applying them as one undo step each.

use bevy::prelude::*;
use graft::ecs::{EditCommand, EditQueue, LayerRecipe, SceneDocument, undo};
use graft::ops::{ParamAddress, RawParam};
use graft::scene::{Scene, morph, morph_over_time, nudge, randomise};

use crate::pipeline::{SCENE, app, entity, settle};
use crate::util::{bundled_path, bundled_scene, ctx, registry, tempdir};

fn addr(text: &str) -> ParamAddress {
    ParamAddress::parse(text).unwrap()
}

/// The seed of the app's open document.
fn document_seed(app: &App) -> Option<u64> {
    app.world()
        .resource::<SceneDocument>()
        .scene
        .as_ref()
        .unwrap()
        .seed
}

fn parse(text: &str) -> Result<Scene, String> {
    Scene::parse(text, "x.scene.ron", &registry()).map_err(|e| e.to_string())
}

/// The seeds scene's text with `extra` fields before its closing bracket.
fn seeds_with(extra: &str) -> String {
    let text = std::fs::read_to_string(bundled_path("seeds.scene.ron")).unwrap();
    // Before the bundled presets and locks.
    let end = text
        .find("    // Presets")
        .unwrap_or_else(|| text.rfind(')').unwrap());
    format!("{}{extra}\n)\n", &text[..end])
}

#[test]
fn presets_and_locks_round_trip_through_the_scene_file_and_bad_ones_are_named() {
    let mut scene = bundled_scene("seeds.scene.ron");
    // Without the bundled presets and locks (checked below), then with new ones.
    scene.presets.clear();
    scene.locks.clear();
    let calm = scene.capture_preset("calm", None);
    assert!(
        calm.values
            .iter()
            .any(|(a, _)| a == &addr("field/terrain/amplitude"))
    );
    assert!(
        calm.values
            .iter()
            .any(|(a, _)| a == &addr("garden/plant/iters"))
    );
    scene.presets.push(calm);
    scene
        .presets
        .push(scene.capture_preset("plant only", Some("garden")));
    scene.locks.push(addr("field/tilt/rotation"));
    let text = scene.to_ron("");
    assert!(text.contains("presets: [") && text.contains("locks: [\"field/tilt/rotation\"]"));
    let back = parse(&text).unwrap();
    for (x, y) in back.presets[0].values.iter().zip(&scene.presets[0].values) {
        assert_eq!(x, y);
    }
    assert_eq!(back.presets, scene.presets);
    assert_eq!(back.locks, scene.locks);
    assert_eq!(back, scene);
    assert!(
        back.presets[1]
            .values
            .iter()
            .all(|(a, _)| a.owner == "garden")
    );

    // The bundled scene's presets morph into each other and draw.
    let bundled = bundled_scene("seeds.scene.ron");
    assert_eq!(bundled.presets.len(), 2);
    assert_eq!(
        bundled.locks,
        [addr("field/grid/ny"), addr("garden/plant/iters")]
    );
    let mut halfway = bundled.clone();
    for (address, raw) in morph(&bundled.presets[0], &bundled.presets[1], 0.5) {
        halfway.set_param(&address, &raw).unwrap();
    }
    let expected = graft::scene::parse_param_text("(0, 7.5, 0)").unwrap();
    assert_eq!(nums(&expected), [0.0, 7.5, 0.0]);
    assert!(
        halfway.realize(0.0, &ctx()).unwrap().layers[0]
            .geometry
            .segment_count()
            > 100
    );
    // Randomise leaves the bundled locks alone.
    let drawn = randomise(&bundled, 9, &bundled.locks, None);
    assert!(drawn.iter().all(|(a, _)| !bundled.locks.contains(a)));
    assert!(drawn.iter().all(|(a, _)| a.param != "center"));

    // A preset or a lock naming what the scene does not have, or a value not allowed.
    for (extra, says) in [
        (
            r#"presets: [(name: "p", values: {"field/terrain/nope": 1})],"#,
            "preset \"p\"",
        ),
        (
            r#"presets: [(name: "p", values: {"garden/plant/iters": 99})],"#,
            "iters",
        ),
        (
            r#"presets: [(name: "p", values: {}), (name: "p", values: {})],"#,
            "used twice",
        ),
        (
            r#"presets: [(name: "p", layer: "sky", values: {})],"#,
            "'sky'",
        ),
        (r#"locks: ["field/nothing/amplitude"],"#, "lock"),
    ] {
        let e = parse(&seeds_with(&format!("    {extra}"))).unwrap_err();
        assert!(
            e.starts_with("x.scene.ron:") && e.contains(says),
            "{extra}: {e}"
        );
    }
}

/// The number (or numbers) a set gives.
fn nums(raw: &RawParam) -> Vec<f64> {
    match raw {
        RawParam::Num(v, _) => vec![*v],
        RawParam::Seq(items) => items.iter().flat_map(nums).collect(),
        _ => vec![],
    }
}

#[test]
fn randomise_draws_each_parameter_from_its_own_stream_within_its_range() {
    let scene = bundled_scene("seeds.scene.ron");
    let locks = [addr("field/terrain/amplitude")];
    let a = randomise(&scene, 1, &locks, None);
    assert!(!a.is_empty());
    assert!(
        a.iter().all(|(address, _)| address != &locks[0]),
        "locked stays"
    );
    assert_eq!(
        a,
        randomise(&scene, 1, &locks, None),
        "same round, same values"
    );
    assert_ne!(a, randomise(&scene, 2, &locks, None));
    // Every value within its slider range, and accepted by the scene.
    let mut applied = scene.clone();
    for (address, raw) in &a {
        let spec = scene.slot(&address).unwrap().spec.clone();
        if let Some((lo, hi)) = spec.ui_range {
            assert!(
                nums(raw).iter().all(|v| *v >= lo && *v <= hi),
                "{address}: {raw:?}"
            );
        }
        applied.set_param(address, raw).unwrap();
    }
    applied.realize(0.0, &ctx()).unwrap();
    // A layer added in front changes nobody else's draw.
    let mut more = scene.clone();
    let mut extra = scene.layers[1].clone();
    extra.name = "another".into();
    more.layers.insert(0, extra);
    let b = randomise(&more, 1, &locks, None);
    for (address, raw) in &a {
        assert_eq!(
            b.iter().find(|(x, _)| x == address).map(|(_, r)| r),
            Some(raw)
        );
    }
    // One layer only.
    assert!(
        randomise(&scene, 1, &[], Some("garden"))
            .iter()
            .all(|(x, _)| x.owner == "garden")
    );

    // Nudge: each number within 10 % of its range of where it was; switches stay.
    let n = nudge(&scene, 5, 0.1, &locks, None);
    assert!(!n.is_empty());
    let before = scene.capture_preset("now", None);
    for (address, raw) in &n {
        let spec = scene.slot(&address).unwrap().spec.clone();
        let (lo, hi) = spec.ui_range.unwrap();
        let (_, was) = before.values.iter().find(|(x, _)| x == address).unwrap();
        for (now, was) in nums(raw).iter().zip(nums(was)) {
            assert!(
                (now - was).abs() <= 0.1 * (hi - lo) + 1e-9,
                "{address}: {was} → {now}"
            );
        }
    }
}

#[test]
fn morphs_interpolate_numbers_and_switch_the_rest_at_the_midpoint() {
    let scene = bundled_scene("seeds.scene.ron");
    let a = scene.capture_preset("a", None);
    let mut other = scene.clone();
    for (address, value) in [
        ("field/terrain/amplitude", "(0, 9, 0)"),
        ("garden/plant/iters", "6"),
        ("garden/plant/angle", "30"),
    ] {
        other
            .set_param(
                &addr(address),
                &graft::scene::parse_param_text(value).unwrap(),
            )
            .unwrap();
    }
    let b = other.capture_preset("b", None);
    let value = |sets: &[(ParamAddress, RawParam)], address: &str| {
        sets.iter()
            .find(|(x, _)| x == &addr(address))
            .map(|(_, r)| nums(r))
            .unwrap()
    };
    // Only what differs is set.
    assert_eq!(morph(&a, &b, 0.3).len(), 3);
    assert_eq!(
        value(&morph(&a, &b, 0.0), "field/terrain/amplitude"),
        [0.0, 7.0, 0.0]
    );
    assert_eq!(
        value(&morph(&a, &b, 1.0), "field/terrain/amplitude"),
        [0.0, 9.0, 0.0]
    );
    assert_eq!(
        value(&morph(&a, &b, 0.5), "field/terrain/amplitude"),
        [0.0, 8.0, 0.0]
    );
    // Integers are rounded along the way.
    assert_eq!(value(&morph(&a, &b, 0.4), "garden/plant/iters"), [5.0]);

    // Along time: at t = 0 the drawing is a's, at t = 1 b's (iters, an integer, stays a's).
    let mut moving = scene.clone();
    for (address, raw) in morph_over_time(&a, &b, "t") {
        moving.set_param(&address, &raw).unwrap();
    }
    let mut b_but_iters = other.clone();
    b_but_iters
        .set_param(&addr("garden/plant/iters"), &RawParam::Num(4.0, true))
        .unwrap();
    let svg = |s: &Scene, t: f64| graft::export::to_svg(&s.realize(t, &ctx()).unwrap());
    assert_eq!(svg(&moving, 0.0), svg(&scene, 0.0));
    assert_eq!(svg(&moving, 1.0), svg(&b_but_iters, 0.0));
}

#[test]
fn the_app_applies_a_preset_as_one_undo_step_and_saves_presets_seed_and_locks() {
    let dir = tempdir("explore-app");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let recipes = |app: &mut App| {
        let (f, g) = (entity(app, "field"), entity(app, "garden"));
        (
            app.world().get::<LayerRecipe>(f).unwrap().0.clone(),
            app.world().get::<LayerRecipe>(g).unwrap().0.clone(),
        )
    };
    let queue = |app: &mut App, command: EditCommand| {
        app.world_mut()
            .resource_mut::<EditQueue>()
            .commands
            .push(command);
        app.update();
        assert_eq!(app.world().resource::<EditQueue>().last_error, None);
    };
    // What each layer's stages resolve to (the values, whichever way they are written).
    let ids = |app: &mut App| {
        let (f, g) = (entity(app, "field"), entity(app, "garden"));
        (
            app.world()
                .get::<graft::ecs::Resolved>(f)
                .unwrap()
                .ids
                .clone(),
            app.world()
                .get::<graft::ecs::Resolved>(g)
                .unwrap()
                .ids
                .clone(),
        )
    };
    let start_ids = ids(&mut app);
    let start = recipes(&mut app);
    queue(
        &mut app,
        EditCommand::SavePreset {
            name: "start".into(),
            layer: None,
        },
    );
    // A randomise of both layers, as the inspector sends it.
    let scene = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    queue(
        &mut app,
        EditCommand::SetParams {
            sets: randomise(&scene, 3, &[], None),
            merge: None,
        },
    );
    let random = recipes(&mut app);
    let random_ids = ids(&mut app);
    assert!(random_ids.0 != start_ids.0 && random_ids.1 != start_ids.1);
    assert!(
        random.0 != start.0 && random.1 != start.1,
        "both layers changed"
    );
    let steps = app.world().resource::<SceneDocument>().history.undo_len();
    // Applying the preset brings both back, in one step; undo goes back to the random.
    queue(&mut app, EditCommand::ApplyPreset("start".into()));
    assert_eq!(
        ids(&mut app),
        start_ids,
        "the same values, the same geometry ids"
    );
    assert_eq!(
        app.world().resource::<SceneDocument>().history.undo_len(),
        steps + 1
    );
    undo(app.world_mut());
    app.update();
    assert!(recipes(&mut app) == random);
    assert_eq!(ids(&mut app), random_ids);

    // A preset of all layers keeps the seed too: applying it sets it back, in the step.
    assert_eq!(document_seed(&app), Some(7));
    queue(&mut app, EditCommand::SetSeed(Some(99)));
    queue(&mut app, EditCommand::ApplyPreset("start".into()));
    assert_eq!(document_seed(&app), Some(7));
    assert_eq!(ids(&mut app), start_ids);
    undo(app.world_mut());
    app.update();
    assert_eq!(document_seed(&app), Some(99));
    assert!(recipes(&mut app) == random);

    // A morph dragged across both layers is one step.
    let doc = |app: &mut App| {
        app.world()
            .resource::<SceneDocument>()
            .scene
            .clone()
            .unwrap()
    };
    let (a, b) = (
        doc(&mut app).presets[0].clone(),
        doc(&mut app).capture_preset("b", None),
    );
    let steps = app.world().resource::<SceneDocument>().history.undo_len();
    for u in [0.2, 0.5, 0.8] {
        queue(
            &mut app,
            EditCommand::SetParams {
                sets: morph(&a, &b, u),
                merge: Some(77),
            },
        );
    }
    queue(&mut app, EditCommand::Seal);
    assert_eq!(
        app.world().resource::<SceneDocument>().history.undo_len(),
        steps + 1
    );

    // Seed, lock, rename: all in the saved file.
    queue(&mut app, EditCommand::SetSeed(Some(42)));
    queue(
        &mut app,
        EditCommand::SetLock {
            address: addr("field/tilt/rotation"),
            locked: true,
        },
    );
    queue(
        &mut app,
        EditCommand::RenamePreset {
            from: "start".into(),
            to: "first".into(),
        },
    );
    assert!(app.world().resource::<SceneDocument>().is_dirty());
    graft::ecs::save(app.world_mut()).unwrap();
    let saved = parse(&std::fs::read_to_string(dir.join(SCENE)).unwrap()).unwrap();
    assert_eq!(saved.seed, Some(42));
    assert_eq!(
        saved.locks,
        [
            addr("field/grid/ny"),
            addr("garden/plant/iters"),
            addr("field/tilt/rotation")
        ]
    );
    let names: Vec<&str> = saved.presets.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["calm", "windswept", "first"]);
    // Refusals say why and change nothing.
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::ApplyPreset("nope".into()));
    app.update();
    let e = app
        .world()
        .resource::<EditQueue>()
        .last_error
        .clone()
        .unwrap();
    assert!(e.contains("no preset named 'nope'"), "{e}");
}

#[test]
fn the_variation_grid_plans_seeds_across_a_range_down_and_adopting_one_is_one_step() {
    use graft::inspector::variations::{GridMode, plan};
    let scene = bundled_scene("seeds.scene.ron");
    // Seeds only: the scene's seed onwards, row by row.
    let seeds = plan(&scene, &GridMode::Seeds(None), 4, 3, 1);
    assert_eq!(seeds.len(), 12);
    assert_eq!(
        seeds.iter().map(|(_, s, _)| s.unwrap()).collect::<Vec<_>>(),
        (7..19).collect::<Vec<u64>>()
    );
    assert!(seeds.iter().all(|(_, _, sets)| sets.is_empty()));
    // Seeds across, the plant's angle down its slider range.
    let angle = addr("garden/plant/angle");
    let grid = plan(&scene, &GridMode::Seeds(Some(angle.clone())), 3, 2, 1);
    let (lo, hi) = scene.slot(&angle).unwrap().spec.ui_range.unwrap();
    assert_eq!(grid[0].1, Some(7));
    assert_eq!(grid[2].1, Some(9));
    assert_eq!(grid[3].1, Some(7), "the next row repeats the seeds");
    assert_eq!(nums(&grid[0].2[0].1), [lo]);
    assert_eq!(nums(&grid[5].2[0].1), [hi]);
    assert!(grid[0].0.contains("seed 7") && grid[0].0.contains("angle"));
    // Nudges leave the locks alone and differ from cell to cell.
    let nudges = plan(&scene, &GridMode::Nudges(0.1), 2, 2, 5);
    assert!(nudges.iter().all(
        |(_, seed, sets)| seed.is_none() && sets.iter().all(|(a, _)| !scene.locks.contains(a))
    ));
    assert_ne!(nudges[0].2, nudges[1].2);

    // Adopting a cell sets its seed and values in one undo step, and undo takes both back.
    let dir = tempdir("explore-adopt");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    let (_, seed, sets) = grid[4].clone();
    let steps = app.world().resource::<SceneDocument>().history.undo_len();
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::Adopt { seed, sets });
    app.update();
    let doc = app.world().resource::<SceneDocument>();
    assert_eq!(doc.history.undo_len(), steps + 1);
    assert_eq!(doc.scene.as_ref().unwrap().seed, Some(8));
    undo(app.world_mut());
    assert_eq!(document_seed(&app), Some(7));
    // A seed alone is a step too.
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::SetSeed(Some(3)));
    app.update();
    undo(app.world_mut());
    assert_eq!(document_seed(&app), Some(7));
}

#[test]
fn the_variation_grid_computes_headless_cancels_stale_thumbnails_and_adopts_exactly() {
    use graft::inspector::variations::{GridMode, VariationGrid, compute_grid};
    let dir = tempdir("explore-grid");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    // After the frame's edits, as in the app (the inspector's pass follows `Update`): a
    // scene change reaches the grid in the frame it is made.
    app.init_resource::<VariationGrid>()
        .add_systems(PostUpdate, compute_grid);
    settle(&mut app);
    let angle = addr("garden/plant/angle");
    {
        let mut grid = app.world_mut().resource_mut::<VariationGrid>();
        grid.open = true;
        grid.size = (3, 2);
        grid.mode = GridMode::Seeds(Some(angle.clone()));
    }
    app.update();
    assert_eq!(app.world().resource::<VariationGrid>().counts.started, 6);
    // The scene changes at once: the thumbnails still computing are dropped.
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::SetSeed(Some(50)));
    app.update();
    let done = |app: &mut App| {
        let (done, all) = app.world().resource::<VariationGrid>().progress();
        done == all && all == 6
    };
    let start = std::time::Instant::now();
    while !done(&mut app) {
        assert!(start.elapsed().as_secs() < 60, "the grid never filled");
        app.update();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let counts = app.world().resource::<VariationGrid>().counts;
    assert_eq!(counts.started, 12);
    assert!(counts.cancelled >= 1, "{counts:?}");
    assert_eq!(
        counts.finished + counts.cancelled,
        counts.started,
        "{counts:?}"
    );
    // The cells now start from seed 50.
    let cells = app.world().resource::<VariationGrid>().variations();
    assert_eq!(cells[0].0, Some(50));

    // Adopting a cell changes exactly its seed and its parameter.
    let before = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    let (seed, sets) = cells[4].clone();
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::Adopt {
            seed,
            sets: sets.clone(),
        });
    app.update();
    let after = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    assert_eq!(after.seed, Some(51));
    let (a, b) = (
        before.capture_preset("a", None),
        after.capture_preset("b", None),
    );
    let changed: Vec<&ParamAddress> = a
        .values
        .iter()
        .zip(&b.values)
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| &x.0)
        .collect();
    assert_eq!(changed, [&angle]);
}

#[test]
fn renaming_a_layer_renames_its_presets_locks_and_midi_and_undo_renames_them_back() {
    let dir = tempdir("explore-rename");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    settle(&mut app);
    if let Some(scene) = app
        .world_mut()
        .resource_mut::<SceneDocument>()
        .scene
        .as_mut()
    {
        scene.midi.push(graft::midi::MidiMapping {
            address: addr("garden/plant/angle"),
            control: 21,
            channel: None,
            fine: false,
        });
    }
    graft::ecs::apply_edit(
        app.world_mut(),
        "garden",
        &graft::edit::Edit::Rename("meadow".into()),
        None,
    )
    .unwrap();
    let scene = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    assert!(scene.locks.contains(&addr("meadow/plant/iters")));
    assert_eq!(scene.midi[0].address, addr("meadow/plant/angle"));
    assert!(
        scene.presets[0]
            .values
            .iter()
            .any(|(a, _)| a == &addr("meadow/plant/angle"))
    );
    // What is saved loads again.
    graft::ecs::save(app.world_mut()).unwrap();
    parse(&std::fs::read_to_string(dir.join(SCENE)).unwrap()).unwrap();
    undo(app.world_mut());
    let scene = app
        .world()
        .resource::<SceneDocument>()
        .scene
        .clone()
        .unwrap();
    assert!(scene.locks.contains(&addr("garden/plant/iters")));
    assert_eq!(scene.midi[0].address, addr("garden/plant/angle"));
}
