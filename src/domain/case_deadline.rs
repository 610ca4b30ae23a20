//! The one date a clerk needs first on a case page: the next deadline still ahead (or today),
//! and what it is for. Which deadlines count depends on where the case stands. Pure: the caller
//! passes the case's dates and today.

use super::CaseStatus;
use chrono::NaiveDate;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// The defendant must answer the ticket (only while the case is open).
    Response,
    /// The fine must be paid (only while an amount is due).
    Payment,
    /// A deficient paper plea must be put right (the deficiency notice's date).
    FixBy,
    /// A prosecutor's offer must be accepted or rejected.
    OfferExpires,
    /// The court date.
    CourtDate,
}

impl DeadlineKind {
    /// What the date is for, as the case page puts it before the date: "Payment due by Dec 30, 2026".
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::Response => "Response due by",
            DeadlineKind::Payment => "Payment due by",
            DeadlineKind::FixBy => "Corrected plea due by",
            DeadlineKind::OfferExpires => "Offer expires on",
            DeadlineKind::CourtDate => "Court appearance on",
        }
    }
}

/// The dates of a case that may be its next deadline.
pub struct CaseDates<'a> {
    pub status: CaseStatus,
    pub response_due: NaiveDate,
    pub court_date: NaiveDate,
    /// When the fine of the plea that stands is due (`next_steps::pay_by`), if a plea stands.
    pub pay_by: Option<NaiveDate>,
    /// `fix_by` of the deficiency notices sent.
    pub fix_by: &'a [NaiveDate],
    /// Expiry of the offers still pending.
    pub offers_expire: &'a [NaiveDate],
}

/// The earliest deadline on or after `today` among those that apply where the case stands:
/// - while it is open, the response deadline and the fix-by date of a deficient plea (once a plea
///   is applied the deficiency no longer matters);
/// - while an amount is due, the payment deadline;
/// - an offer's expiry while the offer is pending;
/// - the court date while a hearing is set or the case is open or in default (a resolved case
///   has none left).
pub fn next_deadline(d: &CaseDates, today: NaiveDate) -> Option<(DeadlineKind, NaiveDate)> {
    let mut all: Vec<(DeadlineKind, NaiveDate)> = Vec::new();
    if d.status == CaseStatus::Open {
        all.push((DeadlineKind::Response, d.response_due));
        all.extend(d.fix_by.iter().map(|x| (DeadlineKind::FixBy, *x)));
    }
    if d.status == CaseStatus::AmountDue {
        all.extend(d.pay_by.map(|x| (DeadlineKind::Payment, x)));
    }
    all.extend(d.offers_expire.iter().map(|x| (DeadlineKind::OfferExpires, *x)));
    if matches!(d.status, CaseStatus::Open | CaseStatus::HearingSet | CaseStatus::Default) {
        all.push((DeadlineKind::CourtDate, d.court_date));
    }
    all.into_iter().filter(|(_, date)| *date >= today).min_by_key(|(_, date)| *date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn open() -> CaseDates<'static> {
        CaseDates {
            status: CaseStatus::Open,
            response_due: day(10),
            court_date: day(20),
            pay_by: None,
            fix_by: &[],
            offers_expire: &[],
        }
    }

    #[test]
    fn the_earliest_date_still_ahead_wins() {
        let d = CaseDates { fix_by: &[day(15)], ..open() };
        assert_eq!(next_deadline(&d, day(1)), Some((DeadlineKind::Response, day(10))));
        assert_eq!(next_deadline(&d, day(10)), Some((DeadlineKind::Response, day(10))), "today still counts");
        assert_eq!(next_deadline(&d, day(11)), Some((DeadlineKind::FixBy, day(15))));
        assert_eq!(next_deadline(&d, day(21)), None);
    }

    #[test]
    fn an_amount_due_has_its_payment_deadline() {
        // Answered guilty on the 1st: no response deadline, no court date, the fine due by the 31st.
        let due = CaseDates { status: CaseStatus::AmountDue, pay_by: Some(day(31)), ..open() };
        let next = next_deadline(&due, day(2)).unwrap();
        assert_eq!(next, (DeadlineKind::Payment, day(31)));
        assert_eq!(next.0.label(), "Payment due by");
        assert_eq!(next_deadline(&CaseDates { pay_by: None, ..due }, day(2)), None, "no plea stands: no date");
        // Paid in full: nothing left to pay by.
        assert_eq!(next_deadline(&CaseDates { status: CaseStatus::Resolved, ..due }, day(2)), None);
    }

    #[test]
    fn a_deficiency_counts_only_until_a_plea_is_applied() {
        let d = CaseDates { response_due: day(3), fix_by: &[day(15)], pay_by: Some(day(28)), ..open() };
        assert_eq!(next_deadline(&d, day(4)), Some((DeadlineKind::FixBy, day(15))));
        let corrected = CaseDates { status: CaseStatus::AmountDue, ..d };
        assert_eq!(next_deadline(&corrected, day(4)), Some((DeadlineKind::Payment, day(28))));
    }

    #[test]
    fn an_answered_case_has_no_response_deadline_and_a_resolved_one_no_court_date() {
        let answered = CaseDates { status: CaseStatus::OfferPending, offers_expire: &[day(18)], ..open() };
        assert_eq!(next_deadline(&answered, day(1)), Some((DeadlineKind::OfferExpires, day(18))));
        let resolved = CaseDates { status: CaseStatus::Resolved, offers_expire: &[], ..answered };
        assert_eq!(next_deadline(&resolved, day(1)), None);
        let hearing = CaseDates { status: CaseStatus::HearingSet, ..resolved };
        assert_eq!(next_deadline(&hearing, day(1)).unwrap().0.label(), "Court appearance on");
    }
}
