//! The clerks' queue pages: each queue as `submission_queue::list` gives it (the same
//! `submissions.list` event as the API), with what the page shows beside each item — the ranked
//! suggestions of an unmatched plea (as `paper_link::answer_for` gives them to the API), the
//! letters queued for a deficient one, and every plea on file for a duplicate's case.

use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::services::case_view::SubmissionView;
use crate::services::paper_link::{self, SuggestionView};
use crate::services::submission_queue::{self, QueueItem};
use serde::Serialize;

/// How many items a queue page shows (the count of what is left is always shown).
pub const PAGE: i64 = 50;

#[derive(Debug, Serialize)]
pub struct QueueEntry {
    #[serde(flatten)]
    pub item: QueueItem,
    /// Unmatched: where it may belong, closest first.
    pub suggestions: Vec<SuggestionView>,
    /// The letters queued for it (a deficient plea's notice).
    pub letter_ids: Vec<i64>,
    /// Duplicates: every plea on file for its case, in the order received.
    pub pleas_on_file: Vec<SubmissionView>,
}

#[derive(Debug, Serialize)]
pub struct QueuePage {
    pub status: String,
    /// Everything waiting in the queue, shown or not.
    pub total: i64,
    pub items: Vec<QueueEntry>,
}

/// Queue `status` (`unmatched`, `deficient`, `duplicate`) for staff member `actor`.
pub fn page(conn: &mut DbConn, status: &str, actor: &str) -> Result<QueuePage, AppError> {
    let list = submission_queue::list(conn, status, None, PAGE, actor)?;
    let total = db::paper::queue_count(conn, submission_queue::queue_named(status)?)?;
    let mut items = Vec::with_capacity(list.submissions.len());
    for item in list.submissions {
        let Some(sub) = db::paper::find(conn, item.id)? else { continue };
        let answer = paper_link::answer_for(conn, &sub)?;
        let pleas_on_file = match (status, sub.citation_id) {
            ("duplicate", Some(cid)) => match db::citations::find_by_id(conn, cid)? {
                Some(case) => crate::services::case_view::parts(conn, &case)?.submissions,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        items.push(QueueEntry { item, suggestions: answer.suggestions, letter_ids: answer.letter_ids, pleas_on_file });
    }
    Ok(QueuePage { status: list.status, total, items })
}

/// The case a number names however it was typed (as keying a plea finds it), for a clerk about
/// to key its pleas: on the record as `citation.read`, like any opening of a case.
pub fn case_for_keying(
    conn: &mut DbConn,
    typed: &crate::domain::CitationNumber,
    actor: &str,
) -> Result<Option<crate::services::case::CaseView>, AppError> {
    match crate::services::matching::find_as_typed(conn, typed)? {
        Some(c) => {
            let number = crate::domain::CitationNumber::parse(&c.citation_number)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("a stored number does not parse: {e}")))?;
            crate::services::case::read_case(conn, &number, actor).map(Some)
        }
        None => Ok(None),
    }
}

/// Ranked citations for what a clerk has keyed so far (number, birth date, last name, plate),
/// to choose from with one click: on the record as `citations.search` (how many were found;
/// never the values), like a case search.
pub fn suggestions_for_keying(
    conn: &mut DbConn,
    claim: &crate::domain::matching::Claim,
    actor: &str,
) -> Result<Vec<SuggestionView>, AppError> {
    let found: Vec<SuggestionView> =
        crate::services::matching::suggestions(conn, claim)?.into_iter().map(Into::into).collect();
    crate::audit::record(
        conn,
        &crate::audit::Event {
            actor,
            action: "citations.search",
            subject_type: "citations",
            subject_id: "suggestions",
            outcome: "ok",
            details: serde_json::json!({"by": "suggestions", "count": found.len()}),
        },
    )?;
    Ok(found)
}

/// A submission as keying or linking left it (with suggestions while unmatched), for staff
/// member `actor`: on the record as `submission.read`.
pub fn submission(conn: &mut DbConn, id: i64, actor: &str) -> Result<paper_link::SubmissionAnswer, AppError> {
    let sub = db::paper::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no submission {id}")))?;
    let answer = paper_link::answer_for(conn, &sub)?;
    crate::audit::record(
        conn,
        &crate::audit::Event {
            actor,
            action: "submission.read",
            subject_type: "submission",
            subject_id: &id.to_string(),
            outcome: "ok",
            details: serde_json::json!({"status": answer.status}),
        },
    )?;
    Ok(answer)
}

/// A queue's size and when its oldest item arrived.
#[derive(Debug, Serialize)]
pub struct QueueAge {
    pub count: i64,
    pub oldest: Option<chrono::NaiveDateTime>,
}

/// The dashboard's queues (counts and ages only: no personal data, no event) and how many pleas
/// were linked since staff member `user_id` last opened that list.
#[derive(Debug, Serialize)]
pub struct Queues {
    /// Scanned envelopes left to key (their age: when their batch was uploaded).
    pub envelopes: QueueAge,
    pub unmatched: QueueAge,
    pub deficient: QueueAge,
    pub duplicate: QueueAge,
    /// Cases paid beyond what is due (`services::payments::refunds`).
    pub refunds: QueueAge,
    /// Requests from defendants unable to pay (`services::hardship`).
    pub hardship: QueueAge,
    pub linked_since: i64,
    pub last_look: Option<chrono::NaiveDateTime>,
}

pub fn queues(conn: &mut DbConn, user_id: i64) -> Result<Queues, AppError> {
    use db::paper::Queue;
    let mut age = |q| -> Result<QueueAge, AppError> {
        let (count, oldest) = db::paper::queue_age(conn, q)?;
        Ok(QueueAge { count, oldest })
    };
    let (unmatched, deficient, duplicate) = (age(Queue::Unmatched)?, age(Queue::Deficient)?, age(Queue::Duplicate)?);
    let (count, oldest) = db::envelope_queue::queue_age(conn)?;
    let envelopes = QueueAge { count, oldest };
    let (count, oldest) = crate::services::payments::refunds::age(conn)?;
    let refunds = QueueAge { count, oldest };
    let (count, oldest) = db::hardship::pending_age(conn)?;
    let hardship = QueueAge { count, oldest };
    let last_look = db::users::linked_seen_at(conn, user_id)?;
    let linked_since = db::paper::linked_count(conn, last_look)?;
    Ok(Queues { envelopes, unmatched, deficient, duplicate, refunds, hardship, linked_since, last_look })
}

/// What was linked since staff member `user_id` last looked (`submissions.list`, as the API's
/// `?status=linked&since=`); opening it moves their last look to now.
pub fn linked_since_last_look(
    conn: &mut DbConn,
    user_id: i64,
) -> Result<(submission_queue::QueueList, Option<chrono::NaiveDateTime>), AppError> {
    let last_look = db::users::linked_seen_at(conn, user_id)?;
    let now = db::now();
    let list = submission_queue::list(conn, "linked", last_look, 1000, &format!("staff:{user_id}"))?;
    db::users::set_linked_seen_at(conn, user_id, now)?;
    Ok((list, last_look))
}
