//! The audit log writer: every write records who did what, before and after, in the same transaction as
//! the write itself, so there is never a change without its row or a row without its change.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, NotSet, Set};
use serde::Serialize;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};

/// One change to record. `before`/`after` are the public views of the record (never token text).
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

/// Writes one audit row at `at` (the instant of the write it records).
pub async fn record<C, B, A>(
    conn: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    change: Change<'_, B, A>,
) -> AppResult<()>
where
    C: ConnectionTrait,
    B: Serialize,
    A: Serialize,
{
    let row = audit_event::ActiveModel {
        id: NotSet,
        at: Set(at),
        agency_code: Set(actor.agency_code.clone()),
        subject: Set(actor.subject.clone()),
        jti: Set(actor.jti.clone()),
        action: Set(change.action.to_owned()),
        entity: Set(change.entity.to_owned()),
        entity_id: Set(change.entity_id),
        before: Set(change.before.map(to_json).transpose()?),
        after: Set(change.after.map(to_json).transpose()?),
        request_id: Set(actor.request_id.clone()),
    };
    row.insert(conn).await?;
    Ok(())
}

fn to_json<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("audit serialize: {e}")))
}
