//! A paper plea as the clerk reads it off the form (`POST /api/v1/submissions`) and its checks:
//! every bad field named in one 422, before anything is recorded.

use crate::domain::contact::text;
use crate::domain::dates::parse_date;
use crate::domain::matching::Claim;
use crate::domain::payment;
use crate::domain::{Cents, Channel, CitationNumber, DateOfBirth, Language, PaymentMethod, Plea};
use crate::error::AppError;
use crate::services::plea_request::{check_contact, AddressInput, ContactInput};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaperPleaItem {
    pub charge_seq: i32,
    /// guilty, no_contest, not_guilty or request_offer
    pub plea: String,
}

/// A payment found in the envelope: recorded with the submission, and applied to the case's
/// balance (`services::payments`) when the plea is applied and leaves money owed.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnclosedPayment {
    pub amount_cents: i64,
    /// check, money_order or cash
    pub method: String,
    /// The check or money-order number (required for both).
    #[serde(default)]
    pub reference: Option<String>,
}

/// `POST /api/v1/submissions`: a paper plea as the clerk reads it off the form.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaperPleaRequest {
    /// The scan it came on (`POST /api/v1/scans`).
    #[serde(default)]
    pub document_id: Option<i64>,
    /// The envelope of a scanned batch it was keyed from: the plea is recorded with the batch's
    /// document and the envelope leaves the queue; an envelope keyed already is refused (409).
    #[serde(default)]
    pub envelope_id: Option<i64>,
    #[serde(default)]
    pub citation_number: Option<String>,
    /// YYYY-MM-DD, as written on the form.
    #[serde(default)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    /// The vehicle plate, if the form or the envelope shows it (for suggestions only).
    #[serde(default)]
    pub plate: Option<String>,
    /// YYYY-MM-DD; required for mail (the deadline is judged by it), absent for the counter.
    #[serde(default)]
    pub postmark_date: Option<String>,
    pub pleas: Vec<PaperPleaItem>,
    pub signed: bool,
    #[serde(default)]
    pub statement: Option<String>,
    #[serde(default)]
    pub enclosed_payment: Option<EnclosedPayment>,
    /// mail (default) or counter
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// en or es: the language of the letters from now on.
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub mailing_address: Option<AddressInput>,
}

/// A paper plea, checked field by field.
pub struct PaperPlea {
    pub channel: Channel,
    pub postmark: Option<NaiveDate>,
    pub number: Option<CitationNumber>,
    pub date_of_birth: Option<NaiveDate>,
    pub last_name: Option<String>,
    pub plate: Option<String>,
    pub pleas: Vec<(i32, Plea)>,
    pub signed: bool,
    pub document_id: Option<i64>,
    pub envelope_id: Option<i64>,
    pub payment: Option<(Cents, PaymentMethod, Option<String>)>,
    pub contact: crate::services::plea_request::Checked,
}

impl PaperPlea {
    pub fn claim(&self) -> Claim<'_> {
        Claim {
            number: self.number.as_ref().map(|n| n.as_str()),
            date_of_birth: self.date_of_birth,
            last_name: self.last_name.as_deref(),
            plate: self.plate.as_deref(),
        }
    }
}

/// Checks every field; all bad fields are named in one 422.
pub fn parse(req: &PaperPleaRequest, today: NaiveDate) -> Result<PaperPlea, AppError> {
    let mut f: BTreeMap<String, String> = BTreeMap::new();
    let mut bad = |field: &str, m: String| {
        f.insert(field.to_string(), m);
    };
    let channel = match req.channel.as_deref().map(str::trim) {
        None | Some("") | Some("mail") => Channel::Mail,
        Some("counter") => Channel::Counter,
        Some(other) => {
            bad("channel", format!("'{other}' is not a paper channel; use mail or counter"));
            Channel::Mail
        }
    };
    let postmark = match (channel, req.postmark_date.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Channel::Mail, None) => {
            bad(
                "postmark_date",
                "the postmark date is required for mail; copy it from the envelope (YYYY-MM-DD)".into(),
            );
            None
        }
        (Channel::Mail, Some(p)) => match parse_date(p, "postmark_date") {
            Ok(d) if d > today => {
                bad("postmark_date", format!("the postmark date {d} is in the future; check the envelope"));
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                bad("postmark_date", e.to_string());
                None
            }
        },
        (_, Some(_)) => {
            bad("postmark_date", "a plea handed in at the counter has no postmark; leave postmark_date out".into());
            None
        }
        (_, None) => None,
    };
    let number = match req.citation_number.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Spaces typed inside a number do not matter.
        Some(n) => match CitationNumber::parse(&n.split_whitespace().collect::<String>()) {
            Ok(n) => Some(n),
            Err(e) => {
                bad("citation_number", e.to_string());
                None
            }
        },
        None => None,
    };
    let date_of_birth = match req.date_of_birth.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => match DateOfBirth::parse(d, today) {
            Ok(d) => Some(d.date()),
            Err(e) => {
                bad("date_of_birth", e.to_string());
                None
            }
        },
        None => None,
    };
    let last_name = text(req.last_name.as_deref().unwrap_or(""), "last name", false, 80).unwrap_or_else(|e| {
        bad("last_name", e.to_string());
        None
    });
    let plate = text(req.plate.as_deref().unwrap_or(""), "plate", false, 16).unwrap_or_else(|e| {
        bad("plate", e.to_string());
        None
    });
    let mut pleas: Vec<(i32, Plea)> = Vec::new();
    for (i, item) in req.pleas.iter().enumerate() {
        let field = format!("pleas.{}", item.charge_seq);
        if !(1..=99).contains(&item.charge_seq) {
            bad(
                &format!("pleas[{i}].charge_seq"),
                format!("charge {} does not exist; charges are numbered from 1", item.charge_seq),
            );
        } else if pleas.iter().any(|(s, _)| *s == item.charge_seq) {
            bad(&field, format!("charge {} has two pleas; keep the one marked on the form", item.charge_seq));
        } else {
            match item.plea.parse::<Plea>() {
                Ok(p) => pleas.push((item.charge_seq, p)),
                Err(e) => bad(&field, e.to_string()),
            }
        }
    }
    // The rules of any payment (domain::payment); by post, a card cannot be enclosed.
    let payment = req.enclosed_payment.as_ref().and_then(|p| {
        let amount = payment::amount(p.amount_cents).map_err(|e| bad("enclosed_payment.amount_cents", e.0)).ok();
        let method = match p.method.parse::<PaymentMethod>() {
            Ok(PaymentMethod::Card) | Err(_) => {
                bad(
                    "enclosed_payment.method",
                    format!("'{}' is not a payment by post; use check, money_order or cash", p.method),
                );
                None
            }
            Ok(m) => Some(m),
        };
        let reference = method.and_then(|m| {
            payment::reference(m, p.reference.as_deref()).map_err(|e| bad("enclosed_payment.reference", e.0)).ok()
        });
        Some((amount?, method?, reference?))
    });
    let contact = ContactInput {
        statement: req.statement.as_deref(),
        email: req.email.as_deref(),
        phone: req.phone.as_deref(),
        language: req.language.as_deref(),
        mailing_address: req.mailing_address.as_ref(),
    };
    let contact = check_contact(&contact, Vec::new(), String::new(), Language::En, &mut f);
    if !f.is_empty() {
        return Err(AppError::Invalid { message: "some fields of the paper plea are not valid".into(), fields: f });
    }
    Ok(PaperPlea {
        channel,
        postmark,
        number,
        date_of_birth,
        last_name,
        plate,
        pleas,
        signed: req.signed,
        document_id: req.document_id,
        envelope_id: req.envelope_id,
        payment,
        contact,
    })
}
