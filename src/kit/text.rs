//! Free text from callers (reasons, notes, names, addresses): one set of rules, one error shape.

use crate::error::{AppError, AppResult};

/// What a text field must be.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    /// Longest accepted, in characters.
    pub max: usize,
    /// Whether absent or blank text is refused.
    pub required: bool,
    /// Whether line breaks are allowed (notes); other control characters never are.
    pub multiline: bool,
}

impl Text {
    /// Optional, one line, at most `max` characters.
    pub const fn optional(max: usize) -> Text {
        Text {
            max,
            required: false,
            multiline: false,
        }
    }

    /// Required, one line, at most `max` characters.
    pub const fn required(max: usize) -> Text {
        Text {
            max,
            required: true,
            multiline: false,
        }
    }

    /// The same rule, with line breaks allowed.
    pub const fn multiline(self) -> Text {
        Text {
            multiline: true,
            ..self
        }
    }
}

/// Checks `value` against `rule` and returns it trimmed (`None` when absent or blank and optional).
/// The error names `field`.
pub fn text(field: &str, value: Option<&str>, rule: Text) -> AppResult<Option<String>> {
    let trimmed = value.map(str::trim).filter(|t| !t.is_empty());
    let Some(t) = trimmed else {
        return if rule.required {
            Err(AppError::bad_input(field, "required; must not be blank"))
        } else {
            Ok(None)
        };
    };
    if t.chars().count() > rule.max {
        return Err(AppError::bad_input(
            field,
            format!("at most {} characters", rule.max),
        ));
    }
    let allowed = |c: char| rule.multiline && (c == '\n' || c == '\r' || c == '\t');
    if t.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(AppError::bad_input(field, "no control characters"));
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_printable() {
        let rule = Text::optional(5);
        assert_eq!(text("note", None, rule).ok(), Some(None));
        assert_eq!(text("note", Some("  "), rule).ok(), Some(None));
        assert_eq!(
            text("note", Some(" Hóa "), rule).ok(),
            Some(Some("Hóa".to_owned()))
        );
        assert!(text("note", Some("123456"), rule).is_err());
        assert!(text("note", Some("a\u{0}b"), rule).is_err());
        assert!(text("note", Some("a\nb"), rule).is_err());
        assert!(text("note", Some("a\nb"), rule.multiline()).is_ok());
    }

    #[test]
    fn required_text_names_its_field() {
        let err = text("reason", Some(" "), Text::required(500)).err();
        let field = match err {
            Some(AppError::BadUserInput { field, .. }) => field,
            _ => String::new(),
        };
        assert_eq!(field, "reason");
    }
}
