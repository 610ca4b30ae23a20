//! Queries on staff accounts and their tokens (API tokens and sign-in sessions).

use super::schema::{api_tokens, users};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub disabled: bool,
}

/// An account as sign-in and the admin pages see it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub password_hash: String,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

/// A token as the admin pages list it (never its hash).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
}

pub const API: &str = "api";
pub const SESSION: &str = "session";

/// Creates a user; fails with a unique violation if the name is taken.
pub fn create(conn: &mut DbConn, username: &str, role: &str, password_hash: &str) -> QueryResult<i64> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::role.eq(role),
            users::password_hash.eq(password_hash),
            users::created_at.eq(super::now()),
        ))
        .returning(users::id)
        .get_result(conn)
}

/// Adds a token (`API` or `SESSION`) for a user; returns its id.
pub fn add_token(
    conn: &mut DbConn,
    user_id: i64,
    token_hash: &str,
    kind: &str,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<i64> {
    let now = super::now();
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::user_id.eq(user_id),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::kind.eq(kind),
            api_tokens::created_at.eq(now),
            api_tokens::last_used_at.eq((kind == SESSION).then_some(now)),
            api_tokens::expires_at.eq(expires_at),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
}

pub fn by_username(conn: &mut DbConn, username: &str) -> QueryResult<Option<Account>> {
    users::table.filter(users::username.eq(username)).select(Account::as_select()).first(conn).optional()
}

pub fn by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Account>> {
    users::table.find(id).select(Account::as_select()).first(conn).optional()
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Account>> {
    users::table.order(users::username.asc()).select(Account::as_select()).load(conn)
}

/// Sets the failure count and the lock of an account.
pub fn set_failures(
    conn: &mut DbConn,
    id: i64,
    failed_logins: i32,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::failed_logins.eq(failed_logins), users::locked_until.eq(locked_until)))
        .execute(conn)
}

pub fn set_role(conn: &mut DbConn, id: i64, role: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::role.eq(role)).execute(conn)
}

pub fn set_disabled(conn: &mut DbConn, id: i64, disabled: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::disabled.eq(disabled)).execute(conn)
}

pub fn set_password_hash(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::password_hash.eq(hash)).execute(conn)
}

/// The enabled user a token belongs to, if the token exists and has not expired, with the
/// token's id and kind.
pub fn by_token_hash(
    conn: &mut DbConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(UserRecord, i64, String)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(now)))
        .filter(users::disabled.eq(false))
        .select((UserRecord::as_select(), api_tokens::id, api_tokens::kind))
        .first(conn)
        .optional()
}

/// Whether a session token exists at all (live or idle-expired); `None` if there is no such row.
pub fn session_expiry(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<Option<NaiveDateTime>>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::kind.eq(SESSION))
        .select(api_tokens::expires_at)
        .first(conn)
        .optional()
}

/// A token was used now; a session's idle limit starts again (`expires_at`).
pub fn touch(
    conn: &mut DbConn,
    token_id: i64,
    now: NaiveDateTime,
    expires_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let target = api_tokens::table.find(token_id);
    match expires_at {
        Some(at) => {
            diesel::update(target).set((api_tokens::last_used_at.eq(now), api_tokens::expires_at.eq(at))).execute(conn)
        }
        None => diesel::update(target).set(api_tokens::last_used_at.eq(now)).execute(conn),
    }
}

/// Ends a session: its row is removed (it was only ever a credential). Returns its user.
pub fn delete_session(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<i64>> {
    diesel::delete(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash)).filter(api_tokens::kind.eq(SESSION)))
        .returning(api_tokens::user_id)
        .get_result(conn)
        .optional()
}

/// Ends every session of a user, or only the ones idle past `before` when given.
pub fn delete_sessions(conn: &mut DbConn, user_id: i64, before: Option<NaiveDateTime>) -> QueryResult<usize> {
    let mine = api_tokens::table.filter(api_tokens::user_id.eq(user_id)).filter(api_tokens::kind.eq(SESSION));
    match before {
        Some(t) => diesel::delete(mine.filter(api_tokens::expires_at.le(t))).execute(conn),
        None => diesel::delete(mine).execute(conn),
    }
}

/// A user's API tokens, newest first.
pub fn api_tokens_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<TokenRecord>> {
    api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .filter(api_tokens::kind.eq(API))
        .order(api_tokens::id.desc())
        .select(TokenRecord::as_select())
        .load(conn)
}

pub fn token_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<TokenRecord>> {
    api_tokens::table.find(id).select(TokenRecord::as_select()).first(conn).optional()
}

/// Revokes an API token: it expires now (the row stays, so the admin page shows it revoked).
pub fn revoke(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_tokens::table.find(id).filter(api_tokens::kind.eq(API)))
        .set(api_tokens::expires_at.eq(now))
        .execute(conn)
}

/// When staff member `id` last opened the list of pleas linked since they last looked.
pub fn linked_seen_at(conn: &mut DbConn, id: i64) -> QueryResult<Option<NaiveDateTime>> {
    users::table
        .find(id)
        .select(users::linked_seen_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .map(Option::flatten)
}

pub fn set_linked_seen_at(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id)).set(users::linked_seen_at.eq(Some(at))).execute(conn)
}
