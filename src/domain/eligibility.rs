//! Whether a charge can be settled by mail (where the case goes after the pleas is
//! `domain::lifecycle`).

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
    /// The key of this reason's words in the residents' catalog (`crate::i18n`).
    pub fn key(self) -> &'static str {
        match self {
            Reason::MustAppear => "reason.must_appear",
            Reason::NotByMail => "reason.not_by_mail",
            Reason::DeadlinePassed => "reason.deadline_passed",
            Reason::AlreadyAnswered => "reason.already_answered",
        }
    }
}

impl Reason {
    /// Does the court date on the ticket still hold for a charge not answered for this reason?
    /// (Only a plea already on file settles it; the plea decides what follows.)
    pub fn court_date_stands(self) -> bool {
        self != Reason::AlreadyAnswered
    }
}

/// The facts that decide one charge: its offense's flags in the catalog (a charge whose offense
/// is not in the catalog has neither: it cannot be answered by mail).
#[derive(Debug, Clone, Copy, Default)]
pub struct ChargeFacts {
    pub plea_by_mail: bool,
    pub must_appear: bool,
}

impl ChargeFacts {
    /// Whether the offense itself allows an answer by mail, whatever the date or the case —
    /// the one place that reads the two flags (a must-appear offense never goes by mail).
    pub fn offense_by_mail(self) -> Result<(), Reason> {
        if self.must_appear {
            Err(Reason::MustAppear)
        } else if !self.plea_by_mail {
            Err(Reason::NotByMail)
        } else {
            Ok(())
        }
    }
}

/// Can this charge be answered by mail today? `today` is the court's date; the deadline day
/// itself still counts.
pub fn charge_by_mail(c: ChargeFacts, response_due: NaiveDate, today: NaiveDate, answered: bool) -> Result<(), Reason> {
    c.offense_by_mail()?;
    if answered {
        return Err(Reason::AlreadyAnswered);
    }
    if today > response_due {
        return Err(Reason::DeadlinePassed);
    }
    Ok(())
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
        // Both flags set (a catalog error the import refuses): appearing wins.
        let both = ChargeFacts { plea_by_mail: true, must_appear: true };
        assert_eq!(both.offense_by_mail(), Err(Reason::MustAppear));
        assert_eq!(ChargeFacts::default().offense_by_mail(), Err(Reason::NotByMail));
        assert!(Reason::MustAppear.court_date_stands() && !Reason::AlreadyAnswered.court_date_stands());
    }
}
