//! The id of a rebalancing suggestion: what to move, where, as opaque text. It carries no authority:
//! turning it into a request re-checks everything.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult};

const PREFIX: &str = "s1:";

/// Longest id accepted.
const MAX_LEN: usize = 128;

/// What a suggestion moves: `doses` from lot `lot_id` to district `to_district_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestedMove {
    pub lot_id: i32,
    pub to_district_id: i32,
    pub doses: i64,
}

pub fn encode(m: SuggestedMove) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{PREFIX}{}:{}:{}",
        m.lot_id, m.to_district_id, m.doses
    ))
}

/// BAD_USER_INPUT (`suggestionId`) for anything [`encode`] did not make.
pub fn decode(id: &str) -> AppResult<SuggestedMove> {
    let bad = || AppError::bad_input("suggestionId", "not an id from rebalancingSuggestions");
    if id.len() > MAX_LEN {
        return Err(bad());
    }
    let bytes = URL_SAFE_NO_PAD.decode(id).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = text.strip_prefix(PREFIX).ok_or_else(bad)?.split(':');
    let lot_id = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let to_district_id = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let doses = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(SuggestedMove {
        lot_id,
        to_district_id,
        doses,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: AppResult<SuggestedMove>) -> Option<String> {
        match result {
            Err(AppError::BadUserInput { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn an_id_decodes_to_what_it_encodes() {
        let m = SuggestedMove {
            lot_id: 42,
            to_district_id: 381,
            doses: 1_500,
        };
        let id = encode(m);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(decode(&id).ok(), Some(m));
    }

    #[test]
    fn anything_else_is_bad_input_on_the_id() {
        let made = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for id in [
            String::new(),
            "not base64!".to_owned(),
            made("s2:1:2:3"),
            made("s1:1:2"),
            made("s1:1:2:3:4"),
            made("s1:a:2:3"),
            made("s1:1:2:99999999999999999999"),
            URL_SAFE_NO_PAD.encode([0xff, 0xfe]),
            "A".repeat(MAX_LEN + 1),
        ] {
            assert_eq!(
                field_of(decode(&id)).as_deref(),
                Some("suggestionId"),
                "{id}"
            );
        }
    }
}
