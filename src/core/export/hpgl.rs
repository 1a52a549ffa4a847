//! HPGL for pen plotters: one pen per layer (`SP n`), pen-up moves and pen-down runs in
//! plotter units, y pointing up from the paper's bottom edge as HPGL has it.

use std::fmt::Write as _;

use crate::core::drawing::Drawing;

/// A plotter HPGL is written for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HpglDevice {
    /// Name as given to `--hpgl-device`.
    pub name: &'static str,
    /// Plotter units per millimetre.
    pub units_per_mm: f64,
    /// Largest paper the device takes (mm, either way round).
    pub max_paper_mm: (f64, f64),
    /// Pens the device holds.
    pub pens: usize,
}

/// The devices graft knows.
pub const HPGL_DEVICES: &[HpglDevice] = &[
    HpglDevice {
        name: "hp7475a",
        units_per_mm: 40.0,
        max_paper_mm: (420.0, 297.0),
        pens: 6,
    },
    HpglDevice {
        name: "hp7440a",
        units_per_mm: 40.0,
        max_paper_mm: (297.0, 210.0),
        pens: 8,
    },
    HpglDevice {
        name: "generic",
        units_per_mm: 40.0,
        max_paper_mm: (10_000.0, 10_000.0),
        pens: 255,
    },
];

/// The device called `name`.
pub fn hpgl_device(name: &str) -> Result<HpglDevice, HpglError> {
    HPGL_DEVICES
        .iter()
        .find(|d| d.name == name)
        .copied()
        .ok_or_else(|| HpglError::UnknownDevice {
            name: name.chars().take(40).collect(),
            known: HPGL_DEVICES
                .iter()
                .map(|d| d.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// Why HPGL could not be written.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum HpglError {
    /// No such device.
    #[error("unknown HPGL device '{name}'; known devices: {known}")]
    UnknownDevice {
        /// What was asked for.
        name: String,
        /// The devices graft knows.
        known: String,
    },
    /// The paper is larger than the device takes.
    #[error("the {w} × {h} mm paper does not fit the {device} (at most {max_w} × {max_h} mm)")]
    PaperTooLarge {
        /// Device name.
        device: &'static str,
        /// Paper width.
        w: f64,
        /// Paper height.
        h: f64,
        /// Largest width.
        max_w: f64,
        /// Largest height.
        max_h: f64,
    },
    /// More layers than pens.
    #[error("the {device} holds {pens} pens; this drawing has {layers} layers (one pen each)")]
    TooManyLayers {
        /// Device name.
        device: &'static str,
        /// Its pens.
        pens: usize,
        /// Layers drawn.
        layers: usize,
    },
    /// A point lies off the paper.
    #[error(
        "layer '{layer}' has a point at ({x:.3}, {y:.3}) mm, off the {w} × {h} mm paper; the plotter would draw past the sheet"
    )]
    OffPaper {
        /// Layer name.
        layer: String,
        /// x in mm.
        x: f64,
        /// y in mm.
        y: f64,
        /// Paper width.
        w: f64,
        /// Paper height.
        h: f64,
    },
}

/// The drawing as HPGL for `device`: `IN`, then per layer `SP n` and its polylines as
/// `PU x,y;PD x,y,…;`, then `PU;SP0;`. Nothing is written for a drawing that does not
/// fit the paper or the pens.
pub fn to_hpgl(drawing: &Drawing, device: &HpglDevice) -> Result<String, HpglError> {
    let (w, h) = (drawing.canvas.width, drawing.canvas.height);
    let (mw, mh) = device.max_paper_mm;
    let fits = (w <= mw + 1e-9 && h <= mh + 1e-9) || (w <= mh + 1e-9 && h <= mw + 1e-9);
    if !fits {
        return Err(HpglError::PaperTooLarge {
            device: device.name,
            w,
            h,
            max_w: mw,
            max_h: mh,
        });
    }
    let drawn: Vec<_> = drawing
        .layers
        .iter()
        .filter(|l| l.geometry.lines().any(|p| p.len() >= 2))
        .collect();
    if drawn.len() > device.pens {
        return Err(HpglError::TooManyLayers {
            device: device.name,
            pens: device.pens,
            layers: drawn.len(),
        });
    }
    let k = device.units_per_mm;
    let mut out = String::from("IN;\n");
    for (i, layer) in drawn.iter().enumerate() {
        let _ = writeln!(out, "SP{};", i + 1);
        for line in layer.geometry.lines().filter(|p| p.len() >= 2) {
            let mut units = Vec::with_capacity(line.len());
            for p in line {
                let (x, y) = (p.x as f64, p.y as f64);
                if !(x.is_finite()
                    && y.is_finite()
                    && (0.0..=w).contains(&x)
                    && (0.0..=h).contains(&y))
                {
                    return Err(HpglError::OffPaper {
                        layer: layer.name.clone(),
                        x,
                        y,
                        w,
                        h,
                    });
                }
                // HPGL's y grows upwards from the bottom edge.
                units.push(((x * k).round() as i64, ((h - y) * k).round() as i64));
            }
            let _ = write!(out, "PU{},{};PD", units[0].0, units[0].1);
            for (j, (x, y)) in units[1..].iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{x},{y}");
            }
            out.push_str(";\n");
        }
    }
    out.push_str("PU;SP0;\n");
    Ok(out)
}
