//! One error type for the whole server, with stable codes that clients match on (`extensions.code`).

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// Stable error codes. Clients and scripts match on these strings; never rename one.
pub mod code {
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    pub const FORBIDDEN: &str = "FORBIDDEN";
    pub const NOT_FOUND: &str = "NOT_FOUND";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const CONFLICT: &str = "CONFLICT";
    pub const INSUFFICIENT_STOCK: &str = "INSUFFICIENT_STOCK";
    pub const INVALID_STATE: &str = "INVALID_STATE";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const OPERATION_NOT_ALLOWED: &str = "OPERATION_NOT_ALLOWED";
    pub const UNAVAILABLE: &str = "UNAVAILABLE";
    pub const INTERNAL: &str = "INTERNAL";
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required: send a valid bearer token")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("{entity} {key} not found")]
    NotFound { entity: &'static str, key: String },
    #[error("{field}: {message}")]
    BadUserInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    /// A unique index refused a row a concurrent transaction made first (the cause is logged).
    #[error("a record with the same identity was made at the same moment; retry")]
    Duplicate(String),
    #[error("{0}")]
    InsufficientStock(String),
    #[error("{0}")]
    InvalidState(String),
    #[error("rate limit exceeded; retry later")]
    RateLimited,
    /// The operation allow-list is on and the operation is not registered.
    #[error("this server runs registered operations only; {0}")]
    OperationNotAllowed(String),
    #[error("the database is unavailable; retry later")]
    Unavailable,
    /// The cause is logged where the error is turned into a response and never shown to the client.
    #[error("internal error")]
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => code::UNAUTHENTICATED,
            AppError::Forbidden(_) => code::FORBIDDEN,
            AppError::NotFound { .. } => code::NOT_FOUND,
            AppError::BadUserInput { .. } => code::BAD_USER_INPUT,
            AppError::Conflict(_) | AppError::Duplicate(_) => code::CONFLICT,
            AppError::InsufficientStock(_) => code::INSUFFICIENT_STOCK,
            AppError::InvalidState(_) => code::INVALID_STATE,
            AppError::RateLimited => code::RATE_LIMITED,
            AppError::OperationNotAllowed(_) => code::OPERATION_NOT_ALLOWED,
            AppError::Unavailable => code::UNAVAILABLE,
            AppError::Internal(_) => code::INTERNAL,
        }
    }

    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn not_found(entity: &'static str, key: impl std::fmt::Display) -> Self {
        AppError::NotFound {
            entity,
            key: key.to_string(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        AppError::Forbidden(message.into())
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            return AppError::Unavailable;
        }
        if is_unique_violation(&err) {
            tracing::debug!(error = %err, "unique index refused a concurrent row");
            return AppError::Duplicate(err.to_string());
        }
        AppError::Internal(format!("database: {err}"))
    }
}

/// Whether a database error is a unique-constraint violation (a duplicate code, a raced insert).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

/// Pool exhaustion and lost connections are the database being unavailable, not a bug.
fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(_) => true,
        other => {
            let text = other.to_string();
            text.contains("PoolTimedOut")
                || text.contains("pool timed out")
                || text.contains("Connection refused")
                || text.contains("database is locked")
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(err: std::io::Error) -> Self {
        AppError::Internal(format!("io: {err}"))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(cause) = &err {
            // Logged once here, inside the request span that carries the request id.
            tracing::error!(%cause, "internal error");
        }
        let code = err.code();
        let field = match &err {
            AppError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = &field {
                ext.set("field", field.as_str());
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        let cases = [
            (AppError::Unauthenticated, "UNAUTHENTICATED"),
            (AppError::forbidden("x"), "FORBIDDEN"),
            (AppError::not_found("district", "999"), "NOT_FOUND"),
            (AppError::bad_input("population", "x"), "BAD_USER_INPUT"),
            (AppError::Conflict("x".into()), "CONFLICT"),
            (AppError::Duplicate("ux_checkpoint_code".into()), "CONFLICT"),
            (
                AppError::InsufficientStock("x".into()),
                "INSUFFICIENT_STOCK",
            ),
            (AppError::InvalidState("x".into()), "INVALID_STATE"),
            (AppError::RateLimited, "RATE_LIMITED"),
            (
                AppError::OperationNotAllowed("x".into()),
                "OPERATION_NOT_ALLOWED",
            ),
            (AppError::Unavailable, "UNAVAILABLE"),
            (AppError::Internal("secret cause".into()), "INTERNAL"),
        ];
        for (err, expected) in cases {
            assert_eq!(err.code(), expected);
        }
    }

    #[test]
    fn internal_cause_is_masked() {
        let err: async_graphql::Error = AppError::Internal("password=hunter2".into()).into();
        assert_eq!(err.message, "internal error");
    }

    #[test]
    fn bad_input_names_the_field() {
        let err: async_graphql::Error = AppError::bad_input("adults18Plus", "too large").into();
        let ext = err.extensions.expect("extensions");
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::from("adults18Plus"))
        );
        assert_eq!(
            ext.get("code"),
            Some(&async_graphql::Value::from("BAD_USER_INPUT"))
        );
    }
}
