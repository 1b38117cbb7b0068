//! One write: a transaction that holds the change, its audit rows and its events, committed together.
//! On PostgreSQL an event is a `pg_notify` inside the transaction, delivered if and only if it commits;
//! on SQLite it is handed to this process's subscribers right after the commit.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use serde::Serialize;

use super::context::Ctx;
use crate::audit::{self, Change};
use crate::db::{self, WriteTxn};
use crate::error::AppResult;
use crate::events::{DomainEvent, Logged};

/// An open write. Derefs to its transaction; [`Write::commit`] it, or drop it to roll everything back.
pub struct Write<'a> {
    txn: WriteTxn,
    ctx: Ctx<'a>,
    /// When the write began: the one instant its rows and audit rows record.
    at: DateTime<Utc>,
    events: Vec<Logged>,
}

impl Deref for Write<'_> {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl<'a> Ctx<'a> {
    /// Begins a write: one transaction that holds the change, its audit rows and its events.
    pub async fn write(&self) -> AppResult<Write<'a>> {
        Ok(Write {
            txn: db::begin_write(self.db).await?,
            at: self.now(),
            ctx: *self,
            events: Vec::new(),
        })
    }
}

impl<'a> Write<'a> {
    pub fn ctx(&self) -> Ctx<'a> {
        self.ctx
    }

    /// The instant of this write.
    pub fn now(&self) -> DateTime<Utc> {
        self.at
    }

    /// Records a change in the audit log, in this transaction. `before` and `after` are the public
    /// shapes of the record: never token text, never personal fields.
    pub async fn audit<B: Serialize, A: Serialize>(
        &self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        before: Option<&B>,
        after: Option<&A>,
    ) -> AppResult<()> {
        let change = Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            before,
            after,
        };
        audit::record(&*self.txn, self.ctx.actor, self.at, change).await
    }

    /// Audits a record this write created.
    pub async fn audit_created<A: Serialize>(
        &self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        after: &A,
    ) -> AppResult<()> {
        self.audit(action, entity, entity_id, None::<&()>, Some(after))
            .await
    }

    /// Audits a record this write changed.
    pub async fn audit_changed<B: Serialize, A: Serialize>(
        &self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        before: &B,
        after: &A,
    ) -> AppResult<()> {
        self.audit(action, entity, entity_id, Some(before), Some(after))
            .await
    }

    /// Audits a record this write created, and commits.
    pub async fn commit_created<A: Serialize>(
        self,
        action: &str,
        entity: &str,
        entity_id: impl ToString,
        after: &A,
    ) -> AppResult<()> {
        self.audit_created(action, entity, entity_id, after).await?;
        self.commit().await
    }

    /// Publishes an event with this write: it is written to the event log in this transaction, and
    /// subscribers hear of it if and only if the write commits.
    pub async fn emit(&mut self, event: DomainEvent) -> AppResult<()> {
        let logged = crate::live::log::append(&*self.txn, event, self.at).await?;
        self.ctx.events.stage(&self.txn, &logged).await?;
        self.events.push(logged);
        Ok(())
    }

    /// Commits the change, its audit rows and its events.
    pub async fn commit(self) -> AppResult<()> {
        self.txn.commit().await?;
        for event in self.events {
            self.ctx.events.committed(event);
        }
        Ok(())
    }

    /// Rolls back; the same as dropping the write, said out loud.
    pub async fn rollback(self) -> AppResult<()> {
        self.txn.rollback().await
    }
}
