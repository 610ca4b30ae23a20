//! The one date a clerk needs first on a case page: the next deadline still ahead (or today),
//! and what it is for. Pure: the caller passes the case's dates and today.

use super::CaseStatus;
use chrono::NaiveDate;

/// What a deadline is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineKind {
    /// The defendant must answer the ticket (only while the case is open).
    Response,
    /// A deficient paper plea must be put right (the deficiency notice's date).
    FixBy,
    /// A prosecutor's offer must be accepted or rejected.
    OfferExpires,
    /// The court date.
    CourtDate,
}

impl DeadlineKind {
    pub fn label(self) -> &'static str {
        match self {
            DeadlineKind::Response => "Response due",
            DeadlineKind::FixBy => "Corrected plea due",
            DeadlineKind::OfferExpires => "Offer expires",
            DeadlineKind::CourtDate => "Court date",
        }
    }
}

/// The dates of a case that may be its next deadline.
pub struct CaseDates<'a> {
    pub status: CaseStatus,
    pub response_due: NaiveDate,
    pub court_date: NaiveDate,
    /// `fix_by` of the deficiency notices sent.
    pub fix_by: &'a [NaiveDate],
    /// Expiry of the offers still pending.
    pub offers_expire: &'a [NaiveDate],
}

/// The earliest deadline on or after `today`; the response deadline counts only while the case
/// is open, the court date only while a hearing is set or the case is still open (a resolved
/// case has none left).
pub fn next_deadline(d: &CaseDates, today: NaiveDate) -> Option<(DeadlineKind, NaiveDate)> {
    let mut all: Vec<(DeadlineKind, NaiveDate)> = Vec::new();
    if d.status == CaseStatus::Open {
        all.push((DeadlineKind::Response, d.response_due));
    }
    all.extend(d.fix_by.iter().map(|x| (DeadlineKind::FixBy, *x)));
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

    #[test]
    fn the_earliest_date_still_ahead_wins() {
        let d = CaseDates {
            status: CaseStatus::Open,
            response_due: day(10),
            court_date: day(20),
            fix_by: &[day(15)],
            offers_expire: &[],
        };
        assert_eq!(next_deadline(&d, day(1)), Some((DeadlineKind::Response, day(10))));
        assert_eq!(next_deadline(&d, day(10)), Some((DeadlineKind::Response, day(10))), "today still counts");
        assert_eq!(next_deadline(&d, day(11)), Some((DeadlineKind::FixBy, day(15))));
        assert_eq!(next_deadline(&d, day(21)), None);
    }

    #[test]
    fn an_answered_case_has_no_response_deadline_and_a_resolved_one_no_court_date() {
        let answered = CaseDates {
            status: CaseStatus::OfferPending,
            response_due: day(10),
            court_date: day(20),
            fix_by: &[],
            offers_expire: &[day(18)],
        };
        assert_eq!(next_deadline(&answered, day(1)), Some((DeadlineKind::OfferExpires, day(18))));
        let resolved = CaseDates { status: CaseStatus::Resolved, offers_expire: &[], ..answered };
        assert_eq!(next_deadline(&resolved, day(1)), None);
        let hearing = CaseDates { status: CaseStatus::HearingSet, ..resolved };
        assert_eq!(next_deadline(&hearing, day(1)).unwrap().0.label(), "Court date");
    }
}
