//! The errors of ops' parameters, schemas and the registry. Each names what is wrong and
//! what is allowed; the scene reader adds file, line and column around them.

pub use super::message::shorten;

/// A colour that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ColorError {
    /// `#` followed by something other than hex digits.
    #[error("'{0}' is not a hex colour")]
    NotHex(String),
    /// Hex with a wrong number of digits.
    #[error("'{0}' must have 3, 6 or 8 hex digits")]
    DigitCount(String),
    /// Neither hex nor a known name.
    #[error("'{text}' is not a colour: use #rrggbb or one of {names}")]
    Unknown {
        /// The text given.
        text: String,
        /// The colour names allowed.
        names: String,
    },
}

/// A parameter value that its spec does not allow.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValueError {
    /// The right kind, outside the domain.
    #[error("value {value} is not allowed: expected {allowed}")]
    OutOfDomain {
        /// The value as written in a scene file.
        value: String,
        /// What is allowed.
        allowed: String,
    },
    /// A number so small that ids (and so the op) would see 0 instead.
    #[error(
        "value {value} is not allowed: it is below 0.001, the finest step graft tells apart, and would act as 0; use 0 or at least 0.001"
    )]
    BelowQuantum {
        /// The value as written.
        value: String,
    },
    /// A value of another kind.
    #[error("expected {allowed}, found {found}")]
    WrongKind {
        /// What is allowed.
        allowed: String,
        /// What was given, in words.
        found: String,
    },
    /// An expression that cannot be used.
    #[error(transparent)]
    Expr(#[from] super::expr::ExprError),
    /// A colour that cannot be read.
    #[error(transparent)]
    Color(#[from] ColorError),
}

/// A parameter of an op call that is wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParamError {
    /// The op has no such parameter.
    #[error("op '{op}' has no parameter '{name}'; valid names: {valid}")]
    Unknown {
        /// The op.
        op: String,
        /// The name asked for.
        name: String,
        /// The op's parameter names.
        valid: String,
    },
    /// The parameter's value is not allowed.
    #[error("{op}.{param}: {error}")]
    Invalid {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
        /// What is wrong with the value.
        #[source]
        error: ValueError,
    },
    /// A reference parameter names geometry that cannot be read.
    #[error("{op}.{param}: {error}")]
    Reference {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
        /// What is wrong with the reference.
        #[source]
        error: super::reference::RefError,
    },
    /// A typed op was registered under another name.
    #[error("op '{declared}' was registered under the name '{registered}'")]
    NameMismatch {
        /// The name in the declaration.
        declared: String,
        /// The name in the registry.
        registered: String,
    },
    /// A typed op's struct does not match the schema it was registered with.
    #[error("op '{op}': the registered schema does not match its declaration")]
    SchemaMismatch {
        /// The op.
        op: String,
    },
}

impl ParamError {
    /// `op.param: error`.
    pub fn invalid(op: &str, param: &str, error: ValueError) -> Self {
        Self::Invalid {
            op: op.into(),
            param: param.into(),
            error,
        }
    }
}

/// An op declaration that is not well formed (custom ops are checked on registration).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SchemaError {
    /// The op's name is not an identifier.
    #[error("op name '{0}' must be an identifier (letters, digits, _)")]
    OpName(String),
    /// A parameter's name is not an identifier, or is `enabled`.
    #[error("op '{op}': parameter name '{param}' must be an identifier other than 'enabled'")]
    ParamName {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
    },
    /// Two parameters share a name.
    #[error("op '{op}': parameter '{param}' is declared twice")]
    Duplicate {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
    },
    /// `min` is above `max`.
    #[error("op '{op}': parameter '{param}' has min > max")]
    EmptyRange {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
    },
    /// The default is outside the parameter's own domain.
    #[error("op '{op}': default of parameter '{param}': {error}")]
    Default {
        /// The op.
        op: String,
        /// The parameter.
        param: String,
        /// Why the default is refused.
        #[source]
        error: ValueError,
    },
}

/// Why a recipe could not be evaluated: a parameter, or an op.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A parameter is not allowed at this time.
    #[error(transparent)]
    Param(#[from] ParamError),
    /// An op failed.
    #[error(transparent)]
    Op(#[from] super::failure::OpError),
    /// The layers and shapes cannot be put in an order (a cycle, a missing name).
    #[error("{0}")]
    Graph(String),
}

/// An op name that the registry cannot resolve or accept.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RegistryError {
    /// The schema is not well formed.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// The name is taken.
    #[error("an op named '{0}' is already registered")]
    Taken(String),
    /// No op has this name.
    #[error("unknown {noun} '{name}'; valid {plural}: {valid}")]
    Unknown {
        /// "op", "primitive" or "effect".
        noun: &'static str,
        /// The name asked for.
        name: String,
        /// "ops", "primitives" or "effects".
        plural: &'static str,
        /// The valid names.
        valid: String,
    },
    /// The op exists but is of the other kind.
    #[error("'{name}' is {is}, not {wanted}; valid {plural}: {valid}")]
    WrongKind {
        /// The name asked for.
        name: String,
        /// "a primitive" or "an effect".
        is: &'static str,
        /// "a primitive" or "an effect".
        wanted: &'static str,
        /// "primitives" or "effects".
        plural: &'static str,
        /// The valid names of the wanted kind.
        valid: String,
    },
    /// A parameter of the call is wrong.
    #[error(transparent)]
    Param(#[from] ParamError),
}
