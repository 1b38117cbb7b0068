//! The gate of the operation allow-list: production front-ends send operations an administrator has
//! registered (`admin::allow_list`), by their SHA-256 (`extensions.persistedQuery.sha256Hash`) or in
//! full. With the list on, any other operation from a non-ADMIN token is refused with
//! OPERATION_NOT_ALLOWED before it is parsed. The HTTP handler calls [`admit`] itself (it answers with a
//! status); the [`AllowList`] extension applies it to every other request, such as subscriptions over
//! WebSocket.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest,
};
use async_graphql::{Pos, Request, ServerResult, Value};
use entity::Role;

use crate::admin::allow_list;
use crate::auth::Actor;
use crate::error::{AppError, AppResult};
use crate::operation_text::hash_of;
use crate::state::AppState;

/// Applies the allow-list to one request. With the list off, or for an ADMIN token, nothing changes.
/// Otherwise the request must name a registered operation, by hash (the stored text is then filled in)
/// or by its full text.
pub async fn admit(app: &AppState, actor: &Actor, request: &mut Request) -> AppResult<()> {
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
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if !request.data.contains_key(&TypeId::of::<Admitted>()) {
            let app = ctx.data_unchecked::<AppState>();
            let result = match ctx.data_opt::<Actor>() {
                Some(actor) => admit(app, actor, &mut request).await,
                None => Err(AppError::Unauthenticated),
            };
            result
                .map_err(|err| async_graphql::Error::from(err).into_server_error(Pos::default()))?;
        }
        next.run(ctx, request).await
    }
}
