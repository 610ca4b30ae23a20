//! One envelope as a clerk keys it: its pages in scan order with their flags and image sizes,
//! where it stands in its batch, what our QR codes read on it (the citation and letter it is
//! linked to, or the citations a code names whose letter is not on file) and, once closed, the
//! plea keyed from it or why it holds none.

use super::pages;
use super::queue::{self, Saved};
use crate::db::{self, DbConn};
use crate::domain::envelope_queue::{self, EnvelopeState};
use crate::domain::envelopes::ScanFlag;
use crate::error::AppError;
use crate::letters::qr;
use crate::scan::preview::Size;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// Its number in the scan.
    pub number: i32,
    /// false when it could not be read at upload: it has no image.
    pub readable: bool,
    /// Its image's size in pixels (`?size=page`).
    pub width: u32,
    pub height: u32,
    pub flags: Vec<ScanFlag>,
    /// The citation its code names, when that is another than the envelope's.
    pub other_citation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnvelopeView {
    pub id: i64,
    pub document_id: i64,
    /// Its place in the batch (from 1) and the batch's number of envelopes.
    pub position: usize,
    pub of: usize,
    /// Envelopes of the batch still to key, this one included if it is.
    pub left: usize,
    pub state: EnvelopeState,
    pub pages: Vec<PageView>,
    /// Linked by our QR code: the citation, the letter and the page the code was read on.
    pub citation_number: Option<String>,
    pub letter_id: Option<i64>,
    pub read_on_page: Option<i32>,
    /// Citations named by a code whose letter is not on file (`{citation_number, reasons}`).
    pub suggestions: Vec<serde_json::Value>,
    pub flags: Vec<ScanFlag>,
    pub keyed: Option<Saved>,
    pub no_plea_reason: Option<String>,
    /// The next envelope of the batch left to key (Skip), never this one.
    pub next: Option<i64>,
}

fn flags(text: &str) -> Vec<ScanFlag> {
    text.split(',').filter_map(|f| f.parse().ok()).collect()
}

/// Staff member `actor` opens envelope `id` (`scan.read`, with the envelope).
pub fn open(c: &mut DbConn, id: i64, actor: &str) -> Result<EnvelopeView, AppError> {
    let env = db::scans::envelope(c, id)?.ok_or_else(|| AppError::NotFound(format!("there is no envelope {id}")))?;
    let document_id = db::scans::document_of_batch(c, env.batch_id)?;
    let batch = queue::states(c, env.batch_id)?;
    let rows: Vec<db::scans::PageRow> =
        db::scans::pages(c, env.batch_id)?.into_iter().filter(|p| p.envelope_id == Some(id)).collect();
    let citation_number =
        db::scans::envelopes(c, env.batch_id)?.into_iter().find(|(e, _)| e.id == id).and_then(|(_, n)| n);
    let pages = rows
        .iter()
        .map(|p| {
            let flags = flags(&p.flags);
            let other_citation = flags
                .contains(&ScanFlag::OtherCitation)
                .then(|| p.qr_payload.as_deref().and_then(qr::parse_payload).map(|(n, _)| n))
                .flatten();
            let (width, height) = pages::preview_size(p, Size::Page);
            PageView { number: p.page_no, readable: pages::readable(p), width, height, flags, other_citation }
        })
        .collect();
    let read_on_page = env.letter_id.and_then(|l| rows.iter().find(|p| p.letter_id == Some(l)).map(|p| p.page_no));
    let suggestions = if citation_number.is_none() { super::view::code_suggestions(c, &rows)? } else { Vec::new() };
    let keyed = match env.submission_id {
        Some(s) => queue::saved(c, s)?,
        None => None,
    };
    let view = EnvelopeView {
        id,
        document_id,
        position: batch.iter().position(|(e, _)| *e == id).map_or(0, |p| p + 1),
        of: batch.len(),
        left: envelope_queue::left_to_key(&batch),
        state: EnvelopeState::of(env.submission_id, env.no_plea_reason.as_deref()),
        pages,
        citation_number,
        letter_id: env.letter_id,
        read_on_page,
        suggestions,
        flags: flags(&env.flags),
        keyed,
        no_plea_reason: env.no_plea_reason,
        next: envelope_queue::next_to_key(&batch, Some(id)),
    };
    crate::audit::record(
        c,
        &crate::audit::Event {
            actor,
            action: "scan.read",
            subject_type: "documents",
            subject_id: &document_id.to_string(),
            outcome: "ok",
            details: serde_json::json!({"envelope": id}),
        },
    )?;
    Ok(view)
}
