//! A payment as a clerk records it (SPEC §2): an amount in cents above zero, a method, the
//! reference the method carries (a check or money-order number, a card processor's reference;
//! cash has none), and the day it was received — never after today on the court's calendar. And
//! the reason a payment is reversed. What a payment does to a case is `lifecycle`'s.

use super::contact::text;
use super::dates::parse_date;
use super::money::MAX_CENTS;
use super::{Cents, ParseError, PaymentMethod};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The longest reference kept (check, money-order or processor reference).
pub const REFERENCE_MAX: usize = 40;
/// The longest reason for a reversal.
pub const REASON_MAX: usize = 300;

/// A payment that passed every check, ready to be applied to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub amount: Cents,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub received_on: NaiveDate,
}

/// A payment as typed: each part may be missing or wrong.
#[derive(Debug, Clone, Copy, Default)]
pub struct PaymentInput<'a> {
    pub amount_cents: Option<i64>,
    pub method: &'a str,
    pub reference: Option<&'a str>,
    pub received_on: &'a str,
}

impl PaymentMethod {
    /// What the reference is called for this method, if it must have one.
    pub fn reference_name(self) -> Option<&'static str> {
        match self {
            PaymentMethod::Check => Some("the check number"),
            PaymentMethod::MoneyOrder => Some("the money order's number"),
            PaymentMethod::Card => Some("the card processor's reference"),
            PaymentMethod::Cash => None,
        }
    }
}

/// An amount paid: whole cents above zero, at most what PleaDesk holds.
pub fn amount(cents: i64) -> Result<Cents, ParseError> {
    if cents <= 0 {
        return Err(ParseError::new("the amount must be more than $0.00; write the cents, like 12550 for $125.50"));
    }
    if cents > MAX_CENTS {
        let max = Cents::new(MAX_CENTS).unwrap_or_default();
        return Err(ParseError::new(format!("the amount is more than {max}, the most PleaDesk records")));
    }
    Cents::new(cents)
}

/// The reference a payment by `method` carries: required for a check, a money order or a card.
pub fn reference(method: PaymentMethod, input: Option<&str>) -> Result<Option<String>, ParseError> {
    let given = text(input.unwrap_or(""), "the reference", false, REFERENCE_MAX)?;
    match (method.reference_name(), given) {
        (Some(name), None) => Err(ParseError::new(format!(
            "a payment by {} needs {name}; copy it from the payment",
            method.as_str().replace('_', " ")
        ))),
        (_, given) => Ok(given),
    }
}

/// The day a payment was received (`YYYY-MM-DD`), not after `today` (the court's calendar).
pub fn received_on(input: &str, today: NaiveDate) -> Result<NaiveDate, ParseError> {
    let day = parse_date(input, "the day received")?;
    if day > today {
        return Err(ParseError::new(format!(
            "the day received ({day}) is after today ({today}); record a payment on or after the day it arrives"
        )));
    }
    Ok(day)
}

/// Why a payment is reversed (a bounced check, a card charged back): required, one paragraph.
pub fn reversal_reason(input: &str) -> Result<String, ParseError> {
    text(input, "the reason", false, REASON_MAX)?
        .ok_or_else(|| ParseError::new("say why the payment is reversed, for example \"check returned unpaid\""))
}

impl NewPayment {
    /// Checks every part; each bad one is named by its field (`amount_cents`, `method`,
    /// `reference`, `received_on`).
    pub fn parse(input: &PaymentInput, today: NaiveDate) -> Result<NewPayment, BTreeMap<String, String>> {
        let mut bad = BTreeMap::new();
        let mut note = |field: &str, e: ParseError| {
            bad.insert(field.to_string(), e.0);
        };
        let amount = match input.amount_cents {
            Some(c) => amount(c).map_err(|e| note("amount_cents", e)).ok(),
            None => {
                note("amount_cents", ParseError::new("the amount is required, in cents (12550 for $125.50)"));
                None
            }
        };
        let method = match input.method.trim() {
            "" => {
                note("method", ParseError::new("the method is required: check, money_order, card or cash"));
                None
            }
            m => m.parse::<PaymentMethod>().map_err(|e| note("method", e)).ok(),
        };
        let reference = method.and_then(|m| reference(m, input.reference).map_err(|e| note("reference", e)).ok());
        let received_on = received_on(input.received_on, today).map_err(|e| note("received_on", e)).ok();
        match (amount, method, reference, received_on) {
            (Some(amount), Some(method), Some(reference), Some(received_on)) if bad.is_empty() => {
                Ok(NewPayment { amount, method, reference, received_on })
            }
            _ => Err(bad),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn input<'a>(amount: Option<i64>, method: &'a str, reference: Option<&'a str>, on: &'a str) -> PaymentInput<'a> {
        PaymentInput { amount_cents: amount, method, reference, received_on: on }
    }

    #[test]
    fn a_check_with_its_number_is_a_payment() {
        let p = NewPayment::parse(&input(Some(12_550), "check", Some(" 1042 "), "2026-12-01"), today()).unwrap();
        assert_eq!(p.amount.get(), 12_550);
        assert_eq!((p.method, p.reference.as_deref()), (PaymentMethod::Check, Some("1042")));
        assert_eq!(p.received_on, today());
    }

    #[test]
    fn cash_needs_no_reference_and_every_other_method_does() {
        let cash = NewPayment::parse(&input(Some(500), "cash", None, "2026-11-30"), today()).unwrap();
        assert_eq!(cash.reference, None);
        for m in ["check", "money_order", "card"] {
            let bad = NewPayment::parse(&input(Some(500), m, Some("  "), "2026-11-30"), today()).unwrap_err();
            assert_eq!(bad.keys().collect::<Vec<_>>(), ["reference"], "{m}");
            assert!(bad["reference"].contains("needs"), "{}", bad["reference"]);
        }
    }

    #[test]
    fn every_bad_part_is_named() {
        let bad = NewPayment::parse(&input(Some(0), "bitcoin", None, "2026-12-02"), today()).unwrap_err();
        assert_eq!(bad.keys().collect::<Vec<_>>(), ["amount_cents", "method", "received_on"]);
        assert!(bad["amount_cents"].contains("more than $0.00"));
        assert!(bad["method"].contains("check, money_order, card, cash"), "{}", bad["method"]);
        assert!(bad["received_on"].contains("after today"), "{}", bad["received_on"]);
        let bad = NewPayment::parse(&input(None, "", None, "12/01/2026"), today()).unwrap_err();
        assert_eq!(bad.keys().collect::<Vec<_>>(), ["amount_cents", "method", "received_on"]);
        assert!(bad["received_on"].contains("YYYY-MM-DD"));
        assert!(amount(-5).is_err() && amount(MAX_CENTS + 1).is_err() && amount(MAX_CENTS).is_ok());
    }

    #[test]
    fn a_reversal_needs_a_reason() {
        assert!(reversal_reason("  ").unwrap_err().0.contains("say why"));
        assert_eq!(reversal_reason(" check returned\nunpaid ").unwrap(), "check returned unpaid");
        assert!(reversal_reason(&"x".repeat(REASON_MAX + 1)).is_err());
    }
}
