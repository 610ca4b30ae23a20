//! What a letter is rendered from. Stored with the letter (as JSON) so that it can be rendered
//! again to the same bytes, and passed to the templates as their context.

use crate::domain::{Language, LetterType, Plea};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assistance {
    /// ISO 639-1 code of the text.
    pub lang: String,
    pub text: String,
    pub rtl: bool,
    /// Whether the letter's typeface can print it (left to right, every glyph in the font);
    /// emails and pages always show it.
    pub printable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CourtProfile {
    pub name: String,
    pub address_lines: Vec<String>,
    pub phone: String,
    pub hours: String,
    pub website: String,
    pub signature: String,
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
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PleaLine {
    pub seq: i32,
    pub plea: Plea,
}
