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

/// Records a stored file, or returns the one already recorded with the same content. Safe when
/// the same content arrives twice at once: the insert that loses the race on the unique checksum
/// finds the winner's row instead of failing. A resident's upload (no `uploaded_by`) sent again
/// counts as new for the 24-hour clean-up. `original_name` is the name the file was sent under
/// (sanitised by the caller); a document already recorded without one gets it.
pub fn upsert(
    conn: &mut DbConn,
    sha256: &str,
    content_type: &str,
    size: i64,
    path: &str,
    original_name: Option<&str>,
) -> QueryResult<i64> {
    if let Some(id) = by_sha256(conn, sha256)? {
        diesel::update(documents::table.find(id).filter(documents::uploaded_by.is_null()))
            .set(documents::created_at.eq(super::now()))
            .execute(conn)?;
        if let Some(name) = original_name {
            diesel::update(documents::table.find(id).filter(documents::original_name.is_null()))
                .set(documents::original_name.eq(name))
                .execute(conn)?;
        }
        return Ok(id);
    }
    // A savepoint (or a transaction of its own), so that a failed insert leaves the caller's
    // PostgreSQL transaction usable.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(documents::table)
            .values((
                documents::sha256.eq(sha256),
                documents::content_type.eq(content_type),
                documents::size_bytes.eq(size),
                documents::storage_path.eq(path),
                documents::original_name.eq(original_name),
                documents::created_at.eq(super::now()),
            ))
            .returning(documents::id)
            .get_result(c)
    });
    match inserted {
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            by_sha256(conn, sha256)?.ok_or(diesel::result::Error::NotFound)
        }
        other => other,
    }
}

fn by_sha256(conn: &mut DbConn, sha256: &str) -> QueryResult<Option<i64>> {
    documents::table.filter(documents::sha256.eq(sha256)).select(documents::id).first(conn).optional()
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
/// refers to; returns (id, storage path, checksum) of each one deleted.
pub fn delete_unattached(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<Vec<(i64, String, String)>> {
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
    .returning((documents::id, documents::storage_path, documents::sha256))
    .get_results(conn)
}

/// The names of the documents received with a submission, in the order they arrived (a document
/// sent without a name is listed as `document-<id>`).
pub fn names_for_submission(conn: &mut DbConn, submission_id: i64) -> QueryResult<Vec<String>> {
    Ok(evidence_of(conn, submission_id)?.into_iter().map(|(_, name)| name).collect())
}

/// (id, name) of the evidence documents received with a submission, in the order they arrived.
pub fn evidence_of(conn: &mut DbConn, submission_id: i64) -> QueryResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, Option<String>)> = submission_documents::table
        .inner_join(documents::table)
        .filter(submission_documents::submission_id.eq(submission_id))
        .order(documents::id)
        .select((documents::id, documents::original_name))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, name)| (id, name.unwrap_or_else(|| format!("document-{id}")))).collect())
}

/// Whether document `id` was received with a submission (evidence or a scanned plea).
pub fn is_evidence(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    use diesel::dsl::count_star;
    let n: i64 = submission_documents::table
        .filter(submission_documents::document_id.eq(id))
        .select(count_star())
        .first(conn)?;
    Ok(n > 0)
}

/// Which of the checksums `shas` are recorded documents'.
pub fn known_among(conn: &mut DbConn, shas: &[String]) -> QueryResult<Vec<String>> {
    let mut found = Vec::new();
    for chunk in shas.chunks(1000) {
        found.extend(
            documents::table.filter(documents::sha256.eq_any(chunk)).select(documents::sha256).load::<String>(conn)?,
        );
    }
    Ok(found)
}
