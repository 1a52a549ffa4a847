//! MIDI control change to parameters: decoding 7- and 14-bit CC messages, scaling them
//! to a parameter's slider range, and learning a mapping. Pure: the app feeds it the
//! bytes its MIDI input receives; tests feed it messages directly.

use crate::ops::{ParamAddress, ParamKind, ParamSpec, RawParam};

/// One control mapped to one parameter (kept in the scene file by address).
#[derive(Clone, Debug, PartialEq)]
pub struct MidiMapping {
    /// The parameter.
    pub address: ParamAddress,
    /// The controller number (0..=127; for 14-bit, the coarse one, 0..=31).
    pub control: u8,
    /// The channel (1..=16); `None`: any.
    pub channel: Option<u8>,
    /// 14-bit: `control` carries the coarse 7 bits, `control + 32` the fine ones.
    pub fine: bool,
}

/// A control's new position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ControlMove {
    /// Channel, 1..=16.
    pub channel: u8,
    /// Controller number as the mapping names it (the coarse one of a 14-bit pair).
    pub control: u8,
    /// Position, 0..=1.
    pub value: f64,
    /// The message was the fine half of a 14-bit pair (`control` is then the coarse).
    pub fine_half: bool,
}

/// Reads control change messages, remembering each channel's coarse and fine halves.
#[derive(Clone, Debug)]
pub struct MidiDecoder {
    /// Last 7-bit value per channel and controller.
    last: Vec<[u8; 128]>,
}

impl Default for MidiDecoder {
    fn default() -> Self {
        Self {
            last: vec![[0; 128]; 16],
        }
    }
}

impl MidiDecoder {
    /// The control move in `message`, if it is a control change (status 0xB0..=0xBF).
    /// A fine half (controllers 32..=63) is reported with its coarse partner's number
    /// and the 14-bit position.
    pub fn feed(&mut self, message: &[u8]) -> Option<ControlMove> {
        let [status, control, value, ..] = *message else {
            return None;
        };
        if status & 0xF0 != 0xB0 || control > 127 || value > 127 {
            return None;
        }
        let channel = status & 0x0F;
        self.last[channel as usize][control as usize] = value;
        let row = &self.last[channel as usize];
        if (32..64).contains(&control) {
            let coarse = control - 32;
            let v = ((row[coarse as usize] as u16) << 7 | value as u16) as f64 / 16383.0;
            return Some(ControlMove {
                channel: channel + 1,
                control: coarse,
                value: v,
                fine_half: true,
            });
        }
        Some(ControlMove {
            channel: channel + 1,
            control,
            value: value as f64 / 127.0,
            fine_half: false,
        })
    }

    /// The 14-bit position of a coarse controller and its fine partner, 0..=1.
    pub fn fine_value(&self, channel: u8, control: u8) -> f64 {
        let row = &self.last[(channel.clamp(1, 16) - 1) as usize];
        let (c, f) = (
            row[control as usize & 127],
            row[(control as usize + 32) & 127],
        );
        ((c as u16) << 7 | f as u16) as f64 / 16383.0
    }
}

/// Whether a parameter can follow a control: a number, a switch or a choice with a
/// slider range (vectors and text cannot).
pub fn mappable(spec: &ParamSpec) -> bool {
    match spec.kind {
        ParamKind::Float | ParamKind::Int => spec.ui_range.is_some(),
        ParamKind::Bool | ParamKind::Choice(_) => true,
        _ => false,
    }
}

/// The value a control at `position` (0..=1) gives the parameter: across its slider range
/// (integers rounded, within its hard bounds), a switch on past half way, a choice by
/// position.
pub fn scaled(spec: &ParamSpec, position: f64) -> Option<RawParam> {
    let u = position.clamp(0.0, 1.0);
    Some(match &spec.kind {
        ParamKind::Float | ParamKind::Int => {
            let (lo, hi) = spec.ui_range?;
            let mut v = lo + (hi - lo) * u;
            v = v
                .max(spec.min.unwrap_or(f64::NEG_INFINITY))
                .min(spec.max.unwrap_or(f64::INFINITY));
            if spec.kind == ParamKind::Int {
                RawParam::Num(v.round(), true)
            } else {
                RawParam::Num(v, false)
            }
        }
        ParamKind::Bool => RawParam::Bool(u >= 0.5),
        ParamKind::Choice(names) if !names.is_empty() => {
            let k = ((u * names.len() as f64) as usize).min(names.len() - 1);
            RawParam::Str(names[k].clone())
        }
        _ => return None,
    })
}

/// The mapping a move belongs to: same controller, and channel when the mapping names
/// one. A fine half counts only for 14-bit mappings.
pub fn mapping_for<'a>(mappings: &'a [MidiMapping], m: &ControlMove) -> Option<&'a MidiMapping> {
    mappings.iter().find(|map| {
        map.control == m.control
            && map.channel.is_none_or(|c| c == m.channel)
            && (map.fine || !m.fine_half)
    })
}

/// What learning makes of a move while `touched` is the parameter last touched: a new
/// mapping (replacing any of that parameter or that control). A move of a fine half
/// makes the mapping 14-bit.
pub fn learn(
    mappings: &mut Vec<MidiMapping>,
    touched: &ParamAddress,
    m: &ControlMove,
) -> MidiMapping {
    let mapping = MidiMapping {
        address: touched.clone(),
        control: m.control,
        channel: Some(m.channel),
        fine: m.fine_half
            || mappings
                .iter()
                .any(|x| x.address == *touched && x.control == m.control && x.fine),
    };
    mappings.retain(|x| {
        x.address != mapping.address && !(x.control == m.control && x.channel == mapping.channel)
    });
    mappings.push(mapping.clone());
    mapping
}
