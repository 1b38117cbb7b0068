//! An error answered over HTTP before or instead of GraphQL execution (a refused request, the CSV
//! export, the body limit): its status, and a body in the same shape as GraphQL execution errors.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// The HTTP status of an error. Transports may answer a BAD_USER_INPUT with a more precise status
/// (415 for a content type, 405 for a method, 413 for a body, 408 for a timeout).
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::OperationNotAllowed(_) => StatusCode::FORBIDDEN,
        AppError::Unavailable | AppError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The error with its own status ([`status_of`]).
pub fn refusal(err: &AppError, request_id: Option<&str>) -> Response {
    error_response(status_of(err), err, request_id)
}

/// A GraphQL error response with one error and an HTTP status, in the same shape as execution errors.
pub fn error_response(status: StatusCode, err: &AppError, request_id: Option<&str>) -> Response {
    metrics::counter!("graphql_errors_total", "code" => err.code()).increment(1);
    let mut extensions = serde_json::json!({ "code": err.code() });
    if let AppError::BadUserInput { field, .. } = err {
        extensions["field"] = field.as_str().into();
    }
    if let (AppError::Internal(_), Some(id)) = (err, request_id) {
        extensions["requestId"] = id.into();
    }
    let body =
        serde_json::json!({ "errors": [{ "message": err.to_string(), "extensions": extensions }] });
    let mut response = (status, Json(body)).into_response();
    // A client told when to come back does not hammer a limited or overloaded server.
    let retry_after = match (err, status) {
        (AppError::RateLimited { retry_after_secs }, _) => Some(*retry_after_secs),
        (_, StatusCode::SERVICE_UNAVAILABLE) => Some(1),
        _ => None,
    };
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// What a handler tells the access log about its request, as a response extension: the GraphQL
/// operation name and the caller's agency; never variables, never the token.
#[derive(Debug, Clone, Default)]
pub struct AccessNote {
    pub operation: Option<String>,
    pub agency: Option<String>,
}
