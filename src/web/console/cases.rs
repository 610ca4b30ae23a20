//! Case search and the case page, over the same services as `POST /api/v1/citations/search` and
//! `GET /api/v1/citations/{number}` (each an audit event there), and a letter's PDF for the
//! console's session (the same service as `GET /api/v1/letters/{id}/pdf`).
//!
//! The search keys (a name, a date of birth, a plate) are personal data, so they travel only in
//! the POST's body and the results are rendered in answer to that POST (200, `no-store`): a
//! search changes nothing, so there is nothing to redirect away from, and no server-side state
//! has to hold the keys. A single hit goes straight (303) to its case page. The case page is
//! addressed by the citation number, as the API's is: a number printed on the ticket, not a
//! person's name, birth date or address.

use super::present::{self, localize};
use super::{read_form, render, timeline};
use crate::domain::CitationNumber;
use crate::error::AppError;
use crate::services::{case, case_search, case_view};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{CaseReaders, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

type Reader = StaffPage<CaseReaders>;

/// `GET /staff/cases`: the three ways to search.
pub async fn form(req: HttpRequest, staff: Reader, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    render(&state, &req, &pr, Some(&staff.user), "cases", StatusCode::OK, json!({"by": "citation_number"}))
}

/// `POST /staff/cases`: one search; the results in answer (or 303 to the one case found).
pub async fn search(
    req: HttpRequest,
    staff: Reader,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&staff.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let by = f.get("by").to_string();
    let given = |k: &str| (by == k || (by == "last_name" && k == "date_of_birth")).then(|| f.get(k).to_string());
    let query = case_search::SearchRequest {
        citation_number: given("citation_number"),
        last_name: given("last_name"),
        date_of_birth: (by == "last_name").then(|| pages::date_from(&f, "date_of_birth")),
        plate: given("plate"),
    };
    let (actor, today) = (staff.actor(), state.today());
    match run_db(&state.pool, move |c| case_search::search(c, &query, today, &actor)).await {
        Ok(found) if found.count == 1 => {
            super::see_other(&state, &pr, &format!("/staff/cases/{}", found.citations[0].citation_number))
        }
        Ok(found) => {
            let ctx = json!({"by": by, "found": found, "searched": true, "form": f.fields});
            render(&state, &req, &pr, Some(&staff.user), "cases", StatusCode::OK, ctx)
        }
        Err(e @ AppError::Invalid { .. }) => {
            let (message, mut fields) = pages::field_errors(&e);
            if fields.as_object().is_some_and(|m| m.is_empty()) {
                fields = json!({ by.clone(): message });
            }
            let ctx = json!({"by": by, "errors": fields, "form": f.fields});
            render(&state, &req, &pr, Some(&staff.user), "cases", StatusCode::UNPROCESSABLE_ENTITY, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `GET /staff/cases/{number}`: the whole case; opening it is the `citation.read` event.
pub async fn show(
    req: HttpRequest,
    staff: Reader,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let number = match CitationNumber::parse(&path.into_inner()) {
        Ok(n) => n,
        Err(e) => return pages::service_error(&state, &pr, AppError::NotFound(e.to_string())),
    };
    let (actor, today, tz, rules) =
        (staff.actor(), state.today(), state.config.court_tz, state.config.court.after_plea);
    let read = run_db(&state.pool, move |c| {
        let view = case::read_case(c, &number, &actor)?;
        let next = case_view::next_deadline(c, &number, today, tz, rules)?;
        Ok((view, next, present::staff_names(c)?))
    })
    .await;
    let (view, next, names) = match read {
        Ok(x) => x,
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    let next = next.map(|(kind, date)| json!({"label": kind.label(), "date": date.to_string()}));
    let timeline = timeline::lines(&state, &view, &names);
    let mut case = serde_json::to_value(&view).unwrap_or(Value::Null);
    localize(&state, &mut case["submissions"], &["received_at", "set_aside_at"]);
    localize(&state, &mut case["letters"], &["created_at"]);
    localize(&state, &mut case["offers"], &["created_at", "decided_at"]);
    let saved = req.query_string().contains("saved=");
    let ctx = json!({"case": case, "next": next, "timeline": timeline, "can_act": staff.user.role != crate::domain::Role::Prosecutor, "saved": saved});
    render(&state, &req, &pr, Some(&staff.user), "case", StatusCode::OK, ctx)
}

/// `GET /staff/letters/{id}/pdf`: a letter's PDF (the `letter.read` event, as through the API).
pub async fn letter_pdf(
    req: HttpRequest,
    staff: Reader,
    id: web::Path<i64>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (id, actor, ctx) = (id.into_inner(), staff.actor(), state.letters.clone());
    let got = run_db(&state.pool, move |c| {
        Ok((case::read_letter_pdf(c, id, &actor, &ctx)?, crate::services::downloads::file_name(c, id)?))
    })
    .await;
    match got {
        Ok((bytes, name)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&name)))
            .insert_header((header::CACHE_CONTROL, "private, no-store"))
            .body(bytes),
        Err(e) => pages::service_error(&state, &PageRequest::new(&req, None), e),
    }
}
