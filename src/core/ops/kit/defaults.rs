//! Defaults shared across the catalogue.

use crate::geometry::Vec3;

/// Default centre: the middle of an A4 portrait sheet, in mm.
pub const A4_CENTER: Vec3 = Vec3::new(105.0, 148.5, 0.0);

/// Largest sample/segment count a primitive accepts (the budget still applies).
pub(crate) const MAX_SAMPLES: f64 = 10_000_000.0;
