//! Queries on drafts: a resident's unfinished plea between page steps, found by the SHA-256 of
//! its cookie token, gone once it has been idle past `expires_at`.

use super::schema::drafts;
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// The draft's JSON if it has not expired.
pub fn find(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<Option<String>> {
    drafts::table
        .filter(drafts::token_hash.eq(token_hash))
        .filter(drafts::expires_at.gt(now))
        .select(drafts::data)
        .first(conn)
        .optional()
}

/// Stores (or replaces) a draft and moves its expiry to `expires_at`.
pub fn save(
    conn: &mut DbConn,
    token_hash: &str,
    data: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    let updated = diesel::update(drafts::table.filter(drafts::token_hash.eq(token_hash)))
        .set((drafts::data.eq(data), drafts::expires_at.eq(expires_at), drafts::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(drafts::table)
            .values((
                drafts::token_hash.eq(token_hash),
                drafts::data.eq(data),
                drafts::expires_at.eq(expires_at),
                drafts::created_at.eq(now),
                drafts::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Moves a live draft's expiry (the resident is still there).
pub fn touch(conn: &mut DbConn, token_hash: &str, expires_at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(drafts::table.filter(drafts::token_hash.eq(token_hash)))
        .set(drafts::expires_at.eq(expires_at))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConn, token_hash: &str) -> QueryResult<()> {
    diesel::delete(drafts::table.filter(drafts::token_hash.eq(token_hash))).execute(conn).map(|_| ())
}

/// Deletes every draft idle past its expiry; returns how many.
pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(drafts::table.filter(drafts::expires_at.le(now))).execute(conn)
}
