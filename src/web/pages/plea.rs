//! The plea form: `GET /plea` shows it (what was typed before, errors in page order), `POST /plea`
//! keeps what was sent in the draft, checks it and moves on to the review.

use super::case::{self, Loaded};
use super::draft::{self, flash, flash_context, open_form};
use super::form::FormData;
use super::{field_errors, redirect, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::drafts::CaseKey;
use crate::services::intake::{self, AddressInput, PleaItem, PleaRequest};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The fields of the plea form, in the order the page shows them (after the pleas).
const FIELDS: [&str; 11] = [
    "statement",
    "email",
    "phone",
    "language",
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
    "signature_name",
    "attest",
];

/// Field names as errors name them, in page order.
fn error_order(summary: &intake::CaseSummary) -> Vec<String> {
    let mut order: Vec<String> = summary.charges.iter().map(|c| format!("pleas.{}", c.seq)).collect();
    order.extend(
        ["statement", "evidence", "email", "phone", "language", "mailing_address", "signature_name", "attest"]
            .map(String::from),
    );
    order
}

/// The form's values: what was typed before, else the case's contact details.
fn prefill(fields: &BTreeMap<String, String>, loaded: &Loaded) -> Value {
    let mut v = json!({});
    for (k, val) in fields {
        v[k] = json!(val);
    }
    if fields.is_empty() {
        let c = &loaded.record;
        v["line1"] = json!(c.address_line1);
        v["line2"] = json!(c.address_line2.clone().unwrap_or_default());
        v["city"] = json!(c.city);
        v["state"] = json!(c.state);
        v["postal_code"] = json!(c.postal_code);
        v["email"] = json!(c.email.clone().unwrap_or_default());
        v["phone"] = json!(c.phone.clone().unwrap_or_default());
        v["language"] = json!(c.language);
    }
    v
}

/// The stored evidence as the form lists it.
pub fn evidence_list(ids: &[i64]) -> Value {
    json!(ids.iter().enumerate().map(|(i, _)| json!({"n": i + 1})).collect::<Vec<_>>())
}

pub async fn show(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let (d, loaded) = match case::draft_and_case(&state, &mut pr).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    if !loaded.summary.eligible {
        return redirect(&state, &pr, "/case");
    }
    let charge = super::word(&state, &pr, "charge");
    let (errors, error_list, message, status) = flash_context(d.flash_for("plea"), charge.as_str().unwrap_or_default());
    let ctx = json!({
        "case": loaded.summary,
        "form": prefill(&d.fields, &loaded),
        "evidence": evidence_list(&d.evidence),
        "errors": errors, "error_list": error_list, "message": message,
        "back": "/case",
    });
    render(&state, &pr, "plea", status, ctx)
}

/// The plea request a draft describes.
pub fn plea_request(key: &CaseKey, fields: &BTreeMap<String, String>, summary: &intake::CaseSummary) -> PleaRequest {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let pleas = summary
        .charges
        .iter()
        .filter_map(|c| get(&format!("plea_{}", c.seq)).parse().ok().map(|plea| PleaItem { charge_seq: c.seq, plea }))
        .collect();
    let opt = |k: &str| Some(get(k).trim().to_string()).filter(|v| !v.is_empty());
    PleaRequest {
        citation_number: key.citation_number.clone(),
        date_of_birth: key.date_of_birth.clone(),
        pleas,
        statement: opt("statement"),
        email: opt("email"),
        phone: opt("phone"),
        language: opt("language"),
        signature_name: get("signature_name").to_string(),
        attest: get("attest") == "yes",
        mailing_address: Some(AddressInput {
            line1: get("line1").to_string(),
            line2: get("line2").to_string(),
            city: get("city").to_string(),
            state: get("state").to_string(),
            postal_code: get("postal_code").to_string(),
        }),
    }
}

/// The form's fields as the draft keeps them.
fn typed(form: &FormData, summary: &intake::CaseSummary) -> BTreeMap<String, String> {
    let mut keys: Vec<String> = summary.charges.iter().map(|c| format!("plea_{}", c.seq)).collect();
    keys.extend(FIELDS.map(String::from));
    keys.into_iter().filter_map(|k| form.fields.get(&k).map(|v| (k, v.clone()))).collect()
}

/// `POST /plea`: keeps the form in the draft; with a language switch, shows it again; else checks
/// it and goes on to the review (or back to the form with the errors).
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (mut form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (mut d, loaded) = match case::draft_and_case(&state, &mut pr).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    match super::evidence::store(&state, &mut form).await {
        Ok(ids) => {
            for id in ids {
                if !d.evidence.contains(&id) && d.evidence.len() < super::form::MAX_FILES {
                    d.evidence.push(id);
                }
            }
        }
        Err(e) => return service_error(&state, &pr, e),
    }
    d.fields = typed(&form, &loaded.summary);
    d.reviewed = false;
    d.flash = None;
    if !form.get("switch_lang").is_empty() {
        return draft::save_and_redirect(&state, pr, d, "/plea").await;
    }
    let request = plea_request(&loaded.key, &d.fields, &loaded.summary);
    let (lang, today) = (pr.lang, state.today());
    let checked = run_db(&state.pool, move |c| intake::preview(c, &request, today, lang)).await;
    let (message, mut errors) = match checked {
        Ok(_) => (None, json!({})),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => field_errors(&e),
        Err(e) => return service_error(&state, &pr, e),
    };
    if let Some(problem) = form.upload_error {
        errors["evidence"] = json!(super::evidence::upload_message(lang, problem));
    }
    if message.is_none() && form.upload_error.is_none() {
        d.reviewed = true;
        d.idempotency_key.get_or_insert_with(|| hex::encode(rand::random::<[u8; 16]>()));
        return draft::save_and_redirect(&state, pr, d, "/plea/review").await;
    }
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    d.flash = Some(flash("plea", BTreeMap::new(), &errors, message, status, &error_order(&loaded.summary)));
    draft::save_and_redirect(&state, pr, d, "/plea").await
}
