//! The one way into the server for a request, whatever its transport (HTTP, WebSocket, CSV export): the
//! bearer token's signature is verified, the caller's rate is checked, the token is looked up in its stored
//! record, and an [`Actor`] comes out. A token verified before in the current generation of changes
//! comes out of the cache (`super::cache`) with its rate checked.

use axum::http::{HeaderMap, header};

use super::{Actor, load_actor};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Authenticates and rate-limits one request. No token, or a bad one, is UNAUTHENTICATED.
pub async fn authenticate(
    app: &AppState,
    token: Option<&str>,
    request_id: Option<String>,
) -> AppResult<Actor> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    let at = app.tokens.refresh(&app.db).await?;
    if let Some(mut actor) = app.tokens.get(token, at) {
        let jti = actor.jti.as_deref().unwrap_or_default();
        app.rate_limiter.check(jti)?;
        app.token_usage.record(jti);
        actor.request_id = request_id;
        return Ok(actor);
    }
    // Signature first, then the rate, and only then the database: a flood of requests with one token
    // costs no query once its quota is spent.
    let claims = app.keys.verify(token)?;
    app.rate_limiter.check(&claims.jti)?;
    let expires = claims.exp;
    let mut actor = load_actor(&app.db, &app.token_usage, claims).await?;
    app.tokens.put(token, &actor, expires, at);
    actor.request_id = request_id;
    Ok(actor)
}

/// The bearer token of an HTTP request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The request id the router gave this request.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
