//! G-code export for pen plotters: paper-margin clipping, pen up/down as Z moves or
//! command lines, travel optimisation, machine origin and Y flip, fixed decimals.

use rstar::RTree;
use rstar::primitives::GeomWithData;
use serde::{Deserialize, Serialize};

use super::fmt::push_fixed;
use crate::core::drawing::Canvas;
use crate::core::drawing::{CoordinateError, Drawing, DrawnLayer};

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

/// A layer name as it may appear in a G-code comment: control characters (which would
/// end the comment and start a command) become spaces, and long names are cut.
pub fn comment_text(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(80)
        .collect()
}

/// One G-code file and what its travel optimisation achieved.
#[derive(Clone, Debug, PartialEq)]
pub struct GcodeFile {
    /// File contents.
    pub text: String,
    /// Pen-up travel in drawing order before optimisation (mm).
    pub travel_before_mm: f64,
    /// Pen-up travel as written (mm).
    pub travel_after_mm: f64,
}

type Pt = [f64; 2];

/// A run of a polyline inside the safe rectangle.
struct Fragment {
    source: usize,
    points: Vec<Pt>,
}

impl Fragment {
    fn start(&self) -> Pt {
        self.points[0]
    }
    fn end(&self) -> Pt {
        self.points[self.points.len() - 1]
    }
}

/// A fragment in plotting order, possibly reversed.
#[derive(Clone, Copy)]
struct Step {
    fragment: usize,
    reversed: bool,
}

fn dist(a: Pt, b: Pt) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Clips segment a→b to the rectangle (Liang–Barsky); returns the parameters kept.
fn clip_segment(a: Pt, b: Pt, r: [f64; 4]) -> Option<(f64, f64)> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-d[0], a[0] - r[0]),
        (d[0], r[2] - a[0]),
        (-d[1], a[1] - r[1]),
        (d[1], r[3] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then_some((t0, t1))
}

/// Splits a layer's polylines into the runs that lie inside `rect` (x0, y0, x1, y1).
fn clip_layer(layer: &DrawnLayer, rect: [f64; 4]) -> Vec<Fragment> {
    let mut out = Vec::new();
    for (source, line) in layer.geometry.lines().enumerate() {
        let mut current: Vec<Pt> = Vec::new();
        let mut flush = |current: &mut Vec<Pt>| {
            if current.len() >= 2 {
                out.push(Fragment {
                    source,
                    points: std::mem::take(current),
                });
            }
            current.clear();
        };
        for w in line.windows(2) {
            let (a, b) = (
                [w[0].x as f64, w[0].y as f64],
                [w[1].x as f64, w[1].y as f64],
            );
            let Some((t0, t1)) = clip_segment(a, b, rect) else {
                flush(&mut current);
                continue;
            };
            let at = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
            if t0 > 0.0 || current.is_empty() {
                flush(&mut current);
                current.push(at(t0));
            }
            let q = at(t1);
            if dist(q, *current.last().unwrap()) > 1e-9 {
                current.push(q);
            }
            if t1 < 1.0 {
                flush(&mut current);
            }
        }
        flush(&mut current);
    }
    out
}

/// Greedy nearest-next order of `fragments[range]`, the first one fixed.
fn order_within(
    fragments: &[Fragment],
    range: std::ops::Range<usize>,
    allow_reverse: bool,
    plan: &mut Vec<Step>,
) {
    let mut left: Vec<usize> = range.clone().skip(1).collect();
    plan.push(Step {
        fragment: range.start,
        reversed: false,
    });
    let mut pos = fragments[range.start].end();
    while !left.is_empty() {
        let mut best = (f64::INFINITY, 0, false);
        for (k, &f) in left.iter().enumerate() {
            let fr = &fragments[f];
            let d = dist(pos, fr.start());
            if d < best.0 {
                best = (d, k, false);
            }
            if allow_reverse {
                let d = dist(pos, fr.end());
                if d < best.0 {
                    best = (d, k, true);
                }
            }
        }
        let f = left.remove(best.1);
        pos = if best.2 {
            fragments[f].start()
        } else {
            fragments[f].end()
        };
        plan.push(Step {
            fragment: f,
            reversed: best.2,
        });
    }
}

/// Greedy nearest-next order of all fragments, on an R-tree of their endpoints.
fn order_across(fragments: &[Fragment], allow_reverse: bool) -> Vec<Step> {
    type Endpoint = GeomWithData<Pt, (u32, bool)>;
    let mut plan = Vec::with_capacity(fragments.len());
    if fragments.is_empty() {
        return plan;
    }
    let mut endpoints: Vec<Endpoint> = Vec::with_capacity(fragments.len() * 2);
    for (i, f) in fragments.iter().enumerate().skip(1) {
        endpoints.push(Endpoint::new(f.start(), (i as u32, false)));
        if allow_reverse {
            endpoints.push(Endpoint::new(f.end(), (i as u32, true)));
        }
    }
    let mut tree = RTree::bulk_load(endpoints);
    plan.push(Step {
        fragment: 0,
        reversed: false,
    });
    let mut pos = fragments[0].end();
    while let Some(nearest) = tree.nearest_neighbor(pos).cloned() {
        tree.remove(&nearest);
        let (i, reversed) = nearest.data;
        let f = &fragments[i as usize];
        if allow_reverse {
            let other = if reversed { f.start() } else { f.end() };
            tree.remove(&Endpoint::new(other, (i, !reversed)));
        }
        pos = if reversed { f.start() } else { f.end() };
        plan.push(Step {
            fragment: i as usize,
            reversed,
        });
    }
    plan
}

/// Plans the order of a layer's fragments.
fn plan_layer(fragments: &[Fragment], profile: &GcodeProfile) -> Vec<Step> {
    if profile.sort_polylines {
        return order_across(fragments, profile.allow_reverse);
    }
    let mut plan = Vec::with_capacity(fragments.len());
    let mut start = 0;
    while start < fragments.len() {
        let source = fragments[start].source;
        let end = start
            + fragments[start..]
                .iter()
                .take_while(|f| f.source == source)
                .count();
        if profile.optimize_travel {
            order_within(fragments, start..end, profile.allow_reverse, &mut plan);
        } else {
            plan.extend((start..end).map(|fragment| Step {
                fragment,
                reversed: false,
            }));
        }
        start = end;
    }
    plan
}

/// Pen-up travel of a plan (bridged gaps are drawn, not travelled).
fn travel(fragments: &[Fragment], plan: &[Step], bridge: f64) -> f64 {
    let mut total = 0.0;
    for w in plan.windows(2) {
        let (a, b) = (&fragments[w[0].fragment], &fragments[w[1].fragment]);
        let from = if w[0].reversed { a.start() } else { a.end() };
        let to = if w[1].reversed { b.end() } else { b.start() };
        let d = dist(from, to);
        if !(a.source == b.source && d < bridge) {
            total += d;
        }
    }
    total
}

/// Streams G-code lines, tracking pen state, feed and position.
struct Writer<'a> {
    profile: &'a GcodeProfile,
    paper_height: f64,
    scale: f64,
    /// Machine units (x, y) the paper minus its margin covers.
    allowed: [(i64, i64); 2],
    out: String,
    pen_down: Option<bool>,
    feed: Option<f64>,
    at: Option<(i64, i64)>,
}

impl Writer<'_> {
    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn pen(&mut self, down: bool) {
        if self.pen_down == Some(down) {
            return;
        }
        self.pen_down = Some(down);
        match &self.profile.pen {
            // Raising is a rapid move (no feed needed, safe as the very first move);
            // lowering carries its feed, so a feed is in force for every G1.
            PenControl::Z { up, .. } if !down => {
                self.out.push_str("G0 Z");
                push_fixed(&mut self.out, *up, self.profile.decimals);
                self.out.push('\n');
            }
            PenControl::Z { down: z, .. } => {
                let feed = self.profile.draw_feed;
                self.out.push_str("G1 Z");
                push_fixed(&mut self.out, *z, self.profile.decimals);
                self.out.push_str(" F");
                push_fixed(&mut self.out, feed, 0);
                self.out.push('\n');
                self.feed = Some(feed);
            }
            PenControl::Commands { up, down: d } => {
                for l in if down { d.clone() } else { up.clone() } {
                    self.line(&l);
                }
            }
        }
    }

    /// Moves to canvas point `p` at `feed`, skipping moves that round to the current spot.
    fn move_to(&mut self, p: Pt, feed: f64) -> Result<(), GcodeError> {
        let x = p[0] + self.profile.origin.0;
        let y = if self.profile.y_flip {
            self.paper_height - p[1]
        } else {
            p[1]
        } + self.profile.origin.1;
        let [ax, ay] = self.allowed;
        let q = (
            ((x * self.scale).round() as i64).clamp(ax.0, ax.1),
            ((y * self.scale).round() as i64).clamp(ay.0, ay.1),
        );
        if self.at == Some(q) {
            return Ok(());
        }
        for (axis, v, range) in [
            ("x", q.0, self.profile.bed_x),
            ("y", q.1, self.profile.bed_y),
        ] {
            let v = v as f64 / self.scale;
            if let Some((lo, hi)) = range
                && !(lo..=hi).contains(&v)
            {
                return Err(GcodeError::OutsideBed {
                    axis,
                    value: v,
                    lo,
                    hi,
                });
            }
        }
        self.at = Some(q);
        let d = self.profile.decimals;
        // The numbers written are the held units, not the raw coordinates.
        self.out.push_str("G1 X");
        push_fixed(&mut self.out, q.0 as f64 / self.scale, d);
        self.out.push_str(" Y");
        push_fixed(&mut self.out, q.1 as f64 / self.scale, d);
        if self.feed != Some(feed) {
            self.feed = Some(feed);
            self.out.push_str(" F");
            push_fixed(&mut self.out, feed, 0);
        }
        self.out.push('\n');
        Ok(())
    }
}

/// Writes G-code for `layers` of `drawing` (all of them in one file).
fn write_file(
    drawing: &Drawing,
    layers: &[usize],
    profile: &GcodeProfile,
) -> Result<GcodeFile, GcodeError> {
    profile.validate(&drawing.canvas)?;
    drawing.check_coordinates()?;
    let (w, h, m) = (
        drawing.canvas.width,
        drawing.canvas.height,
        profile.paper_margin,
    );
    let rect = [m, m, w - m, h - m];
    let scale = 10f64.powi(profile.decimals as i32);
    // Coordinates are rounded to `decimals` after clipping: a point on the margin may
    // round outside it, so written numbers are held to the margin in machine units.
    let inside = |lo: f64, hi: f64| {
        (
            (lo * scale - 1e-6).ceil() as i64,
            (hi * scale + 1e-6).floor() as i64,
        )
    };
    let (ox, oy) = profile.origin;
    let allowed = [
        inside(m + ox, w - m + ox),
        // With the flip, machine y = h - y: the same band, mirrored.
        inside(m + oy, h - m + oy),
    ];
    let mut wr = Writer {
        profile,
        paper_height: h,
        scale,
        allowed,
        out: String::new(),
        pen_down: None,
        feed: None,
        at: None,
    };
    wr.line("; graft G-code");
    for l in &profile.header {
        wr.line(l);
    }
    wr.pen(false);
    let (mut before, mut after) = (0.0, 0.0);
    for (written, &index) in layers.iter().enumerate() {
        let layer = &drawing.layers[index];
        if written > 0 && !profile.pen_change.is_empty() {
            // Pen up before the pause: the operator changes pens at a raised carriage.
            wr.pen(false);
            let name = comment_text(&layer.name);
            for l in &profile.pen_change {
                wr.line(
                    &l.replace("{n}", &(index + 1).to_string())
                        .replace("{name}", &name),
                );
            }
        }
        wr.line(&format!(
            "; layer {}: {}",
            index + 1,
            comment_text(&layer.name)
        ));
        let fragments = clip_layer(layer, rect);
        let unoptimised: Vec<Step> = (0..fragments.len())
            .map(|fragment| Step {
                fragment,
                reversed: false,
            })
            .collect();
        let planned = plan_layer(&fragments, profile);
        let in_order = travel(&fragments, &unoptimised, profile.bridge_distance);
        let optimised = travel(&fragments, &planned, profile.bridge_distance);
        // A greedy order can lose to the drawing's own: never write a longer travel.
        let (plan, travelled) = if optimised <= in_order {
            (planned, optimised)
        } else {
            (unoptimised, in_order)
        };
        before += in_order;
        after += travelled;
        let mut previous: Option<(usize, Pt)> = None;
        for step in &plan {
            let f = &fragments[step.fragment];
            let points: Vec<Pt> = if step.reversed {
                f.points.iter().rev().copied().collect()
            } else {
                f.points.clone()
            };
            let bridged = matches!(previous, Some((source, end)) if source == f.source && dist(end, points[0]) < profile.bridge_distance);
            if bridged {
                wr.move_to(points[0], profile.draw_feed)?;
            } else {
                wr.pen(false);
                wr.move_to(points[0], profile.travel_feed)?;
                wr.pen(true);
            }
            for &p in &points[1..] {
                wr.move_to(p, profile.draw_feed)?;
            }
            previous = Some((f.source, *points.last().unwrap()));
        }
    }
    wr.pen(false);
    for l in &profile.footer {
        wr.line(l);
    }
    Ok(GcodeFile {
        text: wr.out,
        travel_before_mm: before,
        travel_after_mm: after,
    })
}

/// G-code of every layer of `drawing` in one file.
pub fn to_gcode(drawing: &Drawing, profile: &GcodeProfile) -> Result<GcodeFile, GcodeError> {
    write_file(
        drawing,
        &(0..drawing.layers.len()).collect::<Vec<_>>(),
        profile,
    )
}

/// One G-code file per layer, in layer order.
pub fn to_gcode_per_layer(
    drawing: &Drawing,
    profile: &GcodeProfile,
) -> Result<Vec<GcodeFile>, GcodeError> {
    (0..drawing.layers.len())
        .map(|i| write_file(drawing, &[i], profile))
        .collect()
}

/// File name suffix of layer `index` of `count`: `_layer001_name` (name sanitised, ≤ 32 chars).
pub fn layer_suffix(index: usize, count: usize, name: &str) -> String {
    let width = count.to_string().len().max(3);
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(32)
        .collect();
    format!("_layer{:0width$}_{clean}", index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liang_barsky_clips_both_ends() {
        let r = [0.0, 0.0, 10.0, 10.0];
        assert_eq!(
            clip_segment([-5.0, 5.0], [15.0, 5.0], r),
            Some((0.25, 0.75))
        );
        assert_eq!(clip_segment([-5.0, -5.0], [-1.0, 20.0], r), None);
        assert_eq!(clip_segment([1.0, 1.0], [2.0, 2.0], r), Some((0.0, 1.0)));
    }
}
