//! What makes a paper plea deficient, by when it can be put right, and the day a paper answer
//! counts as made (mail by its postmark, the counter by the day it was handed in). Pure.

use super::deadline::CourtCalendar;
use super::Channel;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// What is missing from a paper plea (stored with the submission as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deficiencies {
    /// The form was not signed.
    #[serde(default)]
    pub unsigned: bool,
    /// Charges that can be answered by mail but have no plea marked.
    #[serde(default)]
    pub missing_pleas: Vec<i32>,
    /// Postmarked (or handed in) after the response deadline: not curable by a new form; the
    /// clerk decides (the case is not moved).
    #[serde(default)]
    pub late: bool,
    /// The date a corrected plea must be postmarked or handed in by (set with the notice).
    #[serde(default)]
    pub fix_by: Option<NaiveDate>,
}

impl Deficiencies {
    /// What is missing from a plea: the signature, and a plea for each charge that can be
    /// answered by mail (`by_mail`) that has none in `pleaded`.
    pub fn find(signed: bool, by_mail: &[i32], pleaded: &[i32]) -> Deficiencies {
        let mut missing: Vec<i32> = by_mail.iter().copied().filter(|s| !pleaded.contains(s)).collect();
        missing.sort_unstable();
        missing.dedup();
        Deficiencies { unsigned: !signed, missing_pleas: missing, late: false, fix_by: None }
    }

    /// Late by its postmark (or the counter's day): nothing else matters until the clerk decides.
    pub fn late() -> Deficiencies {
        Deficiencies { late: true, ..Deficiencies::default() }
    }

    pub fn any(&self) -> bool {
        self.unsigned || !self.missing_pleas.is_empty() || self.late
    }

    /// Whether a deficiency notice with a fresh form can put it right (a late plea cannot).
    pub fn curable(&self) -> bool {
        !self.late && (self.unsigned || !self.missing_pleas.is_empty())
    }
}

/// The day a paper answer counts as made: mail by its postmark date (a plea postmarked by the
/// deadline is on time however late it arrives), anything else by the day it was received.
pub fn counted_on(channel: Channel, postmark: Option<NaiveDate>, received_on: NaiveDate) -> NaiveDate {
    match (channel, postmark) {
        (Channel::Mail, Some(p)) => p,
        _ => received_on,
    }
}

/// By when a deficient plea must be put right: `cure_days` calendar days after the notice, and
/// never before the response deadline itself, rolled forward to a business day.
pub fn fix_by(notice_on: NaiveDate, response_due: NaiveDate, cure_days: u32, calendar: &CourtCalendar) -> NaiveDate {
    let cure = notice_on.checked_add_days(Days::new(cure_days.into())).unwrap_or(notice_on);
    calendar.roll_forward(cure.max(response_due))
}

/// The day a corrected plea is judged on: a plea counted on or before the `fix_by` date of a
/// deficiency notice sent for the case counts as made by the response deadline.
pub fn judged_on(counted_on: NaiveDate, response_due: NaiveDate, fix_by: Option<NaiveDate>) -> NaiveDate {
    match fix_by {
        Some(f) if counted_on > response_due && counted_on <= f => response_due,
        _ => counted_on,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn missing_signature_and_pleas() {
        let found = Deficiencies::find(false, &[1, 2, 3], &[2]);
        assert!(found.unsigned && found.curable());
        assert_eq!(found.missing_pleas, vec![1, 3]);
        let fine = Deficiencies::find(true, &[1, 2], &[2, 1]);
        assert!(!fine.any());
        // A charge that cannot be answered by mail needs no plea on the form.
        assert!(!Deficiencies::find(true, &[1], &[1]).any());
        assert!(Deficiencies::late().any() && !Deficiencies::late().curable());
    }

    #[test]
    fn mail_counts_by_postmark_the_counter_by_the_day() {
        let (post, got) = (d("2026-12-07"), d("2026-12-10"));
        assert_eq!(counted_on(Channel::Mail, Some(post), got), post);
        assert_eq!(counted_on(Channel::Counter, Some(post), got), got);
        assert_eq!(counted_on(Channel::Mail, None, got), got);
    }

    #[test]
    fn fix_by_gives_cure_days_rolled_to_a_business_day() {
        let cal = CourtCalendar::new([d("2026-12-25")]);
        // 14 days after Friday 2026-12-11 is Friday 2026-12-25, a holiday: Monday the 28th.
        assert_eq!(fix_by(d("2026-12-11"), d("2026-12-07"), 14, &cal), d("2026-12-28"));
        // A deadline further away than the cure period stands.
        assert_eq!(fix_by(d("2026-11-02"), d("2026-12-07"), 14, &cal), d("2026-12-07"));
    }

    #[test]
    fn a_correction_by_the_fix_by_date_is_on_time() {
        let (due, fix) = (d("2026-12-07"), d("2026-12-28"));
        assert_eq!(judged_on(d("2026-12-20"), due, Some(fix)), due);
        assert_eq!(judged_on(d("2026-12-29"), due, Some(fix)), d("2026-12-29"));
        assert_eq!(judged_on(d("2026-12-20"), due, None), d("2026-12-20"));
        assert_eq!(judged_on(d("2026-12-01"), due, Some(fix)), d("2026-12-01"));
    }
}
