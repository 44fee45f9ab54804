//! The one error type of the service and its mapping to GraphQL `extensions.code`.
//!
//! Services return [`AppError`]; the GraphQL layer turns it into an error whose
//! `extensions.code` (and `extensions.field` for bad input) clients can rely on.
//! This file is the only place that mapping is written.

use sea_orm::{DbErr, SqlErr};

/// Result of every service function.
pub type AppResult<T> = Result<T, AppError>;

/// Everything that can go wrong in a request, as a client should see it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No credentials where some are needed, or credentials that are not valid.
    /// The client gets `UNAUTHENTICATED` and never learns which check failed.
    #[error("authentication is required, or the credentials given are not valid")]
    Unauthenticated,
    /// Known actor, action not allowed on a record it may see: `FORBIDDEN`.
    #[error("{0}")]
    Forbidden(String),
    /// The record does not exist, or the actor may not know that it does: `NOT_FOUND`.
    #[error("not found")]
    NotFound,
    /// Input that fails validation: `BAD_USER_INPUT` with `extensions.field`
    /// naming the offending argument or input field (e.g. `input.email`).
    #[error("{message}")]
    BadInput {
        /// Path of the input field, as the client wrote it.
        field: String,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// The request contradicts the current state (duplicate, stale version,
    /// illegal transition, last admin): `CONFLICT`.
    #[error("{0}")]
    Conflict(String),
    /// Too many attempts: `RATE_LIMITED` with `extensions.retryAfterSeconds`.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until another attempt will be considered.
        retry_after_secs: u64,
    },
    /// The service cannot answer now (timeout, feature not configured): `SERVICE_UNAVAILABLE`.
    #[error("{0}")]
    ServiceUnavailable(String),
    /// A bug or an infrastructure failure: `INTERNAL`. The detail is logged with
    /// the request id and never sent to the client.
    #[error("internal error")]
    Internal(String),
    /// A database error, kept with its source for the log. A database that
    /// cannot be reached (no connection to be had, a dropped connection, a
    /// server shutting down, a statement cancelled by its timeout, SQLite busy)
    /// is `SERVICE_UNAVAILABLE`, worth a retry; any other is a bug: `INTERNAL`.
    #[error("{}", if is_unavailability(.0) { DATABASE_UNAVAILABLE } else { "internal error" })]
    Db(#[from] DbErr),
}

impl AppError {
    /// The stable `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::NotFound => "NOT_FOUND",
            AppError::BadInput { .. } => "BAD_USER_INPUT",
            AppError::Conflict(_) => "CONFLICT",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::ServiceUnavailable(_) => "SERVICE_UNAVAILABLE",
            AppError::Internal(_) => "INTERNAL",
            AppError::Db(err) if is_unavailability(err) => "SERVICE_UNAVAILABLE",
            AppError::Db(_) => "INTERNAL",
        }
    }

    /// A validation failure of one input field.
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Moves a bad-input error under a nested input: a field `input.name`
    /// reported by a service becomes `input.service.name` when the client sent
    /// the service's details as `input.service`.
    pub fn nested(self, prefix: &str) -> Self {
        match self {
            AppError::BadInput { field, message } => AppError::BadInput {
                field: match field.strip_prefix("input.") {
                    Some(rest) => format!("{prefix}.{rest}"),
                    None => field,
                },
                message,
            },
            other => other,
        }
    }

    /// Turns a failed insert or update into a `CONFLICT` when it broke a unique
    /// constraint, and into `INTERNAL` otherwise.
    pub fn conflict_on_unique(err: DbErr, message: impl Into<String>) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict(message.into()),
            _ => AppError::from(err),
        }
    }

    /// The message and `extensions` a client receives for this error. Internal
    /// details are logged here (inside the request's span, with its request id)
    /// and replaced by a generic message.
    pub fn client_view(&self) -> (String, async_graphql::ErrorExtensionValues) {
        match self {
            AppError::Internal(detail) => tracing::error!(detail = %detail, "internal error"),
            AppError::Db(err) if is_unavailability(err) => {
                tracing::warn!(
                    error = err as &dyn std::error::Error,
                    "database unavailable"
                )
            }
            AppError::Db(err) => {
                tracing::error!(error = err as &dyn std::error::Error, "database error")
            }
            _ => {}
        }
        let mut ext = async_graphql::ErrorExtensionValues::default();
        ext.set("code", self.code());
        match self {
            AppError::BadInput { field, .. } => ext.set("field", field.as_str()),
            AppError::RateLimited { retry_after_secs } => {
                ext.set("retryAfterSeconds", *retry_after_secs)
            }
            _ => {}
        }
        (self.to_string(), ext)
    }
}

/// What a client is told while the database cannot be reached or is overloaded.
const DATABASE_UNAVAILABLE: &str =
    "the database cannot be reached right now; nothing was changed, try again shortly";

fn is_unavailability(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_ref(),
        DbErr::Conn(_) => return true,
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::Protocol(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        Sqlx::Database(db) => db.code().is_some_and(|code| match code.len() {
            // PostgreSQL's five-character SQLSTATE: connection exceptions (08),
            // shutting down or not yet accepting connections (57P0x), statement
            // timeout (57014), too many connections (53300).
            5 => {
                code.starts_with("08")
                    || code.starts_with("57P0")
                    || code == "57014"
                    || code == "53300"
            }
            // SQLite's numeric (extended) result code: busy (5) or locked (6).
            _ => code.parse::<u32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6)),
        }),
        _ => false,
    }
}
