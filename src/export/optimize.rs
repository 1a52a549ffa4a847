//! Plot preparation of a drawing: the plot passes applied layer by layer, with the
//! pen-up travel before and after (`graft optimize`).

use std::sync::Arc;

use crate::export::{Drawing, DrawnLayer};
use crate::geometry::{Polylines, input_order, line_length, travel_of};
use crate::ops::{
    Deduplicate, EvalContext, Evaluate, Linemerge, Linesort, OpError, Reloop, Simplify,
};

/// Which passes `optimize` runs, in this order: deduplicate, linemerge, simplify,
/// linesort, reloop.
#[derive(Clone, Debug, Default)]
pub struct OptimizeOptions {
    /// Deduplicate at this tolerance (mm).
    pub dedupe: Option<f64>,
    /// Merge polylines whose ends meet within this tolerance (mm).
    pub linemerge: Option<f64>,
    /// Simplify within this tolerance (mm).
    pub simplify: Option<f64>,
    /// Reorder (and reverse) polylines to shorten pen-up travel.
    pub linesort: bool,
    /// With `linesort`, only the greedy tour (no improvement phase).
    pub greedy: bool,
    /// Start closed polylines near the previous end.
    pub reloop: bool,
}

/// What `optimize` changed.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OptimizeReport {
    /// Pen-down length before (mm).
    pub pen_down_before: f64,
    /// Pen-down length after (mm).
    pub pen_down_after: f64,
    /// Pen-up travel between polylines before, per layer summed (mm).
    pub travel_before: f64,
    /// The same after.
    pub travel_after: f64,
    /// Polylines before and after.
    pub polylines: (usize, usize),
}

fn pen_down(p: &Polylines) -> f64 {
    p.lines().map(line_length).sum()
}

/// Runs the passes of `opts` on every layer of `drawing`.
pub fn optimize(
    drawing: &Drawing,
    opts: &OptimizeOptions,
    ctx: &EvalContext,
) -> Result<(Drawing, OptimizeReport), OpError> {
    let mut report = OptimizeReport::default();
    let mut layers = Vec::with_capacity(drawing.layers.len());
    for layer in &drawing.layers {
        let before = &*layer.geometry;
        report.pen_down_before += pen_down(before);
        report.travel_before += travel_of(before, &input_order(before));
        report.polylines.0 += before.line_count();
        let mut g = before.clone();
        if let Some(tolerance) = opts.dedupe {
            g = Deduplicate {
                tolerance,
                merge_chains: true,
            }
            .apply(&g, ctx)?;
        }
        if let Some(tolerance) = opts.linemerge {
            g = Linemerge {
                tolerance,
                allow_reverse: true,
            }
            .apply(&g, ctx)?;
        }
        if let Some(tolerance) = opts.simplify {
            g = Simplify {
                tolerance,
                ..Default::default()
            }
            .apply(&g, ctx)?;
        }
        if opts.linesort {
            g = Linesort {
                allow_reverse: true,
                improve: !opts.greedy,
            }
            .apply(&g, ctx)?;
        }
        if opts.reloop {
            g = Reloop::default().apply(&g, ctx)?;
        }
        report.pen_down_after += pen_down(&g);
        report.travel_after += travel_of(&g, &input_order(&g));
        report.polylines.1 += g.line_count();
        layers.push(DrawnLayer {
            geometry: Arc::new(g),
            ..layer.clone()
        });
    }
    Ok((
        Drawing {
            canvas: drawing.canvas.clone(),
            layers,
        },
        report,
    ))
}
