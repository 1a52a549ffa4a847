//! Parameter expressions of time `t` (seconds), e.g. `"sin(t * 2) * 10"`.

use std::fmt;
use std::sync::Arc;

use exmex::prelude::*;

use super::message::shorten;

/// A parsed expression whose only variable is `t`.
#[derive(Clone)]
pub struct Expr {
    source: Arc<str>,
    compiled: Arc<FlatEx<f64>>,
    uses_t: bool,
}

/// Longest expression accepted (characters): expressions are parsed on the main thread.
pub const MAX_EXPR_LEN: usize = 1000;
/// Deepest nesting of parentheses accepted.
pub const MAX_EXPR_DEPTH: usize = 32;

/// The functions an expression may call, for messages.
pub const EXPR_FUNCTIONS: &str = "sin cos tan asin acos atan sinh cosh tanh abs signum floor ceil round trunc fract sqrt cbrt exp ln log log2 log10";

/// An expression of `t` that cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ExprError {
    /// Not a valid expression.
    #[error("cannot parse expression \"{text}\": {message}")]
    Parse {
        /// The expression as written.
        text: String,
        /// The parser's reason.
        message: String,
    },
    /// A variable other than `t`.
    #[error(
        "expression \"{text}\" uses unknown variable '{name}': only t (time in seconds) is allowed; \
         functions: {functions}; constants PI TAU E", functions = EXPR_FUNCTIONS
    )]
    UnknownVariable {
        /// The expression as written.
        text: String,
        /// The variable.
        name: String,
    },
    /// A call of a function that does not exist.
    #[error("expression \"{text}\" calls unknown function '{name}'; functions: {functions}", functions = EXPR_FUNCTIONS)]
    UnknownFunction {
        /// The expression as written.
        text: String,
        /// The name called.
        name: String,
    },
    /// Longer than allowed.
    #[error("an expression of {len} characters is too long: at most {max}")]
    TooLong {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Nested deeper than allowed.
    #[error("expression \"{text}\" nests {depth} parentheses deep: at most {max}")]
    TooDeep {
        /// The expression (shortened).
        text: String,
        /// Its nesting.
        depth: usize,
        /// The limit.
        max: usize,
    },
    /// Evaluation failed.
    #[error("expression \"{text}\" failed: {message}")]
    Eval {
        /// The expression as written.
        text: String,
        /// Why.
        message: String,
    },
    /// The value is NaN or infinite.
    #[error("expression \"{text}\" is not finite at t = {t}")]
    NotFinite {
        /// The expression as written.
        text: String,
        /// The time evaluated at.
        t: f64,
    },
}

/// Numbers in scientific notation (`1e12`, `2.5E-3`) written out in plain decimals,
/// which the parser reads (it takes `e` for Euler's number).
fn expand_exponents(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts_number {
            out.push(source[i..].chars().next().unwrap());
            i += source[i..].chars().next().unwrap().len_utf8();
            continue;
        }
        let mut j = i;
        while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b'.') {
            j += 1;
        }
        let mut k = j;
        if k < bytes.len() && (bytes[k] == b'e' || bytes[k] == b'E') {
            k += 1;
            if k < bytes.len() && (bytes[k] == b'+' || bytes[k] == b'-') {
                k += 1;
            }
            let digits = k;
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
            let ends = k == bytes.len() || !(bytes[k].is_ascii_alphanumeric() || bytes[k] == b'_');
            if k > digits
                && ends
                && let Ok(v) = source[i..k].parse::<f64>()
            {
                out.push_str(&format!("{v}"));
                i = k;
                continue;
            }
        }
        out.push_str(&source[i..j]);
        i = j;
    }
    out
}

/// Why exmex refused `source`, in words a user can act on.
fn explain(source: &str, message: String) -> ExprError {
    // An identifier called like a function that is not one.
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let name = &source[start..i];
            let called = source[i..].trim_start().starts_with('(');
            if called && exmex::parse::<f64>(&format!("{name}(1)")).is_err() {
                return ExprError::UnknownFunction {
                    text: source.into(),
                    name: name.into(),
                };
            }
        } else {
            i += 1;
        }
    }
    ExprError::Parse {
        text: source.into(),
        message,
    }
}

impl Expr {
    /// Parses `source`; the only variable allowed is `t`.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        let len = source.chars().count();
        if len > MAX_EXPR_LEN {
            return Err(ExprError::TooLong {
                len,
                max: MAX_EXPR_LEN,
            });
        }
        let mut depth = 0usize;
        let mut deepest = 0usize;
        for c in source.chars() {
            match c {
                '(' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                ')' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if deepest > MAX_EXPR_DEPTH {
            return Err(ExprError::TooDeep {
                text: shorten(source),
                depth: deepest,
                max: MAX_EXPR_DEPTH,
            });
        }
        let compiled = exmex::parse::<f64>(&expand_exponents(source))
            .map_err(|e| explain(source, e.to_string()))?;
        let vars = compiled.var_names();
        if let Some(bad) = vars.iter().find(|v| v.as_str() != "t") {
            return Err(ExprError::UnknownVariable {
                text: source.into(),
                name: bad.clone(),
            });
        }
        Ok(Expr {
            uses_t: !vars.is_empty(),
            source: source.into(),
            compiled: Arc::new(compiled),
        })
    }

    /// The text the expression was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// True when the value changes with `t`.
    pub fn uses_t(&self) -> bool {
        self.uses_t
    }

    /// Value at time `t`.
    pub fn eval(&self, t: f64) -> Result<f64, ExprError> {
        let args: &[f64] = if self.uses_t { &[t] } else { &[] };
        let v = self.compiled.eval(args).map_err(|e| ExprError::Eval {
            text: self.source.to_string(),
            message: e.to_string(),
        })?;
        if v.is_finite() {
            Ok(v)
        } else {
            Err(ExprError::NotFinite {
                text: self.source.to_string(),
                t,
            })
        }
    }
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl fmt::Debug for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Expr({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_t() {
        let e = Expr::parse("2 * t + 1").unwrap();
        assert!(e.uses_t());
        assert_eq!(e.eval(3.0).unwrap(), 7.0);
        assert!(!Expr::parse("sin(0) + 4").unwrap().uses_t());
    }

    #[test]
    fn scientific_notation_and_limits() {
        assert_eq!(Expr::parse("t * 1e1").unwrap().eval(2.0).unwrap(), 20.0);
        assert_eq!(
            Expr::parse("2.5E-1 + 1e+2").unwrap().eval(0.0).unwrap(),
            100.25
        );
        // Euler's number and names with digits are left alone.
        assert!(
            (Expr::parse("E * 1").unwrap().eval(0.0).unwrap() - std::f64::consts::E).abs() < 1e-12
        );
        assert!(matches!(
            Expr::parse("foo(t)").unwrap_err(),
            ExprError::UnknownFunction { ref name, .. } if name == "foo"
        ));
        let long = "t+".repeat(600) + "t";
        assert!(matches!(
            Expr::parse(&long).unwrap_err(),
            ExprError::TooLong { .. }
        ));
        for f in EXPR_FUNCTIONS.split_whitespace() {
            assert!(Expr::parse(&format!("{f}(0.5)")).is_ok(), "{f}");
        }
        let deep = "sin(".repeat(40) + "t" + &")".repeat(40);
        assert!(matches!(
            Expr::parse(&deep).unwrap_err(),
            ExprError::TooDeep { depth: 40, .. }
        ));
    }

    #[test]
    fn rejects_other_variables() {
        let err = Expr::parse("x * t").unwrap_err();
        assert_eq!(
            err,
            ExprError::UnknownVariable {
                text: "x * t".into(),
                name: "x".into()
            }
        );
        assert!(err.to_string().contains("unknown variable 'x'"), "{err}");
    }
}
