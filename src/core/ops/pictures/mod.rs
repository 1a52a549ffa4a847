//! Pictures into lines: primitives that read an image (a path beside the scene, decoded
//! once and shared) and draw its tones. One module a mode; [`source`] reads, places,
//! tones and masks the image, and declares the controls every mode shares.

pub mod edges;
pub mod flow_lines;
pub mod halftone;
pub mod source;
pub mod squiggle;
pub mod stipple;
pub mod tone_contour;
pub mod tone_hatch;
