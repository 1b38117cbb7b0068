//! The one way into the server for a request, whatever its transport (HTTP, WebSocket, CSV export): the
//! bearer token is verified against its stored record, the caller's rate is checked, and an [`Actor`]
//! comes out.

use axum::http::{HeaderMap, header};

use super::{Actor, verify_token};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Authenticates and rate-limits one request. No token, or a bad one, is UNAUTHENTICATED.
pub async fn authenticate(
    app: &AppState,
    token: Option<&str>,
    request_id: Option<String>,
) -> AppResult<Actor> {
    let token = token.ok_or(AppError::Unauthenticated)?;
    let mut actor = verify_token(&app.db, &app.keys, &app.token_usage, token).await?;
    if let Some(jti) = &actor.jti {
        app.rate_limiter.check(jti)?;
    }
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
