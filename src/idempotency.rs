//! Idempotent creation: a request sent again with the same idempotency key returns the first result
//! instead of creating a second record; the same key with a different input is a CONFLICT. Keys are per
//! agency. The key is stored in the same transaction as the record it produced, so either both exist or
//! neither does; when two copies race, the loser's transaction fails on the unique index, rolls back, and
//! finds the winner's result on its second attempt.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, NotSet,
    QueryFilter, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::db::WriteTxn;
use crate::error::{AppError, AppResult};
use crate::kit::{Ctx, Write};

pub type TxnFuture<'t, T> = Pin<Box<dyn Future<Output = AppResult<T>> + Send + 't>>;

/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 128;

/// Hash of a request's input (without its key), to tell a retry from a different request.
pub fn request_hash(input: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(input).unwrap_or_default();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn validate_key(key: Option<&str>) -> AppResult<()> {
    match key {
        Some(k) if k.is_empty() || k.len() > MAX_KEY_LEN || k.chars().any(char::is_control) => {
            Err(AppError::bad_input(
                "idempotencyKey",
                format!("1 to {MAX_KEY_LEN} printable characters"),
            ))
        }
        _ => Ok(()),
    }
}

/// Runs `work` in a write transaction, at most once per (agency, key). `work` returns its result and the
/// id to remember; `existing` loads the result of an earlier run by that id. The flag says whether this
/// call did the work (false when it returned an earlier result).
pub async fn once<T: Send>(
    db: &DatabaseConnection,
    actor: &Actor,
    operation: &'static str,
    key: Option<&str>,
    hash: &str,
    existing: impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    work: impl for<'t> Fn(&'t DatabaseTransaction) -> TxnFuture<'t, (T, i64)>,
) -> AppResult<(T, bool)> {
    let request = Request {
        actor,
        operation,
        key,
        hash,
    };
    let begin = || crate::db::begin_write(db);
    run(request, db, begin, existing, |txn: &mut WriteTxn| work(txn)).await
}

/// Runs `work` in a [`Write`], at most once per (agency, key), as [`once`] does: the record, its audit
/// rows, its events and the key commit together, and the events reach subscribers only when this call
/// did the work. The flag says whether it did (false when it returned an earlier result).
pub async fn once_in<'a, T: Send>(
    ctx: &Ctx<'a>,
    operation: &'static str,
    key: Option<&str>,
    hash: &str,
    existing: impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    work: impl for<'t> Fn(&'t mut Write<'a>) -> TxnFuture<'t, (T, i64)>,
) -> AppResult<(T, bool)> {
    let request = Request {
        actor: ctx.actor,
        operation,
        key,
        hash,
    };
    run(request, ctx.db, || ctx.write(), existing, work).await
}

/// A write transaction that keyed work can run in: the plain one, or a [`Write`] with its audit rows
/// and events.
trait Turn: Deref<Target = DatabaseTransaction> + Send {
    /// The instant the key is stored at.
    fn at(&self) -> DateTime<Utc>;
    fn commit(self) -> impl Future<Output = AppResult<()>> + Send;
    fn rollback(self) -> impl Future<Output = AppResult<()>> + Send;
}

impl Turn for WriteTxn {
    fn at(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn commit(self) -> impl Future<Output = AppResult<()>> + Send {
        WriteTxn::commit(self)
    }
    fn rollback(self) -> impl Future<Output = AppResult<()>> + Send {
        WriteTxn::rollback(self)
    }
}

impl Turn for Write<'_> {
    fn at(&self) -> DateTime<Utc> {
        self.now()
    }
    fn commit(self) -> impl Future<Output = AppResult<()>> + Send {
        Write::commit(self)
    }
    fn rollback(self) -> impl Future<Output = AppResult<()>> + Send {
        Write::rollback(self)
    }
}

/// The loop of [`once`] and [`once_in`]: a second attempt when a concurrent copy of the request won
/// the first.
async fn run<W, B, T>(
    request: Request<'_>,
    db: &DatabaseConnection,
    begin: impl Fn() -> B,
    existing: impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    work: impl for<'t> Fn(&'t mut W) -> TxnFuture<'t, (T, i64)>,
) -> AppResult<(T, bool)>
where
    W: Turn,
    B: Future<Output = AppResult<W>>,
    T: Send,
{
    validate_key(request.key)?;
    for attempt in 0..2 {
        let mut write = begin().await?;
        if let Some(result) = request.replay(&write, &existing).await? {
            write.commit().await?;
            return Ok((result, false));
        }
        let done = work(&mut write).await;
        let at = write.at();
        match request.settle(&write, done, attempt, at).await {
            Settled::Done(result) => {
                write.commit().await?;
                return Ok((result, true));
            }
            Settled::Retry => write.rollback().await?,
            Settled::Refused(err) => {
                write.rollback().await?;
                return request.refused(db, err, &existing).await;
            }
            Settled::Failed(err) => return Err(err),
        }
    }
    Err(AppError::Conflict(
        "the request raced with a copy of itself; retry".into(),
    ))
}

/// One keyed request: who sent it, what it is, and the hash of its input.
struct Request<'r> {
    actor: &'r Actor,
    operation: &'static str,
    key: Option<&'r str>,
    hash: &'r str,
}

/// What became of one attempt's work.
enum Settled<T> {
    /// Done, and its key stored: commit.
    Done(T),
    /// A concurrent copy made the same record or stored the same key first: roll back and look again.
    Retry,
    /// Refused: roll back and answer, unless a concurrent copy's committed result answers instead.
    Refused(AppError),
    /// The key could not be stored: roll back and answer.
    Failed(AppError),
}

impl Request<'_> {
    /// The result of an earlier run of this request, if its key is stored; CONFLICT when the key was
    /// used for another request.
    async fn replay<T>(
        &self,
        txn: &DatabaseTransaction,
        existing: &impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    ) -> AppResult<Option<T>> {
        let Some(key) = self.key else {
            return Ok(None);
        };
        let Some(found) = find(txn, self.actor, key).await? else {
            return Ok(None);
        };
        if found.operation != self.operation || found.request_hash != self.hash {
            return Err(AppError::Conflict(format!(
                "idempotency key {key} was already used for a different request"
            )));
        }
        Ok(Some(existing(txn, found.result_id).await?))
    }

    /// Stores the key of work that succeeded, in its transaction.
    async fn settle<T>(
        &self,
        txn: &DatabaseTransaction,
        done: AppResult<(T, i64)>,
        attempt: u32,
        at: DateTime<Utc>,
    ) -> Settled<T> {
        let (result, id) = match done {
            // A concurrent copy made the same record first; on the second attempt its key is found
            // (or, when the request is not a copy, the work's own checks explain the refusal).
            Err(AppError::Duplicate(_)) if attempt == 0 => return Settled::Retry,
            Err(err) => return Settled::Refused(err),
            Ok(done) => done,
        };
        let Some(key) = self.key else {
            return Settled::Done(result);
        };
        let row = idempotency_key::ActiveModel {
            id: NotSet,
            agency_id: Set(self.actor.agency_id),
            key: Set(key.to_owned()),
            operation: Set(self.operation.to_owned()),
            request_hash: Set(self.hash.to_owned()),
            result_id: Set(id),
            created_at: Set(at),
        };
        match row.insert(txn).await {
            Ok(_) => Settled::Done(result),
            // A concurrent copy of this request won; drop ours and return theirs.
            Err(e) if crate::error::is_unique_violation(&e) && attempt == 0 => Settled::Retry,
            Err(e) => Settled::Failed(e.into()),
        }
    }

    /// The answer to work that was refused (and rolled back). Refused because a concurrent copy changed
    /// what this one read (a stale count, say): the copy's committed result is the answer, as if this
    /// one had come second.
    async fn refused<T>(
        &self,
        db: &DatabaseConnection,
        err: AppError,
        existing: &impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    ) -> AppResult<(T, bool)> {
        if self.key.is_none() {
            return Err(err);
        }
        let write = crate::db::begin_write(db).await?;
        let earlier = match self.replay(&write, existing).await {
            Ok(found) => found,
            // The key stands for another request: this request's own refusal is the answer.
            Err(AppError::Conflict(_)) => None,
            Err(other) => return Err(other),
        };
        write.commit().await?;
        earlier.map(|result| (result, false)).ok_or(err)
    }
}

async fn find(
    txn: &DatabaseTransaction,
    actor: &Actor,
    key: &str,
) -> AppResult<Option<idempotency_key::Model>> {
    Ok(idempotency_key::Entity::find()
        .filter(idempotency_key::Column::AgencyId.eq(actor.agency_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .one(txn)
        .await?)
}
