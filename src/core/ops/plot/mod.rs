pub(crate) mod dedupe;
pub(crate) mod passes;
