//! The operation allow-list: production front-ends send operations an administrator has registered,
//! by their SHA-256 (`extensions.persistedQuery.sha256Hash`) or in full. With the list on, any other
//! operation from a non-ADMIN token is refused with OPERATION_NOT_ALLOWED before it is parsed.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Pos, ServerResult, Value};
use chrono::Utc;
use entity::{Role, persisted_operation};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait,
    QueryFilter,
};
use sha2::{Digest, Sha256};

use crate::audit::{self, Change};
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::keyset::{self, Page, PageRequest};
use crate::policy::{self, Action, Resource, Scope};
use crate::state::AppState;

/// Longest operation text accepted (the request body limit).
const MAX_QUERY_BYTES: usize = 64 * 1024;

/// An operation to register.
pub struct NewOperation {
    pub name: String,
    pub query: String,
}

/// Lower-case hex SHA-256 of an operation's text, as Apollo-style clients compute it.
pub fn hash_of(query: &str) -> String {
    Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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

/// Registers an operation; registering the same text again returns the existing record.
pub async fn register(
    db: &DatabaseConnection,
    actor: &Actor,
    new: NewOperation,
) -> AppResult<persisted_operation::Model> {
    require_manager(actor, Action::Write)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(AppError::bad_input(
            "name",
            "1 to 200 characters, no control characters",
        ));
    }
    if new.query.len() > MAX_QUERY_BYTES {
        return Err(AppError::bad_input("query", "at most 64 KiB"));
    }
    crate::graphql::nesting::check(&new.query)?;
    if let Err(err) = async_graphql::parser::parse_query(&new.query) {
        return Err(AppError::bad_input(
            "query",
            format!("not a GraphQL document: {err}"),
        ));
    }
    let hash = hash_of(&new.query);
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    if let Some(existing) = find(txn, &hash).await? {
        return Ok(existing);
    }
    let created = persisted_operation::ActiveModel {
        id: NotSet,
        hash: Set(hash.clone()),
        name: Set(name.to_owned()),
        query: Set(new.query),
        registered_by: Set(actor.label()),
        created_at: Set(Utc::now()),
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "operation.register",
            entity: "persisted_operation",
            entity_id: hash,
            before: None::<&()>,
            after: Some(&Audited(&created)),
        },
    )
    .await?;
    write.commit().await?;
    Ok(created)
}

/// Removes an operation from the list; from the next request on it is refused.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    hash: &str,
) -> AppResult<persisted_operation::Model> {
    require_manager(actor, Action::Write)?;
    let write = crate::db::begin_write(db).await?;
    let txn: &sea_orm::DatabaseTransaction = &write;
    let existing = find(txn, hash)
        .await?
        .ok_or_else(|| AppError::not_found("operation", hash))?;
    existing.clone().delete(txn).await?;
    audit::record(
        txn,
        actor,
        chrono::Utc::now(),
        Change {
            action: "operation.remove",
            entity: "persisted_operation",
            entity_id: existing.hash.clone(),
            before: Some(&Audited(&existing)),
            after: None::<&()>,
        },
    )
    .await?;
    write.commit().await?;
    Ok(existing)
}

/// Registered operations, by id (province-level administrators only; empty for others).
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    page: PageRequest,
) -> AppResult<Page<persisted_operation::Model>> {
    if require_manager(actor, Action::Read).is_err() {
        return Ok(Page::empty());
    }
    let select = persisted_operation::Entity::find();
    keyset::fetch(db, select, persisted_operation::Column::Id, page, |op| {
        i64::from(op.id)
    })
    .await
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
#[derive(serde::Serialize)]
struct Audited<'a>(#[serde(with = "audited")] &'a persisted_operation::Model);

mod audited {
    use entity::persisted_operation;
    use serde::Serializer;
    use serde::ser::SerializeStruct;

    pub fn serialize<S: Serializer>(
        op: &&persisted_operation::Model,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("operation", 4)?;
        out.serialize_field("hash", &op.hash)?;
        out.serialize_field("name", &op.name)?;
        out.serialize_field("query", &op.query)?;
        out.serialize_field("registeredBy", &op.registered_by)?;
        out.end()
    }
}

/// Applies the allow-list to one request. With the list off, or for an ADMIN token, nothing changes.
/// Otherwise the request must name a registered operation, by hash (the stored text is then filled in)
/// or by its full text.
pub async fn admit(
    db: &DatabaseConnection,
    enabled: bool,
    actor: &Actor,
    request: &mut async_graphql::Request,
) -> AppResult<()> {
    if !enabled || actor.role == Role::Admin {
        return Ok(());
    }
    let sent = sent_hash(request)?;
    let hash = if request.query.is_empty() {
        sent.ok_or_else(|| AppError::bad_input("query", "send a query or a persisted hash"))?
    } else {
        let computed = hash_of(&request.query);
        if sent.as_ref().is_some_and(|s| *s != computed) {
            return Err(AppError::bad_input(
                "extensions.persistedQuery.sha256Hash",
                "does not match the query sent",
            ));
        }
        computed
    };
    let stored = find(db, &hash).await?.ok_or_else(|| {
        AppError::OperationNotAllowed(format!("operation {hash} is not registered"))
    })?;
    if request.query.is_empty() {
        request.query = stored.query;
    }
    Ok(())
}

/// The hash of `extensions.persistedQuery`, if the request has one: 64 hex digits.
fn sent_hash(request: &async_graphql::Request) -> AppResult<Option<String>> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let field = "extensions.persistedQuery.sha256Hash";
    let Value::Object(persisted) = persisted else {
        return Err(AppError::bad_input(
            "extensions.persistedQuery",
            "must be an object",
        ));
    };
    match persisted.get("sha256Hash") {
        Some(Value::String(hash))
            if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Ok(Some(hash.to_ascii_lowercase()))
        }
        _ => Err(AppError::bad_input(field, "64 hexadecimal digits")),
    }
}

/// Marks a request the HTTP handler has already admitted (before its own checks on the parsed text).
pub struct Admitted;

/// Applies [`admit`] to requests that did not come through the HTTP handler: subscriptions over
/// WebSocket, whose caller is in the connection's data.
pub struct AllowList;

impl ExtensionFactory for AllowList {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(AllowList)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for AllowList {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: async_graphql::Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        let admitted = request.data.contains_key(&TypeId::of::<Admitted>());
        if !admitted {
            let state = ctx.data_unchecked::<AppState>();
            let actor = ctx.data_opt::<Actor>().cloned();
            let result = match &actor {
                Some(actor) => {
                    admit(
                        &state.db,
                        state.config.operation_allow_list,
                        actor,
                        &mut request,
                    )
                    .await
                }
                None => Err(AppError::Unauthenticated),
            };
            result
                .map_err(|err| async_graphql::Error::from(err).into_server_error(Pos::default()))?;
        }
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_lower_case_hex_sha256() {
        // The SHA-256 of "{ me { subject } }", as `printf '%s' '{ me { subject } }' | sha256sum` gives it.
        assert_eq!(
            hash_of("{ me { subject } }"),
            "b8eeea3b98b0b13934bccae8569acc5c768476120d27e672754bca6b66585765"
        );
        assert_ne!(
            hash_of("{ me { subject } }"),
            hash_of("{ me { subject role } }")
        );
    }
}
