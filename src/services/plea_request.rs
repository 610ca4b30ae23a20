//! A resident's plea as sent (JSON or the plea form), and its field-by-field check against the
//! case. Errors name each field in the resident's language.

use crate::domain::contact::{email, phone, postal_code, required_text, state_code, text};
use crate::domain::{Language, Plea};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::intake::CaseSummary;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct PleaItem {
    pub charge_seq: i32,
    /// guilty, no_contest, not_guilty or request_offer
    #[schema(value_type = String, example = "no_contest")]
    pub plea: Plea,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Default, utoipa::ToSchema)]
pub struct AddressInput {
    #[serde(default)]
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub postal_code: String,
}

/// `POST /api/v1/public/pleas` as SPEC §4 writes it (plus an optional new mailing address).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct PleaRequest {
    pub citation_number: String,
    pub date_of_birth: String,
    pub pleas: Vec<PleaItem>,
    #[serde(default)]
    pub statement: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
    pub signature_name: String,
    pub attest: bool,
    #[serde(default)]
    pub mailing_address: Option<AddressInput>,
}

/// The checked parts of a plea request.
pub struct Checked {
    pub pleas: Vec<(i32, Plea)>,
    pub statement: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Option<Language>,
    pub signature: String,
    pub address: Option<(String, Option<String>, String, String, String)>,
}

pub fn check(req: &PleaRequest, summary: &CaseSummary, lang: Language) -> Result<Checked, AppError> {
    let mut f: BTreeMap<String, String> = BTreeMap::new();
    let items: Vec<(i32, Plea)> = req.pleas.iter().map(|p| (p.charge_seq, p.plea)).collect();
    let (pleas, missing) = check_pleas(&items, summary, lang, &mut f);
    for seq in missing {
        f.entry(format!("pleas.{seq}")).or_insert_with(|| msg(lang, "plea_missing"));
    }
    let signature = required_text(&req.signature_name, "signature", 120).unwrap_or_default();
    if signature.is_empty() {
        f.insert("signature_name".into(), msg(lang, "signature_name"));
    }
    if !req.attest {
        f.insert("attest".into(), msg(lang, "attest"));
    }
    let contact = ContactInput {
        statement: req.statement.as_deref(),
        email: req.email.as_deref(),
        phone: req.phone.as_deref(),
        language: req.language.as_deref(),
        mailing_address: req.mailing_address.as_ref(),
    };
    let checked = check_contact(&contact, pleas, signature, lang, &mut f);
    if !f.is_empty() {
        return Err(invalid(lang, f));
    }
    Ok(checked)
}

/// The pleas against the case's charges: the valid ones, and the charges that can be answered
/// by mail but have none. An unknown or repeated charge, or a plea for a charge that cannot be
/// answered by mail, is a field error (`pleas.<seq>`).
pub fn check_pleas(
    items: &[(i32, Plea)],
    summary: &CaseSummary,
    lang: Language,
    f: &mut BTreeMap<String, String>,
) -> (Vec<(i32, Plea)>, Vec<i32>) {
    let mut pleas: Vec<(i32, Plea)> = Vec::new();
    for (seq, plea) in items {
        match summary.charges.iter().find(|c| c.seq == *seq) {
            None => {
                f.insert(format!("pleas.{seq}"), msg(lang, "plea_unknown"));
            }
            // Whether the case is still open and on time is the caller's (case-level) question.
            Some(c) if !c.offense_by_mail => {
                f.insert(format!("pleas.{seq}"), msg(lang, "plea_not_allowed"));
            }
            Some(_) if pleas.iter().any(|(s, _)| s == seq) => {
                f.insert(format!("pleas.{seq}"), msg(lang, "plea_unknown"));
            }
            Some(_) => pleas.push((*seq, *plea)),
        }
    }
    let missing = summary
        .charges
        .iter()
        .filter(|c| c.offense_by_mail && !pleas.iter().any(|(s, _)| *s == c.seq))
        .map(|c| c.seq)
        .collect();
    (pleas, missing)
}

/// The statement and contact details sent with a plea, as typed.
pub struct ContactInput<'a> {
    pub statement: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: Option<&'a str>,
    pub mailing_address: Option<&'a AddressInput>,
}

/// Checks the statement and contact details; each bad one is a field error in `f`.
pub fn check_contact(
    c: &ContactInput,
    pleas: Vec<(i32, Plea)>,
    signature: String,
    lang: Language,
    f: &mut BTreeMap<String, String>,
) -> Checked {
    let email = email(c.email.unwrap_or("")).unwrap_or_else(|_| {
        f.insert("email".into(), msg(lang, "email"));
        None
    });
    let phone = phone(c.phone.unwrap_or("")).unwrap_or_else(|_| {
        f.insert("phone".into(), msg(lang, "phone"));
        None
    });
    let statement = c.statement.unwrap_or("");
    // Line breaks and tabs are part of a statement; any other control character is not text (and
    // PostgreSQL refuses a NUL byte, which would otherwise be a 500).
    let statement = if statement.chars().count() > 5000 {
        f.insert("statement".into(), msg(lang, "statement"));
        None
    } else if statement.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        f.insert("statement".into(), msg(lang, "statement_control"));
        None
    } else {
        Some(statement.trim().to_string()).filter(|s| !s.is_empty())
    };
    let language = match c.language.map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => match Language::parse_or_default(l) {
            Ok(l) => Some(l),
            Err(_) => {
                f.insert("language".into(), "en | es".into());
                None
            }
        },
        None => None,
    };
    let address = match c.mailing_address {
        Some(a) if *a != AddressInput::default() => {
            let parsed = (|| -> Result<_, crate::domain::ParseError> {
                Ok((
                    required_text(&a.line1, "address", 120)?,
                    text(&a.line2, "address", false, 120)?,
                    required_text(&a.city, "city", 80)?,
                    state_code(&a.state, "state")?,
                    postal_code(&a.postal_code)?,
                ))
            })();
            match parsed {
                Ok(a) => Some(a),
                Err(_) => {
                    f.insert("mailing_address".into(), msg(lang, "address"));
                    None
                }
            }
        }
        _ => None,
    };
    Checked { pleas, statement, email, phone, language, signature, address }
}

/// A form error: the general message and each field's.
pub fn invalid(lang: Language, fields: BTreeMap<String, String>) -> AppError {
    AppError::Invalid { message: msg(lang, "form"), fields }
}
