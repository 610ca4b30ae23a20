//! Requests from defendants unable to pay (issue 9 point 5): more time, a payment plan, or
//! community service instead of the fine, each with a short statement; and the clerk's answer —
//! the terms granted, or a reason to deny. A request changes no case status (a plan is not a
//! lifecycle state): it may be made and decided only while an amount is due.

use super::dates::parse_date;
use super::money::MAX_CENTS;
use super::{CaseStatus, Cents, ParseError};
use chrono::{Months, NaiveDate};
use std::collections::BTreeMap;

string_enum!(
    /// What a defendant asks for (and what a clerk grants).
    HardshipKind, "kind of request" {
        MoreTime => "more_time",
        PaymentPlan => "payment_plan",
        CommunityService => "community_service",
    }
);

string_enum!(
    /// Where a request stands.
    HardshipStatus, "request status" { Pending => "pending", Granted => "granted", Denied => "denied" }
);

/// The longest statement a defendant may send with a request.
pub const STATEMENT_MAX: usize = 1000;
/// The longest reason a clerk may give for a denial (it is printed in the letter).
pub const REASON_MAX: usize = 500;
/// The most instalments a plan may have.
pub const MAX_INSTALMENTS: i32 = 24;
/// The most hours of community service a grant may set.
pub const MAX_HOURS: i32 = 500;

/// Whether a case at `status` may get a request or a decision: only while an amount is due.
pub fn open_to_requests(status: CaseStatus) -> bool {
    status == CaseStatus::AmountDue
}

/// Why a statement was refused (the caller words it in the resident's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementError {
    Missing,
    TooLong,
}

/// A defendant's statement: required, at most [`STATEMENT_MAX`] characters, line breaks kept.
pub fn statement(input: &str) -> Result<String, StatementError> {
    let s = input.trim().replace("\r\n", "\n");
    if s.is_empty() {
        return Err(StatementError::Missing);
    }
    if s.chars().count() > STATEMENT_MAX {
        return Err(StatementError::TooLong);
    }
    Ok(s.chars().filter(|c| !c.is_control() || *c == '\n').collect())
}

/// A clerk's reason for a denial: required, at most [`REASON_MAX`] characters.
pub fn denial_reason(input: &str) -> Result<String, ParseError> {
    super::contact::text(input, "the reason", true, REASON_MAX)?
        .ok_or_else(|| ParseError::new("the reason is required; the defendant reads it in the letter"))
}

/// The terms a clerk grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// The whole balance is due by a later date.
    MoreTime { due_on: NaiveDate },
    /// `instalments` payments of `per_month`, a month apart, the first due on `first_due_on`
    /// (the last one is whatever is left).
    PaymentPlan { instalments: i32, per_month: Cents, first_due_on: NaiveDate },
    /// `hours` of community service instead of the balance, done by `due_on`.
    CommunityService { hours: i32, due_on: NaiveDate },
}

impl Grant {
    pub fn kind(&self) -> HardshipKind {
        match self {
            Grant::MoreTime { .. } => HardshipKind::MoreTime,
            Grant::PaymentPlan { .. } => HardshipKind::PaymentPlan,
            Grant::CommunityService { .. } => HardshipKind::CommunityService,
        }
    }

    /// The date stored with the grant: the new due date, the plan's first instalment, or the
    /// date the hours are due.
    pub fn due_on(&self) -> NaiveDate {
        match *self {
            Grant::MoreTime { due_on } | Grant::CommunityService { due_on, .. } => due_on,
            Grant::PaymentPlan { first_due_on, .. } => first_due_on,
        }
    }

    /// The plan's instalment dates, a month apart (one date for the other grants).
    pub fn due_dates(&self) -> Vec<NaiveDate> {
        match *self {
            Grant::PaymentPlan { instalments, first_due_on, .. } => {
                (0..instalments.max(1)).filter_map(|i| first_due_on.checked_add_months(Months::new(i as u32))).collect()
            }
            _ => vec![self.due_on()],
        }
    }

    /// The day by which the case is settled under these terms: the new due date, the plan's last
    /// instalment, or the day the hours are due. This is the case's payment deadline once granted.
    pub fn settled_by(&self) -> NaiveDate {
        self.due_dates().last().copied().unwrap_or(self.due_on())
    }
}

/// The terms as typed in the clerk's form (each may be missing or wrong). `due_on` is for more
/// time and community service; `first_due_on` for a plan; `per_month` is dollars (`25.00`).
#[derive(Debug, Clone, Copy, Default)]
pub struct GrantInput<'a> {
    pub kind: &'a str,
    pub due_on: &'a str,
    pub instalments: &'a str,
    pub per_month: &'a str,
    pub first_due_on: &'a str,
    pub hours: &'a str,
}

fn future_date(input: &str, what: &str, today: NaiveDate) -> Result<NaiveDate, ParseError> {
    let day = parse_date(input, what)?;
    if day <= today {
        return Err(ParseError::new(format!("{what} ({day}) must be after today ({today})")));
    }
    Ok(day)
}

fn whole(input: &str, what: &str, min: i32, max: i32) -> Result<i32, ParseError> {
    match input.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ParseError::new(format!("{what} is a whole number from {min} to {max}"))),
    }
}

/// Checks the terms of a grant on a case that owes `balance`, as of `today`; every bad field is
/// named. A plan must pay the balance in full within its instalments.
pub fn parse_grant(input: &GrantInput, balance: Cents, today: NaiveDate) -> Result<Grant, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    let mut note = |field: &str, e: ParseError| {
        errors.insert(field.to_string(), e.0);
    };
    let kind = match input.kind.parse::<HardshipKind>() {
        Ok(k) => k,
        Err(e) => {
            note("kind", e);
            return Err(errors);
        }
    };
    let grant = match kind {
        HardshipKind::MoreTime => future_date(input.due_on, "the new due date", today)
            .map(|due_on| Grant::MoreTime { due_on })
            .map_err(|e| note("due_on", e))
            .ok(),
        HardshipKind::CommunityService => {
            let hours = whole(input.hours, "the hours", 1, MAX_HOURS).map_err(|e| note("hours", e)).ok();
            let due =
                future_date(input.due_on, "the date the hours are due", today).map_err(|e| note("due_on", e)).ok();
            hours.zip(due).map(|(hours, due_on)| Grant::CommunityService { hours, due_on })
        }
        HardshipKind::PaymentPlan => {
            let n = whole(input.instalments, "the number of payments", 2, MAX_INSTALMENTS)
                .map_err(|e| note("instalments", e))
                .ok();
            let per_month = Cents::parse_dollars(input.per_month)
                .and_then(|c| match c.get() {
                    1..=MAX_CENTS => Ok(c),
                    _ => Err(ParseError::new("the amount a month must be more than $0.00")),
                })
                .map_err(|e| note("per_month", e))
                .ok();
            let first = future_date(input.first_due_on, "the first payment's due date", today)
                .map_err(|e| note("first_due_on", e))
                .ok();
            match (n, per_month, first) {
                (Some(n), Some(per_month), Some(first_due_on)) => {
                    if per_month.get().saturating_mul(i64::from(n)) < balance.get() {
                        note(
                            "per_month",
                            ParseError::new(format!(
                                "{n} payments of {per_month} do not cover the balance of {balance}; raise the amount or the number of payments"
                            )),
                        );
                        None
                    } else {
                        Some(Grant::PaymentPlan { instalments: n, per_month, first_due_on })
                    }
                }
                _ => None,
            }
        }
    };
    match grant {
        Some(g) if errors.is_empty() => Ok(g),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_statement_is_required_and_short() {
        assert_eq!(statement("  "), Err(StatementError::Missing));
        assert_eq!(statement(&"x".repeat(STATEMENT_MAX + 1)), Err(StatementError::TooLong));
        assert_eq!(
            statement(" I lost my job.\r\nI can pay $25 a month. ").unwrap(),
            "I lost my job.\nI can pay $25 a month."
        );
    }

    #[test]
    fn only_a_case_with_an_amount_due_takes_requests() {
        for s in CaseStatus::ALL {
            assert_eq!(open_to_requests(*s), *s == CaseStatus::AmountDue, "{s}");
        }
    }

    #[test]
    fn a_plan_runs_a_month_apart_and_must_cover_the_balance() {
        let today = d("2026-12-04");
        let balance = Cents::new(15000).unwrap();
        let input = GrantInput {
            kind: "payment_plan",
            instalments: "3",
            per_month: "50.00",
            first_due_on: "2027-01-31",
            ..Default::default()
        };
        let g = parse_grant(&input, balance, today).unwrap();
        assert_eq!(g.due_dates(), vec![d("2027-01-31"), d("2027-02-28"), d("2027-03-31")]);
        assert_eq!(g.settled_by(), d("2027-03-31"));
        let short = GrantInput { per_month: "49.99", ..input };
        assert!(parse_grant(&short, balance, today).unwrap_err()["per_month"].contains("do not cover"));
        let bad = GrantInput { instalments: "1", first_due_on: "2026-12-04", per_month: "x", ..input };
        let e = parse_grant(&bad, balance, today).unwrap_err();
        assert_eq!(e.keys().collect::<Vec<_>>(), ["first_due_on", "instalments", "per_month"]);
    }

    #[test]
    fn more_time_and_service_need_a_later_date() {
        let (today, balance) = (d("2026-12-04"), Cents::new(100).unwrap());
        let more = GrantInput { kind: "more_time", due_on: "2027-02-01", ..Default::default() };
        assert_eq!(parse_grant(&more, balance, today).unwrap().settled_by(), d("2027-02-01"));
        let past = GrantInput { due_on: "2026-12-01", ..more };
        assert!(parse_grant(&past, balance, today).unwrap_err()["due_on"].contains("after today"));
        let service = GrantInput { kind: "community_service", hours: "0", due_on: "2027-03-01", ..Default::default() };
        assert!(parse_grant(&service, balance, today).unwrap_err().contains_key("hours"));
        let service = GrantInput { hours: "20", ..service };
        assert_eq!(
            parse_grant(&service, balance, today).unwrap(),
            Grant::CommunityService { hours: 20, due_on: d("2027-03-01") }
        );
        let none = GrantInput { kind: "", ..service };
        assert!(parse_grant(&none, balance, today).unwrap_err().contains_key("kind"));
    }

    #[test]
    fn a_denial_needs_a_reason() {
        assert!(denial_reason(" ").is_err());
        assert_eq!(denial_reason(" Income above the guideline. ").unwrap(), "Income above the guideline.");
    }
}
