//! Generative ops: drawings grown from fields and simulations (contours of a distance
//! field, metaballs, Voronoi partitions, reaction–diffusion), over the kit's grid fields.

pub(crate) mod isocontour;
pub(crate) mod metaball;
pub(crate) mod partition;
pub(crate) mod reaction_diffusion;
