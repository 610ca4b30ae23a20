//! What a case owes, as the amount-due, outcome and default letters state it: the charges owed
//! at their fines (or as an accepted offer amended them), the payments, the balance.

use super::{refuse, Case};
use crate::domain::next_steps::{pay_by, set_aside_by, AfterPleaRules};
use crate::domain::{CaseStatus, Cents, Disposition, OfferStatus, Plea};
use crate::error::AppError;
use crate::letters::data::*;
use chrono::NaiveDate;

fn due_line(seq: i32, description: &str, fine_cents: i64) -> DueLine {
    DueLine {
        seq,
        description: description.to_string(),
        fine: Cents::new(fine_cents).unwrap_or_default(),
        costs: Cents::ZERO,
    }
}

fn money(lines: Vec<DueLine>, case: &Case, pay_by: Option<NaiveDate>) -> Result<MoneyInfo, AppError> {
    MoneyInfo::new(lines, case.payments.clone(), pay_by).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}

impl Case {
    /// What is owed while the case is `amount_due` — or, for the charges pleaded guilty or no
    /// contest beside others (a mixed plea), while a hearing or an offer is pending: the charges
    /// pleaded guilty or no contest at their fines, or the lines of the offer accepted; due a
    /// payment window after the plea or the acceptance (or when a clerk's grant says).
    pub(super) fn amount_due(&self, data: &LetterData, rules: AfterPleaRules) -> Result<MoneyInfo, AppError> {
        use CaseStatus::*;
        if !matches!(self.status, AmountDue | HearingSet | InReview | OfferPending) {
            return Err(refuse(format!("this case has no amount due (its status is {})", self.status)));
        }
        let (lines, from) = match self.latest_offer(OfferStatus::Accepted) {
            Some(o) => (o.lines.iter().map(|l| due_line(l.seq, &l.description, l.fine.get())).collect(), o.decided_on),
            None => (
                data.charges
                    .iter()
                    .filter(|c| matches!(self.plea(c.seq), Some(Plea::Guilty | Plea::NoContest)))
                    .map(|c| due_line(c.seq, &c.description, c.fine_cents))
                    .collect::<Vec<_>>(),
                self.pleaded_on,
            ),
        };
        let from = from.ok_or_else(|| {
            refuse("this case has no plea or accepted offer on file to count the payment window from")
        })?;
        // A date a clerk granted to someone unable to pay replaces the payment window.
        let due = self.granted_due_on.unwrap_or_else(|| pay_by(from, rules, &self.calendar));
        let m = money(lines, self, Some(due))?;
        if m.balance == Cents::ZERO {
            return Err(refuse(format!("nothing is owed on this case: {} due, {} paid", m.due, m.paid)));
        }
        Ok(m)
    }

    /// A resolved case: every charge's final disposition, the payments, nothing left owed.
    pub(super) fn outcome(&self, data: &LetterData) -> Result<(Vec<DispositionLine>, Option<MoneyInfo>), AppError> {
        if self.status != CaseStatus::Resolved {
            return Err(refuse(format!("this case is not resolved yet (its status is {})", self.status)));
        }
        let accepted = self.latest_offer(OfferStatus::Accepted);
        let (mut lines, mut owed) = (Vec::new(), Vec::new());
        for c in &data.charges {
            let (_, disposition, decided_on) = self
                .dispositions
                .iter()
                .find(|(s, _, _)| *s == c.seq)
                .copied()
                .ok_or_else(|| refuse(format!("charge {} of this case has no disposition", c.seq)))?;
            match disposition {
                Disposition::PaidAsCharged => owed.push(due_line(c.seq, &c.description, c.fine_cents)),
                Disposition::PaidAmended => {
                    let l = accepted.and_then(|o| o.lines.iter().find(|l| l.seq == c.seq)).ok_or_else(|| {
                        refuse(format!("charge {} was paid as amended, but no accepted offer amends it", c.seq))
                    })?;
                    owed.push(due_line(c.seq, &l.description, l.fine.get()));
                }
                _ => {}
            }
            lines.push(DispositionLine { seq: c.seq, description: c.description.clone(), disposition, decided_on });
        }
        let m = money(owed, self, None)?;
        if m.balance > Cents::ZERO {
            return Err(refuse(format!("this case still owes {}; an outcome letter says nothing is owed", m.balance)));
        }
        Ok((lines, Some(m)))
    }

    /// A case in default: the deadline missed, the judgment entered (set aside on request within
    /// seven days of this notice) and what is now owed on every charge as charged.
    pub(super) fn default_notice(&self, data: &mut LetterData, rules: AfterPleaRules) -> Result<(), AppError> {
        if self.status != CaseStatus::Default {
            return Err(refuse(format!("this case is not in default (its status is {})", self.status)));
        }
        let entered_on = self
            .dispositions
            .iter()
            .filter(|(_, d, _)| *d == Disposition::DefaultJudgment)
            .map(|(_, _, on)| *on)
            .max()
            .ok_or_else(|| refuse("no default judgment is recorded on this case's charges"))?;
        data.judgment = Some(JudgmentInfo { entered_on, set_aside_by: set_aside_by(data.date, &self.calendar) });
        data.deadline = Some(DeadlineInfo { about: DeadlineAbout::Respond, due_on: data.citation.response_due });
        let lines = data.charges.iter().map(|c| due_line(c.seq, &c.description, c.fine_cents)).collect();
        data.money = Some(money(lines, self, Some(pay_by(data.date, rules, &self.calendar)))?);
        Ok(())
    }
}
