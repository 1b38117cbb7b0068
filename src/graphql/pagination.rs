//! Relay connections over the service layer's keyset pages: opaque cursors in, `Connection` out.

use async_graphql::connection::{Connection, Edge, EmptyFields};
use async_graphql::{Context, OutputType, SimpleObject};
use base64::Engine;

use crate::error::{AppError, AppResult};
use crate::pagination::{Page, PageRequest};

const CURSOR_PREFIX: &str = "k1:";

/// Extra fields on every connection.
#[derive(SimpleObject)]
pub struct ConnectionFields {
    /// Number of rows matching the filter in the caller's scope; computed only when asked for.
    pub total_count: Option<u64>,
}

pub type Conn<N> = Connection<String, N, ConnectionFields, EmptyFields>;

pub fn encode_cursor(key: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{key}"))
}

pub fn decode_cursor(cursor: &str) -> AppResult<i64> {
    let bad = || AppError::bad_input("after", "not a cursor returned by this API");
    if cursor.len() > 64 {
        return Err(bad());
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix(CURSOR_PREFIX)
        .and_then(|k| k.parse::<i64>().ok())
        .filter(|k| *k >= 0)
        .ok_or_else(bad)
}

/// Reads `first` and `after`, and whether `totalCount` was selected.
pub fn page_request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> AppResult<PageRequest> {
    let after = after.as_deref().map(decode_cursor).transpose()?;
    let want_total = ctx.look_ahead().field("totalCount").exists();
    PageRequest::new(first, after, want_total)
}

pub fn connection<T, N: OutputType>(page: Page<T>, node: impl Fn(T) -> N) -> Conn<N> {
    let mut conn = Connection::with_additional_fields(
        page.has_previous,
        page.has_next,
        ConnectionFields {
            total_count: page.total,
        },
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|(key, item)| Edge::new(encode_cursor(key), node(item))),
    );
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        assert_eq!(decode_cursor(&encode_cursor(42)).ok(), Some(42));
        assert!(decode_cursor("bm9wZQ").is_err());
        assert!(decode_cursor("!!!").is_err());
        let negative = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("k1:-5");
        assert!(decode_cursor(&negative).is_err());
        assert!(decode_cursor(&"A".repeat(100)).is_err());
    }
}
