//! Pictures into lines: primitives that read an image (a path beside the scene, decoded
//! once and shared) and draw its tones. One module a mode; [`source`] reads, places and
//! tones the image.

pub mod source;
pub mod tone_contour;
