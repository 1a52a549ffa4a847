//! MIDI input: every input port is connected at start (through `midir`); control changes
//! move the parameters the scene maps them to, through the edit path (a fader move is one
//! undo step, saved with the scene). Learning maps the next control moved to the
//! parameter touched last. With no MIDI system or no ports the status says so and
//! nothing else happens.

use std::sync::Mutex;
use std::sync::mpsc::{Receiver, channel};

use bevy::app::{App, Plugin, Startup, Update};
use bevy::ecs::resource::Resource;
use bevy::ecs::schedule::IntoScheduleConfigs;
use bevy::ecs::world::World;

use super::GraftSystems;
use super::document::{EditCommand, EditQueue, LastTouched, SceneDocument};
use crate::midi::{MidiDecoder, learn, mapping_for, scaled};

/// The MIDI inputs and what the panel shows of them.
#[derive(Resource, Default)]
pub struct MidiInputs {
    /// Ports connected, or why there are none.
    pub status: String,
    /// The next control moved is mapped to the parameter touched last.
    pub learning: bool,
    /// What the last learn did.
    pub learned: Option<String>,
    decoder: MidiDecoder,
    receiver: Option<Mutex<Receiver<Vec<u8>>>>,
    connections: Mutex<Vec<midir::MidiInputConnection<()>>>,
}

/// Merge key of control moves (one undo step per control until another edit).
const MIDI_MERGE: u64 = 0x4d49_4449_0000;

/// Opens the MIDI inputs at start and applies their messages each frame.
pub struct MidiPlugin;

impl Plugin for MidiPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<MidiInputs>()
            .add_systems(Startup, connect_inputs)
            .add_systems(Update, drain_inputs.before(GraftSystems::SceneSync));
    }
}

fn connect_inputs(world: &mut World) {
    let (tx, rx) = channel::<Vec<u8>>();
    let mut connections = Vec::new();
    let status = match midir::MidiInput::new("graft") {
        Err(e) => format!("MIDI unavailable: {e}"),
        Ok(probe) => {
            let ports = probe.ports();
            let mut names = Vec::new();
            for (k, port) in ports.iter().enumerate() {
                let name = probe
                    .port_name(port)
                    .unwrap_or_else(|_| format!("port {k}"));
                // `connect` takes the input: one per port.
                let Ok(input) = midir::MidiInput::new("graft") else {
                    continue;
                };
                let tx = tx.clone();
                match input.connect(
                    port,
                    "graft-in",
                    move |_, message, _| {
                        let _ = tx.send(message.to_vec());
                    },
                    (),
                ) {
                    Ok(c) => {
                        connections.push(c);
                        names.push(name);
                    }
                    Err(e) => bevy::log::warn!("MIDI port {name}: {e}"),
                }
            }
            if names.is_empty() {
                "no MIDI input ports".to_string()
            } else {
                format!("MIDI in: {}", names.join(", "))
            }
        }
    };
    let mut inputs = world.resource_mut::<MidiInputs>();
    inputs.status = status;
    inputs.receiver = Some(Mutex::new(rx));
    inputs.connections = Mutex::new(connections);
}

fn drain_inputs(world: &mut World) {
    let messages: Vec<Vec<u8>> = {
        let inputs = world.resource::<MidiInputs>();
        match &inputs.receiver {
            Some(rx) => rx
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .try_iter()
                .collect(),
            None => return,
        }
    };
    if !messages.is_empty() {
        apply_midi_messages(world, &messages);
    }
}

/// Applies MIDI messages: learns a mapping while learning, else moves mapped parameters
/// (the last position of each control in this batch wins) through the edit queue.
pub fn apply_midi_messages(world: &mut World, messages: &[Vec<u8>]) {
    let mut moves = Vec::new();
    {
        let mut inputs = world.resource_mut::<MidiInputs>();
        for message in messages {
            if let Some(m) = inputs.decoder.feed(message) {
                moves.push(m);
            }
        }
    }
    if moves.is_empty() {
        return;
    }
    if world.resource::<MidiInputs>().learning {
        let touched = world.resource::<LastTouched>().0.clone();
        let Some(touched) = touched else {
            world.resource_mut::<MidiInputs>().learned =
                Some("touch a parameter first, then move a control".into());
            return;
        };
        let last = *moves.last().expect("not empty");
        let mut doc = world.resource_mut::<SceneDocument>();
        let Some(scene) = doc.scene.as_mut() else {
            return;
        };
        let spec = scene.slot(&touched).map(|s| s.spec.clone());
        let message = match spec {
            Some(spec) if crate::midi::mappable(&spec) => {
                let mapping = learn(&mut scene.midi, &touched, &last);
                format!(
                    "CC {}{} (channel {}) moves {}",
                    mapping.control,
                    if mapping.fine { " 14-bit" } else { "" },
                    last.channel,
                    mapping.address
                )
            }
            _ => format!("{touched} cannot follow a control: touch a number, a switch or a choice"),
        };
        let mut inputs = world.resource_mut::<MidiInputs>();
        inputs.learned = Some(message);
        inputs.learning = false;
        return;
    }
    let Some(scene) = world.resource::<SceneDocument>().scene.clone() else {
        return;
    };
    let mut sets: Vec<(crate::ops::ParamAddress, crate::ops::RawParam, u8)> = Vec::new();
    for m in &moves {
        let Some(mapping) = mapping_for(&scene.midi, m) else {
            continue;
        };
        let position = if mapping.fine {
            world
                .resource::<MidiInputs>()
                .decoder
                .fine_value(m.channel, mapping.control)
        } else {
            m.value
        };
        let Some(slot) = scene.slot(&mapping.address) else {
            continue;
        };
        if let Some(raw) = scaled(slot.spec, position) {
            sets.retain(|(a, ..)| *a != mapping.address);
            sets.push((mapping.address.clone(), raw, mapping.control));
        }
    }
    let mut queue = world.resource_mut::<EditQueue>();
    for (address, raw, control) in sets {
        queue.commands.push(EditCommand::SetParams {
            sets: vec![(address, raw)],
            merge: Some(MIDI_MERGE | control as u64),
        });
    }
}
