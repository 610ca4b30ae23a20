//! The facts the later letters of a case need, each an optional part of [`LetterData`]: the
//! prosecutor's offer, the money (due, paid, balance), the hearing, each charge's disposition,
//! the deadline a reminder or a default notice is about, and the default judgment. Money is
//! [`Cents`]; dates are the court's calendar, times the court's clock.
//!
//! [`LetterData`]: super::data::LetterData

use crate::domain::{Cents, Disposition, LetterType, ParseError, PaymentMethod};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// A prosecutor's offer, charge by charge (plea-offer letters, reminders about an offer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferInfo {
    /// The last day to accept it (online, or a signed slip postmarked by then).
    pub expires_on: NaiveDate,
    pub lines: Vec<OfferLine>,
    pub total_fine: Cents,
}

/// What one charge becomes if the offer is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferLine {
    pub seq: i32,
    /// The charge as written on the ticket, in the letter's language.
    pub charged: String,
    /// The offense offered instead (the same code when only the fine or points change).
    pub offense_code: String,
    pub description: String,
    pub fine: Cents,
    pub points: i32,
}

/// What is owed on a case: each charge's fine and court costs, the payments received, and the
/// balance (what is due minus what was paid, never below zero).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoneyInfo {
    pub lines: Vec<DueLine>,
    pub payments: Vec<PaymentLine>,
    pub due: Cents,
    pub paid: Cents,
    pub balance: Cents,
    /// When the balance must be paid (none once nothing is owed).
    pub pay_by: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DueLine {
    pub seq: i32,
    pub description: String,
    pub fine: Cents,
    pub costs: Cents,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentLine {
    pub received_on: NaiveDate,
    pub method: PaymentMethod,
    pub amount: Cents,
}

impl MoneyInfo {
    /// Adds the lines and payments up.
    pub fn new(lines: Vec<DueLine>, payments: Vec<PaymentLine>, pay_by: Option<NaiveDate>) -> Result<Self, ParseError> {
        let due = total(lines.iter().flat_map(|l| [l.fine, l.costs]))?;
        let paid = total(payments.iter().map(|p| p.amount))?;
        let balance = Cents::new((due.get() - paid.get()).max(0))?;
        Ok(MoneyInfo { lines, payments, due, paid, balance, pay_by })
    }
}

/// The sum of some amounts (an error past the largest amount PleaDesk takes).
pub fn total(amounts: impl IntoIterator<Item = Cents>) -> Result<Cents, ParseError> {
    amounts.into_iter().try_fold(Cents::ZERO, |sum, c| {
        sum.checked_add(c).ok_or_else(|| ParseError::new("the amounts add up to more than PleaDesk can hold"))
    })
}

/// A hearing: when and where, and for which charges (each with why it was set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HearingInfo {
    pub date: NaiveDate,
    pub time: NaiveTime,
    /// The courtroom and the courthouse's address.
    pub place: Vec<String>,
    pub charges: Vec<HearingCharge>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HearingCharge {
    pub seq: i32,
    pub description: String,
    pub reason: HearingReason,
}

/// Why a charge goes to a hearing (the templates say it in words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HearingReason {
    /// The defendant pleaded not guilty.
    NotGuilty,
    /// The prosecutor reviewed the case and made no offer.
    OfferDeclined,
    /// The defendant rejected the prosecutor's offer.
    OfferRejected,
    /// The offer was not accepted in time.
    OfferExpired,
    /// The prosecutor withdrew the offer.
    OfferWithdrawn,
    /// The charge cannot be settled by mail.
    MustAppear,
}

/// One charge's result (outcome letters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DispositionLine {
    pub seq: i32,
    pub description: String,
    pub disposition: Disposition,
    pub decided_on: NaiveDate,
}

/// The date a reminder is about, or the one a default notice says was missed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineInfo {
    pub about: DeadlineAbout,
    pub due_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineAbout {
    /// Answering the ticket (a plea).
    Respond,
    /// Paying what is due.
    Pay,
    /// Accepting or rejecting an offer.
    Offer,
    /// Coming to court (a hearing or the court date).
    Appear,
}

/// A default judgment: when it was entered and the last day to ask for it to be set aside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JudgmentInfo {
    pub entered_on: NaiveDate,
    pub set_aside_by: NaiveDate,
}

/// What a letter type cannot be printed without, when its data lacks it (`None` when all is
/// there): a letter is refused rather than printed with blanks or a wrong sum.
pub fn missing_part(data: &super::data::LetterData) -> Option<&'static str> {
    let money_due = data.money.as_ref().is_some_and(|m| m.pay_by.is_some());
    let reminder_ok = match data.deadline.as_ref().map(|d| d.about) {
        Some(DeadlineAbout::Respond | DeadlineAbout::Appear) => true,
        Some(DeadlineAbout::Pay) => money_due,
        Some(DeadlineAbout::Offer) => data.offer.is_some(),
        None => false,
    };
    let needs = match data.letter_type {
        LetterType::Offer if data.offer.is_none() => "the offer (offer)",
        LetterType::AmountDue if !money_due => "the amounts due and the date to pay by (money)",
        LetterType::Hearing if data.hearing.is_none() => "the hearing (hearing)",
        LetterType::Outcome if data.money.is_none() || data.dispositions.is_empty() => {
            "each charge's disposition and the payments (dispositions, money)"
        }
        LetterType::Outcome if data.money.as_ref().is_some_and(|m| m.balance > Cents::ZERO) => {
            "a balance of zero (money.balance)"
        }
        LetterType::DefaultNotice if data.deadline.is_none() || data.judgment.is_none() => {
            "the missed deadline and the judgment (deadline, judgment)"
        }
        LetterType::Reminder if !reminder_ok => "what the reminder is about and its date (deadline, money or offer)",
        LetterType::Deficiency if data.deficiency.is_none() => "what is missing (deficiency)",
        _ => return None,
    };
    Some(needs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(n: i64) -> Cents {
        Cents::new(n).unwrap()
    }

    #[test]
    fn the_balance_is_what_is_due_minus_what_was_paid() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let lines = vec![
            DueLine { seq: 1, description: "a".into(), fine: c(20_000), costs: c(3_500) },
            DueLine { seq: 2, description: "b".into(), fine: c(5_000), costs: c(0) },
        ];
        let pay = |n| PaymentLine { received_on: d, method: PaymentMethod::Check, amount: c(n) };
        let m = MoneyInfo::new(lines.clone(), vec![pay(10_000)], Some(d)).unwrap();
        assert_eq!((m.due, m.paid, m.balance), (c(28_500), c(10_000), c(18_500)));
        let over = MoneyInfo::new(lines, vec![pay(20_000), pay(10_000)], None).unwrap();
        assert_eq!(over.balance, Cents::ZERO, "an overpayment leaves nothing owed (its refund is another matter)");
        assert!(total([c(crate::domain::money::MAX_CENTS), c(1)]).is_err());
    }
}
