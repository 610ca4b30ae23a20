//! Queries on staff accounts and their tokens.

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

/// Creates a user with an API token; fails with a unique violation if the name is taken.
pub fn create_with_token(
    conn: &mut DbConn,
    username: &str,
    role: &str,
    password_hash: &str,
    token_hash: &str,
) -> QueryResult<i64> {
    let now = super::now();
    super::write_transaction(conn, |c| {
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(username),
                users::role.eq(role),
                users::password_hash.eq(password_hash),
                users::created_at.eq(now),
            ))
            .returning(users::id)
            .get_result(c)?;
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(id),
                api_tokens::token_hash.eq(token_hash),
                api_tokens::kind.eq("api"),
                api_tokens::created_at.eq(now),
            ))
            .execute(c)?;
        Ok(id)
    })
}

/// The enabled user a token belongs to, if the token exists and has not expired.
pub fn by_token_hash(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<UserRecord>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::expires_at.is_null().or(api_tokens::expires_at.gt(now)))
        .filter(users::disabled.eq(false))
        .select(UserRecord::as_select())
        .first(conn)
        .optional()
}
