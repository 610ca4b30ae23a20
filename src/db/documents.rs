//! Queries on stored documents (scans and evidence).

use super::schema::{documents, submission_documents, submissions};
use super::DbConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = documents)]
pub struct DocumentRecord {
    pub id: i64,
    pub sha256: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_path: String,
}

/// Records a stored file, or returns the one already recorded with the same content. A resident's
/// upload (no `uploaded_by`) sent again counts as new for the 24-hour clean-up.
pub fn upsert(conn: &mut DbConn, sha256: &str, content_type: &str, size: i64, path: &str) -> QueryResult<i64> {
    if let Some(id) =
        documents::table.filter(documents::sha256.eq(sha256)).select(documents::id).first(conn).optional()?
    {
        diesel::update(documents::table.find(id).filter(documents::uploaded_by.is_null()))
            .set(documents::created_at.eq(super::now()))
            .execute(conn)?;
        return Ok(id);
    }
    diesel::insert_into(documents::table)
        .values((
            documents::sha256.eq(sha256),
            documents::content_type.eq(content_type),
            documents::size_bytes.eq(size),
            documents::storage_path.eq(path),
            documents::created_at.eq(super::now()),
        ))
        .returning(documents::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<DocumentRecord>> {
    documents::table.find(id).select(DocumentRecord::as_select()).first(conn).optional()
}

/// Links evidence documents to a submission.
pub fn attach(conn: &mut DbConn, submission_id: i64, ids: &[i64]) -> QueryResult<()> {
    for id in ids {
        diesel::insert_into(submission_documents::table)
            .values((submission_documents::submission_id.eq(submission_id), submission_documents::document_id.eq(id)))
            .execute(conn)?;
    }
    Ok(())
}

/// Deletes the residents' uploads (no `uploaded_by`) recorded before `before` that no submission
/// refers to; returns (id, storage path) of each one deleted.
pub fn delete_unattached(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<Vec<(i64, String)>> {
    use diesel::dsl::{exists, not};
    let attached = submission_documents::table.filter(submission_documents::document_id.eq(documents::id));
    let scanned = submissions::table.filter(submissions::document_id.eq(documents::id.nullable()));
    diesel::delete(
        documents::table
            .filter(documents::uploaded_by.is_null())
            .filter(documents::created_at.lt(before))
            .filter(not(exists(attached)))
            .filter(not(exists(scanned))),
    )
    .returning((documents::id, documents::storage_path))
    .get_results(conn)
}
