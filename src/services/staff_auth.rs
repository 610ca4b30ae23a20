//! Staff sign-in and sign-out. A sign-in answers the same for an unknown name, a wrong password
//! and a disabled account, after the same argon2 work (an unknown name is checked against a
//! dummy hash); five failures in a row lock the account for fifteen minutes; a success makes a
//! session token (kind `session`) that ends after the idle limit without use. Each attempt is an
//! audit event in the transaction of the change it makes; the name typed is never recorded (a
//! password typed into the name box must not end up on the record).

use crate::audit::{self, Event};
use crate::auth::{self, StaffUser};
use crate::db::{self, users, DbConn};
use crate::domain::sign_in::{self, Gate};
use crate::error::AppError;
use chrono::{Duration, NaiveDateTime};
use serde_json::json;

/// A new sign-in session: the token (given to the client once) and when it ends if unused.
#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub expires_at: NaiveDateTime,
    pub user: StaffUser,
}

fn record(
    conn: &mut DbConn,
    actor: &str,
    action: &str,
    subject: &str,
    outcome: &str,
    details: serde_json::Value,
) -> diesel::QueryResult<i64> {
    audit::append(conn, &Event { actor, action, subject_type: "user", subject_id: subject, outcome, details })
}

fn locked(until: NaiveDateTime) -> AppError {
    let at = until.and_utc().format("%Y-%m-%d %H:%M UTC");
    AppError::Locked {
        message: format!(
            "this account is locked after {} failed sign-ins in a row, until {at}; try again then, or ask an administrator to unlock it",
            sign_in::MAX_FAILURES
        ),
        until,
    }
}

/// Checks a name and password; a session on success.
pub fn sign_in(conn: &mut DbConn, username: &str, password: &str, idle: Duration) -> Result<Session, AppError> {
    // A name no account can have (see `auth::check_username`) is not looked up: it is unknown.
    // PostgreSQL refuses text with a NUL byte, which would otherwise be a 500.
    let account = if auth::check_username(username).is_ok() { users::by_username(conn, username)? } else { None };
    // The same argon2 work whether or not the name exists.
    let hash = account.as_ref().map(|a| a.password_hash.as_str()).unwrap_or(auth::dummy_hash());
    let password_ok = auth::verify_password(hash, password) && account.is_some();
    let Some(account) = account else {
        record_attempt(conn, "public", "unknown", "unknown_user")?;
        return Err(AppError::BadSignIn);
    };
    let (id, actor) = (account.id.to_string(), format!("staff:{}", account.id));
    if account.disabled {
        record_attempt(conn, &actor, &id, "disabled")?;
        return Err(AppError::BadSignIn);
    }
    db::write_transaction(conn, |c| -> Result<Result<Session, AppError>, AppError> {
        // Read again under the write lock: attempts at the same time count one by one.
        let now = db::now();
        let current = users::by_id(c, account.id)?.ok_or(AppError::BadSignIn)?;
        if let Gate::Locked(until) = sign_in::gate(current.locked_until, now) {
            record(c, &actor, "staff.sign_in_failed", &id, "denied", json!({"reason": "locked"}))?;
            return Ok(Err(locked(until)));
        }
        if !password_ok {
            let after = sign_in::after_failure(current.failed_logins, now);
            users::set_failures(c, current.id, after.failed_logins, after.locked_until)?;
            record(c, &actor, "staff.sign_in_failed", &id, "denied", json!({"reason": "wrong_password"}))?;
            if let Some(until) = after.locked_until {
                let details = json!({"failures": sign_in::MAX_FAILURES, "minutes": sign_in::LOCK_MINUTES});
                record(c, "system", "staff.locked_out", &id, "ok", details)?;
                return Ok(Err(locked(until)));
            }
            return Ok(Err(AppError::BadSignIn));
        }
        let role =
            current.role.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("user {id} has a bad role: {e}")))?;
        users::set_failures(c, current.id, 0, None)?;
        users::delete_sessions(c, current.id, Some(now))?;
        let token = auth::new_token();
        let expires_at = now + idle;
        let session_id = users::add_token(c, current.id, &auth::hash_token(&token), users::SESSION, Some(expires_at))?;
        record(c, &actor, "staff.signed_in", &id, "ok", json!({"session_id": session_id}))?;
        let user = StaffUser { id: current.id, username: current.username, role };
        Ok(Ok(Session { token, expires_at, user }))
    })?
}

fn record_attempt(conn: &mut DbConn, actor: &str, subject: &str, reason: &str) -> Result<(), AppError> {
    db::write_transaction(conn, |c| {
        record(c, actor, "staff.sign_in_failed", subject, "denied", json!({"reason": reason}))
    })?;
    Ok(())
}

/// Ends a session (a token of another kind, or none, changes nothing); `true` if one ended.
pub fn sign_out(conn: &mut DbConn, token: &str) -> Result<bool, AppError> {
    let hash = auth::hash_token(token);
    db::write_transaction(conn, |c| {
        let Some(user_id) = users::delete_session(c, &hash)? else { return Ok(false) };
        record(c, &format!("staff:{user_id}"), "staff.signed_out", &user_id.to_string(), "ok", json!({}))?;
        Ok(true)
    })
}
