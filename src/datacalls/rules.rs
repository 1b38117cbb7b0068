//! Cross-field rules of a form, written as the committees write them: `a + b <= c`, `adultsFull <=
//! adultsDose1`, `x - y >= 0`. Each side is a sum of field names and numbers joined by `+` and `-`; the
//! comparison is one of `<=`, `<`, `>=`, `>`, `=`. Pure: parsing names the fields a rule uses, checking
//! evaluates it over an answer's numeric values.

use std::collections::BTreeMap;

/// A term of a side: a field's value or a number, added or subtracted.
#[derive(Debug, Clone, PartialEq)]
enum Term {
    Field(String),
    Number(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Le,
    Lt,
    Ge,
    Gt,
    Eq,
}

/// A parsed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub text: String,
    left: Vec<(f64, Term)>,
    cmp: Cmp,
    right: Vec<(f64, Term)>,
}

fn side(text: &str) -> Result<Vec<(f64, Term)>, String> {
    let mut terms = Vec::new();
    let mut sign = 1.0;
    let mut expect_term = true;
    for token in text
        .replace('+', " + ")
        .replace('-', " - ")
        .split_whitespace()
    {
        match (token, expect_term) {
            ("-", true) if terms.is_empty() => sign = -1.0,
            ("+", false) => {
                sign = 1.0;
                expect_term = true;
            }
            ("-", false) => {
                sign = -1.0;
                expect_term = true;
            }
            (t, true) => {
                let term = match t.parse::<f64>() {
                    Ok(n) if n.is_finite() => Term::Number(n),
                    _ if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && t.starts_with(|c: char| c.is_ascii_alphabetic()) =>
                    {
                        Term::Field(t.to_string())
                    }
                    _ => return Err(format!("'{t}' is neither a field name nor a number")),
                };
                terms.push((sign, term));
                expect_term = false;
            }
            (t, _) => return Err(format!("unexpected '{t}'")),
        }
    }
    if expect_term {
        return Err("a side ends without a term".into());
    }
    Ok(terms)
}

impl Rule {
    /// Parses `a + b <= c`.
    pub fn parse(text: &str) -> Result<Rule, String> {
        let ops = [
            ("<=", Cmp::Le),
            (">=", Cmp::Ge),
            ("==", Cmp::Eq),
            ("<", Cmp::Lt),
            (">", Cmp::Gt),
            ("=", Cmp::Eq),
        ];
        let (at, op, cmp) = ops
            .iter()
            .find_map(|(op, cmp)| text.find(op).map(|at| (at, *op, *cmp)))
            .ok_or("no comparison (<=, <, >=, >, =)")?;
        let (left, right) = (&text[..at], &text[at + op.len()..]);
        if right.contains(['<', '>', '=']) {
            return Err("one comparison per rule".into());
        }
        Ok(Rule {
            text: text.trim().to_string(),
            left: side(left)?,
            cmp,
            right: side(right)?,
        })
    }

    /// The field names the rule uses.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.left
            .iter()
            .chain(&self.right)
            .filter_map(|(_, t)| match t {
                Term::Field(f) => Some(f.as_str()),
                Term::Number(_) => None,
            })
    }

    /// Whether the values satisfy the rule; `None` when a field it uses has no value (not checked).
    pub fn holds(&self, values: &BTreeMap<String, f64>) -> Option<bool> {
        let sum = |terms: &[(f64, Term)]| -> Option<f64> {
            terms.iter().try_fold(0.0, |acc, (sign, t)| {
                let v = match t {
                    Term::Number(n) => *n,
                    Term::Field(f) => *values.get(f)?,
                };
                Some(acc + sign * v)
            })
        };
        let (l, r) = (sum(&self.left)?, sum(&self.right)?);
        // A tolerance for decimal fields: 0.1 + 0.2 = 0.3 holds.
        let eps = 1e-9 * l.abs().max(r.abs()).max(1.0);
        Some(match self.cmp {
            Cmp::Le => l <= r + eps,
            Cmp::Lt => l < r - eps,
            Cmp::Ge => l + eps >= r,
            Cmp::Gt => l > r + eps,
            Cmp::Eq => (l - r).abs() <= eps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn a_sum_against_a_field_at_its_boundary() {
        let rule = Rule::parse("a + b <= c").expect("rule");
        assert_eq!(rule.fields().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(
            rule.holds(&values(&[("a", 2.0), ("b", 3.0), ("c", 5.0)])),
            Some(true)
        );
        assert_eq!(
            rule.holds(&values(&[("a", 2.0), ("b", 4.0), ("c", 5.0)])),
            Some(false)
        );
        assert_eq!(rule.holds(&values(&[("a", 2.0), ("c", 5.0)])), None);
    }

    #[test]
    fn numbers_minus_and_strict_comparisons() {
        let rule = Rule::parse("x - y > 10").expect("rule");
        assert_eq!(rule.holds(&values(&[("x", 21.0), ("y", 10.0)])), Some(true));
        assert_eq!(
            rule.holds(&values(&[("x", 20.0), ("y", 10.0)])),
            Some(false)
        );
        assert!(
            Rule::parse("0.1 + 0.2 = 0.3")
                .expect("rule")
                .holds(&values(&[]))
                == Some(true)
        );
    }

    #[test]
    fn malformed_rules_are_refused() {
        for bad in ["a + b", "a + <= c", "a <= b <= c", "a + $ <= c", "<= c"] {
            assert!(Rule::parse(bad).is_err(), "{bad}");
        }
    }
}
