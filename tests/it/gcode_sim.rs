//! A small G-code reader that simulates a pen plotter (GRBL-like modal state), used to
//! check every G-code file the tests write: feeds in force, the pen's path, the paper
//! margin, and that comments carry no commands.

use graft::export::{GcodeProfile, PenControl};

/// What a file makes the machine do.
#[derive(Debug, Default)]
pub struct Simulation {
    /// Pen-down moves, machine coordinates (from, to).
    pub down_segments: Vec<((f64, f64), (f64, f64))>,
    /// Times the pen was lowered.
    pub pen_downs: usize,
    /// Pen-down XY moves at the travel feed (a travel drawn by mistake).
    pub travels_with_pen_down: usize,
    /// Feed moves (G1) with no feed in force: GRBL refuses them (error:22).
    pub moves_without_feed: usize,
    /// Comment lines holding a carriage return (a controller would run what follows).
    pub commands_in_comments: usize,
    /// Lines the reader did not understand.
    pub unknown: Vec<String>,
}

fn words(code: &str) -> Vec<(char, f64)> {
    code.split_whitespace()
        .filter_map(|w| {
            let letter = w.chars().next()?.to_ascii_uppercase();
            Some((letter, w[1..].parse().ok()?))
        })
        .collect()
}

/// Simulates `gcode` written with `profile`.
pub fn simulate(gcode: &str, profile: &GcodeProfile) -> Simulation {
    let mut sim = Simulation::default();
    let (mut feed, mut xy, mut down) = (None::<f64>, None::<(f64, f64)>, false);
    let (up_cmds, down_cmds) = match &profile.pen {
        PenControl::Commands { up, down } => (up.clone(), down.clone()),
        PenControl::Z { .. } => (vec![], vec![]),
    };
    for line in gcode.split('\n') {
        let (code, comment) = match line.find(';') {
            Some(i) => (&line[..i], &line[i..]),
            None => (line, ""),
        };
        if comment.contains('\r') || code.contains('\r') {
            sim.commands_in_comments += 1;
        }
        let code = code.trim();
        if code.is_empty() {
            continue;
        }
        if up_cmds.iter().any(|c| c == code) {
            down = false;
            continue;
        }
        if down_cmds.iter().any(|c| c == code) {
            down = true;
            sim.pen_downs += 1;
            continue;
        }
        let w = words(code);
        let motion = w.iter().find(|(l, _)| *l == 'G').map(|(_, v)| *v as i32);
        if let Some(f) = w.iter().find(|(l, _)| *l == 'F') {
            feed = Some(f.1);
        }
        match motion {
            Some(0) | Some(1) => {
                if motion == Some(1) && feed.is_none() {
                    sim.moves_without_feed += 1;
                }
                if let Some(&(_, z)) = w.iter().find(|(l, _)| *l == 'Z')
                    && let PenControl::Z { down: zd, .. } = profile.pen
                {
                    let lowered = z <= zd + 1e-9;
                    if lowered && !down {
                        sim.pen_downs += 1;
                    }
                    down = lowered;
                }
                let x = w.iter().find(|(l, _)| *l == 'X').map(|p| p.1);
                let y = w.iter().find(|(l, _)| *l == 'Y').map(|p| p.1);
                if x.is_some() || y.is_some() {
                    let from = xy;
                    let to = (
                        x.or(from.map(|p| p.0)).unwrap_or(0.0),
                        y.or(from.map(|p| p.1)).unwrap_or(0.0),
                    );
                    if down {
                        sim.down_segments
                            .push((from.expect("a draw move starts somewhere"), to));
                        if feed == Some(profile.travel_feed) && motion == Some(1) {
                            sim.travels_with_pen_down += 1;
                        }
                    }
                    xy = Some(to);
                }
            }
            // Units and positioning modes of the default header.
            Some(21) | Some(90) => {}
            _ => sim.unknown.push(code.to_string()),
        }
    }
    assert!(!down, "the file must end with the pen up");
    sim
}

/// Checks what every G-code file must satisfy: a feed for every feed move, no command
/// hidden in a comment, and every pen-down point within the machine rectangle of the
/// paper minus its margin (`paper` is the canvas width and height in mm).
pub fn assert_plotter_safe(gcode: &str, profile: &GcodeProfile, paper: (f64, f64)) -> Simulation {
    let sim = simulate(gcode, profile);
    assert_eq!(sim.moves_without_feed, 0, "G1 without a feed:\n{gcode}");
    assert_eq!(
        sim.commands_in_comments, 0,
        "a command in a comment:\n{gcode}"
    );
    assert_eq!(sim.travels_with_pen_down, 0);
    let m = profile.paper_margin;
    let (ox, oy) = profile.origin;
    for (a, b) in &sim.down_segments {
        for p in [a, b] {
            assert!(
                p.0 >= m + ox - 1e-9
                    && p.0 <= paper.0 - m + ox + 1e-9
                    && p.1 >= m + oy - 1e-9
                    && p.1 <= paper.1 - m + oy + 1e-9,
                "pen-down point {p:?} outside the paper minus its {m} mm margin"
            );
        }
    }
    sim
}
