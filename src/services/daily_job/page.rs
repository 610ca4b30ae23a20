//! One page of the daily job, in one transaction and a fixed number of statements: the page's
//! cases locked (in id order, then the audit trail's lock — the order every other writer takes
//! them in, so nobody deadlocks), the actions another run took meanwhile left out, the cases'
//! files read, each action put through the lifecycle, the moves written together, the letters
//! built from the files as the moves left them and queued together, and the actions recorded
//! with their letters. A case whose letter cannot be made is left out of the page (logged,
//! counted as failed, tried again on the next run) and the page is taken again without it, so
//! that its move is not written without its letter.

use super::{DailySummary, ACTOR};
use crate::audit;
use crate::db::{self, DbConn};
use crate::domain::daily_plan::Due;
use crate::domain::lifecycle::{self, Action, Transition};
use crate::domain::{CaseStatus, OfferStatus};
use crate::error::AppError;
use crate::letters::data::LetterData;
use crate::services::case_file::CaseFiles;
use crate::services::case_state::{self, Move};
use crate::services::letters::{self, LetterContext};
use chrono::NaiveDate;
use std::collections::HashSet;

/// Why a try at a page stopped (its transaction rolled back).
enum Stop {
    /// These cases' letters could not be made: take the page again without them.
    Letters(Vec<(i64, AppError)>),
    Fail(AppError),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Self {
        Stop::Fail(e.into())
    }
}

impl From<AppError> for Stop {
    fn from(e: AppError) -> Self {
        Stop::Fail(e)
    }
}

/// Takes the actions `due` (each with the status it was planned from), adding what happened to
/// `summary`. An error of the database ends the run (nothing of the page is kept; the next run
/// takes it).
pub(super) fn take(
    conn: &mut DbConn,
    due: &[(Due, CaseStatus)],
    as_of: NaiveDate,
    ctx: &LetterContext,
    summary: &mut DailySummary,
) -> Result<(), AppError> {
    let mut left_out: HashSet<i64> = HashSet::new();
    loop {
        let mine: Vec<&(Due, CaseStatus)> = due.iter().filter(|(d, _)| !left_out.contains(&d.citation_id)).collect();
        match db::write_transaction(conn, |c| try_page(c, &mine, as_of, ctx)) {
            Ok(page) => {
                summary.skipped += page.skipped;
                for d in page.done {
                    summary.count(d.kind);
                }
                summary.failed += left_out.len() as u32;
                return Ok(());
            }
            Err(Stop::Letters(failed)) => {
                for (citation_id, e) in failed {
                    let kind = mine.iter().find(|(d, _)| d.citation_id == citation_id).map(|(d, _)| d.kind.as_str());
                    tracing::warn!(citation_id, kind, error = %e.detail(), "a deadline action's letter cannot be made; it is tried again on the next run");
                    left_out.insert(citation_id);
                }
            }
            Err(Stop::Fail(e)) => return Err(e),
        }
    }
}

/// What a page did.
struct Page<'a> {
    done: Vec<&'a Due>,
    skipped: u32,
}

fn try_page<'a>(
    c: &mut DbConn,
    due: &[&'a (Due, CaseStatus)],
    as_of: NaiveDate,
    ctx: &LetterContext,
) -> Result<Page<'a>, Stop> {
    let ids: Vec<i64> = due.iter().map(|(d, _)| d.citation_id).collect();
    db::citations::lock_many(c, &ids)?;
    audit::lock(c)?;
    let taken: HashSet<(i64, String, NaiveDate, i32)> = db::deadlines::taken(c, &ids)?.into_iter().collect();
    let before = CaseFiles::load(c, &ids)?;
    let mut moves: Vec<(&'a Due, Transition)> = Vec::new();
    let mut skipped = 0;
    for (d, planned_from) in due.iter().copied() {
        let key = (d.citation_id, d.kind.as_str().to_string(), d.due_on, d.lead_days as i32);
        // Another run took it, or the case moved on since the page was planned.
        let file = before.get(d.citation_id).filter(|f| f.citation.status == *planned_from);
        let Some(file) = file.filter(|_| !taken.contains(&key)) else {
            skipped += 1;
            continue;
        };
        match lifecycle::apply(&case_state::case_of(file)?, d.action.clone()) {
            Ok(t) => moves.push((d, t)),
            Err(_) => skipped += 1,
        }
    }
    let numbers: Vec<Move> = moves
        .iter()
        .filter_map(|(d, t)| {
            let number = &before.get(d.citation_id)?.citation.citation_number;
            Some(Move { id: d.citation_id, number, transition: t })
        })
        .collect();
    if !case_state::record_all(c, &numbers, ACTOR, as_of)? {
        return Err(Stop::Fail(AppError::Internal(anyhow::anyhow!("a locked case moved during the daily job"))));
    }
    for (d, _) in &moves {
        if let Action::OfferExpired { offer_id, .. } = d.action {
            db::offers::close(c, offer_id, OfferStatus::Expired, None)?;
        }
    }

    // The letters state the cases as the moves left them.
    let moved: Vec<i64> = moves.iter().map(|(d, _)| d.citation_id).collect();
    let after = CaseFiles::load(c, &moved)?;
    // (the move's index, its letter)
    let mut built: Vec<(usize, LetterData)> = Vec::new();
    let mut failed = Vec::new();
    for (i, (d, t)) in moves.iter().enumerate() {
        for kind in &t.letters {
            match after.of(d.citation_id).and_then(|f| letters::for_case_file(f, &after.calendar, *kind, ctx)) {
                Ok(data) => built.push((i, data)),
                Err(e) => failed.push((d.citation_id, e)),
            }
        }
    }
    if !failed.is_empty() {
        return Err(Stop::Letters(failed));
    }
    let queued: Vec<(i64, Option<i64>, &LetterData)> =
        built.iter().map(|(i, l)| (moves[*i].0.citation_id, None, l)).collect();
    let letter_ids = letters::queue_letters(c, &queued)?;
    // Each action with the (last) letter it queued.
    let mut letter_of: Vec<Option<i64>> = vec![None; moves.len()];
    for ((i, _), id) in built.iter().zip(letter_ids) {
        letter_of[*i] = Some(id);
    }
    let recorded: Vec<(&Due, Option<i64>)> = moves.iter().map(|(d, _)| *d).zip(letter_of).collect();
    db::deadlines::record_taken(c, &recorded, as_of)?;
    Ok(Page { done: moves.into_iter().map(|(d, _)| d).collect(), skipped })
}
