//! What a letter is rendered from. Stored with the letter (as JSON) so that it can be rendered
//! again to the same bytes, and passed to the templates as their context.

use crate::domain::{Language, LetterType, Plea};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use super::sections::*;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LetterData {
    pub letter_id: i64,
    pub letter_type: LetterType,
    pub language: Language,
    /// The date printed on the letter (the court's calendar).
    pub date: NaiveDate,
    pub court: CourtProfile,
    pub recipient: Recipient,
    pub citation: CaseInfo,
    pub charges: Vec<ChargeLine>,
    pub total_fine_cents: i64,
    #[serde(default)]
    pub submission: Option<SubmissionInfo>,
    /// Where residents go online (PLEADESK_BASE_URL).
    pub base_url: String,
    /// For a reader whose own language has no letters: one line in their language saying that
    /// free language help is available and which number to call.
    #[serde(default)]
    pub assistance: Option<Assistance>,
    /// What happens next after the pleas received (receipts), charge by charge.
    #[serde(default)]
    pub next: Option<NextInfo>,
    /// Deficiency notices: what is missing from a paper plea and by when to put it right.
    #[serde(default)]
    pub deficiency: Option<DeficiencyInfo>,
    /// Plea offers (and reminders about one): the prosecutor's offer, charge by charge.
    #[serde(default)]
    pub offer: Option<OfferInfo>,
    /// Amount-due, outcome and default letters, reminders to pay: due, paid, balance.
    #[serde(default)]
    pub money: Option<MoneyInfo>,
    /// Hearing notices: when, where, and why for each charge.
    #[serde(default)]
    pub hearing: Option<HearingInfo>,
    /// Outcome letters: each charge's disposition.
    #[serde(default)]
    pub dispositions: Vec<DispositionLine>,
    /// Reminders: the date coming up; default notices: the date missed.
    #[serde(default)]
    pub deadline: Option<DeadlineInfo>,
    /// Default notices: the judgment entered and the last day to ask for it to be set aside.
    #[serde(default)]
    pub judgment: Option<JudgmentInfo>,
    /// Amount-due letters that answer a request from someone unable to pay: the decision.
    #[serde(default)]
    pub hardship: Option<HardshipAnswer>,
    /// Amount-due letters: the confirmation code that opens the status page (where a defendant
    /// can ask for more time, a plan or community service), if the case has one.
    #[serde(default)]
    pub confirmation: Option<String>,
}

/// The court's answer to a request from someone unable to pay (`domain::hardship`). `asked` and
/// `kind` are `more_time`, `payment_plan` or `community_service`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardshipAnswer {
    pub asked: String,
    pub granted: bool,
    /// What was granted (may differ from what was asked); empty when denied.
    pub kind: String,
    /// More time and community service: the date due; a plan: every instalment.
    pub instalments: Vec<Instalment>,
    /// A plan: the amount a month.
    pub per_month: Option<crate::domain::Cents>,
    /// Community service: the hours.
    pub hours: Option<i32>,
    /// A denial: the clerk's reason, written to the defendant.
    pub reason: Option<String>,
}

/// One date of a grant, and (plans) the amount due on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instalment {
    pub due_on: NaiveDate,
    pub amount: crate::domain::Cents,
}

/// What a deficiency notice says is missing. The enclosed plea form's deadline
/// (`citation.response_due` in the notice's data) is `fix_by`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeficiencyInfo {
    /// The day the plea arrived (court's calendar) and its postmark, if mailed.
    pub received_on: NaiveDate,
    pub postmark: Option<NaiveDate>,
    pub unsigned: bool,
    /// The charges that had no plea marked, with their descriptions in the letter's language.
    pub missing: Vec<MissingPlea>,
    pub fix_by: NaiveDate,
    /// The original response deadline: until then the person can also answer online.
    pub online_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissingPlea {
    pub seq: i32,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assistance {
    /// ISO 639-1 code of the text.
    pub lang: String,
    pub text: String,
    pub rtl: bool,
    /// Whether the letters' fonts have every glyph of it (all shipped lines: see
    /// `scripts/make-letter-fonts.py`; a court's own line may not); emails and pages always show it.
    pub printable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourtProfile {
    pub name: String,
    pub address_lines: Vec<String>,
    pub phone: String,
    pub hours: String,
    pub website: String,
    /// Who signs the court's letters (in the letter's language), e.g. "Clerk of the Court".
    pub signature: String,
    /// When a court date's session starts (the ticket carries only the date).
    #[serde(default)]
    pub appearance_time: Option<chrono::NaiveTime>,
    /// Where people appear in person: courtroom and street address.
    #[serde(default)]
    pub appearance_place: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recipient {
    /// As written on the citation (for the salutation).
    pub name: String,
    /// USPS-style lines for the envelope window.
    pub address_lines: Vec<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseInfo {
    pub number: String,
    pub issued_on: NaiveDate,
    pub court_date: NaiveDate,
    pub response_due: NaiveDate,
    pub location: String,
    pub agency: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChargeLine {
    pub seq: i32,
    pub offense_code: String,
    /// In the letter's language.
    pub description: String,
    pub fine_cents: i64,
    pub points: i32,
    /// Whether this charge can be settled by mail.
    pub by_mail: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionInfo {
    pub confirmation: String,
    pub received_on: NaiveDate,
    pub channel: String,
    pub pleas: Vec<PleaLine>,
    /// What the person wrote to the court with the plea.
    #[serde(default)]
    pub statement: Option<String>,
    /// The documents received with the plea, by the names they were sent under.
    #[serde(default)]
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PleaLine {
    pub seq: i32,
    pub plea: Plea,
}

/// What happens next after the pleas, as `domain::next_steps` decided it (a plain copy, so that
/// the letter can be rendered again from its stored data and templates can read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextInfo {
    pub charges: Vec<NextCharge>,
    /// Guilty and no-contest fines due now, in cents.
    pub amount_due_cents: i64,
    pub pay_by: Option<NaiveDate>,
    /// The court date the person must still attend (a charge that cannot be settled by mail).
    pub appearance: Option<NaiveDate>,
    pub appear_for: Vec<i32>,
    /// When the prosecutor answers a request for an offer.
    pub offer_answer_by: Option<NaiveDate>,
    /// Business days the prosecutor's review takes.
    pub offer_review_days: u32,
    /// A not-guilty plea: a hearing notice will follow.
    pub hearing_notice: bool,
}

/// One charge's next step. `kind` is `pay`, `hearing`, `offer_review` or `appear`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextCharge {
    pub seq: i32,
    pub description: String,
    pub plea: Option<Plea>,
    pub fine_cents: i64,
    pub points: i32,
    pub misdemeanor: bool,
    pub kind: String,
    /// `pay`: the amount due for this charge and by when.
    pub amount_cents: i64,
    pub pay_by: Option<NaiveDate>,
    /// `offer_review`: when the prosecutor answers.
    pub answer_by: Option<NaiveDate>,
    /// `offer_review` and `appear`: the court date that still stands.
    pub court_date: Option<NaiveDate>,
}
