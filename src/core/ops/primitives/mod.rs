pub(crate) mod basic;
pub(crate) mod curves;
pub(crate) mod lsystem;
pub(crate) mod shapes;
pub(crate) mod solids;
pub(crate) mod svg_import;
pub(crate) mod text;
