//! The persisted-operation allow-list: the operations an administrator has registered, by the SHA-256
//! of their text. Registering, listing and removing them is for province-level administrators; the
//! gate that admits requests under the list is the GraphQL edge's (`graphql::allow_list`).

use entity::persisted_operation;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter,
};
use serde::Serialize;

use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::kit::{Ctx, Text, text};
use crate::operation_text::{check_document, hash_of};
use crate::policy::{self, Action, Resource, Scope};

/// An operation to register.
pub struct NewOperation {
    pub name: String,
    pub query: String,
}

/// The list is one for the whole server, so only a province-level administrator manages it.
fn require_manager(actor: &Actor, action: Action) -> AppResult<()> {
    match policy::require(actor, Resource::AgencyAdmin, action)? {
        Scope::Province { .. } => Ok(()),
        _ => Err(AppError::forbidden(
            "the operation allow-list is managed by province-level administrators",
        )),
    }
}

/// Registers an operation; registering the same text again returns the existing record. Only a
/// well-formed document within the request limits is kept.
#[tracing::instrument(skip_all, fields(agency = %ctx.actor.agency_code))]
pub async fn register(ctx: &Ctx<'_>, new: NewOperation) -> AppResult<persisted_operation::Model> {
    require_manager(ctx.actor, Action::Write)?;
    let name = text("name", Some(&new.name), Text::required(200))?.unwrap_or_default();
    check_document(&new.query)?;
    let hash = hash_of(&new.query);
    let w = ctx.write().await?;
    if let Some(existing) = find(&*w, &hash).await? {
        return Ok(existing);
    }
    let created = persisted_operation::ActiveModel {
        id: NotSet,
        hash: Set(hash.clone()),
        name: Set(name),
        query: Set(new.query),
        registered_by: Set(ctx.actor.label()),
        created_at: Set(w.now()),
    }
    .insert(&*w)
    .await?;
    w.audit_created(
        "operation.register",
        "persisted_operation",
        &hash,
        &Audited::from(&created),
    )
    .await?;
    w.commit().await?;
    Ok(created)
}

/// Removes an operation from the list; from the next request on it is refused.
#[tracing::instrument(skip_all, fields(agency = %ctx.actor.agency_code))]
pub async fn remove(ctx: &Ctx<'_>, hash: &str) -> AppResult<persisted_operation::Model> {
    require_manager(ctx.actor, Action::Write)?;
    let w = ctx.write().await?;
    let existing = find(&*w, hash)
        .await?
        .ok_or_else(|| AppError::not_found("operation", hash))?;
    existing.clone().delete(&*w).await?;
    w.audit(
        "operation.remove",
        "persisted_operation",
        &existing.hash,
        Some(&Audited::from(&existing)),
        None::<&()>,
    )
    .await?;
    w.commit().await?;
    Ok(existing)
}

/// Registered operations, by id (province-level administrators only; empty for others).
pub async fn list(ctx: &Ctx<'_>, page: PageRequest) -> AppResult<Page<persisted_operation::Model>> {
    if require_manager(ctx.actor, Action::Read).is_err() {
        return Ok(Page::empty());
    }
    let select = persisted_operation::Entity::find();
    keyset::fetch(ctx.db, select, page).await
}

/// The registered operation with this hash, if any, for admitting a request under the list. Every
/// caller's requests are checked against the list, so this asks no permission.
pub async fn registered(
    ctx: &Ctx<'_>,
    hash: &str,
) -> AppResult<Option<persisted_operation::Model>> {
    find(ctx.db, hash).await
}

async fn find<C: ConnectionTrait>(
    db: &C,
    hash: &str,
) -> AppResult<Option<persisted_operation::Model>> {
    Ok(persisted_operation::Entity::find()
        .filter(persisted_operation::Column::Hash.eq(hash))
        .one(db)
        .await?)
}

/// What the audit log keeps of an operation.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Audited<'a> {
    hash: &'a str,
    name: &'a str,
    query: &'a str,
    registered_by: &'a str,
}

impl<'a> From<&'a persisted_operation::Model> for Audited<'a> {
    fn from(op: &'a persisted_operation::Model) -> Self {
        Audited {
            hash: &op.hash,
            name: &op.name,
            query: &op.query,
            registered_by: &op.registered_by,
        }
    }
}
