//! Parameter expressions of time `t` (seconds), e.g. `"sin(t * 2) * 10"`.

use std::fmt;
use std::sync::Arc;

use exmex::prelude::*;

use super::error::ExprError;

/// A parsed expression whose only variable is `t`.
#[derive(Clone)]
pub struct Expr {
    source: Arc<str>,
    compiled: Arc<FlatEx<f64>>,
    uses_t: bool,
}

impl Expr {
    /// Parses `source`; the only variable allowed is `t`.
    pub fn parse(source: &str) -> Result<Expr, ExprError> {
        let compiled = exmex::parse::<f64>(source).map_err(|e| ExprError::Parse {
            text: source.into(),
            message: e.to_string(),
        })?;
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
