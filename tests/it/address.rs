//! The op contract and the one parameter address: scene seeds, stage ids and ordinals,
//! `--set`, pass-through stages sharing their input, typed failures.

use std::sync::Arc;

use graft::export::to_svg;
use graft::ops::{OpFailure, ParamAddress, RawParam, StageName};
use graft::scene::{Scene, SceneOverrides};

use crate::util::{call, ctx, registry, tempdir};

/// Two layers: `ridges` with two rotates (the second with an id) and random stages,
/// `frame` with nothing random.
fn scene_text(seed: Option<u64>, extra_effect: &str) -> String {
    let seed = seed.map_or(String::new(), |s| format!("    seed: {s},\n"));
    format!(
        "(\n{seed}    canvas: (size: (200, 200)),\n    layers: [\n        (name: \"ridges\", source: grid(nx: 6, ny: 6, scale: 80, center: (100, 100, 0)), effects: [\n            {extra_effect}rotate(rotation: (0, 0, 10)),\n            subdivide(subdivisions: 3),\n            displace(amplitude: (3, 3, 0)),\n            rotate(id: \"tilt\", rotation: (0, 0, 5)),\n            drop(probability_base: 0.3),\n        ]),\n        (name: \"frame\", source: rect(width: 150, height: 150, center: (100, 100, 0))),\n    ],\n)\n"
    )
}

fn parse(text: &str) -> Scene {
    Scene::parse(text, "test.scene.ron", &registry()).unwrap()
}

fn layer_svg(scene: &Scene, layer: &str) -> String {
    let drawing = scene.realize(0.0, &ctx()).unwrap();
    let mut only = drawing.clone();
    only.layers.retain(|l| l.name == layer);
    to_svg(&only)
}

#[test]
fn a_scene_seed_gives_the_same_bytes_again_and_other_draws_only_to_random_stages() {
    let a = parse(&scene_text(Some(7), ""));
    let again = parse(&scene_text(Some(7), ""));
    let other = parse(&scene_text(Some(8), ""));
    let none = parse(&scene_text(None, ""));
    let svg = |s: &Scene| to_svg(&s.realize(0.0, &ctx()).unwrap());
    assert_eq!(svg(&a), svg(&again));
    assert_ne!(layer_svg(&a, "ridges"), layer_svg(&other, "ridges"));
    assert_ne!(layer_svg(&a, "ridges"), layer_svg(&none, "ridges"));
    // A layer with no random stage draws the same whatever the seed.
    assert_eq!(layer_svg(&a, "frame"), layer_svg(&other, "frame"));
    assert_eq!(layer_svg(&a, "frame"), layer_svg(&none, "frame"));
    // Without a scene seed every op keeps its own (today's outputs).
    let plain = graft::ops::Recipe {
        source: none.layers[0].recipe.source.clone(),
        effects: none.layers[0].recipe.effects.clone(),
    };
    let ids = plain.resolve(0.0, &ctx()).unwrap().ids();
    let unseeded = none.layers[0].recipe.resolve(0.0, &ctx()).unwrap().ids();
    assert_eq!(ids, unseeded);
    // The seed is written back with the scene.
    assert!(a.to_ron("").contains("seed: 7,"));
    assert_eq!(parse(&a.to_ron("")), a);
}

#[test]
fn a_written_op_seed_wins_over_the_scene_seed_and_draws_do_not_shift_when_stages_are_added() {
    let written = |seed: u64| {
        parse(&scene_text(Some(seed), "").replace(
            "displace(amplitude: (3, 3, 0))",
            "displace(amplitude: (3, 3, 0), seed: 42)",
        ))
    };
    let ids = |s: &Scene| {
        let ctx = ctx().with_seed(s.seed);
        s.layers[0]
            .recipe
            .resolve_as("ridges", 0.0, &ctx, &|_| unreachable!())
            .unwrap()
    };
    let (a, b) = (ids(&written(7)), ids(&written(8)));
    // rotate, subdivide, displace: the same stages, the same ids whatever the scene seed.
    assert_eq!(a.ids()[..4], b.ids()[..4]);
    let displace = &a.stages[3];
    assert_eq!(displace.op.name(), "displace");
    let seed_index = displace.op.schema().index_of("seed").unwrap();
    assert_eq!(
        displace.params.values()[seed_index],
        graft::ops::Value::Int(42)
    );
    // drop_lines draws from the scene seed: another seed, another id.
    assert_ne!(a.ids()[5], b.ids()[5]);
    // Adding a stage in front does not change what the others draw (addresses, not
    // positions, pick the streams).
    let shifted = parse(&scene_text(
        Some(7),
        "translate(delta: (1, 0, 0)),\n            ",
    ));
    let base = parse(&scene_text(Some(7), ""));
    let seed_of = |s: &Scene, op: &str| {
        let r = ids(s);
        let stage = r.stages.iter().find(|st| st.op.name() == op).unwrap();
        let i = stage.op.schema().index_of("seed").unwrap();
        stage.params.values()[i].clone()
    };
    assert_eq!(seed_of(&shifted, "drop"), seed_of(&base, "drop"));
    assert_eq!(seed_of(&shifted, "displace"), seed_of(&base, "displace"));
    assert_ne!(seed_of(&base, "displace"), seed_of(&base, "drop"));
}

#[test]
fn addresses_name_stages_by_id_or_op_and_ordinal_and_survive_inserted_effects() {
    let scene = parse(&scene_text(None, ""));
    let recipe = &scene.layers[0].recipe;
    let names: Vec<String> = recipe
        .stage_names()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        names,
        ["grid", "rotate", "subdivide", "displace", "tilt", "drop"]
    );
    let at = |r: &graft::ops::Recipe, text: &str| {
        r.find_param(&ParamAddress::parse(text).unwrap())
            .map(|s| (s.call, s.param))
    };
    assert_eq!(at(recipe, "ridges/rotate/rotation").unwrap().0, 1);
    assert_eq!(at(recipe, "ridges/rotate#2/rotation").unwrap().0, 4);
    assert_eq!(at(recipe, "ridges/tilt/rotation").unwrap().0, 4);
    assert_eq!(at(recipe, "ridges/grid/nx").unwrap(), (0, 0));
    // An effect inserted in front: the same addresses reach the same stages.
    let mut edited = recipe.clone();
    edited.effects.insert(
        0,
        graft::ops::OpCall::defaults(registry().get("subdivide").unwrap().clone()),
    );
    assert_eq!(at(&edited, "ridges/rotate#2/rotation").unwrap().0, 5);
    assert_eq!(at(&edited, "ridges/displace/amplitude").unwrap().0, 4);
    let stage = |r: &graft::ops::Recipe, text: &str| {
        let slot = at(r, text).unwrap();
        r.call(slot.0).unwrap().clone()
    };
    assert_eq!(
        stage(recipe, "ridges/rotate#2/rotation"),
        stage(&edited, "ridges/rotate#2/rotation")
    );
    // The text form round-trips; a first ordinal is written without `#1`.
    let a = ParamAddress::parse("my/layer/rotate#2/rotation").unwrap();
    assert_eq!(a.owner, "my/layer");
    assert_eq!(
        a.stage,
        StageName {
            name: "rotate".into(),
            ordinal: Some(2)
        }
    );
    assert_eq!(a.to_string(), "my/layer/rotate#2/rotation");
    assert_eq!(
        recipe.address_of("ridges", 1, 2).unwrap().to_string(),
        "ridges/rotate/rotation"
    );
    for bad in [
        "rotation",
        "ridges/rotate#0/angle",
        "ridges/rotate#x/angle",
        "/a/b",
    ] {
        assert!(ParamAddress::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn set_changes_exactly_that_parameter_and_errors_list_what_is_valid() {
    let scene = parse(&scene_text(None, ""));
    let mut overrides = SceneOverrides::default();
    overrides
        .push_assignment("ridges/rotate#2/rotation=(0, 0, 30)")
        .unwrap();
    overrides
        .push_assignment("ridges/displace/t=\"t * 2\"")
        .unwrap();
    let mut changed = scene.clone();
    overrides.apply(&mut changed).unwrap();
    let mut expected = scene.clone();
    let r = &mut expected.layers[0].recipe;
    r.effects[3]
        .set("rotation", &RawParam::expression("(0, 0, 30)"))
        .unwrap();
    r.effects[2]
        .set("t", &RawParam::Str("t * 2".into()))
        .unwrap();
    assert_eq!(changed, expected);
    assert_ne!(changed, scene);
    // The first rotate is untouched.
    assert_eq!(
        changed.layers[0].recipe.effects[0],
        scene.layers[0].recipe.effects[0]
    );

    let error = |text: &str| {
        let mut o = SceneOverrides::default();
        let mut s = scene.clone();
        let e = o
            .push_assignment(text)
            .and_then(|()| o.apply(&mut s))
            .unwrap_err()
            .to_string();
        assert_eq!(s, scene, "nothing changes on error");
        e
    };
    let e = error("hills/rotate/rotation=1");
    assert!(
        e.contains("no layer or shape 'hills'") && e.contains("ridges, frame"),
        "{e}"
    );
    let e = error("ridges/rotate#3/rotation=1");
    assert!(
        e.contains("no stage 'rotate#3'")
            && e.contains("grid, rotate, subdivide, displace, tilt, drop"),
        "{e}"
    );
    let e = error("ridges/tilt/angle=1");
    assert!(
        e.contains("no parameter 'angle'") && e.contains("auto_center, pivot, rotation"),
        "{e}"
    );
    let e = error("ridges/subdivide/subdivisions=-4");
    assert!(e.contains("subdivisions"), "{e}");
    let e = error("ridges/subdivide/subdivisions");
    assert!(e.contains("ADDRESS=VALUE"), "{e}");
}

#[test]
fn stage_ids_must_be_unique_words() {
    let text = scene_text(None, "").replace("rotate(rotation", "rotate(id: \"tilt\", rotation");
    let e = Scene::parse(&text, "x.scene.ron", &registry()).unwrap_err();
    assert!(e.message.contains("two stages with id \"tilt\""), "{e}");
    assert!(e.line > 0, "{e}");
    let text = scene_text(None, "").replace("id: \"tilt\"", "id: \"a/b\"");
    let e = Scene::parse(&text, "x.scene.ron", &registry()).unwrap_err();
    assert!(e.message.contains("a stage id is a word"), "{e}");
}

#[test]
fn a_pass_through_stage_shares_its_input() {
    let recipe = graft::ops::Recipe {
        source: call("grid", &[("nx", 30.into())]),
        effects: vec![
            call("subdivide", &[("subdivisions", 0.into())]),
            call("buffer", &[("distance", 0.0.into())]),
            call("subdivide", &[("subdivisions", 1.into())]),
        ],
    };
    let out = recipe
        .resolve(0.0, &ctx())
        .unwrap()
        .evaluate(&ctx())
        .unwrap();
    assert!(Arc::ptr_eq(&out[0], &out[1]));
    assert!(Arc::ptr_eq(&out[1], &out[2]));
    assert!(!Arc::ptr_eq(&out[2], &out[3]));
    assert_eq!(
        out[3].point_count(),
        out[0].point_count() * 2 - out[0].line_count()
    );
}

#[test]
fn an_op_over_budget_is_told_apart_from_other_failures() {
    let over = graft::ops::Recipe {
        source: call("grid", &[("nx", 10.into()), ("ny", 10.into())]),
        effects: vec![call("subdivide", &[("subdivisions", 6.into())])],
    };
    let small = ctx().with_budget(graft::ops::ResourceBudget {
        max_vertices: 1000,
        max_lines: 1000,
    });
    let Err(e) = over.resolve(0.0, &small).unwrap().evaluate(&small) else {
        panic!("over the budget")
    };
    assert_eq!(e.op, "subdivide");
    assert!(e.failure.is_over_budget(), "{e}");
    let bad = graft::ops::Recipe {
        source: call("line", &[]),
        effects: vec![call("clip", &[])],
    };
    let Err(e) = bad.resolve(0.0, &ctx()).unwrap().evaluate(&ctx()) else {
        panic!("clip without a mask fails")
    };
    assert_eq!(e.op, "clip");
    assert!(matches!(e.failure, OpFailure::BadInput(_)), "{e:?}");
    assert!(!e.failure.is_over_budget());
}

#[test]
fn render_and_frames_take_seed_and_set_and_record_them_in_the_svg() {
    let dir = tempdir("cli-set");
    let scene = dir.join("ridges.scene.ron");
    std::fs::write(&scene, scene_text(None, "")).unwrap();
    let svg = dir.join("out.svg");
    let run = crate::cli::graft;
    let out = run(&[
        "render",
        scene.to_str().unwrap(),
        "--seed",
        "11",
        "--set",
        "ridges/rotate#2/rotation=(0, 0, 30)",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&svg).unwrap();
    let embedded = graft::export::scene_in_svg(&written).unwrap();
    assert!(embedded.text.contains("seed: 11,"), "{}", embedded.text);
    assert!(
        embedded
            .text
            .contains("rotate(id: \"tilt\", rotation: (0, 0, 30))"),
        "{}",
        embedded.text
    );
    // The drawing is the core's realisation of the same overridden scene.
    let mut expected = parse(&scene_text(None, ""));
    let mut o = SceneOverrides {
        seed: Some(11),
        ..Default::default()
    };
    o.push_assignment("ridges/rotate#2/rotation=(0, 0, 30)")
        .unwrap();
    o.apply(&mut expected).unwrap();
    let core = to_svg(&expected.realize(0.0, &ctx()).unwrap());
    // Everything but the embedded scene (the core's SVG carries none).
    let strip = crate::util::without_metadata;
    assert_eq!(strip(&written), strip(&core));
    // The scene file on disk is unchanged.
    assert_eq!(
        std::fs::read_to_string(&scene).unwrap(),
        scene_text(None, "")
    );

    let out = run(&[
        "render",
        scene.to_str().unwrap(),
        "--set",
        "ridges/tilt/angle=3",
        "--svg",
        dir.join("bad.svg").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("auto_center, pivot, rotation"), "{err}");
    assert!(!dir.join("bad.svg").exists());

    let frames = dir.join("frames");
    let out = run(&[
        "frames",
        scene.to_str().unwrap(),
        "--to",
        "0.1",
        "--fps",
        "10",
        "--svg",
        "--out",
        frames.to_str().unwrap(),
        "--seed",
        "11",
        "--set",
        "ridges/rotate#2/rotation=(0, 0, 30)",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first = std::fs::read_dir(&frames)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "svg"))
        .min()
        .unwrap();
    let frame = std::fs::read_to_string(first).unwrap();
    assert_eq!(strip(&frame), strip(&core));
}

#[test]
fn a_sketch_reaches_the_second_stage_of_an_op_by_its_address() {
    use graft::ecs::LayerRecipe;
    use graft::ops::Rotate;
    use graft::sketch::SetParam;
    let scene = parse(&scene_text(None, ""));
    let mut world = bevy::ecs::world::World::new();
    let layer = world
        .spawn(LayerRecipe(scene.layers[0].recipe.clone()))
        .id();
    let mut recipe = world.get_mut::<LayerRecipe>(layer).unwrap();
    let turn = bevy::math::Vec3::new(0.0, 0.0, 33.0);
    recipe
        .set_in("rotate#2", graft::field!(Rotate::rotation), turn)
        .unwrap();
    // By its id too; the first rotate is untouched.
    recipe
        .set_in("tilt", graft::field!(Rotate::auto_center), false)
        .unwrap();
    let err = recipe
        .set_in("displace", graft::field!(Rotate::rotation), turn)
        .unwrap_err()
        .to_string();
    assert!(err.contains("'displace', not 'rotate'"), "{err}");
    let err = recipe
        .set_in("rotate#3", graft::field!(Rotate::rotation), turn)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("grid, rotate, subdivide, displace, tilt, drop"),
        "{err}"
    );
    let effects = &world.get::<LayerRecipe>(layer).unwrap().0.effects;
    let value = |i: usize, name: &str| {
        let call = &effects[i];
        let k = call.op.schema().index_of(name).unwrap();
        call.params[k].clone()
    };
    assert_eq!(
        value(3, "rotation"),
        graft::ops::ParamInput::Const(graft::ops::Value::Vec3([0.0, 0.0, 33.0]))
    );
    assert_eq!(
        value(3, "auto_center"),
        graft::ops::ParamInput::Const(graft::ops::Value::Bool(false))
    );
    assert_eq!(effects[0], scene.layers[0].recipe.effects[0]);
}

#[test]
fn a_seed_set_in_the_inspector_or_written_in_the_file_wins_and_ids_never_hide_ops() {
    use graft::edit::{Edit, ParamPath};
    use graft::ops::{ParamInput, Value};
    let scene = parse(&scene_text(Some(7), ""));
    let mut layer = scene.layers[0].clone();
    let displace_seed = |layer: &graft::scene::LayerDef| {
        let ctx = ctx().with_seed(Some(7));
        let r = layer
            .recipe
            .resolve_as(&layer.name, 0.0, &ctx, &|_| unreachable!())
            .unwrap();
        let stage = r.stages.iter().find(|s| s.op.name() == "displace").unwrap();
        let i = stage.op.schema().index_of("seed").unwrap();
        stage.params.values()[i].clone()
    };
    assert_ne!(
        displace_seed(&layer),
        Value::Int(0),
        "drawn from the scene seed"
    );
    // Set to 0 in the inspector: 0 it is, not the scene's draw.
    Edit::SetParam(
        ParamPath::parse("displace/seed").unwrap(),
        ParamInput::Const(Value::Int(0)),
    )
    .apply(&mut layer)
    .unwrap();
    assert_eq!(displace_seed(&layer), Value::Int(0));
    assert_ne!(layer, scene.layers[0], "a written seed is a change");
    // The same in the file: `seed: 0` written differs from no seed at all (a hot
    // reload that adds or removes it is a change).
    let written = parse(&scene_text(Some(7), "").replace(
        "displace(amplitude: (3, 3, 0))",
        "displace(amplitude: (3, 3, 0), seed: 0)",
    ));
    assert_ne!(written, scene);
    assert_eq!(displace_seed(&written.layers[0]), Value::Int(0));
    // A stage id may not be an op's name: `rotate` in an address means the first rotate.
    let text = scene_text(None, "").replace("id: \"tilt\"", "id: \"rotate\"");
    let e = Scene::parse(&text, "x.scene.ron", &registry()).unwrap_err();
    assert!(e.message.contains("it is the name of an op"), "{e}");
}

#[test]
fn a_renamed_layer_draws_from_its_new_address() {
    use graft::ecs::{EditCommand, EditQueue};
    use graft::edit::Edit;
    let dir = tempdir("rename-seed");
    let path = dir.join("r.scene.ron");
    std::fs::write(&path, scene_text(Some(7), "")).unwrap();
    let mut app = graft::sketch::headless_sketch_app(Some(&path), |_| {}).unwrap();
    let before = graft::sketch::render_at(&mut app, 0.0).unwrap();
    app.world_mut()
        .resource_mut::<EditQueue>()
        .push(EditCommand::Edit {
            layer: "ridges".into(),
            edit: Edit::Rename("hills".into()),
            merge: None,
        });
    let after = graft::sketch::render_at(&mut app, 0.0).unwrap();
    let id = |d: &graft::export::Drawing, name: &str| {
        d.layers.iter().find(|l| l.name == name).unwrap().id
    };
    assert_ne!(id(&before, "ridges"), id(&after, "hills"));
    // What the window shows is what the renamed scene renders to.
    let mut renamed = parse(&scene_text(Some(7), ""));
    renamed.layers[0].name = "hills".into();
    let core = renamed.realize(0.0, &ctx()).unwrap();
    assert_eq!(id(&core, "hills"), id(&after, "hills"));
}

#[test]
fn each_stage_s_time_is_kept_under_its_address() {
    use graft::ecs::{Layer, StageTimes};
    let path = crate::util::bundled_path("seeds.scene.ron");
    let mut app = graft::sketch::headless_sketch_app(Some(&path), |_| {}).unwrap();
    graft::sketch::render_at(&mut app, 0.0).unwrap();
    let world = app.world_mut();
    let mut q = world.query::<(&Layer, &StageTimes)>();
    let (_, times) = q
        .iter(world)
        .find(|(l, _)| l.name == "field")
        .expect("the field layer has stage times");
    let mut names: Vec<&str> = times.0.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        ["drop", "grid", "scale", "subdivide", "terrain", "tilt"]
    );
    assert!(
        times
            .0
            .values()
            .all(|t| t.last().is_some_and(|ms| ms >= 0.0))
    );
}
