//! The envelope queue: a plea keyed from an envelope takes it out of the queue (in the keying's
//! transaction, once: a second plea for the same envelope is refused), an envelope that holds
//! no plea is set aside with the clerk's reason (and can be put back), and after each of these
//! the clerk moves on to the next envelope of the batch left to key (`domain::envelope_queue`).

use crate::audit::{self, Event};
use crate::db::{self, scans::EnvelopeRow, DbConn};
use crate::domain::envelope_queue::{self, EnvelopeState};
use crate::error::AppError;
use serde::Serialize;

fn find(c: &mut DbConn, id: i64) -> Result<EnvelopeRow, AppError> {
    db::scans::envelope(c, id)?.ok_or_else(|| AppError::NotFound(format!("there is no envelope {id}")))
}

/// Why envelope `env` cannot take a plea or be set aside now, if it cannot.
fn closed(c: &mut DbConn, env: &EnvelopeRow) -> Result<Option<AppError>, AppError> {
    if let Some(sub) = env.submission_id {
        let confirmation = db::paper::find(c, sub)?.map(|s| s.confirmation).unwrap_or_default();
        return Ok(Some(AppError::Conflict(format!(
            "this envelope was keyed as plea {confirmation}; open it (submission {sub}) instead of keying it again"
        ))));
    }
    Ok(env.no_plea_reason.as_ref().map(|reason| {
        AppError::Conflict(format!(
            "this envelope was set aside as not a plea ({reason}); reopen it from its batch to key it"
        ))
    }))
}

/// The scanned document of envelope `id`, which a plea keyed from it is recorded with; `given`
/// (the request's `document_id`, if any) must be that document. 409 if the envelope was keyed
/// or set aside already.
pub fn document_for(c: &mut DbConn, id: i64, given: Option<i64>) -> Result<i64, AppError> {
    let env = db::scans::envelope(c, id)?
        .ok_or_else(|| AppError::field("envelope_id", format!("there is no envelope {id}; upload the scan first")))?;
    if let Some(refusal) = closed(c, &env)? {
        return Err(refusal);
    }
    let document = db::scans::document_of_batch(c, env.batch_id)?;
    match given {
        Some(d) if d != document => Err(AppError::field(
            "document_id",
            format!("envelope {id} is in scanned document {document}, not {d}; leave document_id out"),
        )),
        _ => Ok(document),
    }
}

/// Inside the keying's transaction: envelope `id` now holds plea `submission_id`. Refused (and
/// so the whole keying undone) if another plea or a "not a plea" got there first.
pub fn claim_in_tx(c: &mut DbConn, id: i64, submission_id: i64) -> Result<(), AppError> {
    if db::envelope_queue::claim(c, id, submission_id)? {
        return Ok(());
    }
    let env = find(c, id)?;
    Err(closed(c, &env)?.unwrap_or_else(|| AppError::Conflict(format!("envelope {id} changed meanwhile; try again"))))
}

/// Where a clerk goes after an envelope: the next one of its batch left to key, or the batch
/// itself once none is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Next {
    Envelope(i64),
    BatchDone { document_id: i64 },
}

/// The envelopes of a batch in order with their states.
pub fn states(c: &mut DbConn, batch_id: i64) -> Result<Vec<(i64, EnvelopeState)>, AppError> {
    Ok(db::scans::envelopes(c, batch_id)?
        .into_iter()
        .map(|(e, _)| (e.id, EnvelopeState::of(e.submission_id, e.no_plea_reason.as_deref())))
        .collect())
}

/// What comes after envelope `id` (left where it is: skipped, or just closed).
pub fn next_after(c: &mut DbConn, id: i64) -> Result<Next, AppError> {
    let env = find(c, id)?;
    let batch = states(c, env.batch_id)?;
    Ok(match envelope_queue::next_to_key(&batch, Some(id)) {
        Some(next) => Next::Envelope(next),
        None => Next::BatchDone { document_id: db::scans::document_of_batch(c, env.batch_id)? },
    })
}

fn event(
    c: &mut DbConn,
    actor: &str,
    action: &str,
    env: &EnvelopeRow,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let document = db::scans::document_of_batch(c, env.batch_id)?.to_string();
    let mut details = details;
    details["envelope"] = env.id.into();
    audit::append(
        c,
        &Event { actor, action, subject_type: "documents", subject_id: &document, outcome: "ok", details },
    )?;
    Ok(())
}

/// A clerk finds that envelope `id` holds no plea (a payment only, a letter): it leaves the
/// queue with the reason, on the record as `envelope.not_a_plea`. Returns what comes next.
pub fn not_a_plea(c: &mut DbConn, id: i64, reason: &str, actor: &str) -> Result<Next, AppError> {
    let reason = envelope_queue::no_plea_reason(reason).map_err(|e| AppError::field("reason", e.to_string()))?;
    db::write_transaction(c, |c| {
        let env = find(c, id)?;
        if !db::envelope_queue::set_not_a_plea(c, id, &reason)? {
            return Err(closed(c, &env)?.unwrap_or_else(|| AppError::Conflict("the envelope changed meanwhile".into())));
        }
        event(c, actor, "envelope.not_a_plea", &env, serde_json::json!({"reason": reason}))
    })?;
    next_after(c, id)
}

/// Puts an envelope set aside as not a plea back in the queue (`envelope.reopened`); 409 if it
/// was not set aside.
pub fn reopen(c: &mut DbConn, id: i64, actor: &str) -> Result<(), AppError> {
    db::write_transaction(c, |c| {
        let env = find(c, id)?;
        if !db::envelope_queue::reopen(c, id)? {
            return Err(AppError::Conflict(match env.submission_id {
                Some(_) => "a plea was keyed from this envelope; it stays with that plea".into(),
                None => "this envelope is in the queue already".into(),
            }));
        }
        event(c, actor, "envelope.reopened", &env, serde_json::json!({"reason": env.no_plea_reason}))
    })
}

/// How far back, and how many, the list of recent batches goes.
pub const RECENT_DAYS: i64 = 30;
pub const RECENT_ROWS: i64 = 50;

/// The batches uploaded in the last [`RECENT_DAYS`] days, newest first, at most [`RECENT_ROWS`]:
/// when, by whom, pages, envelopes and how many are keyed or set aside (counts only).
pub fn recent(c: &mut DbConn) -> Result<Vec<db::envelope_queue::BatchRow>, AppError> {
    let since = db::now() - chrono::Duration::days(RECENT_DAYS);
    Ok(db::envelope_queue::recent_batches(c, since, RECENT_ROWS)?)
}

/// The envelope waiting longest in the whole queue, if any.
pub fn oldest(c: &mut DbConn) -> Result<Option<i64>, AppError> {
    Ok(db::envelope_queue::oldest_to_key(c)?)
}

/// The one line said after a plea is saved from an envelope: its confirmation code, the
/// citation it names and what came of it. Codes and a number only; no event (the clerk who
/// just keyed it sees what the save answered).
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub id: i64,
    pub confirmation: String,
    pub citation_number: Option<String>,
    /// linked, duplicate, unmatched, deficient or late
    pub outcome: &'static str,
    /// A letter (acknowledgement or deficiency notice) was queued with it.
    pub letter_queued: bool,
}

pub fn saved(c: &mut DbConn, submission_id: i64) -> Result<Option<Saved>, AppError> {
    let Some(sub) = db::paper::find(c, submission_id)? else { return Ok(None) };
    let citation_number = match sub.citation_id {
        Some(id) => db::citations::find_by_id(c, id)?.map(|c| c.citation_number),
        None => sub.claimed_citation_number.clone(),
    };
    let late = sub
        .deficiencies
        .as_deref()
        .and_then(|d| serde_json::from_str::<crate::domain::deficiency::Deficiencies>(d).ok())
        .is_some_and(|d| d.late);
    let outcome = match (sub.status.as_str(), sub.duplicate, late) {
        ("linked", true, _) => "duplicate",
        ("linked", false, _) => "linked",
        ("unmatched", ..) => "unmatched",
        (_, _, true) => "late",
        _ => "deficient",
    };
    let letter_queued = !db::case_parts::letters_of_submission(c, sub.id)?.is_empty();
    Ok(Some(Saved { id: sub.id, confirmation: sub.confirmation, citation_number, outcome, letter_queued }))
}
