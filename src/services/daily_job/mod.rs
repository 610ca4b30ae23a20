//! The daily deadline job (issue 9 point 6): on a court date, every case with something due —
//! a reminder, a default, an offer's expiry (`domain::daily_plan`) — goes through the lifecycle
//! with its letter queued, each exactly once however often the job runs and however many workers
//! run it at once: the action's key is inserted into `deadline_actions` in the same transaction as
//! the case's change, and a key already there means another run did it. Cases are read and written
//! in pages of [`PAGE`], one transaction per page ([`page`]), so memory stays flat and no
//! transaction holds the whole court, and a page costs a fixed number of statements whatever
//! its size (100,000 cases are a few hundred pages).

use crate::db::{self, DbConn};
use crate::domain::daily_plan::{self, CaseDue, Due, DueKind};
use crate::domain::deadline::{CourtCalendar, DeadlineRules};
use crate::domain::deficiency::Deficiencies;
use crate::domain::next_steps::{self, AfterPleaRules};
use crate::domain::CaseStatus;
use crate::error::AppError;
use crate::services::letters::LetterContext;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, HashSet};

mod page;

/// Who the audit trail names for the job's changes ("the system" on a case's timeline).
const ACTOR: &str = "system:daily-job";

/// Cases read and written per transaction.
pub const PAGE: i64 = 500;

/// The rules the job runs by (the court profile's configuration).
#[derive(Debug, Clone)]
pub struct Rules {
    pub deadlines: DeadlineRules,
    pub after_plea: AfterPleaRules,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DailySummary {
    pub reminders: u32,
    pub defaults: u32,
    pub offers_expired: u32,
    /// Letters queued (each action queues one).
    pub letters: u32,
    /// Actions another run took first, or that the case no longer allowed when it came to them.
    pub skipped: u32,
    /// Actions whose letter the case could not make (logged; tried again on the next run).
    pub failed: u32,
}

/// Runs the job for court date `as_of`; letters are dated `as_of`.
pub fn run(conn: &mut DbConn, as_of: NaiveDate, rules: &Rules, ctx: &LetterContext) -> Result<DailySummary, AppError> {
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let ctx = ctx.on(as_of);
    let lead = rules.deadlines.response_reminders.days().first().copied().unwrap_or(0);
    let open_until = as_of.checked_add_days(Days::new(lead.into())).unwrap_or(as_of);
    let mut summary = DailySummary::default();
    let mut after = 0;
    // Pages taken, and the count at which the planner's statistics are next refreshed: each time
    // the run has doubled what it added to the tables it reads again.
    let (mut taken, mut refresh_at) = (0u32, 1u32);
    loop {
        let page = db::deadlines::candidates(conn, after, open_until, PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.0;
        let due = due_on_page(conn, &page, as_of, rules, &calendar, &ctx)?;
        if !due.is_empty() {
            page::take(conn, &due, as_of, &ctx, &mut summary)?;
            taken += 1;
            if taken == refresh_at {
                db::deadlines::refresh_statistics(conn)?;
                refresh_at *= 2;
            }
        }
    }
    let counts = [summary.reminders, summary.defaults, summary.offers_expired];
    db::deadlines::finished(conn, as_of, counts.map(|n| n as i32))?;
    Ok(summary)
}

impl DailySummary {
    fn count(&mut self, kind: DueKind) {
        match kind {
            DueKind::ResponseReminder | DueKind::PaymentReminder => self.reminders += 1,
            DueKind::Default => self.defaults += 1,
            DueKind::OfferExpired => self.offers_expired += 1,
        }
        self.letters += 1;
    }
}

/// What is due on a page of cases, less what earlier runs did; each with the status it was
/// planned from.
fn due_on_page(
    conn: &mut DbConn,
    page: &[(i64, String, NaiveDate)],
    as_of: NaiveDate,
    rules: &Rules,
    calendar: &CourtCalendar,
    ctx: &LetterContext,
) -> Result<Vec<(Due, CaseStatus)>, AppError> {
    let ids: Vec<i64> = page.iter().map(|p| p.0).collect();
    let pleaded = db::paper::applied_received_at(conn, &ids)?;
    let mut fix_by: BTreeMap<i64, NaiveDate> = BTreeMap::new();
    for (id, json) in db::paper::deficiencies_of_many(conn, &ids)? {
        if let Some(f) = serde_json::from_str::<Deficiencies>(&json).ok().and_then(|d| d.fix_by) {
            let e = fix_by.entry(id).or_insert(f);
            *e = (*e).max(f);
        }
    }
    let offers: BTreeMap<i64, (i64, NaiveDate)> =
        db::deadlines::pending_offers(conn, &ids)?.into_iter().map(|(c, o, e)| (c, (o, e))).collect();
    // A clerk's grant to someone unable to pay replaces the payment window (services::hardship).
    let granted = crate::services::hardship::granted_due_on_many(conn, &ids)?;
    let taken: HashSet<(i64, String, NaiveDate, i32)> = db::deadlines::taken(conn, &ids)?.into_iter().collect();
    let mut due = Vec::new();
    for (id, status, response_due) in page {
        let Ok(status) = status.parse::<CaseStatus>() else { continue };
        let case = CaseDue {
            citation_id: *id,
            status,
            response_due: *response_due,
            fix_by: fix_by.get(id).copied(),
            pay_by: granted.get(id).copied().or_else(|| {
                pleaded.get(id).map(|at| {
                    let on = at.and_utc().with_timezone(&ctx.court_tz).date_naive();
                    next_steps::pay_by(on, rules.after_plea, calendar)
                })
            }),
            offer: offers.get(id).copied(),
        };
        if let Some(d) = daily_plan::plan(&case, as_of, &rules.deadlines, calendar) {
            let key = (d.citation_id, d.kind.as_str().to_string(), d.due_on, d.lead_days as i32);
            if !taken.contains(&key) {
                due.push((d, status));
            }
        }
    }
    Ok(due)
}
