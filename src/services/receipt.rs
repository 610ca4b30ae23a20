//! The receipt (acknowledgement letter) of a plea: what the person told the court — pleas with
//! fines and points, statement, documents — and what happens next, charge by charge, as
//! `domain::next_steps` decides it. The letter and its email are rendered from this data.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::domain::eligibility::Reason;
use crate::domain::next_steps::{next_steps, ChargeAnswer, ChargeNext};
use crate::domain::{Cents, PenaltyClass};
use crate::error::AppError;
use crate::letters::data::{LetterData, NextCharge, NextInfo};
use crate::services::letters::LetterContext;

/// Fills in the receipt's statement, documents and next steps for the plea `submission_id`
/// (inside the caller's transaction: the plea just recorded is visible).
pub fn complete(
    conn: &mut DbConn,
    data: &mut LetterData,
    citation: &CitationRecord,
    submission_id: i64,
    ctx: &LetterContext,
) -> Result<(), AppError> {
    let Some(sub) = data.submission.as_mut() else {
        return Ok(());
    };
    sub.statement = db::submissions::statement_of(conn, submission_id)?;
    sub.documents = db::documents::names_for_submission(conn, submission_id)?;
    let pleaded_on = sub.received_on;
    let pleas = sub.pleas.clone();
    let records = db::citations::charges_of(conn, citation)?;
    let answers: Vec<ChargeAnswer> = data
        .charges
        .iter()
        .map(|c| {
            let offense = records.iter().find(|r| r.seq == c.seq).and_then(|r| r.offense.as_ref());
            let plea = pleas.iter().find(|p| p.seq == c.seq).map(|p| p.plea);
            ChargeAnswer {
                seq: c.seq,
                fine: Cents::new(c.fine_cents).unwrap_or_default(),
                points: c.points,
                class: offense.and_then(|o| o.penalty_class.parse::<PenaltyClass>().ok()),
                plea,
                // The one rule: why a charge without a plea could not be answered by mail.
                not_by_mail: match plea {
                    Some(_) => None,
                    None => Some(db::offenses::facts(offense).offense_by_mail().err().unwrap_or(Reason::NotByMail)),
                },
            }
        })
        .collect();
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    let rules = ctx.court.after_plea;
    let steps = next_steps(&answers, citation.court_date, pleaded_on, rules, &calendar);
    data.next = Some(next_info(data, &steps, rules.offer_review_business_days));
    Ok(())
}

/// A plain copy of the domain's decision, with each charge's description in the letter's language.
fn next_info(data: &LetterData, steps: &crate::domain::next_steps::NextSteps, review_days: u32) -> NextInfo {
    let charges = steps
        .charges
        .iter()
        .map(|s| {
            let description =
                data.charges.iter().find(|c| c.seq == s.seq).map(|c| c.description.clone()).unwrap_or_default();
            let mut n = NextCharge {
                seq: s.seq,
                description,
                plea: s.plea,
                fine_cents: s.fine_cents,
                points: s.points,
                misdemeanor: s.misdemeanor,
                kind: String::new(),
                amount_cents: 0,
                pay_by: None,
                answer_by: None,
                court_date: None,
            };
            match s.next {
                ChargeNext::Pay { amount_cents, pay_by } => {
                    (n.kind, n.amount_cents, n.pay_by) = ("pay".into(), amount_cents, Some(pay_by));
                }
                ChargeNext::Hearing => n.kind = "hearing".into(),
                ChargeNext::OfferReview { answer_by, court_date } => {
                    (n.kind, n.answer_by, n.court_date) = ("offer_review".into(), Some(answer_by), Some(court_date));
                }
                ChargeNext::Appear { court_date } => (n.kind, n.court_date) = ("appear".into(), Some(court_date)),
            }
            n
        })
        .collect();
    NextInfo {
        charges,
        amount_due_cents: steps.amount_due_cents,
        pay_by: steps.pay_by,
        appearance: steps.appearance,
        appear_for: steps.appear_for.clone(),
        offer_answer_by: steps.offer_answer_by,
        offer_review_days: review_days,
        hearing_notice: steps.hearing_notice,
    }
}
