//! Keying a paper plea (`/staff/pleas/new`): the form, a first step that looks the citation up
//! and shows its charges, then the save — `services::paper_plea::submit`, the same as
//! `POST /api/v1/submissions`, with the form's hidden key as the Idempotency-Key, so a
//! double-click records one plea — and 303 to the result page: linked, unmatched (with the
//! suggestions to link) or deficient (what is missing and the notice queued).
//!
//! When the number names no case (or none is written), the form offers charges 1 to 3 as
//! numbered on the paper form; a row left blank is no plea. The plea is kept unmatched with
//! those pleas and checked against the charges when it is linked.
//!
//! The envelope page (`envelopes.rs`) keys with the same fields (`plea_fields.html`), the same
//! request and the same [`save`], adding the envelope.

use super::{read_form, render, see_other};
use crate::domain::{Cents, CitationNumber};
use crate::error::AppError;
use crate::services::paper_link::SubmissionAnswer;
use crate::services::paper_plea::{self, EnclosedPayment, PaperPleaItem, PaperPleaRequest};
use crate::services::plea_request::AddressInput;
use crate::services::queue_view;
use crate::web::pages::{self, form::FormData, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Clerk = StaffPage<ClerkOrAdmin>;

/// Charge rows offered when the case is not known.
const UNKNOWN_ROWS: i32 = 3;

pub(super) fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub(super) fn unknown_charges() -> Value {
    json!((1..=UNKNOWN_ROWS).map(|seq| json!({"seq": seq})).collect::<Vec<_>>())
}

/// `GET /staff/pleas/new`, or from a scanned envelope `?document_id=…&citation_number=…`: the
/// scan is recorded with the plea, and a number on file shows its charges at once.
pub async fn form(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let q = web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let document = q.get("document_id").and_then(|d| d.trim().parse::<i64>().ok());
    let typed = q.get("citation_number").map(|n| n.trim().to_string()).unwrap_or_default();
    let (charges, found) = match typed.is_empty() {
        true => (unknown_charges(), None),
        false => match charges(&state, &clerk, &typed).await {
            Ok(x) => x,
            Err(e) => return pages::service_error(&state, &pr, e),
        },
    };
    let focus = if found.is_some() { "date_of_birth" } else { "citation_number" };
    let ctx = json!({
        "key": new_key(), "charges": charges, "found": found, "looked_up": !typed.is_empty(),
        "form": {"channel": "mail", "citation_number": typed, "document_id": document}, "focus": focus,
    });
    render(&state, &req, &pr, Some(&clerk.user), "plea_new", StatusCode::OK, ctx)
}

/// The request the form describes (what the API's JSON body would be).
pub(super) fn request(f: &FormData) -> Result<PaperPleaRequest, AppError> {
    let opt = |k: &str| Some(f.get(k).trim().to_string()).filter(|s| !s.is_empty());
    let mut pleas = Vec::new();
    let mut seqs: Vec<i32> =
        f.fields.keys().filter_map(|k| k.strip_prefix("plea_").and_then(|s| s.parse().ok())).collect();
    seqs.sort_unstable();
    for seq in seqs {
        if let Some(plea) = opt(&format!("plea_{seq}")) {
            pleas.push(PaperPleaItem { charge_seq: seq, plea });
        }
    }
    let enclosed_payment = match opt("payment_amount") {
        Some(a) => Some(EnclosedPayment {
            amount_cents: Cents::parse_dollars(&a)
                .map_err(|e| AppError::field("enclosed_payment.amount_cents", e.to_string()))?
                .get(),
            method: f.get("payment_method").to_string(),
            reference: opt("payment_reference"),
        }),
        None => None,
    };
    let address = AddressInput {
        line1: f.get("address_line1").trim().into(),
        line2: f.get("address_line2").trim().into(),
        city: f.get("address_city").trim().into(),
        state: f.get("address_state").trim().into(),
        postal_code: f.get("address_postal_code").trim().into(),
    };
    let any_address = [&address.line1, &address.line2, &address.city, &address.state, &address.postal_code]
        .iter()
        .any(|s| !s.is_empty());
    let document_id = match opt("document_id") {
        Some(d) => {
            Some(d.parse().map_err(|_| AppError::field("document_id", "the scan's document number is not a number"))?)
        }
        None => None,
    };
    Ok(PaperPleaRequest {
        document_id,
        envelope_id: None,
        citation_number: opt("citation_number"),
        date_of_birth: opt("date_of_birth"),
        last_name: opt("last_name"),
        plate: opt("plate"),
        postmark_date: opt("postmark_date"),
        pleas,
        signed: f.get("signed") == "yes",
        statement: opt("statement"),
        enclosed_payment,
        channel: opt("channel"),
        email: opt("email"),
        phone: opt("phone"),
        language: opt("language"),
        mailing_address: any_address.then_some(address),
    })
}

/// The form's hidden key, or a new one if it is missing or not one of ours.
pub(super) fn form_key(f: &FormData) -> String {
    match f.get("key").trim() {
        k if (16..=64).contains(&k.len()) && k.chars().all(|c| c.is_ascii_hexdigit()) => k.to_string(),
        _ => new_key(),
    }
}

/// What saving a keyed form came to.
pub(super) enum Saved {
    Answer(SubmissionAnswer),
    /// Fields to correct, by name (a message without a field is put on the citation number).
    Errors(BTreeMap<String, String>),
    /// 409: the plea cannot be recorded as it stands (no charge answerable by mail, an
    /// envelope keyed already).
    Refused(String),
    Failed(AppError),
}

/// Saves the form as `POST /api/v1/submissions` would, with the form's key as the
/// Idempotency-Key (a double click records one plea), from `envelope` if keyed from one.
pub(super) async fn save(state: &AppState, clerk: &Clerk, f: &FormData, key: &str, envelope: Option<i64>) -> Saved {
    let saved = match request(f) {
        Ok(mut plea) => {
            plea.envelope_id = envelope;
            let (ctx, today, user_id, k) = (state.letters.clone(), state.today(), clerk.user.id, key.to_string());
            run_db(&state.pool, move |c| paper_plea::submit(c, &plea, Some(&k), user_id, &ctx, today)).await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(answer) => Saved::Answer(answer),
        Err(AppError::Invalid { message, mut fields }) => {
            if fields.is_empty() {
                fields.insert("citation_number".into(), message);
            }
            Saved::Errors(fields)
        }
        Err(AppError::Conflict(message)) => Saved::Refused(message),
        Err(e) => Saved::Failed(e),
    }
}

/// The charges to offer: the case's when the number names one (`citation.read`), else rows.
pub(super) async fn charges(state: &AppState, clerk: &Clerk, typed: &str) -> Result<(Value, Option<String>), AppError> {
    let Ok(number) = CitationNumber::parse(&typed.split_whitespace().collect::<String>()) else {
        return Ok((unknown_charges(), None));
    };
    let actor = clerk.actor();
    match run_db(&state.pool, move |c| queue_view::case_for_keying(c, &number, &actor)).await? {
        Some(case) => {
            let rows: Vec<Value> = case
                .charges
                .iter()
                .map(|ch| json!({"seq": ch.seq, "code": ch.offense_code, "description": ch.description, "by_mail": ch.plea_by_mail}))
                .collect();
            Ok((json!(rows), Some(case.citation_number)))
        }
        None => Ok((unknown_charges(), None)),
    }
}

/// `POST /staff/pleas/new`: `step=lookup` shows the case's charges; otherwise the plea is saved.
pub async fn submit(req: HttpRequest, clerk: Clerk, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let key = form_key(&f);
    let lookup = f.get("step") == "lookup";
    let mut errors: BTreeMap<String, String> = BTreeMap::new();
    if !lookup {
        match save(&state, &clerk, &f, &key, None).await {
            Saved::Answer(answer) => return see_other(&state, &pr, &format!("/staff/pleas/{}?done=keyed", answer.id)),
            Saved::Errors(fields) => errors = fields,
            Saved::Refused(message) => {
                errors.insert("citation_number".into(), message);
            }
            Saved::Failed(e) => return pages::service_error(&state, &pr, e),
        }
    }
    let (charges, found) = match charges(&state, &clerk, f.get("citation_number")).await {
        Ok(x) => x,
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let focus = if !errors.is_empty() { "errors" } else { "date_of_birth" };
    let ctx = json!({
        "key": key, "charges": charges, "found": found, "looked_up": lookup || found.is_some(),
        "form": f.fields, "errors": errors, "focus": focus,
    });
    render(&state, &req, &pr, Some(&clerk.user), "plea_new", status, ctx)
}

/// `GET /staff/pleas/{id}`: what came of a plea keyed in (`submission.read`).
pub async fn result(req: HttpRequest, clerk: Clerk, path: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let (id, actor) = (path.into_inner(), clerk.actor());
    match run_db(&state.pool, move |c| queue_view::submission(c, id, &actor)).await {
        Ok(answer) => render(&state, &req, &pr, Some(&clerk.user), "plea_result", StatusCode::OK, json!({"s": answer})),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
