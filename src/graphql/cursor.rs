//! Cursors of the Relay connections: a row's position and a MAC over the field it came from and that
//! field's arguments (filter, order), keyed by the server's secret, so a cursor from one list or filter
//! cannot be replayed against another, nor made up.

use async_graphql::{Name, Value};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{AppError, AppResult};
use crate::keyset::Position;

/// Bumped whenever a position's spelling changes, so an old cursor is refused rather than misread
/// (k3: time positions in nanoseconds).
const CURSOR_VERSION: &str = "k3";
/// Bytes of the MAC kept in a cursor.
const TAG_BYTES: usize = 12;
const MAX_CURSOR_LEN: usize = 128;

/// Seals and opens the cursors of one list field called with one set of arguments.
#[derive(Clone)]
pub struct CursorSeal {
    mac: Hmac<Sha256>,
}

impl CursorSeal {
    /// A seal for `field` called with `arguments` (paging arguments excluded), under `key`.
    pub fn new(key: &[u8], field: &str, arguments: &[(Name, Value)]) -> CursorSeal {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(field.as_bytes());
        let mut args: Vec<_> = arguments
            .iter()
            .filter(|(name, value)| {
                !matches!(name.as_str(), "first" | "after") && *value != Value::Null
            })
            .collect();
        args.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, value) in args {
            mac.update(b"\0");
            mac.update(name.as_bytes());
            mac.update(b"=");
            mac.update(canonical(value).as_bytes());
        }
        CursorSeal { mac }
    }

    fn tag(&self, position: &str) -> Vec<u8> {
        let mut mac = self.mac.clone();
        mac.update(b"\0");
        mac.update(position.as_bytes());
        mac.finalize().into_bytes()[..TAG_BYTES].to_vec()
    }

    pub fn encode(&self, position: Position) -> String {
        let text = position_text(position);
        let tag = hex(&self.tag(&text));
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(format!("{CURSOR_VERSION}:{text}:{tag}"))
    }

    pub fn decode(&self, cursor: &str) -> AppResult<Position> {
        let bad = || AppError::bad_input("after", "not a cursor returned by this list and filter");
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(bad());
        }
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .map_err(|_| bad())?;
        let text = String::from_utf8(bytes).map_err(|_| bad())?;
        let rest = text
            .strip_prefix(CURSOR_VERSION)
            .and_then(|r| r.strip_prefix(':'))
            .ok_or_else(bad)?;
        let (position, tag) = rest.rsplit_once(':').ok_or_else(bad)?;
        let mut mac = self.mac.clone();
        mac.update(b"\0");
        mac.update(position.as_bytes());
        let tag = unhex(tag)
            .filter(|t| t.len() == TAG_BYTES)
            .ok_or_else(bad)?;
        mac.verify_truncated_left(&tag).map_err(|_| bad())?;
        parse_position(position).ok_or_else(bad)
    }
}

fn position_text(p: Position) -> String {
    match p.at {
        Some(at) => format!("{at}.{}", p.id),
        None => p.id.to_string(),
    }
}

fn parse_position(text: &str) -> Option<Position> {
    let (at, id) = match text.split_once('.') {
        Some((at, id)) => (Some(at.parse::<i128>().ok()?), id),
        None => (None, text),
    };
    let id = id.parse::<i64>().ok().filter(|id| *id >= 0)?;
    Some(Position { at, id })
}

/// One spelling per value: object keys sorted, so `{a: 1, b: 2}` and `{b: 2, a: 1}` seal alike.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map
                .iter()
                .filter(|(_, v)| **v != Value::Null)
                .map(|(k, v)| format!("{k}:{}", canonical(v)))
                .collect();
            entries.sort();
            format!("{{{}}}", entries.join(","))
        }
        Value::List(items) => {
            let items: Vec<_> = items.iter().map(canonical).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex digits only, as [`hex`] writes them: a cursor has one spelling, so an edited one
/// (`4E` for `4e`, or `+e` for `0e`, which `u8::from_str_radix` both accept) is refused.
fn unhex(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks_exact(2)
        .map(|pair| Some((digit(pair[0])? << 4) | digit(pair[1])?))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, Value)]) -> Vec<(Name, Value)> {
        pairs
            .iter()
            .map(|(n, v)| (Name::new(n), v.clone()))
            .collect()
    }

    fn filter(status: &str) -> Value {
        let mut map = async_graphql::indexmap::IndexMap::new();
        map.insert(Name::new("status"), Value::Enum(Name::new(status)));
        Value::Object(map)
    }

    /// The seal of `field` under `key`, called with a filter on `status`.
    fn filtered(key: &[u8], field: &str, status: &str) -> CursorSeal {
        CursorSeal::new(key, field, &args(&[("filter", filter(status))]))
    }

    #[test]
    fn cursors_round_trip() {
        let seal = filtered(b"key", "transfers", "APPROVED");
        for p in [
            Position::id(0),
            Position::id(42),
            Position {
                at: Some(-5),
                id: 7,
            },
        ] {
            assert_eq!(seal.decode(&seal.encode(p)).ok(), Some(p));
        }
    }

    #[test]
    fn cursors_are_bound_to_field_filter_and_key() {
        let base = filtered(b"key", "transfers", "APPROVED");
        let cursor = base.encode(Position::id(42));
        let paged = CursorSeal::new(
            b"key",
            "transfers",
            &args(&[("filter", filter("APPROVED")), ("first", Value::from(5))]),
        );
        assert!(
            paged.decode(&cursor).is_ok(),
            "page size is not part of the list"
        );
        for other in [
            filtered(b"key", "transfers", "DISPATCHED"),
            CursorSeal::new(b"key", "transfers", &[]),
            filtered(b"key", "screenings", "APPROVED"),
            filtered(b"other", "transfers", "APPROVED"),
        ] {
            assert!(other.decode(&cursor).is_err());
        }
    }

    #[test]
    fn forged_cursors_are_refused() {
        let seal = CursorSeal::new(b"key", "transfers", &[]);
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let genuine = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(seal.encode(Position::id(42)))
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        let tag = genuine
            .rsplit_once(':')
            .map(|(_, t)| t.to_owned())
            .unwrap_or_default();
        for forged in [
            b64(&format!("k2:43:{tag}")),
            b64("k2:42"),
            b64("k2:42:"),
            b64(&format!("k2:42:{}", &tag[..4])),
            b64(&format!("k1:42:{tag}")),
            b64(&format!("k2:-1:{tag}")),
            b64("k1:42"),
            "!!!".to_owned(),
            "A".repeat(200),
        ] {
            assert!(seal.decode(&forged).is_err(), "{forged}");
        }
    }

    #[test]
    fn a_cursor_has_one_spelling() {
        // fuzz/regressions/cursor/uppercase-hex-tag.bin: the tag's hex was read case-insensitively and
        // with an optional sign, so edited cursors opened.
        let seal = CursorSeal::new(b"key", "transfers", &[]);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let genuine = String::from_utf8(
            b64.decode(seal.encode(Position::id(42)))
                .unwrap_or_default(),
        )
        .unwrap_or_default();
        let (position, tag) = genuine.rsplit_once(':').unwrap_or_default();
        assert!(seal.decode(&b64.encode(&genuine)).is_ok());
        let upper = format!("{position}:{}", tag.to_uppercase());
        let signed = format!("{position}:+{}", &tag[1..]);
        for edited in [upper, signed] {
            if edited != genuine {
                assert!(seal.decode(&b64.encode(&edited)).is_err(), "{edited}");
            }
        }
        assert_eq!(unhex("0a+a"), None);
        assert_eq!(unhex("0A"), None);
        assert_eq!(unhex("0aff"), Some(vec![10, 255]));
    }
}
