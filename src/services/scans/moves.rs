//! Fixing a mis-split batch: a page moves to the envelope before or after its own, and both
//! envelopes are linked again by the same rules as at upload.

use super::{classify, flags_text};
use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::envelopes::{self, MoveTo, Page};
use crate::error::AppError;

/// Moves page `page_no` (its number in the scan) of envelope `envelope_id` to the `to`
/// envelope; returns the document id of the batch. An envelope left empty is removed, unless a
/// submission was keyed from it (409).
pub fn move_page(conn: &mut DbConn, envelope_id: i64, page_no: i32, to: MoveTo, actor: &str) -> Result<i64, AppError> {
    db::write_transaction(conn, |c| {
        let env = db::scans::envelope(c, envelope_id)?
            .ok_or_else(|| AppError::NotFound(format!("there is no envelope {envelope_id}")))?;
        let all = db::scans::envelopes(c, env.batch_id)?;
        let at = all.iter().position(|(e, _)| e.id == env.id).unwrap_or(0);
        let neighbour = match to {
            MoveTo::Previous => at.checked_sub(1).and_then(|i| all.get(i)),
            MoveTo::Next => all.get(at + 1),
        }
        .map(|(e, _)| e.id);
        let pages = db::scans::pages(c, env.batch_id)?;
        let mine: Vec<u32> = pages.iter().filter(|p| p.envelope_id == Some(env.id)).map(|p| p.page_no as u32).collect();
        envelopes::check_move(&mine, page_no as u32, to, neighbour.is_some())
            .map_err(|m| AppError::field("page", m))?;
        let target = neighbour.unwrap_or(env.id);
        if mine.len() == 1 && env.submission_id.is_some() {
            return Err(AppError::Conflict(
                "this is the envelope's only page and a plea was keyed from it; move the plea first".into(),
            ));
        }
        let page = pages.iter().find(|p| p.page_no == page_no).map(|p| p.id).unwrap_or_default();
        db::scans::set_page(c, page, target, "")?;
        if mine.len() == 1 {
            db::scans::delete_empty_envelope(c, env.id)?;
        } else {
            relink(c, env.batch_id, env.id)?;
        }
        relink(c, env.batch_id, target)?;
        let document = db::scans::document_of_batch(c, env.batch_id)?;
        audit::append(
            c,
            &Event {
                actor,
                action: "envelope.page_moved",
                subject_type: "documents",
                subject_id: &document.to_string(),
                outcome: "ok",
                details: serde_json::json!({"page": page_no, "from_envelope": env.id, "to_envelope": target}),
            },
        )?;
        Ok(document)
    })
}

/// Links an envelope again from its pages as they now are.
fn relink(c: &mut DbConn, batch: i64, envelope_id: i64) -> Result<(), AppError> {
    let rows: Vec<db::scans::PageRow> =
        db::scans::pages(c, batch)?.into_iter().filter(|p| p.envelope_id == Some(envelope_id)).collect();
    let mut pages = Vec::with_capacity(rows.len());
    let mut citations = Vec::with_capacity(rows.len());
    for row in &rows {
        let (mark, citation) = classify(c, row.qr_payload.as_deref())?;
        pages.push(Page { mark, unreadable: row.flags.split(',').any(|f| f == "unreadable") });
        citations.push(citation);
    }
    let link = envelopes::link(&pages.iter().collect::<Vec<_>>());
    let citation_id = pages
        .iter()
        .zip(&citations)
        .find(
            |(p, _)| matches!(&p.mark, envelopes::Mark::Letter { letter_id, .. } if Some(*letter_id) == link.letter_id),
        )
        .and_then(|(_, c)| *c);
    db::scans::set_envelope_link(c, envelope_id, (citation_id, link.letter_id), &flags_text(&link.flags))?;
    for (row, flags) in rows.iter().zip(&link.page_flags) {
        db::scans::set_page(c, row.id, envelope_id, &flags_text(flags))?;
    }
    Ok(())
}
