//! The G-code profile: pen control, feeds, origin, paper margin and the checks that
//! keep a profile safe for a plotter.

use serde::{Deserialize, Serialize};

use crate::core::drawing::{Canvas, CoordinateError};

/// How the pen is raised and lowered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PenControl {
    /// Pen on the Z axis: `G1 Z<up>` / `G1 Z<down>`.
    Z {
        /// Pen-up height.
        up: f64,
        /// Pen-down height.
        down: f64,
    },
    /// Pen driven by commands (servo plotters), e.g. `up: ["M5"], down: ["M3 S30"]`.
    Commands {
        /// Lines sent to raise the pen.
        up: Vec<String>,
        /// Lines sent to lower the pen.
        down: Vec<String>,
    },
}

/// A plotter's G-code dialect and the export options. Every field has a default, so a
/// scene lists only what differs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GcodeProfile {
    /// Feed of pen-up moves, mm/min. Default 3000.
    pub travel_feed: f64,
    /// Feed of pen-down moves, mm/min. Default 1500.
    pub draw_feed: f64,
    /// Pen up/down. Default `Z(up: 3.0, down: -1.0)`.
    pub pen: PenControl,
    /// Lines written before the drawing. Default: millimetres, absolute positioning.
    pub header: Vec<String>,
    /// Lines written after the drawing (after the final pen-up). Default none.
    pub footer: Vec<String>,
    /// Lines written between layers in one file, with the pen up: a pause to change
    /// pens, e.g. `["M0 ; insert pen {n}: {name}"]` (`{n}` the next layer's number,
    /// `{name}` its name, only inside a comment). Default none.
    pub pen_change: Vec<String>,
    /// Machine y = paper height − canvas y (machines with y up). Default true.
    pub y_flip: bool,
    /// Machine coordinates of the paper's corner, added after the flip. Default (0, 0).
    pub origin: (f64, f64),
    /// Decimals of every number, 0..=6. Default 3.
    pub decimals: u32,
    /// Nothing is drawn closer than this to the paper edge (mm). Default 2.
    pub paper_margin: f64,
    /// If set, any machine x outside (min, max) is an error.
    pub bed_x: Option<(f64, f64)>,
    /// If set, any machine y outside (min, max) is an error.
    pub bed_y: Option<(f64, f64)>,
    /// Reorder the clipped fragments of each polyline by nearest neighbour. Default true.
    pub optimize_travel: bool,
    /// Reorder the polylines of each layer by nearest neighbour (changes drawing order). Default false.
    pub sort_polylines: bool,
    /// Allow drawing fragments/polylines backwards when it saves travel. Default true.
    pub allow_reverse: bool,
    /// Pieces of the same polyline closer than this are joined with the pen down (mm). Default 0.5.
    pub bridge_distance: f64,
    /// Acceleration of the machine (mm/s²), for the plot time estimate. Default 1000.
    pub acceleration: f64,
    /// Time the pen takes to go up or down (s), for the plot time estimate. Default 0.15.
    pub pen_delay: f64,
}

impl GcodeProfile {
    /// Estimated plot time (s) of a drawing with these totals: each segment and each
    /// pen-up move accelerates from rest to its feed and back (a trapezoid: length / speed
    /// + speed / acceleration), and each polyline lifts and lowers the pen once. Real
    /// planners blend corners, so this is an upper bound on the motion time.
    pub fn plot_seconds(
        &self,
        pen_down_mm: f64,
        pen_up_mm: f64,
        segments: usize,
        polylines: usize,
    ) -> f64 {
        let a = self.acceleration.max(1e-9);
        let (draw, travel) = (
            self.draw_feed.max(1e-9) / 60.0,
            self.travel_feed.max(1e-9) / 60.0,
        );
        pen_down_mm / draw
            + segments as f64 * draw / a
            + pen_up_mm / travel
            + polylines as f64 * (travel / a + 2.0 * self.pen_delay)
    }
}

impl Default for GcodeProfile {
    fn default() -> Self {
        Self {
            travel_feed: 3000.0,
            draw_feed: 1500.0,
            pen: PenControl::Z {
                up: 3.0,
                down: -1.0,
            },
            header: vec![
                "G21 ; millimetres".into(),
                "G90 ; absolute positioning".into(),
            ],
            footer: vec![],
            pen_change: vec![],
            y_flip: true,
            origin: (0.0, 0.0),
            decimals: 3,
            paper_margin: 2.0,
            bed_x: None,
            bed_y: None,
            optimize_travel: true,
            sort_polylines: false,
            allow_reverse: true,
            bridge_distance: 0.5,
            acceleration: 1000.0,
            pen_delay: 0.15,
        }
    }
}

/// Why G-code could not be written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GcodeError {
    /// A field of the profile is out of range.
    #[error("gcode.{field} = {value} is not allowed: {allowed}")]
    Profile {
        /// The field, as in the scene's `export.gcode`.
        field: &'static str,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A point cannot be written.
    #[error(transparent)]
    Coordinates(#[from] CoordinateError),
    /// A move would leave the machine's bed.
    #[error(
        "machine {axis} = {value} is outside bed_{axis} ({lo}, {hi}); check origin, y_flip and bed ranges"
    )]
    OutsideBed {
        /// `x` or `y`.
        axis: &'static str,
        /// The machine coordinate (mm).
        value: f64,
        /// The bed's low end.
        lo: f64,
        /// The bed's high end.
        hi: f64,
    },
}

fn profile_error(
    field: &'static str,
    value: impl std::fmt::Display,
    allowed: String,
) -> GcodeError {
    GcodeError::Profile {
        field,
        value: value.to_string(),
        allowed,
    }
}

impl GcodeProfile {
    /// Checks the profile against the paper; the message names the field and what is allowed.
    pub fn validate(&self, canvas: &Canvas) -> Result<(), GcodeError> {
        self.validate_fields()?;
        let m = self.paper_margin;
        if 2.0 * m >= canvas.width.min(canvas.height) {
            return Err(profile_error(
                "paper_margin",
                m,
                format!(
                    "use less than half the paper's short side ({} mm)",
                    canvas.width.min(canvas.height) / 2.0
                ),
            ));
        }
        Ok(())
    }

    /// Checks every field on its own (what a scene file is checked for when read).
    pub fn validate_fields(&self) -> Result<(), GcodeError> {
        let positive = |name: &'static str, v: f64| {
            if v.is_finite() && v > 0.0 && v <= 1e6 {
                Ok(())
            } else {
                Err(profile_error(
                    name,
                    v,
                    "use a feed in mm/min, > 0 and <= 1000000".into(),
                ))
            }
        };
        positive("travel_feed", self.travel_feed)?;
        positive("draw_feed", self.draw_feed)?;
        if self.decimals > 6 {
            return Err(profile_error("decimals", self.decimals, "use 0..=6".into()));
        }
        let a = self.acceleration;
        if !(a.is_finite() && a > 0.0 && a <= 1e6) {
            return Err(profile_error(
                "acceleration",
                a,
                "use mm/s², > 0 and <= 1000000".into(),
            ));
        }
        let d = self.pen_delay;
        if !(d.is_finite() && (0.0..=60.0).contains(&d)) {
            return Err(profile_error(
                "pen_delay",
                d,
                "use seconds in 0..=60".into(),
            ));
        }
        let m = self.paper_margin;
        if !(m.is_finite() && (0.0..=MAX_MACHINE_MM).contains(&m)) {
            return Err(profile_error(
                "paper_margin",
                m,
                "use a margin in mm, >= 0 (and less than half the paper's short side)".into(),
            ));
        }
        if !(self.bridge_distance.is_finite() && self.bridge_distance >= 0.0) {
            return Err(profile_error(
                "bridge_distance",
                self.bridge_distance,
                "use a finite number >= 0".into(),
            ));
        }
        for (name, range) in [("bed_x", self.bed_x), ("bed_y", self.bed_y)] {
            if let Some((lo, hi)) = range
                && !(lo.is_finite() && hi.is_finite() && lo < hi)
            {
                return Err(profile_error(
                    name,
                    format!("({lo}, {hi})"),
                    "use (min, max) with min < max".into(),
                ));
            }
        }
        let (ox, oy) = self.origin;
        if !(ox.is_finite()
            && oy.is_finite()
            && ox.abs() <= MAX_MACHINE_MM
            && oy.abs() <= MAX_MACHINE_MM)
        {
            return Err(profile_error(
                "origin",
                format!("({ox}, {oy})"),
                format!("use finite machine coordinates within ±{MAX_MACHINE_MM} mm"),
            ));
        }
        for (name, range) in [("bed_x", self.bed_x), ("bed_y", self.bed_y)] {
            if let Some((lo, hi)) = range
                && (lo.abs() > MAX_MACHINE_MM || hi.abs() > MAX_MACHINE_MM)
            {
                return Err(profile_error(
                    name,
                    format!("({lo}, {hi})"),
                    format!("use machine coordinates within ±{MAX_MACHINE_MM} mm"),
                ));
            }
        }
        match &self.pen {
            PenControl::Z { up, down } => {
                let sane = |z: f64| z.is_finite() && z.abs() <= MAX_Z_MM;
                if !(sane(*up) && sane(*down)) || up <= down {
                    return Err(profile_error(
                        "pen",
                        format!("Z(up: {up}, down: {down})"),
                        format!("use finite heights within ±{MAX_Z_MM} mm with up > down"),
                    ));
                }
            }
            PenControl::Commands { up, down } => {
                check_lines("pen (up)", up)?;
                check_lines("pen (down)", down)?;
                if up.is_empty() || down.is_empty() {
                    return Err(profile_error(
                        "pen",
                        "Commands with an empty list",
                        "give at least one line to raise and one to lower the pen".into(),
                    ));
                }
            }
        }
        check_lines("header", &self.header)?;
        check_lines("footer", &self.footer)?;
        check_lines("pen_change", &self.pen_change)?;
        // A layer's name is text from the scene: never where it could be a command.
        if let Some(bad) = self.pen_change.iter().find(|l| {
            l.find("{name}")
                .is_some_and(|at| l.find(';').is_none_or(|c| c > at))
        }) {
            return Err(profile_error(
                "pen_change",
                format!("{bad:?}"),
                "put {name} after a ';' (in a comment), e.g. \"M0 ; insert pen {n}: {name}\""
                    .into(),
            ));
        }
        Ok(())
    }
}

/// Largest machine coordinate accepted (mm): 10 m, beyond any plotter.
const MAX_MACHINE_MM: f64 = 10_000.0;
/// Largest pen height accepted (mm).
const MAX_Z_MM: f64 = 1_000.0;

/// Lines the profile writes verbatim: one G-code line each, so no line breaks or other
/// control characters (a `\r` would start a second command on the controller).
fn check_lines(field: &'static str, lines: &[String]) -> Result<(), GcodeError> {
    match lines.iter().find(|l| l.chars().any(char::is_control)) {
        Some(bad) => Err(profile_error(
            field,
            format!("{bad:?}"),
            "use one G-code line per item, without line breaks or control characters".into(),
        )),
        None => Ok(()),
    }
}
