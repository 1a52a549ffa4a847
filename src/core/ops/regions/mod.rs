pub(crate) mod boolean;
pub(crate) mod buffer;
pub(crate) mod clip;
pub(crate) mod crop;
pub(crate) mod occult;
pub(crate) mod offset_curve;
pub(crate) mod warp;
