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
    let mut pleas = Vec::new();
    for item in &req.pleas {
        match summary.charges.iter().find(|c| c.seq == item.charge_seq) {
            None => {
                f.insert(format!("pleas.{}", item.charge_seq), msg(lang, "plea_unknown"));
            }
            Some(c) if !c.by_mail => {
                f.insert(format!("pleas.{}", item.charge_seq), msg(lang, "plea_not_allowed"));
            }
            Some(_) if pleas.iter().any(|(s, _)| *s == item.charge_seq) => {
                f.insert(format!("pleas.{}", item.charge_seq), msg(lang, "plea_unknown"));
            }
            Some(_) => pleas.push((item.charge_seq, item.plea)),
        }
    }
    for c in summary.charges.iter().filter(|c| c.by_mail) {
        if !pleas.iter().any(|(s, _)| *s == c.seq) {
            f.entry(format!("pleas.{}", c.seq)).or_insert_with(|| msg(lang, "plea_missing"));
        }
    }
    let signature = required_text(&req.signature_name, "signature", 120).unwrap_or_default();
    if signature.is_empty() {
        f.insert("signature_name".into(), msg(lang, "signature_name"));
    }
    if !req.attest {
        f.insert("attest".into(), msg(lang, "attest"));
    }
    let opt = |v: &Option<String>| v.as_deref().unwrap_or("").to_string();
    let email = email(&opt(&req.email)).unwrap_or_else(|_| {
        f.insert("email".into(), msg(lang, "email"));
        None
    });
    let phone = phone(&opt(&req.phone)).unwrap_or_else(|_| {
        f.insert("phone".into(), msg(lang, "phone"));
        None
    });
    let statement = opt(&req.statement);
    let statement = if statement.chars().count() > 5000 {
        f.insert("statement".into(), msg(lang, "statement"));
        None
    } else {
        Some(statement.trim().to_string()).filter(|s| !s.is_empty())
    };
    let language = match req.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => match Language::parse_or_default(l) {
            Ok(l) => Some(l),
            Err(_) => {
                f.insert("language".into(), "en | es".into());
                None
            }
        },
        None => None,
    };
    let address = match &req.mailing_address {
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
    if !f.is_empty() {
        return Err(invalid(lang, f));
    }
    Ok(Checked { pleas, statement, email, phone, language, signature, address })
}

/// A form error: the general message and each field's.
pub fn invalid(lang: Language, fields: BTreeMap<String, String>) -> AppError {
    AppError::Invalid { message: msg(lang, "form"), fields }
}
