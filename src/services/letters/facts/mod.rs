//! The facts a later letter states, read from the case (SPEC §3): the pending offer, what is
//! owed and paid, the hearing, each charge's disposition, the deadline and the judgment. Where
//! the case does not hold what its letter type states (offers, payments and hearings arrive with
//! the case lifecycle), the letter is refused with a 422 saying what is missing — never printed
//! with blanks.

use super::LetterContext;
use crate::domain::deadline::CourtCalendar;
use crate::domain::next_steps::AfterPleaRules;
use crate::domain::{CaseStatus, Cents, Disposition, Language, LetterType, OfferStatus, Plea};
use crate::error::AppError;
use crate::letters::data::*;
use crate::services::case_file::CaseFile;
use chrono::{NaiveDate, NaiveDateTime};

mod owed;

/// A 422 on the request's `type`: this letter cannot be made for this case, and why.
pub(super) fn refuse(message: impl Into<String>) -> AppError {
    AppError::field("type", message)
}

/// An offer on file, its lines in the letter's language.
struct OfferOnFile {
    status: OfferStatus,
    expires_on: NaiveDate,
    decided_on: Option<NaiveDate>,
    lines: Vec<OfferLine>,
}

/// What the case holds, read once.
struct Case {
    status: CaseStatus,
    /// The pleas that stand (the newest linked submission) and the court's date they arrived.
    pleas: Vec<(i32, Plea)>,
    pleaded_on: Option<NaiveDate>,
    offers: Vec<OfferOnFile>,
    payments: Vec<PaymentLine>,
    /// The latest disposition of each charge that has one: (seq, disposition, decided on).
    dispositions: Vec<(i32, Disposition, NaiveDate)>,
    calendar: CourtCalendar,
    /// The case's confirmation code (the plea that stands), for the status page.
    confirmation: Option<String>,
    /// The payment deadline a clerk granted to someone unable to pay, if one stands.
    granted_due_on: Option<NaiveDate>,
}

/// Whether letters of `kind` state facts of the case beyond its charges ([`fill`] needs its file).
pub fn needed(kind: LetterType) -> bool {
    !matches!(kind, LetterType::PleaForm | LetterType::Acknowledgement)
}

/// Fills in the parts of `data` its letter type states, from the case's file; `calendar` is the
/// court's (dates are rolled past its holidays).
pub fn fill(
    data: &mut LetterData,
    file: &CaseFile,
    calendar: &CourtCalendar,
    ctx: &LetterContext,
) -> Result<(), AppError> {
    match data.letter_type {
        LetterType::PleaForm | LetterType::Acknowledgement => return Ok(()),
        LetterType::Deficiency => return Err(refuse(
            "a deficiency notice is sent by itself when a keyed paper plea is incomplete (key it at /staff/pleas/new)",
        )),
        _ => {}
    }
    let case = Case::read(file, calendar, data, ctx);
    let rules = ctx.court.after_plea;
    match data.letter_type {
        LetterType::Offer => data.offer = Some(case.pending_offer(data.date)?),
        LetterType::AmountDue => {
            data.money = Some(case.amount_due(data, rules)?);
            data.confirmation = case.confirmation.clone();
        }
        LetterType::Hearing => data.hearing = Some(case.hearing(data)?),
        LetterType::Outcome => (data.dispositions, data.money) = case.outcome(data)?,
        LetterType::DefaultNotice => case.default_notice(data, rules)?,
        LetterType::Reminder => case.reminder(data, rules)?,
        LetterType::PleaForm | LetterType::Acknowledgement | LetterType::Deficiency => {}
    }
    Ok(())
}

fn court_date(t: NaiveDateTime, ctx: &LetterContext) -> NaiveDate {
    t.and_utc().with_timezone(&ctx.court_tz).date_naive()
}

impl Case {
    fn read(file: &CaseFile, calendar: &CourtCalendar, data: &LetterData, ctx: &LetterContext) -> Case {
        let (mut pleas, mut pleaded_on, mut confirmation) = (Vec::new(), None, None);
        if let Some((sub, sub_pleas)) = file.latest.as_ref().filter(|(s, _)| s.status == "linked") {
            pleaded_on = Some(court_date(sub.received_at, ctx));
            confirmation = Some(sub.confirmation.clone());
            pleas = sub_pleas.iter().filter_map(|(seq, p)| p.parse::<Plea>().ok().map(|p| (*seq, p))).collect();
        }
        let described = |code: &str| {
            let o = file.offer_offenses.iter().find(|o| o.code == code);
            o.map(|o| if data.language == Language::Es { o.description_es.clone() } else { o.description.clone() })
                .unwrap_or_else(|| code.to_string())
        };
        let charged = |seq: i32| data.charges.iter().find(|c| c.seq == seq).map(|c| c.description.clone());
        let offers = file
            .offers
            .iter()
            .filter_map(|o| {
                let lines = file
                    .offer_lines
                    .iter()
                    .filter(|l| l.0 == o.id)
                    .map(|(_, seq, code, fine, points)| OfferLine {
                        seq: *seq,
                        charged: charged(*seq).unwrap_or_default(),
                        description: described(code),
                        offense_code: code.clone(),
                        fine: Cents::new(*fine).unwrap_or_default(),
                        points: *points,
                    })
                    .collect();
                Some(OfferOnFile {
                    status: o.status.parse().ok()?,
                    expires_on: o.expires_on,
                    decided_on: o.decided_at.map(|t| court_date(t, ctx)),
                    lines,
                })
            })
            .collect();
        // Payments that stand (a reversed one, a bounced check, is not "received").
        let payments = file
            .payments
            .iter()
            .filter(|p| p.reversed_at.is_none())
            .filter_map(|p| {
                Some(PaymentLine {
                    received_on: p.received_on,
                    method: p.method,
                    amount: Cents::new(p.amount_cents).ok()?,
                })
            })
            .collect();
        let mut dispositions: Vec<(i32, Disposition, NaiveDate)> = Vec::new();
        for (seq, d, on, withdrawn) in &file.dispositions {
            if withdrawn.is_some() {
                continue; // no longer stands: its payment was reversed
            }
            let Ok(d) = d.parse::<Disposition>() else { continue };
            dispositions.retain(|(s, _, _)| s != seq);
            dispositions.push((*seq, d, *on));
        }
        dispositions.sort_by_key(|(seq, _, _)| *seq);
        Case {
            status: file.citation.status,
            pleas,
            pleaded_on,
            offers,
            payments,
            dispositions,
            calendar: calendar.clone(),
            confirmation,
            granted_due_on: file.granted_due_on,
        }
    }

    fn plea(&self, seq: i32) -> Option<Plea> {
        self.pleas.iter().find(|(s, _)| *s == seq).map(|(_, p)| *p)
    }

    fn latest_offer(&self, status: OfferStatus) -> Option<&OfferOnFile> {
        self.offers.iter().rev().find(|o| o.status == status)
    }

    fn pending_offer(&self, today: NaiveDate) -> Result<OfferInfo, AppError> {
        let offer = self.latest_offer(OfferStatus::Pending).ok_or_else(|| {
            refuse(format!(
                "this case has no pending offer; a prosecutor makes one first (its status is {})",
                self.status
            ))
        })?;
        if offer.expires_on < today {
            return Err(refuse(format!("this case's offer expired on {}; it cannot be sent now", offer.expires_on)));
        }
        let total_fine = total(offer.lines.iter().map(|l| l.fine)).map_err(|e| AppError::Internal(e.into()))?;
        Ok(OfferInfo { expires_on: offer.expires_on, lines: offer.lines.clone(), total_fine })
    }

    /// The hearing: the charges set for one (with why) and those that cannot be settled by mail,
    /// on the case's court date at the court's session time and place.
    fn hearing(&self, data: &LetterData) -> Result<HearingInfo, AppError> {
        let charges: Vec<HearingCharge> = data
            .charges
            .iter()
            .filter_map(|c| {
                let set = self.dispositions.iter().any(|(s, d, _)| *s == c.seq && *d == Disposition::HearingSet);
                let reason = if !c.by_mail {
                    HearingReason::MustAppear
                } else if !set {
                    return None;
                } else if self.plea(c.seq) == Some(Plea::NotGuilty) {
                    HearingReason::NotGuilty
                } else {
                    match self.offers.last().map(|o| o.status) {
                        Some(OfferStatus::Rejected) => HearingReason::OfferRejected,
                        Some(OfferStatus::Expired) => HearingReason::OfferExpired,
                        Some(OfferStatus::Withdrawn) => HearingReason::OfferWithdrawn,
                        _ => HearingReason::OfferDeclined,
                    }
                };
                Some(HearingCharge { seq: c.seq, description: c.description.clone(), reason })
            })
            .collect();
        if charges.is_empty() {
            return Err(refuse("this case has no hearing set and no charge that must be answered in court"));
        }
        let date = data.citation.court_date;
        if date < data.date {
            return Err(refuse(format!(
                "the case's court date, {date}, has passed; the hearing needs a new date first"
            )));
        }
        let time = data.court.appearance_time.ok_or_else(|| refuse("the court profile has no session time"))?;
        Ok(HearingInfo { date, time, place: data.court.appearance_place.clone(), charges })
    }

    /// A reminder of what the case's status makes due next.
    fn reminder(&self, data: &mut LetterData, rules: AfterPleaRules) -> Result<(), AppError> {
        let (about, due_on) = match self.status {
            CaseStatus::Open => {
                if data.citation.response_due < data.date {
                    return Err(refuse(format!(
                        "the answer was due on {}; a default notice follows, not a reminder",
                        data.citation.response_due
                    )));
                }
                (DeadlineAbout::Respond, data.citation.response_due)
            }
            CaseStatus::AmountDue => {
                let m = self.amount_due(data, rules)?;
                let due = m.pay_by.unwrap_or(data.date);
                data.money = Some(m);
                (DeadlineAbout::Pay, due)
            }
            CaseStatus::OfferPending => {
                let o = self.pending_offer(data.date)?;
                let due = o.expires_on;
                data.offer = Some(o);
                (DeadlineAbout::Offer, due)
            }
            CaseStatus::HearingSet => {
                let h = self.hearing(data)?;
                let due = h.date;
                data.hearing = Some(h);
                (DeadlineAbout::Appear, due)
            }
            other => return Err(refuse(format!("nothing is due on this case to remind of (its status is {other})"))),
        };
        data.deadline = Some(DeadlineInfo { about, due_on });
        Ok(())
    }
}
