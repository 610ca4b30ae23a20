//! Scanned mail: an upload is stored once per content, read page by page (`crate::scan`), split
//! into envelopes (`domain::envelopes`) and linked by the QR codes of our letters, all recorded in
//! one transaction with its audit event. `view` is the batch as the API shows it; `moves` fixes a
//! mis-split; `previews` keeps each page's images, made as the page is read; `pages` is one page
//! and the original file as staff open them; `queue` takes envelopes out of the queue (keyed, or not a plea) and finds the next;
//! `envelope` is one envelope as a clerk keys it.

pub mod envelope;
pub mod moves;
pub mod pages;
pub mod previews;
pub mod queue;
mod view;

pub use view::{open, view};

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::envelopes::{self, Mark, Page, ScanFlag};
use crate::error::AppError;
use crate::letters::qr;
use crate::scan::{PageRead, ScanKind};
use crate::services::stored_files;
use crate::storage;
use std::path::Path;
use std::sync::Mutex;

/// The most bytes one scanned file may have.
pub const MAX_SCAN_BYTES: usize = 25 * 1024 * 1024;

/// One scan is decoded at a time, so that the memory a page needs is needed once, whatever the
/// number of clerks uploading.
static DECODING: Mutex<()> = Mutex::new(());

/// Reads every page of a scan and keeps each page's previews under `data_dir` as it goes
/// (blocking; call off the async threads). A page larger than the limit refuses the whole file
/// (413); a file that cannot be opened at all is 422; either way no preview is kept.
pub fn read(bytes: &[u8], kind: ScanKind, data_dir: &Path) -> Result<Vec<PageRead>, AppError> {
    let sha = storage::sha256_hex(bytes);
    let _one_at_a_time = DECODING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let read = crate::scan::read_pages(bytes, kind, &mut |page, images| previews::put(data_dir, &sha, page, &images));
    read.map_err(|e| {
        previews::forget(data_dir, &sha);
        refused(e)
    })
}

/// A scan that cannot be read as a whole: a page over the limit (413), or a file that cannot be
/// opened (422).
fn refused(e: crate::scan::ScanError) -> AppError {
    match e {
        crate::scan::ScanError::TooLarge(why) => AppError::PayloadTooLarge(why),
        crate::scan::ScanError::Unreadable(why) => AppError::field("file", why),
    }
}

/// The document already recorded as a scanned batch with this content, if any.
pub fn existing(conn: &mut DbConn, sha256: &str) -> Result<Option<i64>, AppError> {
    use db::schema::{documents, scan_batches};
    use diesel::prelude::*;
    Ok(documents::table
        .inner_join(scan_batches::table)
        .filter(documents::sha256.eq(sha256))
        .select(documents::id)
        .first(conn)
        .optional()?)
}

/// A page's code of ours, checked against the letters on file: the mark for the splitting
/// rules and the citation id the letter belongs to (when it is the one the code names).
pub(crate) fn classify(conn: &mut DbConn, payload: Option<&str>) -> Result<(Mark, Option<i64>), AppError> {
    let Some(text) = payload else { return Ok((Mark::Plain, None)) };
    if text == qr::SEPARATOR {
        return Ok((Mark::Separator, None));
    }
    let Some((number, letter_id)) = qr::parse_payload(text) else { return Ok((Mark::Plain, None)) };
    let citation = db::scans::letter_citation(conn, letter_id)?.filter(|(_, n)| *n == number).map(|(id, _)| id);
    Ok((Mark::Letter { letter_id, citation_number: number, on_file: citation.is_some() }, citation))
}

pub(crate) fn flags_text(flags: &[ScanFlag]) -> String {
    flags.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",")
}

/// Stores the file (on PostgreSQL in the database too: `stored_files`) and records the batch, its envelopes and pages and the audit event. Returns
/// the document id and whether it was new (the same scan sent twice, even at the same moment,
/// is recorded once).
pub fn record(
    conn: &mut DbConn,
    data_dir: &Path,
    kind: ScanKind,
    bytes: &[u8],
    name: Option<&str>,
    reads: &[PageRead],
    (user_id, actor): (i64, &str),
) -> Result<(i64, bool), AppError> {
    let sha = storage::sha256_hex(bytes);
    let path = data_dir.join(storage::layout::document("scans", &sha, kind.extension()));
    // Held until the document row names it: a sweep starting meanwhile leaves it alone.
    let _held = storage::put_checked(&path, bytes, &sha).map_err(|e| AppError::storage(e, path.display()))?;
    let stored = path.display().to_string();
    let result = db::write_transaction(conn, |c| {
        stored_files::keep(c, &path, &sha)?;
        let doc = db::documents::upsert(c, &sha, kind.content_type(), bytes.len() as i64, &stored, name)?;
        if db::scans::batch_for_document(c, doc)?.is_some() {
            return Ok((doc, false));
        }
        insert_batch(c, doc, reads, user_id, actor)?;
        Ok((doc, true))
    });
    match result {
        // PostgreSQL: an identical upload committed its batch first; use it.
        Err(AppError::Internal(e)) if is_unique_violation(&e) => {
            existing(conn, &sha)?.map(|doc| (doc, false)).ok_or(AppError::Internal(e))
        }
        other => other,
    }
}

fn is_unique_violation(e: &anyhow::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(e.downcast_ref::<Error>(), Some(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)))
}

fn insert_batch(c: &mut DbConn, doc: i64, reads: &[PageRead], user_id: i64, actor: &str) -> Result<(), AppError> {
    use db::schema::documents;
    use diesel::prelude::*;
    // What each page says: our code (if any), checked against the letters on file.
    let mut pages = Vec::with_capacity(reads.len());
    let mut citations = Vec::with_capacity(reads.len());
    let mut payloads = Vec::with_capacity(reads.len());
    for read in reads {
        let payload = match read {
            PageRead::Decoded { codes, .. } => {
                codes.iter().find(|t| t.as_str() == qr::SEPARATOR || qr::parse_payload(t).is_some()).cloned()
            }
            PageRead::Unreadable(_) => None,
        };
        let (mark, citation) = classify(c, payload.as_deref())?;
        pages.push(Page { mark, unreadable: matches!(read, PageRead::Unreadable(_)) });
        citations.push(citation);
        payloads.push(payload);
    }
    let count = reads.len() as i32;
    let found: Vec<&str> = payloads.iter().flatten().map(String::as_str).collect();
    diesel::update(documents::table.find(doc))
        .set((documents::pages.eq(count), documents::qr_payloads.eq(serde_json::to_string(&found).ok())))
        .execute(c)?;
    diesel::update(documents::table.find(doc).filter(documents::uploaded_by.is_null()))
        .set(documents::uploaded_by.eq(user_id))
        .execute(c)?;
    let batch = db::scans::insert_batch(c, doc, count, user_id)?;
    let marks: Vec<Mark> = pages.iter().map(|p| p.mark.clone()).collect();
    let split = envelopes::split(&marks);
    let mut envelope_of = vec![None; pages.len()];
    let mut page_flags = vec![String::new(); pages.len()];
    let mut linked = 0;
    for (seq, members) in split.iter().enumerate() {
        let link = envelopes::link(&members.iter().map(|&i| &pages[i]).collect::<Vec<_>>());
        let first_linked = members
            .iter()
            .find(|&&i| matches!(&pages[i].mark, Mark::Letter { letter_id, .. } if Some(*letter_id) == link.letter_id));
        let citation_id = first_linked.and_then(|&i| citations[i]);
        linked += usize::from(citation_id.is_some());
        let id = db::scans::insert_envelope(
            c,
            batch,
            seq as i32 + 1,
            (citation_id, link.letter_id),
            &flags_text(&link.flags),
        )?;
        for (k, &i) in members.iter().enumerate() {
            envelope_of[i] = Some(id);
            page_flags[i] = flags_text(&link.page_flags[k]);
        }
    }
    for (i, page) in pages.iter().enumerate() {
        let unreadable_flag =
            if page.unreadable && envelope_of[i].is_none() { "unreadable".to_string() } else { String::new() };
        let letter_id = match &page.mark {
            Mark::Letter { letter_id, on_file: true, .. } => Some(*letter_id),
            _ => None,
        };
        let new = db::scans::NewPage {
            page_no: i as i32 + 1,
            kind: if page.mark == Mark::Separator { "separator" } else { "page" },
            qr_payload: payloads[i].as_deref(),
            letter_id,
            flags: if envelope_of[i].is_some() { page_flags[i].clone() } else { unreadable_flag },
            size: match &reads[i] {
                PageRead::Decoded { width, height, .. } => Some((*width, *height)),
                PageRead::Unreadable(_) => None,
            },
        };
        db::scans::insert_page(c, batch, envelope_of[i], &new)?;
    }
    let flagged = pages.iter().filter(|p| p.unreadable).count();
    audit::append(
        c,
        &Event {
            actor,
            action: "scan.uploaded",
            subject_type: "documents",
            subject_id: &doc.to_string(),
            outcome: "ok",
            details: serde_json::json!({
                "pages": count, "envelopes": split.len(), "linked_envelopes": linked, "unreadable_pages": flagged,
            }),
        },
    )?;
    Ok(())
}

/// Records that a staff member sent a scan already on file (nothing else changes).
pub fn record_repeat(conn: &mut DbConn, doc: i64, actor: &str) -> Result<(), AppError> {
    audit::record(
        conn,
        &Event {
            actor,
            action: "scan.uploaded",
            subject_type: "documents",
            subject_id: &doc.to_string(),
            outcome: "ok",
            details: serde_json::json!({"existing": true}),
        },
    )?;
    Ok(())
}

/// Separator sheets to print: `copies` pages, 1 to 100 (blocking; call off the async threads).
pub fn separator_sheets(copies: u32) -> Result<Vec<u8>, AppError> {
    if !(1..=100).contains(&copies) {
        return Err(AppError::field("copies", "print between 1 and 100 separator sheets at once"));
    }
    crate::letters::separator::pdf(copies).map_err(|e| AppError::Internal(anyhow::anyhow!("separator sheet: {e}")))
}
