//! The blob store: stored files kept in the database, content-addressed by their SHA-256, one row
//! per blob (`blobs`) and its content in chunks (`blob_chunks`), written and read one chunk at a
//! time. Used on PostgreSQL, where nodes share no folder (`services::stored_files` says when);
//! the tables exist on SQLite too and stay empty there.
//!
//! A blob row is inserted with all its chunks in one transaction — the one that records the row
//! naming the file — so a committed blob is complete, and never changed afterwards.

use super::schema::{blob_chunks, blobs, documents, letters};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

/// A blob as recorded: its size and how many chunks hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = blobs)]
pub struct Blob {
    pub size_bytes: i64,
    pub chunks: i32,
}

/// Records blob `sha256` of `size` bytes in `chunks` chunks, or — when it is recorded already —
/// marks it stored again at `at` (which holds its row until the caller's transaction ends, so that
/// a purge cannot remove it under a new row naming it). Returns whether its chunks are to be
/// written: true for a new blob. Call it in the transaction that records the row naming the file,
/// then [`put_chunk`] each chunk.
pub fn begin(conn: &mut DbConn, sha256: &str, size: i64, chunks: i32, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::sql_query(
        "INSERT INTO blobs (sha256, size_bytes, chunks, stored_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (sha256) DO UPDATE SET stored_at = excluded.stored_at",
    )
    .bind::<Text, _>(sha256)
    .bind::<BigInt, _>(size)
    .bind::<Integer, _>(chunks)
    .bind::<Timestamp, _>(at)
    .execute(conn)?;
    // A blob committed before has every chunk; one inserted just now has none yet.
    let written: i64 = blob_chunks::table.filter(blob_chunks::sha256.eq(sha256)).count().get_result(conn)?;
    Ok(written == 0 && chunks > 0)
}

/// Writes chunk `seq` (from 0) of blob `sha256`.
pub fn put_chunk(conn: &mut DbConn, sha256: &str, seq: i32, data: &[u8]) -> QueryResult<()> {
    diesel::insert_into(blob_chunks::table)
        .values((blob_chunks::sha256.eq(sha256), blob_chunks::seq.eq(seq), blob_chunks::data.eq(data)))
        .execute(conn)?;
    Ok(())
}

/// Blob `sha256`, if the database has it.
pub fn find(conn: &mut DbConn, sha256: &str) -> QueryResult<Option<Blob>> {
    blobs::table.find(sha256).select(Blob::as_select()).first(conn).optional()
}

/// Chunk `seq` of blob `sha256` (one chunk in memory at a time).
pub fn chunk(conn: &mut DbConn, sha256: &str, seq: i32) -> QueryResult<Option<Vec<u8>>> {
    blob_chunks::table.find((sha256, seq)).select(blob_chunks::data).first(conn).optional()
}

/// How many chunk rows blob `sha256` has.
pub fn chunk_rows(conn: &mut DbConn, sha256: &str) -> QueryResult<i64> {
    blob_chunks::table.filter(blob_chunks::sha256.eq(sha256)).count().get_result(conn)
}

/// A row that names a stored file whose content the blob store lacks: (table, id, recorded path,
/// checksum).
pub type Unstored = (&'static str, i64, String, String);

/// Up to `limit` rows (rendered letters, then documents) that name a file the blob store lacks,
/// with an id above `after` (per table: `(letters, documents)`) — files stored before the blob
/// store existed.
pub fn unstored(conn: &mut DbConn, after: (i64, i64), limit: i64) -> QueryResult<Vec<Unstored>> {
    use diesel::dsl::{exists, not};
    let letter_rows: Vec<(i64, Option<String>, Option<String>)> = letters::table
        .filter(letters::id.gt(after.0))
        .filter(letters::storage_path.is_not_null())
        .filter(not(exists(blobs::table.filter(letters::sha256.eq(blobs::sha256.nullable())))))
        .order(letters::id)
        .limit(limit)
        .select((letters::id, letters::storage_path, letters::sha256))
        .load(conn)?;
    let mut out: Vec<Unstored> =
        letter_rows.into_iter().filter_map(|(id, path, sha)| Some(("letters", id, path?, sha?))).collect();
    let room = limit - out.len() as i64;
    if room > 0 {
        let docs: Vec<(i64, String, String)> = documents::table
            .filter(documents::id.gt(after.1))
            .filter(not(exists(blobs::table.filter(blobs::sha256.eq(documents::sha256)))))
            .order(documents::id)
            .limit(room)
            .select((documents::id, documents::storage_path, documents::sha256))
            .load(conn)?;
        out.extend(docs.into_iter().map(|(id, path, sha)| ("documents", id, path, sha)));
    }
    Ok(out)
}

/// Deletes the blobs among `shas` that no letter or document names any more and that were last
/// stored before `before` (one stored again meanwhile is being named by a new row); returns how
/// many. Call it in the transaction that deleted the rows.
pub fn delete_unnamed(conn: &mut DbConn, shas: &[String], before: NaiveDateTime) -> QueryResult<usize> {
    use diesel::dsl::{exists, not};
    let named_by_letter = letters::table.filter(letters::sha256.eq(blobs::sha256.nullable()));
    let named_by_document = documents::table.filter(documents::sha256.eq(blobs::sha256));
    diesel::delete(
        blobs::table
            .filter(blobs::sha256.eq_any(shas))
            .filter(blobs::stored_at.lt(before))
            .filter(not(exists(named_by_letter)))
            .filter(not(exists(named_by_document))),
    )
    .execute(conn)
}
