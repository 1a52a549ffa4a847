//! MIDI: decoding 7- and 14-bit control changes, scaling to a parameter's range,
//! learning, mappings in the scene file, and the app moving parameters through the edit
//! path, all by feeding messages to the mapping layer.

use bevy::prelude::*;
use graft::ecs::midi::{MidiInputs, apply_midi_messages};
use graft::ecs::{EditCommand, EditQueue, SceneDocument, undo};
use graft::edit::{Edit, ParamPath};
use graft::midi::{MidiDecoder, MidiMapping, learn, mappable, mapping_for, scaled};
use graft::ops::{ParamAddress, RawParam, StageName};

use crate::pipeline::{SCENE, app, settle};
use crate::util::{bundled_path, bundled_scene, registry, tempdir};

fn addr(text: &str) -> ParamAddress {
    ParamAddress::parse(text).unwrap()
}

#[test]
fn control_changes_decode_in_7_and_14_bits_and_scale_to_the_range() {
    let mut d = MidiDecoder::default();
    // Channel 3 (status 0xB2), controller 21.
    let m = d.feed(&[0xB2, 21, 127]).unwrap();
    assert_eq!(
        (m.channel, m.control, m.value, m.fine_half),
        (3, 21, 1.0, false)
    );
    assert_eq!(d.feed(&[0xB2, 21, 0]).unwrap().value, 0.0);
    // Notes, clock and short or broken messages are not control changes.
    for other in [&[0x92u8, 60, 100][..], &[0xF8], &[0xB0, 7], &[0xB0, 200, 3]] {
        assert_eq!(d.feed(other), None, "{other:?}");
    }
    // 14-bit: coarse on 1, fine on 33.
    d.feed(&[0xB0, 1, 64]).unwrap();
    let fine = d.feed(&[0xB0, 33, 127]).unwrap();
    assert!(fine.fine_half);
    assert_eq!(fine.control, 1);
    assert_eq!(fine.value, (64.0 * 128.0 + 127.0) / 16383.0);
    assert_eq!(d.fine_value(1, 1), fine.value);

    let scene = bundled_scene("seeds.scene.ron");
    let spec = |a: &str| scene.slot(&addr(a)).unwrap().spec.clone();
    let angle = spec("garden/plant/angle");
    let (lo, hi) = angle.ui_range.unwrap();
    assert_eq!(scaled(&angle, 0.0), Some(RawParam::Num(lo, false)));
    assert_eq!(scaled(&angle, 1.0), Some(RawParam::Num(hi, false)));
    let iters = spec("garden/plant/iters");
    assert!(matches!(scaled(&iters, 0.51), Some(RawParam::Num(v, true)) if v.fract() == 0.0));
    assert!(mappable(&angle) && mappable(&iters));
    assert!(
        !mappable(&spec("field/terrain/amplitude")),
        "a vector cannot follow one control"
    );
}

#[test]
fn learning_maps_the_touched_parameter_and_mappings_round_trip_through_the_file() {
    let mut mappings = vec![MidiMapping {
        address: addr("garden/plant/angle"),
        control: 21,
        channel: Some(1),
        fine: false,
    }];
    let mut d = MidiDecoder::default();
    // The angle moves to controller 22; 21 is free again.
    let m = d.feed(&[0xB0, 22, 10]).unwrap();
    learn(&mut mappings, &addr("garden/plant/angle"), &m);
    assert_eq!(mappings.len(), 1);
    assert_eq!(mappings[0].control, 22);
    assert!(mapping_for(&mappings, &d.feed(&[0xB0, 21, 5]).unwrap()).is_none());
    // A fine half makes the mapping 14-bit.
    d.feed(&[0xB0, 2, 1]).unwrap();
    let fine = d.feed(&[0xB0, 34, 1]).unwrap();
    learn(&mut mappings, &addr("garden/plant/step"), &fine);
    assert!(mappings.iter().any(|m| m.control == 2 && m.fine));

    let mut scene = bundled_scene("seeds.scene.ron");
    scene.midi = mappings;
    let back = graft::scene::Scene::parse(&scene.to_ron(""), "x.scene.ron", &registry()).unwrap();
    assert_eq!(back.midi, scene.midi);
    // A vector, an unknown address, a fine control above 31: named errors.
    let text = std::fs::read_to_string(bundled_path("seeds.scene.ron")).unwrap();
    let end = text.rfind(')').unwrap();
    for (midi, says) in [
        (
            r#"(control: 1, param: "field/terrain/amplitude")"#,
            "cannot follow a control",
        ),
        (r#"(control: 1, param: "field/nothing/x")"#, "midi:"),
        (
            r#"(control: 40, fine: true, param: "garden/plant/angle")"#,
            "0..=31",
        ),
    ] {
        let bad = format!("{}    midi: [{midi}],\n)\n", &text[..end]);
        let e = graft::scene::Scene::parse(&bad, "x.scene.ron", &registry())
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.scene.ron:") && e.contains(says), "{e}");
    }
}

#[test]
fn the_app_learns_a_control_and_its_moves_are_one_undo_step() {
    let dir = tempdir("midi-app");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    app.init_resource::<MidiInputs>();
    settle(&mut app);
    let angle = |app: &App| {
        let doc = app.world().resource::<SceneDocument>();
        let scene = doc.scene.as_ref().unwrap();
        let slot = scene.slot(&addr("garden/plant/angle")).unwrap();
        slot.input.to_ron()
    };
    // Learning with nothing touched says what to do.
    app.world_mut().resource_mut::<MidiInputs>().learning = true;
    apply_midi_messages(app.world_mut(), &[vec![0xB0, 21, 64]]);
    let said = app
        .world()
        .resource::<MidiInputs>()
        .learned
        .clone()
        .unwrap();
    assert!(said.contains("touch a parameter first"), "{said}");
    // Touch the angle (as a slider does), then move controller 21.
    app.world_mut()
        .resource_mut::<EditQueue>()
        .commands
        .push(EditCommand::Edit {
            layer: "garden".into(),
            edit: Edit::SetRaw(
                ParamPath {
                    stage: StageName::parse("plant").unwrap(),
                    param: "angle".into(),
                },
                RawParam::Num(20.0, false),
            ),
            merge: None,
        });
    app.update();
    apply_midi_messages(app.world_mut(), &[vec![0xB0, 21, 64]]);
    let inputs = app.world().resource::<MidiInputs>();
    assert!(!inputs.learning);
    assert!(
        inputs
            .learned
            .as_deref()
            .unwrap()
            .contains("garden/plant/angle")
    );
    let doc = app.world().resource::<SceneDocument>();
    assert_eq!(doc.scene.as_ref().unwrap().midi.len(), 1);
    let steps = doc.history.undo_len();

    // A fader move: many messages, one undo step, ending where the fader stopped.
    for v in [0u8, 30, 60, 127] {
        apply_midi_messages(app.world_mut(), &[vec![0xB0, 21, v]]);
        app.update();
    }
    let spec_hi = {
        let doc = app.world().resource::<SceneDocument>();
        let scene = doc.scene.as_ref().unwrap();
        scene
            .slot(&addr("garden/plant/angle"))
            .unwrap()
            .spec
            .ui_range
            .unwrap()
            .1
    };
    assert_eq!(angle(&app), graft::ops::fmt_num(spec_hi));
    assert_eq!(
        app.world().resource::<SceneDocument>().history.undo_len(),
        steps + 1
    );
    undo(app.world_mut());
    assert_eq!(angle(&app), "20.0");
    // Another channel or controller moves nothing.
    apply_midi_messages(app.world_mut(), &[vec![0xB5, 21, 0], vec![0xB0, 22, 0]]);
    app.update();
    assert_eq!(angle(&app), "20.0");
}

#[test]
fn without_a_midi_system_or_ports_the_plugin_says_so_and_nothing_fails() {
    let dir = tempdir("midi-none");
    std::fs::copy(bundled_path("seeds.scene.ron"), dir.join(SCENE)).unwrap();
    let mut app = app(&dir, false);
    app.add_plugins(graft::ecs::midi::MidiPlugin);
    settle(&mut app);
    let status = app.world().resource::<MidiInputs>().status.clone();
    // This machine has no sound devices; a machine with ports names them.
    assert!(
        status.starts_with("MIDI unavailable:")
            || status == "no MIDI input ports"
            || status.starts_with("MIDI in: "),
        "{status}"
    );
    for _ in 0..3 {
        app.update();
    }
    assert!(app.world().resource::<EditQueue>().last_error.is_none());
}
