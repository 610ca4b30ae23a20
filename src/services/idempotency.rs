//! `Idempotency-Key` on staff writes (a double-clicked save, a retried request): the key is the
//! staff member's own (two clerks may use the same one), the first request with it records, a
//! repeat gets the first one's answer, and two at once are told apart by the key's unique index
//! in the database — the loser's insert fails and it answers with the winner's record.

use crate::db::DbConn;
use crate::error::AppError;

/// The key as stored: staff member `user_id`'s own.
pub fn scoped(user_id: i64, key: Option<&str>) -> Option<String> {
    key.map(|k| format!("staff:{user_id}/{k}"))
}

/// Runs `record` unless `replay` finds an answer under `key` already. When `record` fails and
/// a key was sent, a request with the same key may have won the race: its answer, if any.
pub fn once<T>(
    conn: &mut DbConn,
    key: Option<&str>,
    replay: impl Fn(&mut DbConn, &str) -> Result<Option<T>, AppError>,
    record: impl FnOnce(&mut DbConn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    if let Some(k) = key {
        if let Some(done) = replay(conn, k)? {
            return Ok(done);
        }
    }
    match (record(conn), key) {
        (Ok(answer), _) => Ok(answer),
        (Err(e), Some(k)) => replay(conn, k)?.ok_or(e),
        (Err(e), None) => Err(e),
    }
}

/// A key sent again with another request (`what`: "plea", "payment").
pub fn reused(what: &str) -> AppError {
    AppError::field(
        "Idempotency-Key",
        format!("this key was used for a different {what}; send a new key for a new {what}"),
    )
}
