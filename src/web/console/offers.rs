//! The prosecutor's console (issue 9), over the same service as the API (`services::offers`):
//! the queue of requests for an offer (`/staff/queues/offers`, oldest first), a case's review
//! with the offer form (`/staff/cases/{number}/offer`, `?pattern=` prefills it from a saved
//! pattern; fines typed in dollars), declining with a reason, withdrawing a pending offer, and
//! the evidence files the defendant sent (`/staff/evidence/{id}`). No JavaScript.

use super::{read_form, render, see_other};
use crate::domain::Cents;
use crate::error::AppError;
use crate::services::offers::{self, review, OfferLineRequest, OfferRequest};
use crate::web::pages::{self, form::FormData, PageRequest};
use crate::web::staff::{CaseReaders, ProsecutorOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Prosecutor = StaffPage<ProsecutorOrAdmin>;

/// `GET /staff/queues/offers`: the requests for an offer, oldest first, with their answer-by date.
pub async fn queue(req: HttpRequest, who: Prosecutor, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let ctx = state.letters.clone();
    match run_db(&state.pool, move |c| review::queue(c, &ctx)).await {
        Ok(rows) => render(&state, &req, &pr, Some(&who.user), "offers_queue", StatusCode::OK, json!({"rows": rows})),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// What the review page shows beside the case: the form as typed, its errors, a refusal.
#[derive(Default)]
struct Shown {
    typed: Option<Value>,
    errors: BTreeMap<String, String>,
    problem: Option<String>,
    reason_error: Option<String>,
}

async fn review_page(
    req: &HttpRequest,
    who: &Prosecutor,
    state: &AppState,
    number: String,
    pattern: Option<i64>,
    shown: Shown,
    status: StatusCode,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    let (actor, ctx) = (who.actor(), state.letters.clone());
    match run_db(&state.pool, move |c| review::review(c, &number, pattern, &actor, &ctx)).await {
        Ok(r) => {
            let ctx = json!({"r": r, "typed": shown.typed, "errors": shown.errors, "problem": shown.problem,
                "reason_error": shown.reason_error});
            render(state, req, &pr, Some(&who.user), "offer_review", status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

/// `GET /staff/cases/{number}/offer[?pattern=ID]`
pub async fn show(
    req: HttpRequest,
    who: Prosecutor,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let pattern = web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("pattern").and_then(|p| p.parse::<i64>().ok()));
    review_page(&req, &who, &state, path.into_inner(), pattern, Shown::default(), StatusCode::OK).await
}

/// The offer the form describes: `seq_{i}`, `offense_code_{i}`, `fine_{i}` (dollars), `points_{i}`
/// per line, `expires_on`, and `pending` (the offer the form amends, if any); a fine that is not
/// money is named on its line.
fn request(f: &FormData) -> (OfferRequest, BTreeMap<String, String>) {
    let mut bad = BTreeMap::new();
    let mut lines = Vec::new();
    for i in 0.. {
        let seq = f.get(&format!("seq_{i}")).trim().to_string();
        if seq.is_empty() {
            break;
        }
        let num = |k: &str| f.get(&format!("{k}_{i}")).trim().parse::<i64>().ok().map(Value::from);
        let fine = match Cents::parse_dollars(f.get(&format!("fine_{i}")).trim()) {
            Ok(c) => Some(json!(c.get())),
            Err(e) => {
                bad.insert(format!("charges[{i}].fine_cents"), e.0);
                None
            }
        };
        lines.push(OfferLineRequest {
            charge_seq: num("seq"),
            offense_code: Some(f.get(&format!("offense_code_{i}")).to_string()),
            fine_cents: fine,
            points: num("points"),
        });
    }
    let expires_on = Some(f.get("expires_on").trim().to_string());
    let seen_pending = Some(f.get("pending").trim().parse::<i64>().ok());
    (OfferRequest { charges: Some(lines), expires_on, seen_pending, ..OfferRequest::default() }, bad)
}

/// `POST /staff/cases/{number}/offer`: makes (or amends) the offer; 303 back to the review.
pub async fn make(
    req: HttpRequest,
    who: Prosecutor,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&who.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let number = path.into_inner();
    let (offer, mut bad) = request(&f);
    let (ctx, user_id, n) = (state.letters.clone(), who.user.id, number.clone());
    let saved = run_db(&state.pool, move |c| offers::make(c, &n, &offer, None, user_id, &ctx)).await;
    let typed = Some(json!(f.fields));
    let (shown, status) = match saved {
        Ok(a) if bad.is_empty() => {
            return see_other(&state, &pr, &format!("/staff/cases/{}/offer?done=offer_made", a.citation_number))
        }
        // Unreachable in practice: a fine that is not money never reaches the service as one.
        Ok(_) => (Shown { typed, errors: bad, ..Shown::default() }, StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::Invalid { mut fields, .. }) => {
            // A fine typed as something other than money: say so, not that it is missing.
            fields.append(&mut bad);
            (Shown { typed, errors: fields, ..Shown::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ AppError::Conflict(_)) => {
            (Shown { typed, problem: Some(e.to_string()), ..Shown::default() }, StatusCode::CONFLICT)
        }
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    review_page(&req, &who, &state, number, None, shown, status).await
}

/// `POST /staff/cases/{number}/offer/decline` `reason`: no offer; the charges go to a hearing.
pub async fn decline(
    req: HttpRequest,
    who: Prosecutor,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&who.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let number = path.into_inner();
    let body =
        OfferRequest { decline: Some(true), reason: Some(f.get("reason").to_string()), ..OfferRequest::default() };
    let (ctx, user_id, n) = (state.letters.clone(), who.user.id, number.clone());
    let result = run_db(&state.pool, move |c| offers::make(c, &n, &body, None, user_id, &ctx)).await;
    after_refusal(&req, &who, &state, &pr, number, result, "offer_declined").await
}

/// `POST /staff/offers/{id}/withdraw` `number`, `reason`: the pending offer is withdrawn.
pub async fn withdraw(
    req: HttpRequest,
    who: Prosecutor,
    id: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&who.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, number, reason) = (id.into_inner(), f.get("number").to_string(), f.get("reason").to_string());
    let (ctx, user_id) = (state.letters.clone(), who.user.id);
    let result = run_db(&state.pool, move |c| offers::withdraw(c, id, &reason, user_id, &ctx)).await;
    after_refusal(&req, &who, &state, &pr, number, result, "offer_withdrawn").await
}

/// After a decline or a withdrawal: 303 back to the review with `done`, or the review with the
/// reason's error or the lifecycle's refusal.
async fn after_refusal(
    req: &HttpRequest,
    who: &Prosecutor,
    state: &AppState,
    pr: &PageRequest,
    number: String,
    result: Result<offers::OfferAnswer, AppError>,
    done: &str,
) -> HttpResponse {
    let (shown, status) = match result {
        Ok(a) => return see_other(state, pr, &format!("/staff/cases/{}/offer?done={done}", a.citation_number)),
        Err(AppError::Invalid { message, fields }) => {
            let reason = fields.get("reason").cloned().unwrap_or(message);
            (Shown { reason_error: Some(reason), ..Shown::default() }, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e @ AppError::Conflict(_)) => {
            (Shown { problem: Some(e.to_string()), ..Shown::default() }, StatusCode::CONFLICT)
        }
        Err(e) => return pages::service_error(state, pr, e),
    };
    review_page(req, who, state, number, None, shown, status).await
}

/// `GET /staff/evidence/{id}`: a file the defendant sent with a plea (`evidence.read`).
pub async fn evidence(
    req: HttpRequest,
    who: StaffPage<CaseReaders>,
    id: web::Path<i64>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let (id, actor, data_dir) = (id.into_inner(), who.actor(), state.config.data_dir.clone());
    match run_db(&state.pool, move |c| review::evidence_file(c, &data_dir, id, &actor)).await {
        Ok((bytes, content_type, name)) => HttpResponse::Ok()
            .content_type(content_type)
            .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(bytes),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
