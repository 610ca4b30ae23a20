//! The parts of the whole case (SPEC §4 `GET /api/v1/citations/{number}`) beyond the citation and
//! its charges: submissions with their pleas, postmark, enclosed payment and deficiencies; offers;
//! payments (reversed ones too) and the balance; dispositions (withdrawn ones too); letters; and
//! the case's events (its timeline). Empty lists where nothing exists yet.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::case_deadline::{self, CaseDates, DeadlineKind};
use crate::domain::deadline::CourtCalendar;
use crate::domain::deficiency::Deficiencies;
use crate::domain::next_steps::{self, AfterPleaRules};
use crate::domain::{CitationNumber, OfferStatus, SubmissionStatus};
use crate::error::AppError;
use crate::services::payments::{self, view::PaymentView, BalanceView};
use crate::services::scans::pages::{self, ScanPage};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// At most this many events in the case's timeline (the newest kept).
const TIMELINE: i64 = 500;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubmissionView {
    pub id: i64,
    /// online, mail or counter
    pub channel: String,
    pub confirmation: String,
    /// linked or deficient
    pub status: String,
    /// RFC 3339, UTC.
    pub received_at: String,
    pub postmark_date: Option<NaiveDate>,
    pub signed: bool,
    pub statement: Option<String>,
    pub pleas: Vec<PleaView>,
    /// The scan it came on.
    pub document_id: Option<i64>,
    /// The pages of that scan that are this plea's: those of the envelope it was keyed from, or
    /// else every page.
    pub scan_pages: Vec<ScanPage>,
    /// Evidence documents sent with it, by name.
    pub documents: Vec<String>,
    /// Received with the plea; applied to the balance once the plea leaves money owed.
    pub enclosed_payment: Option<EnclosedView>,
    #[schema(value_type = Option<Object>)]
    pub deficiencies: Option<Deficiencies>,
    /// A second plea for a case already answered: not applied; a clerk decides which stands.
    pub duplicate: bool,
    pub linked_how: Option<String>,
    /// A duplicate a clerk decided against (RFC 3339, UTC): kept, never applied.
    pub set_aside_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PleaView {
    pub charge_seq: i32,
    pub plea: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EnclosedView {
    pub amount_cents: i64,
    pub method: Option<String>,
    pub reference: Option<String>,
    /// The payment it became once applied to the case (`payments`); none while only received.
    pub payment_id: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferView {
    pub id: i64,
    pub status: String,
    pub expires_on: NaiveDate,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub charges: Vec<OfferChargeView>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OfferChargeView {
    pub charge_seq: i32,
    pub offense_code: String,
    pub fine_cents: i64,
    pub points: i32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DispositionView {
    pub charge_seq: i32,
    pub disposition: String,
    pub decided_on: NaiveDate,
    /// RFC 3339, UTC: a payment disposition taken back when its payment was reversed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseLetterView {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub language: String,
    pub status: String,
    pub submission_id: Option<i64>,
    pub created_at: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub outcome: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// Everything on file about a case besides the citation and its charges.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CaseParts {
    pub submissions: Vec<SubmissionView>,
    /// More than one plea on file for the case: a clerk decides which stands.
    pub duplicate_pleas: bool,
    pub offers: Vec<OfferView>,
    pub payments: Vec<PaymentView>,
    /// What the case owes now: due − paid (the lifecycle's balance); `overpaid_cents` above 0 is a refund owed.
    pub balance: BalanceView,
    pub dispositions: Vec<DispositionView>,
    pub letters: Vec<CaseLetterView>,
    pub events: Vec<EventView>,
}

fn time(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

pub fn parts(conn: &mut DbConn, c: &CitationRecord) -> Result<CaseParts, AppError> {
    let paid = db::payments::of_citation(conn, c.id)?;
    let subs = db::paper::for_citation(conn, c.id)?;
    let ids: Vec<i64> = subs.iter().map(|s| s.id).collect();
    let pleas = db::case_parts::pleas_of(conn, &ids)?;
    let set_aside = db::paper::set_aside_of(conn, c.id)?;
    let mut submissions = Vec::with_capacity(subs.len());
    for s in subs {
        submissions.push(SubmissionView {
            pleas: pleas
                .iter()
                .filter(|(id, _, _)| *id == s.id)
                .map(|(_, seq, p)| PleaView { charge_seq: *seq, plea: p.clone() })
                .collect(),
            documents: db::documents::names_for_submission(conn, s.id)?,
            scan_pages: match s.document_id {
                Some(doc) => pages::for_submission(conn, doc, s.id)?,
                None => Vec::new(),
            },
            enclosed_payment: s.enclosed_payment_cents.map(|amount_cents| EnclosedView {
                amount_cents,
                method: s.enclosed_payment_method.clone(),
                reference: s.enclosed_payment_reference.clone(),
                payment_id: paid.iter().find(|p| p.submission_id == Some(s.id)).map(|p| p.id),
            }),
            deficiencies: s.deficiencies.as_deref().and_then(|d| serde_json::from_str(d).ok()),
            id: s.id,
            channel: s.channel,
            confirmation: s.confirmation,
            status: s.status,
            received_at: time(s.received_at),
            postmark_date: s.postmark_date,
            signed: s.signed,
            statement: s.statement,
            document_id: s.document_id,
            duplicate: s.duplicate,
            linked_how: s.linked_how,
            set_aside_at: set_aside.iter().find(|(id, _)| *id == s.id).map(|(_, t)| time(*t)),
        });
    }
    let (offer_rows, offer_lines) = db::case_parts::offers_of(conn, c.id)?;
    let offers = offer_rows
        .into_iter()
        .map(|o| OfferView {
            charges: offer_lines
                .iter()
                .filter(|l| l.0 == o.id)
                .map(|l| OfferChargeView { charge_seq: l.1, offense_code: l.2.clone(), fine_cents: l.3, points: l.4 })
                .collect(),
            id: o.id,
            status: o.status,
            expires_on: o.expires_on,
            created_at: time(o.created_at),
            decided_at: o.decided_at.map(time),
        })
        .collect();
    let dispositions = db::case_parts::dispositions_of(conn, c.id)?
        .into_iter()
        .map(|(charge_seq, disposition, decided_on, withdrawn)| DispositionView {
            charge_seq,
            disposition,
            decided_on,
            withdrawn_at: withdrawn.map(time),
        })
        .collect();
    let (payments, balance) = payments::view::of_case(conn, c.id, paid)?;
    let letters = db::letters::for_citation(conn, c.id)?
        .into_iter()
        .map(|l| CaseLetterView {
            id: l.id,
            kind: l.letter_type,
            language: l.language,
            status: l.status.as_str().to_string(),
            submission_id: l.submission_id,
            created_at: time(l.created_at),
        })
        .collect();
    let events = db::case_parts::events_of(conn, &c.citation_number, TIMELINE)?
        .into_iter()
        .map(|e| EventView {
            at: time(e.at),
            actor: e.actor,
            action: e.action,
            outcome: e.outcome,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(CaseParts {
        duplicate_pleas: submissions.iter().any(|s| s.duplicate),
        submissions,
        offers,
        payments,
        balance,
        dispositions,
        letters,
        events,
    })
}

/// The case's next deadline on or after `today` and what it is for (`domain::case_deadline`
/// decides which count). The payment deadline runs from the day the plea that stands was
/// received, on the court's calendar (`tz`) and by its rules.
pub fn next_deadline(
    conn: &mut DbConn,
    number: &CitationNumber,
    today: NaiveDate,
    tz: chrono_tz::Tz,
    rules: AfterPleaRules,
) -> Result<Option<(DeadlineKind, NaiveDate)>, AppError> {
    let c = db::citations::find_by_number(conn, number.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {number} is on file")))?;
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let pay_by = db::paper::applied_plea(conn, c.id, None)?.map(|plea| {
        let pleaded_on = plea.received_at.and_utc().with_timezone(&tz).date_naive();
        next_steps::pay_by(pleaded_on, rules, &calendar)
    });
    // A due date a clerk granted to someone unable to pay replaces the payment window's.
    let pay_by = crate::services::hardship::granted_due_on(conn, c.id)?.or(pay_by);
    let fix_by: Vec<NaiveDate> = db::paper::for_citation(conn, c.id)?
        .into_iter()
        .filter(|s| s.status == SubmissionStatus::Deficient.as_str())
        .filter_map(|s| serde_json::from_str::<Deficiencies>(s.deficiencies.as_deref()?).ok()?.fix_by)
        .collect();
    let offers_expire: Vec<NaiveDate> = db::case_parts::offers_of(conn, c.id)?
        .0
        .into_iter()
        .filter(|o| o.status == OfferStatus::Pending.as_str())
        .map(|o| o.expires_on)
        .collect();
    let dates = CaseDates {
        status: c.status,
        response_due: c.response_due,
        court_date: c.court_date,
        pay_by,
        fix_by: &fix_by,
        offers_expire: &offers_expire,
    };
    Ok(case_deadline::next_deadline(&dates, today))
}
