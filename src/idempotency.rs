//! Idempotent creation: a request sent again with the same idempotency key returns the first result
//! instead of creating a second record; the same key with a different input is a CONFLICT. Keys are per
//! agency. The key is stored in the same transaction as the record it produced, so either both exist or
//! neither does; when two copies race, the loser's transaction fails on the unique index, rolls back, and
//! finds the winner's result on its second attempt.

use std::future::Future;
use std::pin::Pin;

use entity::idempotency_key;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::auth::Actor;
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

/// One keyed request: the operation it names, its key (none: the work simply runs) and the hash of its
/// input.
#[derive(Debug, Clone, Copy)]
pub struct Keyed<'k> {
    pub operation: &'static str,
    pub key: Option<&'k str>,
    pub hash: &'k str,
}

impl<'k> Keyed<'k> {
    pub fn new(operation: &'static str, key: Option<&'k str>, hash: &'k str) -> Keyed<'k> {
        Keyed {
            operation,
            key,
            hash,
        }
    }
}

/// Runs `work` in a write ([`Write`]: its audit rows and events commit with it), at most once per
/// (agency, key): at most two attempts, the second after a concurrent copy won. `work` returns its
/// result and the id to remember; `existing` loads the result of an earlier run by that id. The flag says
/// whether this call did the work (false when it returned an earlier result, whose events were published
/// by the call that made it).
pub async fn once<'a, T: Send>(
    ctx: &Ctx<'a>,
    request: Keyed<'_>,
    existing: impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
    work: impl for<'w> Fn(&'w mut Write<'a>) -> TxnFuture<'w, (T, i64)>,
) -> AppResult<(T, bool)> {
    let actor = ctx.actor;
    let Keyed {
        operation,
        key,
        hash,
    } = request;
    validate_key(key)?;
    for attempt in 0..2 {
        let mut write = ctx.write().await?;
        if let Some(key) = key
            && let Some(found) = find(&write, actor, key).await?
        {
            if found.operation != operation || found.request_hash != hash {
                return Err(AppError::Conflict(format!(
                    "idempotency key {key} was already used for a different request"
                )));
            }
            let result = existing(&write, found.result_id).await?;
            write.commit().await?;
            return Ok((result, false));
        }
        let (result, id) = match work(&mut write).await {
            // A concurrent copy made the same record first; on the second attempt its key is found
            // (or, when the request is not a copy, the work's own checks explain the refusal).
            Err(AppError::Duplicate(_)) if attempt == 0 => {
                write.rollback().await?;
                continue;
            }
            Err(err) => {
                write.rollback().await?;
                // Refused because a concurrent copy changed what this one read (a stale count, say):
                // the copy's committed result is the answer, as if this one had come second.
                if let Some(key) = key
                    && let Some(result) =
                        earlier_result(ctx, operation, key, hash, &existing).await?
                {
                    return Ok((result, false));
                }
                return Err(err);
            }
            Ok(done) => done,
        };
        if let Some(key) = key {
            let row = idempotency_key::ActiveModel {
                id: NotSet,
                agency_id: Set(actor.agency_id),
                key: Set(key.to_owned()),
                operation: Set(operation.to_owned()),
                request_hash: Set(hash.to_owned()),
                result_id: Set(id),
                created_at: Set(write.now()),
            };
            match row.insert(&*write).await {
                Ok(_) => {}
                Err(e) if crate::error::is_unique_violation(&e) && attempt == 0 => {
                    // A concurrent copy of this request won; drop ours and return theirs.
                    write.rollback().await?;
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
        }
        write.commit().await?;
        return Ok((result, true));
    }
    Err(AppError::Conflict(
        "the request raced with a copy of itself; retry".into(),
    ))
}

/// The result an earlier, committed run of the same request under `key` produced, if any.
async fn earlier_result<T>(
    ctx: &Ctx<'_>,
    operation: &str,
    key: &str,
    hash: &str,
    existing: &impl for<'t> Fn(&'t DatabaseTransaction, i64) -> TxnFuture<'t, T>,
) -> AppResult<Option<T>> {
    let write = ctx.write().await?;
    let found = match find(&write, ctx.actor, key).await? {
        Some(found) if found.operation == operation && found.request_hash == hash => {
            Some(existing(&write, found.result_id).await?)
        }
        _ => None,
    };
    write.commit().await?;
    Ok(found)
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
