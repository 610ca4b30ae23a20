//! A paper plea keyed in by a clerk (mail or counter, SPEC §4 `POST /api/v1/submissions`): the
//! request, its field checks, and recording it — linked to its citation at once when the number
//! (and the date of birth, if given) name one on file, else kept `unmatched` with suggestions.
//! Whatever is linked goes through `paper_link::link_in_tx`, the one path that judges the
//! deadline by the postmark, finds what is missing, flags duplicates and applies the plea.

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::contact::text;
use crate::domain::dates::parse_date;
use crate::domain::matching::Claim;
use crate::domain::{Cents, Channel, CitationNumber, DateOfBirth, Language, PaymentMethod, Plea};
use crate::error::AppError;
use crate::services::letters::LetterContext;
use crate::services::paper_link::{self, SubmissionAnswer};
use crate::services::plea_request::{check_contact, AddressInput, ContactInput};
use crate::services::{intake, matching};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaperPleaItem {
    pub charge_seq: i32,
    /// guilty, no_contest, not_guilty or request_offer
    pub plea: String,
}

/// A payment found in the envelope: recorded as received with the submission, not applied to
/// the balance (recording and applying payments is `POST /api/v1/citations/{number}/payments`).
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnclosedPayment {
    pub amount_cents: i64,
    /// check, money_order or cash
    pub method: String,
    /// The check or money-order number.
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
    let payment = req.enclosed_payment.as_ref().and_then(|p| {
        let amount = match Cents::new(p.amount_cents) {
            Ok(c) if c.get() > 0 => Some(c),
            _ => {
                bad("enclosed_payment.amount_cents", "the amount is a whole number of cents above 0".into());
                None
            }
        };
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
        let reference = text(p.reference.as_deref().unwrap_or(""), "reference", false, 40).unwrap_or_else(|e| {
            bad("enclosed_payment.reference", e.to_string());
            None
        });
        Some((amount?, method?, reference))
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

fn request_hash(req: &PaperPleaRequest) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

/// Records a paper plea for staff member `user_id`; `key` is the Idempotency-Key, if sent.
pub fn submit(
    conn: &mut DbConn,
    req: &PaperPleaRequest,
    key: Option<&str>,
    user_id: i64,
    ctx: &LetterContext,
    today: NaiveDate,
) -> Result<SubmissionAnswer, AppError> {
    let plea = parse(req, today)?;
    // A key is the clerk's: two clerks may use the same one for different pleas.
    let scoped = key.map(|k| format!("staff:{user_id}/{k}"));
    let hash = request_hash(req);
    if let Some(k) = &scoped {
        if let Some(done) = replay(conn, k, &hash)? {
            return Ok(done);
        }
    }
    match record(conn, &plea, scoped.as_deref(), &hash, user_id, ctx) {
        Ok(answer) => Ok(answer),
        // The same key twice at once: the second hits the unique key and gets the first's answer.
        Err(e) => match &scoped {
            Some(k) => replay(conn, k, &hash)?.ok_or(e),
            None => Err(e),
        },
    }
}

fn replay(conn: &mut DbConn, key: &str, hash: &str) -> Result<Option<SubmissionAnswer>, AppError> {
    let Some(sub) = db::paper::by_idempotency_key(conn, key)? else {
        return Ok(None);
    };
    if sub.request_hash.as_deref() != Some(hash) {
        return Err(AppError::field(
            "Idempotency-Key",
            "this key was used for a different plea; send a new key for a new plea",
        ));
    }
    paper_link::answer_for(conn, &sub).map(Some)
}

fn record(
    conn: &mut DbConn,
    plea: &PaperPlea,
    key: Option<&str>,
    hash: &str,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<SubmissionAnswer, AppError> {
    let document_id = match (plea.envelope_id, plea.document_id) {
        (Some(envelope), given) => Some(crate::services::scans::queue::document_for(conn, envelope, given)?),
        (None, Some(id)) if db::documents::find(conn, id)?.is_none() => {
            return Err(AppError::field(
                "document_id",
                format!("there is no scanned document {id}; upload the scan first"),
            ));
        }
        (None, given) => given,
    };
    let case = match &plea.number {
        Some(n) => matching::find_as_typed(conn, n)?,
        None => None,
    };
    // A number on file whose date of birth differs is not linked blindly: it waits, suggested.
    let case = case.filter(|c| plea.date_of_birth.is_none_or(|d| d == c.date_of_birth));
    let claimed = match (&case, &plea.number) {
        (Some(c), _) => Some(c.citation_number.clone()),
        (None, Some(n)) => Some(matching::shaped(conn, n)?),
        (None, None) => None,
    };
    let actor = format!("staff:{user_id}");
    let confirmation = intake::confirmation_code();
    let address = crate::services::plea_apply::address_json(&plea.contact);
    let plea_rows: Vec<(i32, &str)> = plea.pleas.iter().map(|(s, p)| (*s, p.as_str())).collect();
    let language = plea.contact.language.or_else(|| case.as_ref().and_then(|c| c.language.parse().ok()));
    let new = db::paper::NewPaper {
        citation_id: None,
        status: "unmatched",
        confirmation: &confirmation,
        channel: plea.channel.as_str(),
        language: language.unwrap_or(Language::En).as_str(),
        received_at: db::now(),
        postmark_date: plea.postmark,
        document_id,
        claimed_citation_number: claimed.as_deref(),
        claimed_date_of_birth: plea.date_of_birth,
        claimed_last_name: plea.last_name.as_deref(),
        claimed_plate: plea.plate.as_deref(),
        signed: plea.signed,
        statement: plea.contact.statement.as_deref(),
        email: plea.contact.email.as_deref(),
        phone: plea.contact.phone.as_deref(),
        mailing_address: address.as_deref(),
        enclosed_payment_cents: plea.payment.as_ref().map(|p| p.0.get()),
        enclosed_payment_method: plea.payment.as_ref().map(|p| p.1.as_str()),
        enclosed_payment_reference: plea.payment.as_ref().and_then(|p| p.2.as_deref()),
        deficiencies: None,
        duplicate: false,
        idempotency_key: key,
        request_hash: hash,
        created_by: user_id,
    };
    let id = db::write_transaction(conn, |c| -> Result<i64, AppError> {
        let id = db::paper::insert(c, &new, &plea_rows)?;
        audit::append(
            c,
            &Event {
                actor: &actor,
                action: "plea.keyed",
                subject_type: "submission",
                subject_id: &id.to_string(),
                outcome: "ok",
                details: serde_json::json!({
                    "channel": plea.channel.as_str(), "pleas": plea_rows.len(),
                    "enclosed_payment_cents": new.enclosed_payment_cents, "document_id": document_id,
                    "envelope_id": plea.envelope_id,
                }),
            },
        )?;
        if let Some(envelope) = plea.envelope_id {
            crate::services::scans::queue::claim_in_tx(c, envelope, id)?;
        }
        if let Some(case) = &case {
            let sub = db::paper::find(c, id)?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("submission {id} vanished")))?;
            paper_link::link_in_tx(c, &sub, case, paper_link::How::Entry, &actor, ctx)?;
        }
        Ok(id)
    })?;
    let sub =
        db::paper::find(conn, id)?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("submission {id} vanished")))?;
    paper_link::answer_for(conn, &sub)
}
