//! How an op fails. An op returns an [`OpFailure`] (what went wrong); whoever ran it
//! wraps it in an [`OpError`] with the op's name, so callers can tell an op over
//! budget from other failures without reading the text.

/// What went wrong in one op, without its name.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OpFailure {
    /// The output would pass the op's own limit (estimated before the work).
    #[error("would produce {count} {what}, over the budget of {max}; lower the parameters")]
    OverBudget {
        /// What is counted: "vertices", "polylines", "grid cells", …
        what: &'static str,
        /// How many the parameters ask for.
        count: u64,
        /// The most allowed.
        max: u64,
    },
    /// The layers together would pass the scene's geometry budget.
    #[error(
        "the scene's geometry would pass its budget of {max} vertices: this layer's stages have made {this}, the other layers hold {others}; lower the parameters or raise the scene budget"
    )]
    OverSceneBudget {
        /// The scene's limit.
        max: u64,
        /// What this layer's stages have made so far.
        this: u64,
        /// What the other layers hold.
        others: u64,
    },
    /// The output holds NaN or infinity.
    #[error(
        "produced a non-finite coordinate (point {index}: {point:?}); lower sizes such as scale, length or amplitude"
    )]
    NonFinite {
        /// Index of the first bad point.
        index: usize,
        /// Its coordinates.
        point: [f32; 3],
    },
    /// The parameters or the input cannot be used together (said in plain words).
    #[error("{0}")]
    BadInput(String),
    /// A file the op reads (a font, a drawing) is missing or unreadable.
    #[error("{0}")]
    File(String),
    /// The op panicked; the message is the panic's.
    #[error("panicked: {0}")]
    Panicked(String),
    /// The geometry another layer or shape provides is not there.
    #[error("'{0}' has no geometry")]
    MissingInput(String),
    /// A newer request replaced this evaluation before it finished.
    #[error("cancelled: a newer request replaced it")]
    Cancelled,
}

impl OpFailure {
    /// A failure of parameters or input, in plain words.
    pub fn bad_input(message: impl Into<String>) -> Self {
        OpFailure::BadInput(message.into())
    }

    /// Refuses an estimate `count` (in floating point: it may be huge or not finite) of
    /// `what` when it is over `max`.
    pub fn check_estimate(what: &'static str, count: f64, max: u64) -> Result<(), OpFailure> {
        if count <= max as f64 {
            return Ok(());
        }
        Err(OpFailure::OverBudget {
            what,
            count: if count.is_finite() {
                count as u64
            } else {
                u64::MAX
            },
            max,
        })
    }

    /// True for both budgets (the op's and the scene's): the parameters ask for too much.
    pub fn is_over_budget(&self) -> bool {
        matches!(
            self,
            OpFailure::OverBudget { .. } | OpFailure::OverSceneBudget { .. }
        )
    }
}

/// An op's failure with the op's name.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("op '{op}': {failure}")]
pub struct OpError {
    /// Name of the failing op.
    pub op: String,
    /// What went wrong.
    #[source]
    pub failure: OpFailure,
}

impl OpError {
    /// Op `op` failed with `failure`.
    pub fn new(op: &str, failure: OpFailure) -> Self {
        Self {
            op: op.into(),
            failure,
        }
    }

    /// What went wrong, without the op's name.
    pub fn message(&self) -> String {
        self.failure.to_string()
    }
}
