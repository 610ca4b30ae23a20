//! A scanned batch as the API answers it (SPEC §4: `{document_id, pages, qr, citation_number?,
//! suggestions}`, with its envelopes and where each stands in the queue: `state`, the
//! confirmation code of the plea keyed from it, or why it holds none).

use crate::db::{self, DbConn};
use crate::domain::envelope_queue::EnvelopeState;
use crate::error::AppError;
use crate::letters::qr;
use serde_json::{json, Value};

fn flags(text: &str) -> Vec<&str> {
    text.split(',').filter(|f| !f.is_empty()).collect()
}

/// A staff member opens the batch: the view, recorded as the `scan.read` audit event.
pub fn open(conn: &mut DbConn, document_id: i64, actor: &str) -> Result<Value, AppError> {
    let v = view(conn, document_id)?;
    let subject = document_id.to_string();
    let event = crate::audit::Event {
        actor,
        action: "scan.read",
        subject_type: "documents",
        subject_id: &subject,
        outcome: "ok",
        details: json!({}),
    };
    crate::audit::record(conn, &event)?;
    Ok(v)
}

/// The batch read from document `document_id` (404 if that document is not a scan).
pub fn view(conn: &mut DbConn, document_id: i64) -> Result<Value, AppError> {
    let (batch, page_count) = db::scans::batch_for_document(conn, document_id)?
        .ok_or_else(|| AppError::NotFound(format!("document {document_id} is not a scanned batch")))?;
    let pages = db::scans::pages(conn, batch)?;
    let envelopes = db::scans::envelopes(conn, batch)?;
    let qr: Vec<Value> =
        pages.iter().filter_map(|p| p.qr_payload.as_ref().map(|t| json!({"page": p.page_no, "payload": t}))).collect();
    let keyed = db::envelope_queue::confirmations(conn, envelopes.iter().filter_map(|(e, _)| e.submission_id))?;
    let mut out_envelopes = Vec::with_capacity(envelopes.len());
    let mut linked: Vec<(&str, i64)> = Vec::new();
    for (e, number) in &envelopes {
        let members: Vec<&db::scans::PageRow> = pages.iter().filter(|p| p.envelope_id == Some(e.id)).collect();
        if let (Some(n), Some(l)) = (number.as_deref(), e.letter_id) {
            linked.push((n, l));
        }
        out_envelopes.push(json!({
            "id": e.id,
            "first_page": members.first().map(|p| p.page_no),
            "pages": members.len(),
            "page_numbers": members.iter().map(|p| p.page_no).collect::<Vec<_>>(),
            "citation_number": number,
            "letter_id": e.letter_id,
            "submission_id": e.submission_id,
            "flags": flags(&e.flags),
            "state": EnvelopeState::of(e.submission_id, e.no_plea_reason.as_deref()),
            "keyed_as": e.submission_id.and_then(|s| keyed.get(&s)),
            "no_plea_reason": e.no_plea_reason,
        }));
    }
    // The whole scan names one case only when every linked envelope is for the same one.
    linked.dedup_by_key(|(n, _)| *n);
    let (citation_number, letter_id) = match linked.as_slice() {
        [(n, l)] => (Some(n.to_string()), Some(*l)),
        _ => (None, None),
    };
    let suggestions = if citation_number.is_none() { code_suggestions(conn, &pages)? } else { Vec::new() };
    Ok(json!({
        "document_id": document_id,
        "pages": page_count,
        "qr": qr,
        "citation_number": citation_number,
        "letter_id": letter_id,
        "suggestions": suggestions,
        "envelopes": out_envelopes,
        "separator_pages": pages.iter().filter(|p| p.kind == "separator").map(|p| p.page_no).collect::<Vec<_>>(),
        "unreadable_pages": pages.iter().filter(|p| flags(&p.flags).contains(&"unreadable")).map(|p| p.page_no).collect::<Vec<_>>(),
        "page_flags": pages.iter().filter(|p| !p.flags.is_empty()).map(|p| json!({"page": p.page_no, "flags": flags(&p.flags)})).collect::<Vec<_>>(),
    }))
}

/// Candidates the QR codes give when they link nothing: a code naming a letter not on file
/// still names a citation, which is suggested if it is on file. (Matching by name, date of
/// birth or plate belongs to the keying of paper pleas.)
pub(super) fn code_suggestions(conn: &mut DbConn, pages: &[db::scans::PageRow]) -> Result<Vec<Value>, AppError> {
    let mut out: Vec<Value> = Vec::new();
    for p in pages.iter().filter(|p| flags(&p.flags).contains(&"unknown_letter")) {
        let Some((number, letter)) = p.qr_payload.as_deref().and_then(qr::parse_payload) else { continue };
        if out.iter().any(|s| s["citation_number"] == number) || !db::scans::citation_on_file(conn, &number)? {
            continue;
        }
        out.push(json!({
            "citation_number": number,
            "reasons": [format!("the QR code on page {} names this citation, but its letter {letter} is not one of this citation's letters", p.page_no)],
        }));
    }
    Ok(out)
}
