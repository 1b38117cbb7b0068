//! The event log. [`append`] writes an event in the transaction of the change it reports, so it exists
//! if and only if the change commits. Its id is the event's place in commit order: on PostgreSQL the
//! writers that log events take one transaction-scoped advisory lock first, so a smaller id never
//! commits after a larger one; SQLite has one writer at a time anyway. A cursor is that id, made opaque.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

use crate::config::Config;
use crate::error::{AppError, AppResult};
use crate::events::{DomainEvent, Logged};

/// The advisory lock that orders event-writing transactions on PostgreSQL.
const ORDER_LOCK: i64 = 0x6c69_7665; // "live"

/// Writes `event` to the log inside `txn`; returns it with its id.
pub async fn append<C: ConnectionTrait>(
    txn: &C,
    event: DomainEvent,
    at: DateTime<Utc>,
) -> AppResult<Logged> {
    let backend = txn.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let lock = Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [ORDER_LOCK.into()],
        );
        txn.execute_raw(lock).await?;
    }
    let payload =
        serde_json::to_string(&event).map_err(|e| AppError::Internal(format!("event: {e}")))?;
    let insert = Statement::from_sql_and_values(
        backend,
        "INSERT INTO live_event (payload, created_at) VALUES ($1, $2) RETURNING id",
        [payload.into(), at.into()],
    );
    let row = txn
        .query_one_raw(insert)
        .await?
        .ok_or_else(|| AppError::Internal("event log: no id returned".into()))?;
    let id: i32 = row.try_get("", "id")?;
    Ok(Logged {
        id: i64::from(id),
        event,
    })
}

/// The opaque cursor of an event.
pub fn cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("ev:{id}"))
}

/// The event id of a cursor; BAD_USER_INPUT on the `after` argument when it is not one of ours.
pub fn parse_cursor(text: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("ev:")?.parse().ok())
        .ok_or_else(|| AppError::bad_input("after", "not a cursor this server gave"))
}

/// The id of the last event logged so far (0 when none): where a subscription without `after` starts.
pub async fn last_id<C: ConnectionTrait>(db: &C) -> AppResult<i64> {
    let backend = db.get_database_backend();
    let sql = "SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM live_event";
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .ok_or_else(|| AppError::Internal("event log: no max".into()))?;
    Ok(row.try_get("", "n")?)
}

/// Whether a replay from `after` stays within the bounds (age of the cursor's event, number of events
/// since): beyond them CURSOR_EXPIRED tells the client to query the current state instead.
pub async fn check_replay<C: ConnectionTrait>(
    db: &C,
    config: &Config,
    after: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let backend = db.get_database_backend();
    let since = Statement::from_sql_and_values(
        backend,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM live_event WHERE id > $1",
        [after.into()],
    );
    let count: i64 = match db.query_one_raw(since).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    if count > i64::from(config.replay_max_events) {
        return Err(AppError::CursorExpired(format!(
            "{count} events since this cursor; at most {} are replayed: query the current state and \
             subscribe again without `after`",
            config.replay_max_events
        )));
    }
    let at = Statement::from_sql_and_values(
        backend,
        "SELECT created_at FROM live_event WHERE id = $1",
        [after.into()],
    );
    let written: Option<DateTime<Utc>> = match db.query_one_raw(at).await? {
        Some(row) => Some(row.try_get("", "created_at")?),
        None => None,
    };
    let fresh = written.is_some_and(|w| now - w <= config.replay_max_age);
    if !fresh {
        return Err(AppError::CursorExpired(format!(
            "the cursor is older than {} h or unknown: query the current state and subscribe again \
             without `after`",
            config.replay_max_age.num_hours()
        )));
    }
    Ok(())
}

/// Events after `after`, oldest first, at most `limit`.
pub async fn after<C: ConnectionTrait>(db: &C, after: i64, limit: u32) -> AppResult<Vec<Logged>> {
    let backend = db.get_database_backend();
    let query = Statement::from_sql_and_values(
        backend,
        "SELECT id, payload FROM live_event WHERE id > $1 ORDER BY id LIMIT $2",
        [after.into(), Value::from(i64::from(limit))],
    );
    let rows = db.query_all_raw(query).await?;
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let id: i32 = row.try_get("", "id")?;
        let payload: String = row.try_get("", "payload")?;
        match serde_json::from_str(&payload) {
            Ok(event) => events.push(Logged {
                id: i64::from(id),
                event,
            }),
            Err(e) => tracing::warn!(id, error = %e, "unreadable logged event skipped"),
        }
    }
    Ok(events)
}

/// Forgets events older than the replay bound.
pub async fn prune<C: ConnectionTrait>(
    db: &C,
    config: &Config,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let backend = db.get_database_backend();
    let cutoff = now - config.replay_max_age - chrono::Duration::hours(1);
    let delete = Statement::from_sql_and_values(
        backend,
        "DELETE FROM live_event WHERE created_at < $1",
        [cutoff.into()],
    );
    Ok(db.execute_raw(delete).await?.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_foreign_text_is_refused() {
        assert_eq!(parse_cursor(&cursor(42)).expect("ours"), 42);
        assert!(parse_cursor("42").is_err());
        assert!(parse_cursor(&URL_SAFE_NO_PAD.encode("ev:x")).is_err());
    }
}
