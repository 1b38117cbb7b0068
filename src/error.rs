//! One error type for the whole server, with stable codes that clients match on (`extensions.code`).

use async_graphql::{ErrorExtensions, ServerError};
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
    /// A subscription's `after` cursor is beyond the replay bound: query the current state instead.
    pub const CURSOR_EXPIRED: &str = "CURSOR_EXPIRED";
    /// A per-socket or per-token limit of live connections is reached.
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    /// The request did not finish within the server's time limit; a write may still have committed.
    pub const TIMEOUT: &str = "TIMEOUT";

    /// Every code, once: the one list (a test checks that every [`super::AppError`] has its code here).
    pub const ALL: [&str; 14] = [
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        BAD_USER_INPUT,
        CONFLICT,
        INSUFFICIENT_STOCK,
        INVALID_STATE,
        RATE_LIMITED,
        OPERATION_NOT_ALLOWED,
        UNAVAILABLE,
        INTERNAL,
        CURSOR_EXPIRED,
        LIMIT_EXCEEDED,
        TIMEOUT,
    ];

    /// The code spelled `text`, if it is one of ours.
    pub fn known(text: &str) -> Option<&'static str> {
        ALL.iter().copied().find(|c| *c == text)
    }
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
    RateLimited {
        /// Seconds until the quota has room again (the `Retry-After` of the answer).
        retry_after_secs: u64,
    },
    /// The operation allow-list is on and the operation is not registered.
    #[error("this server runs registered operations only; {0}")]
    OperationNotAllowed(String),
    #[error("the database is unavailable; retry later")]
    Unavailable,
    /// The cause is logged where the error is turned into a response and never shown to the client.
    #[error("internal error")]
    Internal(String),
    #[error("{0}")]
    CursorExpired(String),
    #[error("{0}")]
    LimitExceeded(String),
    /// The handler ran past the request timeout and was stopped.
    #[error("{0}")]
    Timeout(String),
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
            AppError::RateLimited { .. } => code::RATE_LIMITED,
            AppError::OperationNotAllowed(_) => code::OPERATION_NOT_ALLOWED,
            AppError::Unavailable => code::UNAVAILABLE,
            AppError::Internal(_) => code::INTERNAL,
            AppError::CursorExpired(_) => code::CURSOR_EXPIRED,
            AppError::LimitExceeded(_) => code::LIMIT_EXCEEDED,
            AppError::Timeout(_) => code::TIMEOUT,
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

/// Pool exhaustion and lost connections are the database being unavailable, not a bug. A statement
/// whose connection failed under it (reset, closed, the worker gone) is one too.
fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(_) => true,
        DbErr::Query(RuntimeErr::SqlxError(lost)) | DbErr::Exec(RuntimeErr::SqlxError(lost))
            if matches!(
                **lost,
                SqlxError::Io(_)
                    | SqlxError::PoolTimedOut
                    | SqlxError::PoolClosed
                    | SqlxError::WorkerCrashed
            ) =>
        {
            true
        }
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

/// The code of an error in a GraphQL response, filled in where it has none of ours: errors from
/// [`AppError`] carry theirs; parse and validation errors (which the library raises without one) are the
/// client's, so BAD_USER_INPUT.
pub fn fill_error_code(error: &mut ServerError) -> &'static str {
    let existing = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|v| match v {
            async_graphql::Value::String(s) => code::known(s),
            _ => None,
        });
    existing.unwrap_or_else(|| {
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code::BAD_USER_INPUT);
        code::BAD_USER_INPUT
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One error of every kind. The match has no catch-all, so a new variant does not compile until it
    /// is added here, and then `every_code_is_listed` checks its code.
    fn one_of_each() -> Vec<AppError> {
        let all = vec![
            AppError::Unauthenticated,
            AppError::forbidden("x"),
            AppError::not_found("district", "999"),
            AppError::bad_input("population", "x"),
            AppError::Conflict("x".into()),
            AppError::Duplicate("x".into()),
            AppError::InsufficientStock("x".into()),
            AppError::InvalidState("x".into()),
            AppError::RateLimited {
                retry_after_secs: 1,
            },
            AppError::OperationNotAllowed("x".into()),
            AppError::Unavailable,
            AppError::Internal("x".into()),
            AppError::CursorExpired("x".into()),
            AppError::LimitExceeded("x".into()),
            AppError::Timeout("x".into()),
        ];
        for err in &all {
            match err {
                AppError::Unauthenticated
                | AppError::Forbidden(_)
                | AppError::NotFound { .. }
                | AppError::BadUserInput { .. }
                | AppError::Conflict(_)
                | AppError::Duplicate(_)
                | AppError::InsufficientStock(_)
                | AppError::InvalidState(_)
                | AppError::RateLimited { .. }
                | AppError::OperationNotAllowed(_)
                | AppError::Unavailable
                | AppError::Internal(_)
                | AppError::CursorExpired(_)
                | AppError::LimitExceeded(_)
                | AppError::Timeout(_) => {}
            }
        }
        all
    }

    #[test]
    fn every_code_is_listed() {
        for err in one_of_each() {
            assert!(code::ALL.contains(&err.code()), "{} not listed", err.code());
        }
        let mut seen = std::collections::BTreeSet::new();
        assert!(code::ALL.iter().all(|c| seen.insert(*c)), "listed twice");
    }

    #[test]
    fn codes_are_filled_from_the_one_list() {
        for listed in code::ALL {
            let mut error = ServerError::new("x", None);
            error
                .extensions
                .get_or_insert_with(Default::default)
                .set("code", listed);
            assert_eq!(fill_error_code(&mut error), listed);
        }
        let mut parse_error = ServerError::new("unexpected token", None);
        assert_eq!(fill_error_code(&mut parse_error), code::BAD_USER_INPUT);
        let mut foreign = ServerError::new("x", None);
        foreign
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "SOMETHING_ELSE");
        assert_eq!(fill_error_code(&mut foreign), code::BAD_USER_INPUT);
    }

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
            (
                AppError::RateLimited {
                    retry_after_secs: 1,
                },
                "RATE_LIMITED",
            ),
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

    #[test]
    fn a_connection_lost_under_a_statement_is_the_database_unavailable() {
        use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
        use std::sync::Arc;
        let reset = || SqlxError::Io(std::io::ErrorKind::ConnectionReset.into());
        for err in [
            DbErr::Query(RuntimeErr::SqlxError(Arc::new(reset()))),
            DbErr::Exec(RuntimeErr::SqlxError(Arc::new(reset()))),
            DbErr::Query(RuntimeErr::SqlxError(Arc::new(SqlxError::WorkerCrashed))),
        ] {
            assert!(matches!(AppError::from(err), AppError::Unavailable));
        }
        // A message the driver did not expect is a fault to look into, not an outage.
        let refused = DbErr::Query(RuntimeErr::SqlxError(Arc::new(SqlxError::Protocol(
            "unexpected message".into(),
        ))));
        assert!(matches!(AppError::from(refused), AppError::Internal(_)));
    }
}
