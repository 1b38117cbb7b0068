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
    // Signature (or the cache) first, then the rate, and only then the database: a flood of requests
    // with one token costs no query once its quota is spent.
    let seen = app.tokens.current();
    let cached = app.tokens.get(token, seen);
    let claims = match &cached {
        Some(_) => None,
        None => Some(app.keys.verify(token)?),
    };
    let jti = match (&cached, &claims) {
        (Some(actor), _) => actor.jti.clone().unwrap_or_default(),
        (None, Some(claims)) => claims.jti.clone(),
        (None, None) => return Err(AppError::Unauthenticated),
    };
    app.rate_limiter.check(&jti)?;
    if let Some(mut actor) = cached {
        // Still current once other processes' changes are counted (on SQLite, one read).
        if app.tokens.refresh(&app.db).await? == seen {
            app.token_usage.record(&jti);
            actor.request_id = request_id;
            return Ok(actor);
        }
    }
    let claims = match claims {
        Some(claims) => claims,
        None => app.keys.verify(token)?,
    };
    // Stamped with the generation seen before the token was read: a change after the read is a later
    // generation, which this entry does not count for.
    let at = app.tokens.current();
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
