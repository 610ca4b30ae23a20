//! Payments in the console, for clerks and admins, over the same service as the API
//! (`services::payments`): the "Record a payment" form (on the case page, and as its own page
//! where errors are shown next to the fields with what was typed), the amount typed in dollars
//! and cents ("125.50") and the form's hidden key as the Idempotency-Key, so a double-click
//! records one payment; a reversal asked on its own page with a required reason (no JavaScript);
//! and the queue of refunds owed.

use super::{form_key, new_key, present, read_form, render, see_other};
use crate::domain::Cents;
use crate::error::AppError;
use crate::services::payments::{self, refunds, PaymentRequest};
use crate::web::pages::{self, form::FormData, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Clerk = StaffPage<ClerkOrAdmin>;

/// What the record form starts with: today's date and a fresh key.
pub fn blank_form(state: &AppState) -> Value {
    json!({"key": new_key(), "received_on": state.today().to_string(), "method": "check"})
}

/// The request the form describes; the amount is typed in dollars and cents. An amount that is
/// not money is named with every other field's error at once (the service's checks).
fn request(f: &FormData, today: chrono::NaiveDate) -> Result<PaymentRequest, AppError> {
    let opt = |k: &str| Some(f.get(k).trim().to_string()).filter(|s| !s.is_empty());
    let mut req = PaymentRequest {
        amount_cents: None,
        method: opt("method"),
        reference: opt("reference"),
        received_on: opt("received_on"),
    };
    match opt("amount").map(|a| Cents::parse_dollars(&a)) {
        None => Ok(req),
        Some(Ok(cents)) => {
            req.amount_cents = Some(json!(cents.get()));
            Ok(req)
        }
        Some(Err(bad)) => {
            let mut fields = match payments::parse(&req, today) {
                Err(AppError::Invalid { fields, .. }) => fields,
                _ => BTreeMap::new(),
            };
            fields.insert("amount_cents".into(), bad.0);
            Err(AppError::Invalid { message: "some fields of the payment are not valid".into(), fields })
        }
    }
}

/// What the record form shows: the values (typed, or the blank form's), the errors next to
/// the fields, or a `problem` the case's state raised.
struct Shown {
    form: Value,
    errors: BTreeMap<String, String>,
    problem: Option<String>,
    status: StatusCode,
}

/// The record form's page, with the case's status and balance.
async fn form_page(req: &HttpRequest, clerk: &Clerk, state: &AppState, number: String, shown: Shown) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    match run_db(&state.pool, move |c| payments::case_balance(c, &number)).await {
        Ok((number, case_status, balance)) => {
            let ctx = json!({"number": number, "status": case_status, "balance": balance, "pay": shown.form,
                "errors": shown.errors, "problem": shown.problem});
            render(state, req, &pr, Some(&clerk.user), "payment", shown.status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

/// `GET /staff/cases/{number}/payments`: the record form on its own page.
pub async fn form(req: HttpRequest, clerk: Clerk, path: web::Path<String>, state: web::Data<AppState>) -> HttpResponse {
    let shown = Shown { form: blank_form(&state), errors: BTreeMap::new(), problem: None, status: StatusCode::OK };
    form_page(&req, &clerk, &state, path.into_inner(), shown).await
}

/// `POST /staff/cases/{number}/payments`: records it, then 303 to the case page's payments.
pub async fn record(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let number = path.into_inner();
    let key = form_key(&f);
    let saved = match request(&f, state.today()) {
        Ok(p) => {
            let (ctx, user_id, n, k) = (state.letters.clone(), clerk.user.id, number.clone(), key.clone());
            run_db(&state.pool, move |c| payments::record(c, &n, &p, Some(&k), user_id, &ctx)).await
        }
        Err(e) => Err(e),
    };
    let mut typed = json!(f.fields);
    typed["key"] = json!(key);
    let (errors, problem, status) = match saved {
        Ok(a) => return see_other(&state, &pr, &format!("/staff/cases/{}?done=paid#payments", a.citation_number)),
        Err(AppError::Invalid { message, mut fields }) => {
            if fields.is_empty() {
                fields.insert("amount_cents".into(), message);
            }
            (fields, None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ AppError::Conflict(_)) => (BTreeMap::new(), Some(e.to_string()), StatusCode::CONFLICT),
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    form_page(&req, &clerk, &state, number, Shown { form: typed, errors, problem, status }).await
}

/// The reversal's confirm page for payment `id`, with the reason typed and what went wrong.
async fn confirm_page(
    req: &HttpRequest,
    clerk: &Clerk,
    state: &AppState,
    id: i64,
    reason: &str,
    error: Option<(String, StatusCode)>,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    match run_db(&state.pool, move |c| payments::find(c, id)).await {
        Ok((p, answer)) => {
            let reversed_at = answer.reversed_at.as_deref().map(|t| present::local(state, t));
            let payment = json!({"id": p.id, "amount_cents": p.amount_cents, "method": p.method,
                "reference": p.reference, "received_on": p.received_on, "reversal_reason": p.reversal_reason,
                "reversed_at": reversed_at});
            let (error, status) = error.map_or((None, StatusCode::OK), |(e, s)| (Some(e), s));
            let ctx = json!({"payment": payment, "case": answer, "status": answer.status, "balance": answer.balance,
                "reason": reason, "error": error});
            render(state, req, &pr, Some(&clerk.user), "payment_reverse", status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

/// `GET /staff/payments/{id}/reverse`: what would be reversed, and the reason to give.
pub async fn confirm(req: HttpRequest, clerk: Clerk, id: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    confirm_page(&req, &clerk, &state, id.into_inner(), "", None).await
}

/// `POST /staff/payments/{id}/reverse` `reason`: reversed, then 303 to the case's payments.
pub async fn reverse(
    req: HttpRequest,
    clerk: Clerk,
    id: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, reason) = (id.into_inner(), f.get("reason").to_string());
    let (ctx, user_id, r) = (state.letters.clone(), clerk.user.id, reason.clone());
    match run_db(&state.pool, move |c| payments::reverse(c, id, &r, user_id, &ctx)).await {
        Ok(a) => see_other(&state, &pr, &format!("/staff/cases/{}?done=reversed#payments", a.citation_number)),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let status = actix_web::ResponseError::status_code(&e);
            let text = match &e {
                AppError::Invalid { fields, .. } => fields.get("reason").cloned().unwrap_or_else(|| e.to_string()),
                other => other.to_string(),
            };
            confirm_page(&req, &clerk, &state, id, &reason, Some((text, status))).await
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `GET /staff/queues/refunds`: the cases paid beyond what is due, the longest waiting first.
pub async fn refunds(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    match run_db(&state.pool, refunds::list).await {
        Ok(list) => {
            let items: Vec<Value> = list
                .iter()
                .map(|r| {
                    let mut v = json!(r);
                    v["flagged_at"] = json!(present::local(&state, &r.flagged_at.and_utc().to_rfc3339()));
                    v
                })
                .collect();
            render(&state, &req, &pr, Some(&clerk.user), "refunds", StatusCode::OK, json!({"refunds": items}))
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
