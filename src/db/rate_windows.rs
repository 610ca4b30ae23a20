//! Rate-limit counters shared by every web node on one database (`web::ratelimit`): one row per
//! counted thing (a salted hash) and minute, and the salt every node hashes with.

use super::schema::{rate_salt, rate_windows};
use super::DbConn;
use diesel::prelude::*;

/// The salt of the keys: `fresh` if no node has made one yet, else the one already there.
pub fn salt(conn: &mut DbConn, fresh: &[u8]) -> QueryResult<Vec<u8>> {
    let inserted = super::on_backend!(&mut *conn, |c| diesel::insert_into(rate_salt::table)
        .values((rate_salt::id.eq(1), rate_salt::salt.eq(fresh)))
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(fresh.to_vec());
    }
    rate_salt::table.find(1).select(rate_salt::salt).first(conn)
}

/// Adds one to `key`'s count in `minute` and returns the new count.
pub fn bump(conn: &mut DbConn, key: &[u8], minute: i64) -> QueryResult<i32> {
    super::on_backend!(&mut *conn, |c| diesel::insert_into(rate_windows::table)
        .values((rate_windows::key.eq(key), rate_windows::minute.eq(minute), rate_windows::count.eq(1)))
        .on_conflict((rate_windows::key, rate_windows::minute))
        .do_update()
        .set(rate_windows::count.eq(rate_windows::count + 1))
        .returning(rate_windows::count)
        .get_result(c))
}

/// `key`'s count in `minute` (0 if nothing was counted).
pub fn count(conn: &mut DbConn, key: &[u8], minute: i64) -> QueryResult<i32> {
    rate_windows::table.find((key, minute)).select(rate_windows::count).first(conn).optional().map(|n| n.unwrap_or(0))
}

/// Forgets `key`'s counts.
pub fn clear(conn: &mut DbConn, key: &[u8]) -> QueryResult<()> {
    diesel::delete(rate_windows::table.filter(rate_windows::key.eq(key))).execute(conn).map(|_| ())
}

/// Deletes the counts of minutes before `minute`; returns how many rows went.
pub fn purge_before(conn: &mut DbConn, minute: i64) -> QueryResult<usize> {
    diesel::delete(rate_windows::table.filter(rate_windows::minute.lt(minute))).execute(conn)
}
