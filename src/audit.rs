//! The audit log writer: every write records who did what, before and after, in the same transaction as
//! the write itself, so there is never a change without its row or a row without its change. Reads of
//! personal fields are audited too, one row per record read.

use chrono::{DateTime, Utc};
use entity::audit_event;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, NotSet, Set};
use serde::Serialize;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::kit::Ctx;

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
    let mut row = row(actor, at, change.action, change.entity, change.entity_id);
    row.before = Set(change.before.map(to_json).transpose()?);
    row.after = Set(change.after.map(to_json).transpose()?);
    row.insert(conn).await?;
    Ok(())
}

/// The personal fields read from one record during one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRead {
    /// The record's entity, as the audit log names it ("screening").
    pub entity: &'static str,
    pub id: i64,
    /// The fields read, by their GraphQL names.
    pub fields: Vec<&'static str>,
}

/// Writes one audit row per record whose personal fields were read: action `<entity>.personal_read`,
/// the fields named in `after`. One statement, whatever the number of records.
pub async fn personal_reads(ctx: &Ctx<'_>, reads: &[PersonalRead]) -> AppResult<()> {
    if reads.is_empty() {
        return Ok(());
    }
    let at = ctx.now();
    let rows = reads.iter().map(|read| {
        let action = format!("{}.personal_read", read.entity);
        let mut row = row(ctx.actor, at, &action, read.entity, read.id.to_string());
        row.after = Set(Some(serde_json::json!({ "fields": read.fields })));
        row
    });
    audit_event::Entity::insert_many(rows).exec(ctx.db).await?;
    Ok(())
}

/// An audit row of `actor` at `at`, without `before` and `after`.
fn row(
    actor: &Actor,
    at: DateTime<Utc>,
    action: &str,
    entity: &str,
    entity_id: String,
) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: NotSet,
        at: Set(at),
        agency_code: Set(actor.agency_code.clone()),
        subject: Set(actor.subject.clone()),
        jti: Set(actor.jti.clone()),
        action: Set(action.to_owned()),
        entity: Set(entity.to_owned()),
        entity_id: Set(entity_id),
        before: Set(None),
        after: Set(None),
        request_id: Set(actor.request_id.clone()),
    }
}

fn to_json<T: Serialize>(value: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("audit serialize: {e}")))
}
