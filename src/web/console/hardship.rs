//! Requests from defendants unable to pay, for clerks and admins (`services::hardship::decide`):
//! the queue, oldest first (`GET /staff/queues/hardship`); one request with its case, balance and
//! statement (`GET /staff/hardship/{id}`); and its decision — granted with terms
//! (`POST …/grant`) or denied with a reason (`POST …/deny`) — each answered with 303 back to the
//! request, or the page again with the errors beside the fields.

use super::{present, read_form, render, see_other};
use crate::domain::hardship::GrantInput;
use crate::error::AppError;
use crate::services::hardship::decide::{self, Verdict};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

type Clerk = StaffPage<ClerkOrAdmin>;

/// `GET /staff/queues/hardship`
pub async fn queue(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    match run_db(&state.pool, decide::queue).await {
        Ok(rows) => {
            let mut items = json!(rows);
            present::localize(&state, &mut items, &["requested_at"]);
            render(&state, &req, &pr, Some(&clerk.user), "hardship_queue", StatusCode::OK, json!({"requests": items}))
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// What the request page shows besides the request: what was typed and what went wrong.
struct Shown {
    form: Value,
    errors: BTreeMap<String, String>,
    problem: Option<String>,
    status: StatusCode,
}

async fn page(req: &HttpRequest, clerk: &Clerk, state: &AppState, id: i64, shown: Shown) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    let (user_id, ctx) = (clerk.user.id, state.letters.clone());
    match run_db(&state.pool, move |c| decide::view(c, id, user_id, &ctx)).await {
        Ok(v) => {
            let mut r = json!(v);
            for key in ["requested_at", "decided_at"] {
                if let Some(t) = v_str(&r, key) {
                    r[key] = json!(present::local(state, &t));
                }
            }
            let ctx = json!({"r": r, "status": v.case_status, "balance": v.balance, "form": shown.form,
                "errors": shown.errors, "problem": shown.problem});
            render(state, req, &pr, Some(&clerk.user), "hardship_request", shown.status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

fn v_str(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

/// `GET /staff/hardship/{id}`
pub async fn show(req: HttpRequest, clerk: Clerk, id: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    let shown = Shown { form: json!({}), errors: BTreeMap::new(), problem: None, status: StatusCode::OK };
    page(&req, &clerk, &state, id.into_inner(), shown).await
}

/// `POST /staff/hardship/{id}/grant` `{kind, due_on, instalments, per_month, first_due_on, hours}`
pub async fn grant(
    req: HttpRequest,
    clerk: Clerk,
    id: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    decide_with(req, clerk, id.into_inner(), payload, state, true).await
}

/// `POST /staff/hardship/{id}/deny` `{reason}`
pub async fn deny(
    req: HttpRequest,
    clerk: Clerk,
    id: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    decide_with(req, clerk, id.into_inner(), payload, state, false).await
}

fn verdict(fields: &HashMap<String, String>, grant: bool) -> Verdict<'_> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    if grant {
        Verdict::Grant(GrantInput {
            kind: get("kind"),
            due_on: get("due_on"),
            instalments: get("instalments"),
            per_month: get("per_month"),
            first_due_on: get("first_due_on"),
            hours: get("hours"),
        })
    } else {
        Verdict::Deny(get("reason"))
    }
}

async fn decide_with(
    req: HttpRequest,
    clerk: Clerk,
    id: i64,
    payload: web::Payload,
    state: web::Data<AppState>,
    grant: bool,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (ctx, user_id, form) = (state.letters.clone(), clerk.user.id, f.fields.clone());
    let done = if grant { "granted" } else { "denied" };
    let result = run_db(&state.pool, move |c| decide::decide(c, id, &verdict(&form, grant), user_id, &ctx)).await;
    let (errors, problem, status) = match result {
        Ok(_) => return see_other(&state, &pr, &format!("/staff/hardship/{id}?done={done}")),
        Err(AppError::Invalid { fields, .. }) => (fields, None, StatusCode::UNPROCESSABLE_ENTITY),
        Err(e @ AppError::Conflict(_)) => (BTreeMap::new(), Some(e.to_string()), StatusCode::CONFLICT),
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    let mut typed = json!(f.fields);
    typed["decision"] = json!(if grant { "grant" } else { "deny" });
    page(&req, &clerk, &state, id, Shown { form: typed, errors, problem, status }).await
}
