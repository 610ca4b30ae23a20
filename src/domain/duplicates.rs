//! Deciding which of two pleas for one case stands (a duplicate: an online and a paper plea, or
//! two paper pleas). Both are kept; the one not chosen is set aside. Keeping the plea already
//! applied changes nothing on the case. Choosing the later plea puts the case back to open and
//! applies it through the one plea transaction — allowed only while nothing has been built on the
//! first plea: the case stands exactly where that plea put it, with no offer, payment or
//! disposition (a hearing set by a not-guilty plea is one) on file. Pure.

use super::eligibility::status_after;
use super::{CaseStatus, Plea};

/// What the clerk chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The plea applied to the case stands; the duplicate is set aside.
    KeepApplied,
    /// The duplicate stands: the applied plea is set aside and the duplicate applied.
    Replace,
}

/// The case as it stands when a clerk decides.
pub struct CaseNow<'a> {
    pub status: CaseStatus,
    /// The pleas of the submission applied to the case.
    pub applied_pleas: &'a [Plea],
    pub offers: usize,
    pub payments: usize,
    pub dispositions: usize,
}

/// Whether the duplicate may replace the applied plea; the reason in words when not.
pub fn may_replace(case: &CaseNow, duplicate_complete: bool) -> Result<(), String> {
    if !duplicate_complete {
        return Err("the later plea is not complete (unsigned or a charge without a plea); it cannot stand".into());
    }
    if case.status != status_after(case.applied_pleas) {
        return Err(format!(
            "the case has moved on since the first plea (it is {}); correct the case before replacing its plea",
            case.status
        ));
    }
    let built = [(case.offers, "an offer"), (case.payments, "a payment"), (case.dispositions, "a disposition")];
    if let Some((_, what)) = built.iter().find(|(n, _)| *n > 0) {
        return Err(format!("{what} is on file for the first plea; correct the case before replacing its plea"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now(status: CaseStatus, pleas: &[Plea]) -> CaseNow<'_> {
        CaseNow { status, applied_pleas: pleas, offers: 0, payments: 0, dispositions: 0 }
    }

    #[test]
    fn a_plea_replaces_one_nothing_was_built_on() {
        assert_eq!(may_replace(&now(CaseStatus::AmountDue, &[Plea::Guilty]), true), Ok(()));
        assert_eq!(may_replace(&now(CaseStatus::InReview, &[Plea::RequestOffer]), true), Ok(()));
    }

    #[test]
    fn not_when_the_case_moved_on_or_the_later_plea_is_incomplete() {
        let e = may_replace(&now(CaseStatus::Resolved, &[Plea::Guilty]), true).unwrap_err();
        assert!(e.contains("moved on") && e.contains("resolved"), "{e}");
        let e = may_replace(&now(CaseStatus::AmountDue, &[Plea::Guilty]), false).unwrap_err();
        assert!(e.contains("not complete"), "{e}");
        let paid = CaseNow { payments: 1, ..now(CaseStatus::AmountDue, &[Plea::Guilty]) };
        assert!(may_replace(&paid, true).unwrap_err().contains("a payment"));
        let hearing = CaseNow { dispositions: 1, ..now(CaseStatus::HearingSet, &[Plea::NotGuilty]) };
        assert!(may_replace(&hearing, true).unwrap_err().contains("a disposition"));
    }
}
