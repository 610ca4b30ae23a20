//! Whether a charge can be settled by mail, and where a case goes after the pleas.

use super::{CaseStatus, Plea};
use chrono::NaiveDate;

/// Why a charge cannot be answered by mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The offense requires a court appearance.
    MustAppear,
    /// The offense is not on the plea-by-mail list.
    NotByMail,
    /// The response deadline has passed.
    DeadlinePassed,
    /// A plea for this ticket was already received.
    AlreadyAnswered,
}

impl Reason {
    pub fn text(self, lang: super::Language) -> &'static str {
        use super::Language::*;
        match (self, lang) {
            (Reason::MustAppear, En) => "This charge requires you to appear in court.",
            (Reason::MustAppear, Es) => "Por este cargo debe presentarse en el tribunal.",
            (Reason::NotByMail, En) => "This charge cannot be resolved by mail. Contact the court.",
            (Reason::NotByMail, Es) => "Este cargo no se puede resolver por correo. Comuníquese con el tribunal.",
            (Reason::DeadlinePassed, En) => "The deadline to answer by mail has passed. Contact the court.",
            (Reason::DeadlinePassed, Es) => {
                "La fecha límite para responder por correo ya pasó. Comuníquese con el tribunal."
            }
            (Reason::AlreadyAnswered, En) => "We already received a plea for this ticket.",
            (Reason::AlreadyAnswered, Es) => "Ya recibimos una declaración para esta multa.",
        }
    }
}

/// The facts that decide one charge.
#[derive(Debug, Clone, Copy)]
pub struct ChargeFacts {
    pub plea_by_mail: bool,
    pub must_appear: bool,
}

/// Can this charge be answered by mail today? `today` is the court's date; the deadline day
/// itself still counts.
pub fn charge_by_mail(c: ChargeFacts, response_due: NaiveDate, today: NaiveDate, answered: bool) -> Result<(), Reason> {
    if c.must_appear {
        return Err(Reason::MustAppear);
    }
    if !c.plea_by_mail {
        return Err(Reason::NotByMail);
    }
    if answered {
        return Err(Reason::AlreadyAnswered);
    }
    if today > response_due {
        return Err(Reason::DeadlinePassed);
    }
    Ok(())
}

/// Where the case goes once pleas are in: a not-guilty plea sets a hearing; a request for an
/// offer goes to the prosecutor; guilty or no contest on everything makes the fine due.
pub fn status_after(pleas: &[Plea]) -> CaseStatus {
    if pleas.contains(&Plea::NotGuilty) {
        CaseStatus::HearingSet
    } else if pleas.contains(&Plea::RequestOffer) {
        CaseStatus::InReview
    } else {
        CaseStatus::AmountDue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn eligibility_rules() {
        let ok = ChargeFacts { plea_by_mail: true, must_appear: false };
        let due = d("2026-12-07");
        assert_eq!(charge_by_mail(ok, due, d("2026-12-07"), false), Ok(()));
        assert_eq!(charge_by_mail(ok, due, d("2026-12-08"), false), Err(Reason::DeadlinePassed));
        assert_eq!(charge_by_mail(ok, due, d("2026-12-01"), true), Err(Reason::AlreadyAnswered));
        let appear = ChargeFacts { plea_by_mail: false, must_appear: true };
        assert_eq!(charge_by_mail(appear, due, d("2026-12-01"), false), Err(Reason::MustAppear));
    }

    #[test]
    fn where_the_case_goes() {
        use Plea::*;
        assert_eq!(status_after(&[Guilty, NoContest]), CaseStatus::AmountDue);
        assert_eq!(status_after(&[Guilty, RequestOffer]), CaseStatus::InReview);
        assert_eq!(status_after(&[RequestOffer, NotGuilty]), CaseStatus::HearingSet);
    }
}
