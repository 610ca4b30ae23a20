//! What a resident sees after pleading: status, timeline, letters to download. Identity is the
//! confirmation code and the date of birth; a wrong one of either gets the same answer.

use crate::config::CourtConfig;
use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::domain::next_steps::{after_decisions, next_steps, ChargeAnswer, ChargeStep, Decided};
use crate::domain::public_timeline::PublicKind;
use crate::domain::{CaseStatus, Cents, DateOfBirth, Language, Plea};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::hardship::{self, PublicHardship};
use crate::services::letters as letter_service;
use chrono::NaiveDate;
use serde::Serialize;

/// One line of the resident's timeline (`services::public_timeline`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub date: NaiveDate,
    pub what: String,
    /// What happened: `issued`, `plea_received`, `offer_made`, `amount_due`, `payment_received`,
    /// `hardship_requested`, `hardship_granted`, `letter_sent`, … .
    #[schema(value_type = String, example = "payment_received")]
    pub kind: PublicKind,
    /// A letter's id (`letter_sent`), to download it.
    pub letter_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LetterSummary {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub date: NaiveDate,
    /// False until the letter has been rendered.
    pub available: bool,
}

/// One charge's line in "what happens next": its name and the domain's step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChargeNextView {
    pub offense_code: String,
    pub description: String,
    /// `seq`, `plea`, `fine_cents`, `points`, `misdemeanor`, and `kind` (`pay`, `hearing`,
    /// `offer_review`, `appear`) with its dates and amount.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub step: ChargeStep,
}

/// A court appearance still needed: when and where.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Appearance {
    pub date: NaiveDate,
    /// `HH:MM`, the court's local time.
    pub time: String,
    pub place: Vec<String>,
    /// The charges it is for.
    pub charges: Vec<i32>,
}

/// What happens next on the case, charge by charge, from [`crate::domain::next_steps`].
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NextView {
    pub charges: Vec<ChargeNextView>,
    pub amount_due_cents: i64,
    pub pay_by: Option<NaiveDate>,
    pub appearance: Option<Appearance>,
    pub offer_answer_by: Option<NaiveDate>,
    pub hearing_notice: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusView {
    pub citation_number: String,
    pub confirmation: String,
    #[schema(value_type = String, example = "amount_due")]
    pub status: CaseStatus,
    pub status_text: String,
    pub response_due: NaiveDate,
    pub timeline: Vec<TimelineEntry>,
    pub letters: Vec<LetterSummary>,
    /// The defendant's own language (ISO 639-1); pages add a language-assistance line for it.
    pub preferred_language: String,
    pub next: NextView,
    /// The newest request made because the defendant cannot pay, as they see it.
    pub hardship: Option<PublicHardship>,
    /// Whether the defendant may ask now for more time, a plan or community service (an amount
    /// is due and no request is pending).
    pub hardship_open: bool,
    /// The prosecutor's offer waiting for an answer, charge by charge (charged and offered).
    pub offer: Option<crate::services::offers::public::OfferPanel>,
}

fn status_text(status: CaseStatus, lang: Language) -> String {
    let key = match status {
        CaseStatus::Open | CaseStatus::Responded => "status.received",
        CaseStatus::InReview => "status.in_review",
        CaseStatus::OfferPending => "status.offer_pending",
        CaseStatus::AmountDue => "status.amount_due",
        CaseStatus::HearingSet => "status.hearing_set",
        CaseStatus::Resolved => "status.resolved",
        CaseStatus::Default => "status.default",
    };
    msg(lang, key)
}

/// The submission and case for a confirmation code and date of birth (same 404 otherwise).
pub(crate) fn find_submission(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    today: NaiveDate,
    lang: Language,
) -> Result<(db::submissions::SubmissionRecord, CitationRecord), AppError> {
    let not_found = || AppError::NotFound(msg(lang, "wrong_code"));
    let dob =
        DateOfBirth::parse(dob, today).map_err(|_| AppError::field("date_of_birth", msg(lang, "date_of_birth")))?;
    let code = confirmation.trim().to_ascii_uppercase();
    // Codes are letters, digits and hyphens (`PD-7Q4K-M2XD`): anything else is no code of ours,
    // and is not sent to the database (PostgreSQL refuses a NUL byte: it would be a 500).
    if !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(not_found());
    }
    let sub = db::submissions::by_confirmation(conn, &code)?.ok_or_else(not_found)?;
    let case = match sub.citation_id {
        Some(id) => db::citations::find_by_id(conn, id)?,
        None => None,
    }
    .filter(|c| c.date_of_birth == dob.date())
    .ok_or_else(not_found)?;
    Ok((sub, case))
}

/// What a resident sees on the status page.
pub fn status(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    today: NaiveDate,
    lang: Language,
    tz: chrono_tz::Tz,
    court: &CourtConfig,
) -> Result<StatusView, AppError> {
    let (sub, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let mut next = next_of(conn, &case, &sub, tz, court, lang)?;
    if let Some(granted) = hardship::granted_due_on(conn, case.id)? {
        granted_pay_by(&mut next, granted);
    }
    let (timeline, letters) = crate::services::public_timeline::of_case(conn, &case, tz, lang)?;
    let request = hardship::latest_public(conn, case.id, tz)?;
    let pending = request.as_ref().is_some_and(|r| r.status == crate::domain::hardship::HardshipStatus::Pending);
    let offer = crate::services::offers::public::pending(conn, &case, lang, today)?;
    Ok(StatusView {
        citation_number: case.citation_number,
        confirmation: sub.confirmation,
        status_text: status_text(case.status, lang),
        status: case.status,
        response_due: case.response_due,
        timeline,
        letters,
        preferred_language: case.preferred_language,
        next,
        hardship_open: crate::domain::hardship::open_to_requests(case.status) && !pending,
        hardship: request,
        offer,
    })
}

/// A due date a clerk granted replaces the payment window's date wherever a fine is due.
fn granted_pay_by(next: &mut NextView, granted: NaiveDate) {
    use crate::domain::next_steps::ChargeNext;
    if next.pay_by.is_some() {
        next.pay_by = Some(granted);
    }
    for c in &mut next.charges {
        if let ChargeNext::Pay { pay_by, .. } = &mut c.step.next {
            *pay_by = granted;
        }
    }
}

/// What happens next after the submission's pleas, by the court's rules and calendar.
fn next_of(
    conn: &mut DbConn,
    case: &CitationRecord,
    sub: &db::submissions::SubmissionRecord,
    tz: chrono_tz::Tz,
    court: &CourtConfig,
    lang: Language,
) -> Result<NextView, AppError> {
    let pleas = db::submissions::pleas_of(conn, sub.id)?;
    let charges = db::citations::charges_of(conn, case)?;
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let answers: Vec<ChargeAnswer> = charges
        .iter()
        .map(|c| {
            let plea = pleas.iter().find(|(s, _)| *s == c.seq).and_then(|(_, p)| p.parse::<Plea>().ok());
            ChargeAnswer {
                seq: c.seq,
                fine: Cents::new(c.fine_cents).unwrap_or(Cents::ZERO),
                points: c.points,
                class: c.offense.as_ref().and_then(|o| o.penalty_class.parse().ok()),
                plea,
                not_by_mail: db::offenses::facts(c.offense.as_ref()).offense_by_mail().err(),
            }
        })
        .collect();
    let pleaded_on = sub.received_at.and_utc().with_timezone(&tz).date_naive();
    let mut steps = next_steps(&answers, case.court_date, pleaded_on, court.after_plea, &calendar);
    // The prosecutor's answer since: an accepted offer's fines are due, a refused request a hearing.
    let decided: Vec<Decided> = crate::services::case_state::snapshot(conn, case.id)?
        .charges
        .iter()
        .map(|c| Decided {
            seq: c.seq,
            amended_fine: c.amended_fine,
            hearing: c.disposition == Some(crate::domain::Disposition::HearingSet),
        })
        .collect();
    let pay_by = crate::domain::next_steps::pay_by(pleaded_on, court.after_plea, &calendar);
    after_decisions(&mut steps, &decided, pay_by);
    let views = steps
        .charges
        .iter()
        .zip(&charges)
        .map(|(step, c)| ChargeNextView {
            offense_code: c.offense_code.clone(),
            description: c
                .offense
                .as_ref()
                .map(|o| if lang == Language::Es { o.description_es.clone() } else { o.description.clone() })
                .unwrap_or_else(|| c.offense_code.clone()),
            step: *step,
        })
        .collect();
    Ok(NextView {
        charges: views,
        amount_due_cents: steps.amount_due_cents,
        pay_by: steps.pay_by,
        appearance: steps.appearance.map(|date| Appearance {
            date,
            time: court.appearance_time.format("%H:%M").to_string(),
            place: court.appearance_place.clone(),
            charges: steps.appear_for.clone(),
        }),
        offer_answer_by: steps.offer_answer_by,
        hearing_notice: steps.hearing_notice,
    })
}

/// A letter of the resident's case, for download from the status page.
pub fn letter_pdf(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    letter_id: i64,
    today: NaiveDate,
    lang: Language,
    ctx: &letter_service::LetterContext,
) -> Result<Vec<u8>, AppError> {
    let (_, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let letter = own_letter(conn, &case, letter_id, lang)?;
    letter_service::stored_pdf(conn, letter.id, ctx)
}

/// A letter of the resident's case for the status page: rendered now if the worker has not done
/// it yet (it is stored once). Whether the letter belongs to the case is checked first; a letter
/// of another case is refused with nothing rendered.
pub fn letter_pdf_rendered(
    conn: &mut DbConn,
    confirmation: &str,
    dob: &str,
    letter_id: i64,
    today: NaiveDate,
    lang: Language,
    ctx: &letter_service::LetterContext,
) -> Result<Vec<u8>, AppError> {
    let (_, case) = find_submission(conn, confirmation, dob, today, lang)?;
    let letter = own_letter(conn, &case, letter_id, lang)?;
    if letter.storage_path.is_none() {
        let templates = ctx.templates()?;
        letter_service::render_stored(conn, letter.id, ctx, &templates)?;
    }
    letter_service::stored_pdf(conn, letter.id, ctx)
}

/// The letter `letter_id` if it is one of `case`'s; the same 404 as a wrong identity otherwise.
fn own_letter(
    conn: &mut DbConn,
    case: &CitationRecord,
    letter_id: i64,
    lang: Language,
) -> Result<db::letters::LetterRecord, AppError> {
    db::letters::find(conn, letter_id)?
        .filter(|l| l.citation_id == Some(case.id))
        .ok_or_else(|| AppError::NotFound(msg(lang, "not_found")))
}
