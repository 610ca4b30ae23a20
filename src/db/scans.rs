//! Queries on scanned batches, their envelopes and pages.

use super::documents::DocumentRecord;
use super::schema::{citations, documents, envelopes, letters, scan_batches, scan_pages, submissions};
use super::DbConn;
use diesel::prelude::*;

/// A page as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = scan_pages)]
pub struct PageRow {
    pub id: i64,
    pub page_no: i32,
    pub envelope_id: Option<i64>,
    pub kind: String,
    pub qr_payload: Option<String>,
    pub letter_id: Option<i64>,
    pub flags: String,
    /// The page's size in pixels as decoded (none if it could not be read, or for a page read
    /// before sizes were kept).
    pub width: Option<i32>,
    pub height: Option<i32>,
}

/// An envelope as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = envelopes)]
pub struct EnvelopeRow {
    pub id: i64,
    pub batch_id: i64,
    pub seq: i32,
    pub citation_id: Option<i64>,
    pub letter_id: Option<i64>,
    pub submission_id: Option<i64>,
    pub flags: String,
    /// Why a clerk found no plea in it (it is then out of the queue).
    pub no_plea_reason: Option<String>,
}

/// A page to record: its number in the scan (from 1), kind (`page` or `separator`), the code
/// of ours read on it, the letter that code names when it is on file, its flags, and its size in
/// pixels when it was decoded.
pub struct NewPage<'a> {
    pub page_no: i32,
    pub kind: &'static str,
    pub qr_payload: Option<&'a str>,
    pub letter_id: Option<i64>,
    pub flags: String,
    pub size: Option<(u32, u32)>,
}

/// The batch recorded for a document, if any: (batch id, pages).
pub fn batch_for_document(conn: &mut DbConn, document_id: i64) -> QueryResult<Option<(i64, i32)>> {
    scan_batches::table
        .filter(scan_batches::document_id.eq(document_id))
        .select((scan_batches::id, scan_batches::pages))
        .first(conn)
        .optional()
}

/// A document that was recorded as a scanned batch: (the document, batch id, pages).
pub fn scanned_document(conn: &mut DbConn, document_id: i64) -> QueryResult<Option<(DocumentRecord, i64, i32)>> {
    documents::table
        .inner_join(scan_batches::table)
        .filter(documents::id.eq(document_id))
        .select((DocumentRecord::as_select(), scan_batches::id, scan_batches::pages))
        .first(conn)
        .optional()
}

pub fn insert_batch(conn: &mut DbConn, document_id: i64, pages: i32, uploaded_by: i64) -> QueryResult<i64> {
    diesel::insert_into(scan_batches::table)
        .values((
            scan_batches::document_id.eq(document_id),
            scan_batches::pages.eq(pages),
            scan_batches::uploaded_by.eq(uploaded_by),
            scan_batches::created_at.eq(super::now()),
        ))
        .returning(scan_batches::id)
        .get_result(conn)
}

pub fn insert_envelope(
    conn: &mut DbConn,
    batch_id: i64,
    seq: i32,
    link: (Option<i64>, Option<i64>),
    flags: &str,
) -> QueryResult<i64> {
    let now = super::now();
    diesel::insert_into(envelopes::table)
        .values((
            envelopes::batch_id.eq(batch_id),
            envelopes::seq.eq(seq),
            envelopes::citation_id.eq(link.0),
            envelopes::letter_id.eq(link.1),
            envelopes::flags.eq(flags),
            envelopes::created_at.eq(now),
            envelopes::updated_at.eq(now),
        ))
        .returning(envelopes::id)
        .get_result(conn)
}

pub fn insert_page(conn: &mut DbConn, batch_id: i64, envelope_id: Option<i64>, p: &NewPage) -> QueryResult<()> {
    diesel::insert_into(scan_pages::table)
        .values((
            scan_pages::batch_id.eq(batch_id),
            scan_pages::page_no.eq(p.page_no),
            scan_pages::envelope_id.eq(envelope_id),
            scan_pages::kind.eq(p.kind),
            scan_pages::qr_payload.eq(p.qr_payload),
            scan_pages::letter_id.eq(p.letter_id),
            scan_pages::flags.eq(&p.flags),
            scan_pages::width.eq(p.size.map(|(w, _)| w as i32)),
            scan_pages::height.eq(p.size.map(|(_, h)| h as i32)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every page of a batch, in scan order.
pub fn pages(conn: &mut DbConn, batch_id: i64) -> QueryResult<Vec<PageRow>> {
    scan_pages::table
        .filter(scan_pages::batch_id.eq(batch_id))
        .order(scan_pages::page_no)
        .select(PageRow::as_select())
        .load(conn)
}

/// The pages of a batch that belong to a submission: those of the envelope it was keyed from,
/// if one was; otherwise every page.
pub fn pages_for_submission(conn: &mut DbConn, batch_id: i64, submission_id: i64) -> QueryResult<Vec<PageRow>> {
    let keyed: Option<i64> = envelopes::table
        .filter(envelopes::batch_id.eq(batch_id))
        .filter(envelopes::submission_id.eq(submission_id))
        .select(envelopes::id)
        .first(conn)
        .optional()?;
    let all = pages(conn, batch_id)?;
    Ok(match keyed {
        Some(envelope) => all.into_iter().filter(|p| p.envelope_id == Some(envelope)).collect(),
        None => all,
    })
}

/// The numbers of the citations that pleas keyed from a scanned document are linked to.
pub fn citations_keyed_from(conn: &mut DbConn, document_id: i64) -> QueryResult<Vec<String>> {
    submissions::table
        .inner_join(citations::table)
        .filter(submissions::document_id.eq(document_id))
        .select(citations::citation_number)
        .distinct()
        .order(citations::citation_number)
        .load(conn)
}

/// Every envelope of a batch in order, with the number of the citation it is linked to.
pub fn envelopes(conn: &mut DbConn, batch_id: i64) -> QueryResult<Vec<(EnvelopeRow, Option<String>)>> {
    envelopes::table
        .left_join(citations::table)
        .filter(envelopes::batch_id.eq(batch_id))
        .order(envelopes::seq)
        .select((EnvelopeRow::as_select(), citations::citation_number.nullable()))
        .load(conn)
}

pub fn envelope(conn: &mut DbConn, id: i64) -> QueryResult<Option<EnvelopeRow>> {
    envelopes::table.find(id).select(EnvelopeRow::as_select()).first(conn).optional()
}

/// The document a batch was read from.
pub fn document_of_batch(conn: &mut DbConn, batch_id: i64) -> QueryResult<i64> {
    scan_batches::table.find(batch_id).select(scan_batches::document_id).first(conn)
}

pub fn set_envelope_link(conn: &mut DbConn, id: i64, link: (Option<i64>, Option<i64>), flags: &str) -> QueryResult<()> {
    diesel::update(envelopes::table.find(id))
        .set((
            envelopes::citation_id.eq(link.0),
            envelopes::letter_id.eq(link.1),
            envelopes::flags.eq(flags),
            envelopes::updated_at.eq(super::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn set_page(conn: &mut DbConn, page_id: i64, envelope_id: i64, flags: &str) -> QueryResult<()> {
    diesel::update(scan_pages::table.find(page_id))
        .set((scan_pages::envelope_id.eq(envelope_id), scan_pages::flags.eq(flags)))
        .execute(conn)
        .map(|_| ())
}

/// Removes an envelope left without pages by a move (its pages are all elsewhere).
pub fn delete_empty_envelope(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::delete(envelopes::table.find(id).filter(envelopes::submission_id.is_null())).execute(conn).map(|_| ())
}

/// The citation (id, number) a letter belongs to, if the letter is on file.
pub fn letter_citation(conn: &mut DbConn, letter_id: i64) -> QueryResult<Option<(i64, String)>> {
    letters::table
        .inner_join(citations::table)
        .filter(letters::id.eq(letter_id))
        .select((citations::id, citations::citation_number))
        .first(conn)
        .optional()
}

pub fn citation_on_file(conn: &mut DbConn, number: &str) -> QueryResult<bool> {
    use diesel::dsl::exists;
    diesel::select(exists(citations::table.filter(citations::citation_number.eq(number)))).get_result(conn)
}
