pub(crate) mod arclength;
pub(crate) mod defaults;
pub(crate) mod fill_rule;
pub mod noise;
pub mod parallel;
pub(crate) mod planar;
pub(crate) mod random;
pub(crate) mod symmetry;
