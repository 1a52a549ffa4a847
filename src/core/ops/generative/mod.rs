//! Generative ops: drawings grown from fields and simulations (contours of a distance
//! field, metaballs, Voronoi partitions, reaction–diffusion, woven webs and relaxed
//! networks, asemic writing, conformal grids), over the kit's grid fields and graphs.

pub(crate) mod asemic;
pub(crate) mod conformal_grid;
pub(crate) mod growth;
pub(crate) mod isocontour;
pub(crate) mod metaball;
pub(crate) mod partition;
pub(crate) mod reaction_diffusion;
pub(crate) mod relax;
pub(crate) mod weave;
