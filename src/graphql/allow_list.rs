//! The gate of the operation allow-list: production front-ends send operations an administrator has
//! registered (`admin::allow_list`), by their SHA-256 (`extensions.persistedQuery.sha256Hash`) or in
//! full. With the list on, any other operation from a non-ADMIN token is refused with
//! OPERATION_NOT_ALLOWED before it is parsed. [`gate`] is called by the HTTP handler and the WebSocket
//! loop, before the schema runs anything: the schema itself carries no extension, since one costs a
//! boxed future and a registry lookup on every field it resolves.

use async_graphql::{Request, Value};
use entity::Role;

use crate::admin::allow_list;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::operation_text::{check_nesting, hash_of};
use crate::state::AppState;

/// The gate every operation passes before the schema runs it, over HTTP and WebSocket alike: the
/// allow-list, then the nesting bound (checked before any parse, see [`check_nesting`]).
pub async fn gate(app: &AppState, actor: &Actor, request: &mut Request) -> AppResult<()> {
    admit(app, actor, request).await?;
    check_nesting(&request.query)
}

/// Applies the allow-list to one request. With the list off, or for an ADMIN token, nothing changes.
/// Otherwise the request must name a registered operation, by hash (the stored text is then filled in)
/// or by its full text.
async fn admit(app: &AppState, actor: &Actor, request: &mut Request) -> AppResult<()> {
    if !app.config.operation_allow_list || actor.role == Role::Admin {
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
    let stored = allow_list::registered(&app.ctx(actor), &hash)
        .await?
        .ok_or_else(|| {
            AppError::OperationNotAllowed(format!("operation {hash} is not registered"))
        })?;
    if request.query.is_empty() {
        request.query = stored.query;
    }
    Ok(())
}

/// The hash of `extensions.persistedQuery`, if the request has one: 64 hex digits.
fn sent_hash(request: &Request) -> AppResult<Option<String>> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
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
        _ => Err(AppError::bad_input(
            "extensions.persistedQuery.sha256Hash",
            "64 hexadecimal digits",
        )),
    }
}
