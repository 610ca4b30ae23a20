//! One error type for the whole service, mapped to HTTP status and the JSON error body
//! `{"error": {"code", "message", "fields"}}` in one place. The cause chain goes to the log, never
//! to the client.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request was understood but a value in it is wrong; `fields` names each bad field.
    #[error("{message}")]
    Invalid { message: String, fields: BTreeMap<String, String> },
    #[error("{0}")]
    NotFound(String),
    #[error("sign in first: send Authorization: Bearer <token>")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many requests; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// A staff sign-in with a wrong user name or password, or for a disabled account: one answer
    /// for all three, so that it tells nobody which names exist.
    #[error("the user name or the password is not right (or the account is disabled); check them and try again")]
    BadSignIn,
    /// The account is locked after failed sign-ins until `until` (UTC).
    #[error("{message}")]
    Locked { message: String, until: chrono::NaiveDateTime },
    #[error("{0}")]
    Unavailable(String),
    #[error("something went wrong on our side; nothing was saved, please try again")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        AppError::Invalid { message: message.into(), fields: BTreeMap::new() }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_string(), message.clone());
        AppError::Invalid { message, fields }
    }

    /// The message with, for internal errors, the whole cause chain: for operators (CLI output,
    /// parked jobs), never for HTTP clients.
    pub fn detail(&self) -> String {
        match self {
            AppError::Internal(cause) => format!("{cause:#}"),
            other => other.to_string(),
        }
    }

    /// The error for a bare status that no handler explained (an unknown address, a method the
    /// address does not take, an extractor's refusal), so that `/api` answers JSON throughout.
    pub fn for_status(status: StatusCode) -> AppError {
        match status {
            StatusCode::NOT_FOUND => AppError::NotFound("there is nothing at this address".into()),
            StatusCode::METHOD_NOT_ALLOWED => {
                AppError::MethodNotAllowed("this address does not take this method; see the API document".into())
            }
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge("the body is larger than the limit".into()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                AppError::UnsupportedMediaType("this content type is not accepted".into())
            }
            StatusCode::UNAUTHORIZED => AppError::Unauthorized,
            StatusCode::FORBIDDEN => AppError::Forbidden("not allowed".into()),
            StatusCode::TOO_MANY_REQUESTS => AppError::RateLimited { retry_after_secs: 60 },
            StatusCode::SERVICE_UNAVAILABLE => AppError::Unavailable("please try again shortly".into()),
            s if s.is_server_error() => AppError::Internal(anyhow::anyhow!("status {s} without an error body")),
            s => AppError::invalid(format!("the request could not be read ({s})")),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound(_) => "not_found",
            AppError::Unauthorized | AppError::BadSignIn => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::Conflict(_) => "conflict",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::PayloadTooLarge(_) => "payload_too_large",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Locked { .. } => "locked",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }
}

/// What a caller is told while the database cannot be reached (SPEC §5: a 503 says try again).
pub const DATABASE_DOWN: &str = "the database is not answering; nothing was saved, please try again shortly";
/// What a caller is told while the server cannot write its files (a full disk, a read-only folder).
pub const STORAGE_DOWN: &str = "the server cannot store files right now; nothing was saved, please try again later";

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        if database_unavailable(&e) {
            tracing::error!(error = %e, "the database is unavailable");
            return AppError::Unavailable(DATABASE_DOWN.into());
        }
        AppError::Internal(anyhow::Error::new(e).context("database query failed"))
    }
}

/// True when a query failed because of the database's state, not the query: the connection was
/// lost (PostgreSQL stopped or restarted), or the database cannot write (disk full, read-only
/// file, I/O error). Such a request may succeed when tried again later.
pub fn database_unavailable(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error as E};
    match e {
        E::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) | E::BrokenTransactionManager => true,
        E::DatabaseError(_, info) => {
            let m = info.message();
            // SQLite's messages for SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN;
            // PostgreSQL's for disk_full (53100), admin_shutdown (57P01) and the like.
            [
                "database or disk is full",
                "disk I/O error",
                "attempt to write a readonly database",
                "unable to open database file",
                "No space left on device",
                "terminating connection due to administrator command",
                "the database system is shutting down",
                "server closed the connection unexpectedly",
            ]
            .iter()
            .any(|known| m.contains(known))
        }
        E::RollbackErrorOnCommit { commit_error, .. } => database_unavailable(commit_error),
        _ => false,
    }
}

impl AppError {
    /// True for an outage of the machine — the database unreachable, the data folder unwritable —
    /// rather than a fault of the request or the job (a mail server refusing is not one).
    pub fn is_outage(&self) -> bool {
        matches!(self, AppError::Unavailable(m) if m == DATABASE_DOWN || m == STORAGE_DOWN)
    }

    /// A file could not be written (or read) for a reason of the machine, not of the request — a
    /// full disk, a read-only or inaccessible data folder: 503, try again later. Anything else
    /// is internal. `what` says which file, for the log (paths hold checksums and ids only).
    pub fn storage(e: std::io::Error, what: impl std::fmt::Display) -> AppError {
        use std::io::ErrorKind as K;
        match e.kind() {
            K::StorageFull | K::ReadOnlyFilesystem | K::PermissionDenied | K::QuotaExceeded => {
                tracing::error!(error = %e, file = %what, "the data folder cannot be written");
                AppError::Unavailable(STORAGE_DOWN.into())
            }
            _ => AppError::Internal(anyhow::anyhow!("{what}: {e}")),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "no database connection");
        AppError::Unavailable(DATABASE_DOWN.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Unauthorized | AppError::BadSignIn => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Locked { .. } => StatusCode::LOCKED,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let fields = match self {
            AppError::Invalid { fields, .. } => fields.clone(),
            _ => BTreeMap::new(),
        };
        let locked_until = match self {
            AppError::Locked { until, .. } => Some(until.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail { code: self.code().to_string(), message: self.to_string(), fields, locked_until },
        };
        let mut resp = HttpResponse::build(self.status_code());
        match self {
            AppError::RateLimited { retry_after_secs } => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            AppError::Unavailable(_) => {
                resp.insert_header((header::RETRY_AFTER, "30"));
            }
            AppError::Unauthorized => {
                resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            AppError::Locked { until, .. } => {
                let secs = (*until - chrono::Utc::now().naive_utc()).num_seconds().max(1);
                resp.insert_header((header::RETRY_AFTER, secs.to_string()));
            }
            _ => {}
        }
        resp.json(body)
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The JSON body of every error response.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// invalid, not_found, unauthorized, forbidden, conflict, method_not_allowed, payload_too_large,
    /// unsupported_media_type, rate_limited, locked, unavailable, internal
    pub code: String,
    /// What is wrong and what to do, in plain language.
    pub message: String,
    /// Field name → what is wrong with it.
    pub fields: BTreeMap<String, String>,
    /// With `locked`: when the account opens again (UTC, RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_until: Option<String>,
}
