//! Queries on letters.

use super::schema::{citations, letters};
use super::DbConn;
use crate::domain::{EmailStatus, LetterStatus};
use chrono::NaiveDateTime;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = letters)]
pub struct LetterRecord {
    pub id: i64,
    pub citation_id: Option<i64>,
    pub submission_id: Option<i64>,
    pub letter_type: String,
    pub language: String,
    pub recipient: String,
    pub data: String,
    pub storage_path: Option<String>,
    pub sha256: Option<String>,
    pub pages: Option<i32>,
    #[diesel(deserialize_as = String)]
    pub status: LetterStatus,
    pub created_at: NaiveDateTime,
    pub printed_at: Option<NaiveDateTime>,
    pub emailed_at: Option<NaiveDateTime>,
    pub mailed_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub email_status: EmailStatus,
}

pub struct NewLetter<'a> {
    pub citation_id: i64,
    pub submission_id: Option<i64>,
    pub letter_type: &'a str,
    pub language: &'a str,
    pub recipient: &'a str,
    pub data: &'a str,
    /// False for a letter sent by email only (`LetterType::by_post`): the mail run leaves it out.
    pub by_post: bool,
}

/// Inserts queued letters; returns their ids in the same order.
pub fn insert_many(conn: &mut DbConn, rows: &[NewLetter]) -> QueryResult<Vec<i64>> {
    let now = super::now();
    let values: Vec<_> = rows
        .iter()
        .map(|l| {
            (
                letters::citation_id.eq(l.citation_id),
                letters::submission_id.eq(l.submission_id),
                letters::letter_type.eq(l.letter_type),
                letters::language.eq(l.language),
                letters::recipient.eq(l.recipient),
                letters::data.eq(l.data),
                letters::by_post.eq(l.by_post),
                letters::status.eq(LetterStatus::Queued.as_str()),
                letters::created_at.eq(now),
            )
        })
        .collect();
    let mut ids = Vec::with_capacity(values.len());
    // A multi-row VALUES list returns its ids in the order of its rows on both databases.
    for chunk in values.chunks(500) {
        ids.extend(super::on_backend!(&mut *conn, |c| diesel::insert_into(letters::table)
            .values(chunk)
            .returning(letters::id)
            .get_results::<i64>(c))?);
    }
    Ok(ids)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<LetterRecord>> {
    letters::table.find(id).select(LetterRecord::as_select()).first(conn).optional()
}

/// Records where the rendered PDF is; only the first render counts. True if this call stored it.
pub fn set_rendered(conn: &mut DbConn, id: i64, path: &str, sha256: &str, pages: i32) -> QueryResult<bool> {
    let n = diesel::update(letters::table.find(id).filter(letters::storage_path.is_null()))
        .set((letters::storage_path.eq(path), letters::sha256.eq(sha256), letters::pages.eq(pages)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Records, before the SMTP conversation starts, that the email is being sent (committed on its
/// own). Returns the state it had: `Sending` means an earlier attempt may have delivered it.
pub fn set_email_sending(conn: &mut DbConn, id: i64) -> QueryResult<EmailStatus> {
    super::write_transaction(conn, |c| {
        let before: String = letters::table.find(id).select(letters::email_status).first(c)?;
        diesel::update(letters::table.find(id).filter(letters::emailed_at.is_null()))
            .set(letters::email_status.eq(EmailStatus::Sending.as_str()))
            .execute(c)?;
        before.parse().map_err(|e: crate::domain::ParseError| diesel::result::Error::DeserializationError(e.into()))
    })
}

/// Records that the email went out; true if this call recorded it (false: it already had). A
/// letter sent by email only is then `emailed`: it has gone out.
pub fn set_emailed(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(letters::table.find(id).filter(letters::emailed_at.is_null()))
        .set((letters::emailed_at.eq(at), letters::email_status.eq(EmailStatus::Sent.as_str())))
        .execute(conn)?;
    diesel::update(
        letters::table
            .find(id)
            .filter(letters::by_post.eq(false))
            .filter(letters::status.eq(LetterStatus::Queued.as_str())),
    )
    .set(letters::status.eq(LetterStatus::Emailed.as_str()))
    .execute(conn)?;
    Ok(n == 1)
}

/// Queued letters for the post not rendered yet.
pub fn unrendered_queued(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    letters::table
        .filter(letters::status.eq(LetterStatus::Queued.as_str()))
        .filter(letters::by_post.eq(true))
        .filter(letters::storage_path.is_null())
        .order(letters::id)
        .select(letters::id)
        .load(conn)
}

/// (id, path, sha256) of every rendered letter waiting to be printed, oldest first (a letter sent
/// by email only is never printed).
pub fn printable(conn: &mut DbConn) -> QueryResult<Vec<(i64, String, String)>> {
    let rows: Vec<(i64, Option<String>, Option<String>)> = letters::table
        .filter(letters::status.eq(LetterStatus::Queued.as_str()))
        .filter(letters::by_post.eq(true))
        .filter(letters::storage_path.is_not_null())
        .order(letters::id)
        .select((letters::id, letters::storage_path, letters::sha256))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, p, s)| Some((id, p?, s?))).collect())
}

/// Marks the letters printed; returns how many were still queued (and so were marked).
pub fn mark_printed(conn: &mut DbConn, ids: &[i64], at: NaiveDateTime) -> QueryResult<usize> {
    let mut marked = 0;
    for chunk in ids.chunks(1000) {
        marked += diesel::update(
            letters::table.filter(letters::id.eq_any(chunk)).filter(letters::status.eq(LetterStatus::Queued.as_str())),
        )
        .set((letters::status.eq(LetterStatus::Printed.as_str()), letters::printed_at.eq(at)))
        .execute(conn)?;
    }
    Ok(marked)
}

/// Letters in a status with their citation numbers, oldest first.
pub fn list(
    conn: &mut DbConn,
    status: Option<LetterStatus>,
    limit: i64,
) -> QueryResult<Vec<(LetterRecord, Option<String>)>> {
    let mut q = letters::table
        .left_join(citations::table)
        .select((LetterRecord::as_select(), citations::citation_number.nullable()))
        .order(letters::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(letters::status.eq(s.as_str()));
    }
    q.load(conn)
}

pub fn for_citation(conn: &mut DbConn, citation_id: i64) -> QueryResult<Vec<LetterRecord>> {
    letters::table
        .filter(letters::citation_id.eq(citation_id))
        .order(letters::id)
        .select(LetterRecord::as_select())
        .load(conn)
}

/// The letter made for a submission (its acknowledgement), if any.
pub fn for_submission(conn: &mut DbConn, submission_id: i64) -> QueryResult<Option<i64>> {
    letters::table
        .filter(letters::submission_id.eq(submission_id))
        .order(letters::id)
        .select(letters::id)
        .first(conn)
        .optional()
}

/// Which of `ids` are letters recorded as rendered (their PDF stored).
pub fn rendered_among(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(1000) {
        found.extend(
            letters::table
                .filter(letters::id.eq_any(chunk))
                .filter(letters::storage_path.is_not_null())
                .select(letters::id)
                .load::<i64>(conn)?,
        );
    }
    Ok(found)
}
