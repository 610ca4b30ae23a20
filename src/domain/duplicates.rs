//! Deciding which of two pleas for one case stands (a duplicate: an online and a paper plea, or
//! two paper pleas). Both are kept; the one not chosen is set aside. Keeping the plea already
//! applied changes nothing on the case. Choosing the later plea puts the case back to open
//! (`domain::lifecycle`'s `PleaSetAside`: only while the case stands exactly where the first plea
//! put it, with no offer, payment or disposition on file) and applies it through the one plea
//! transaction. Pure.

use super::lifecycle::{self, Action, Case, Transition};

/// What the clerk chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The plea applied to the case stands; the duplicate is set aside.
    KeepApplied,
    /// The duplicate stands: the applied plea is set aside and the duplicate applied.
    Replace,
}

/// Whether the duplicate may replace the plea applied to `case`: the transition that sets the
/// first plea aside, or the reason in words.
pub fn may_replace(case: &Case, duplicate_complete: bool) -> Result<Transition, String> {
    if !duplicate_complete {
        return Err("the later plea is not complete (unsigned or a charge without a plea); it cannot stand".into());
    }
    lifecycle::apply(case, Action::PleaSetAside).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::lifecycle::{Charge, Payment};
    use crate::domain::{CaseStatus, Cents, Plea};

    fn pleaded(plea: Plea) -> Case {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let open = Case::new(due, vec![Charge::new(1, Cents::new(13_500).unwrap())]);
        lifecycle::apply(&open, Action::PleaReceived { pleas: vec![(1, plea)] }).unwrap().case
    }

    #[test]
    fn a_plea_replaces_one_nothing_was_built_on() {
        assert_eq!(may_replace(&pleaded(Plea::Guilty), true).unwrap().status(), CaseStatus::Open);
        assert_eq!(may_replace(&pleaded(Plea::RequestOffer), true).unwrap().status(), CaseStatus::Open);
    }

    #[test]
    fn not_when_the_case_moved_on_or_the_later_plea_is_incomplete() {
        let mut resolved = pleaded(Plea::Guilty);
        resolved.status = CaseStatus::Resolved;
        let e = may_replace(&resolved, true).unwrap_err();
        assert!(e.contains("cannot be set aside on a case that is resolved"), "{e}");
        let e = may_replace(&pleaded(Plea::Guilty), false).unwrap_err();
        assert!(e.contains("not complete"), "{e}");
        let mut paid = pleaded(Plea::Guilty);
        paid.payments.push(Payment { id: 1, amount: Cents::new(100).unwrap(), reversed: false });
        assert!(may_replace(&paid, true).unwrap_err().contains("a payment"));
        assert!(may_replace(&pleaded(Plea::NotGuilty), true).unwrap_err().contains("with a hearing set"));
    }
}
