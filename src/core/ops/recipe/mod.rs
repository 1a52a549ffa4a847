pub(crate) mod address;
pub(crate) mod chain;
pub(crate) mod registry;
