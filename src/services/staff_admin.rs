//! Managing staff accounts and their API tokens (the admin pages and `pleadesk user …` /
//! `pleadesk token …`). Every change is an audit event in the change's own transaction, naming
//! the account by id; no password or token ever reaches an event, a log or an address.

use crate::audit::{self, Event};
use crate::auth;
use crate::db::{self, users, DbConn};
use crate::domain::sign_in::{gate, Gate};
use crate::domain::Role;
use crate::error::AppError;
use chrono::NaiveDateTime;
use serde_json::json;

/// An account as the admin page and `pleadesk user list` show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AccountView {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub disabled: bool,
    /// Set while the account is locked after failed sign-ins.
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl AccountView {
    fn of(a: users::Account, now: NaiveDateTime) -> AccountView {
        let locked_until = match gate(a.locked_until, now) {
            Gate::Locked(until) => Some(until),
            Gate::Open => None,
        };
        AccountView {
            id: a.id,
            username: a.username,
            role: a.role,
            disabled: a.disabled,
            locked_until,
            created_at: a.created_at,
        }
    }
}

/// An API token as the admin page shows it: never the token, only when it was made and used.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenView {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked (API tokens do not expire otherwise).
    pub revoked_at: Option<NaiveDateTime>,
}

fn event(
    conn: &mut DbConn,
    actor: &str,
    action: &str,
    user_id: i64,
    details: serde_json::Value,
) -> Result<(), AppError> {
    audit::append(
        conn,
        &Event { actor, action, subject_type: "user", subject_id: &user_id.to_string(), outcome: "ok", details },
    )?;
    Ok(())
}

fn no_such_user() -> AppError {
    AppError::NotFound("there is no staff user with this name or number".into())
}

pub fn list(conn: &mut DbConn) -> Result<Vec<AccountView>, AppError> {
    let now = db::now();
    Ok(users::list(conn)?.into_iter().map(|a| AccountView::of(a, now)).collect())
}

pub fn account(conn: &mut DbConn, id: i64) -> Result<AccountView, AppError> {
    users::by_id(conn, id)?.map(|a| AccountView::of(a, db::now())).ok_or_else(no_such_user)
}

/// The id of the account named `username` (for the command line).
pub fn id_of(conn: &mut DbConn, username: &str) -> Result<i64, AppError> {
    users::by_username(conn, username)?.map(|a| a.id).ok_or_else(no_such_user)
}

pub fn tokens(conn: &mut DbConn, user_id: i64) -> Result<Vec<TokenView>, AppError> {
    Ok(users::api_tokens_of(conn, user_id)?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
            revoked_at: t.expires_at,
        })
        .collect())
}

/// Creates an account with a random password; returns its id and the password (shown once).
pub fn add_user(conn: &mut DbConn, username: &str, role: Role, actor: &str) -> Result<(i64, String), AppError> {
    auth::check_username(username)?;
    let password = auth::new_password();
    let hash = auth::hash_password(&password)?;
    let created = db::write_transaction(conn, |c| -> Result<i64, diesel::result::Error> {
        let id = users::create(c, username, role.as_str(), &hash)?;
        let details = json!({"username": username, "role": role.as_str()});
        audit::append(
            c,
            &Event {
                actor,
                action: "user.added",
                subject_type: "user",
                subject_id: &id.to_string(),
                outcome: "ok",
                details,
            },
        )?;
        Ok(id)
    });
    match created {
        Ok(id) => Ok((id, password)),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(AppError::Conflict(format!("a user named '{username}' already exists")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Runs `change` on an existing account and records `action` with `details`, in one transaction.
fn change(
    conn: &mut DbConn,
    user_id: i64,
    actor: &str,
    action: &str,
    details: serde_json::Value,
    change: impl FnOnce(&mut DbConn, &users::Account) -> Result<(), AppError>,
) -> Result<(), AppError> {
    db::write_transaction(conn, |c| {
        let account = users::by_id(c, user_id)?.ok_or_else(no_such_user)?;
        change(c, &account)?;
        event(c, actor, action, user_id, details)
    })
}

pub fn set_role(conn: &mut DbConn, user_id: i64, role: Role, actor: &str) -> Result<(), AppError> {
    let details = json!({"role": role.as_str()});
    change(conn, user_id, actor, "user.role_changed", details, |c, _| {
        users::set_role(c, user_id, role.as_str())?;
        Ok(())
    })
}

/// Disables (every session ends; its tokens stop working) or enables an account.
pub fn set_disabled(conn: &mut DbConn, user_id: i64, disabled: bool, actor: &str) -> Result<(), AppError> {
    let action = if disabled { "user.disabled" } else { "user.enabled" };
    change(conn, user_id, actor, action, json!({}), |c, _| {
        users::set_disabled(c, user_id, disabled)?;
        if disabled {
            users::delete_sessions(c, user_id, None)?;
        }
        Ok(())
    })
}

/// A new random password (returned once); the account's sessions end and any lock is lifted.
pub fn reset_password(conn: &mut DbConn, user_id: i64, actor: &str) -> Result<String, AppError> {
    let password = auth::new_password();
    let hash = auth::hash_password(&password)?;
    change(conn, user_id, actor, "user.password_reset", json!({}), |c, _| {
        users::set_password_hash(c, user_id, &hash)?;
        users::set_failures(c, user_id, 0, None)?;
        users::delete_sessions(c, user_id, None)?;
        Ok(())
    })?;
    Ok(password)
}

/// Lifts a lock and forgets the failures in a row.
pub fn unlock(conn: &mut DbConn, user_id: i64, actor: &str) -> Result<(), AppError> {
    change(conn, user_id, actor, "user.unlocked", json!({}), |c, _| {
        users::set_failures(c, user_id, 0, None)?;
        Ok(())
    })
}

/// A new API token for an account; returns its id and the token (shown once).
pub fn create_token(conn: &mut DbConn, user_id: i64, actor: &str) -> Result<(i64, String), AppError> {
    let token = auth::new_token();
    let hash = auth::hash_token(&token);
    let id = db::write_transaction(conn, |c| -> Result<i64, AppError> {
        users::by_id(c, user_id)?.ok_or_else(no_such_user)?;
        let id = users::add_token(c, user_id, &hash, users::API, None)?;
        event(c, actor, "token.created", user_id, json!({"token_id": id}))?;
        Ok(id)
    })?;
    Ok((id, token))
}

/// Revokes an API token by its id; returns the account it belonged to.
pub fn revoke_token(conn: &mut DbConn, token_id: i64, actor: &str) -> Result<i64, AppError> {
    db::write_transaction(conn, |c| {
        let missing = || AppError::NotFound(format!("there is no API token {token_id} that is still in use"));
        let t = users::token_by_id(c, token_id)?
            .filter(|t| t.kind == users::API && t.expires_at.is_none())
            .ok_or_else(missing)?;
        users::revoke(c, token_id, db::now())?;
        event(c, actor, "token.revoked", t.user_id, json!({"token_id": token_id}))?;
        Ok(t.user_id)
    })
}
