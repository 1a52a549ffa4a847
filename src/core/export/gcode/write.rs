//! Writing: the planned fragments as G-code text, fixed decimals, one header and
//! footer per file.

use super::fmt_push::push_fixed;
use super::plan::{Pt, Step, clip_layer, dist, plan_layer, travel};
use super::{GcodeError, GcodeFile, GcodeProfile, PenControl, comment_text};
use crate::core::drawing::Drawing;

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
pub(super) fn write_file(
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
