//! The start page and the look-up: citation number and date of birth → the case.

use super::draft::{self, flash_context, open_form};
use super::{date_from, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::drafts::CaseKey;
use crate::services::intake::{self, Identity};
use crate::web::api::public::{limit, outcome};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub async fn start(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, q.lang.as_deref());
    render(&state, &pr, "start", StatusCode::OK, json!({}))
}

/// `GET /lookup`: the form, with what was typed and what was wrong after a failed try.
pub async fn form(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let flash = d.flash_for("lookup");
    let (errors, error_list, message, status) = flash_context(flash, &word(&state, &pr, "charge"));
    let typed = flash.map(|f| f.typed.clone()).unwrap_or_default();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let ctx = json!({
        "form": {"citation_number": get("citation_number")},
        "dob_parts": {"month": get("date_of_birth_month"), "day": get("date_of_birth_day"), "year": get("date_of_birth_year")},
        "errors": errors, "error_list": error_list, "message": message,
    });
    render(&state, &pr, "lookup", status, ctx)
}

fn word(state: &AppState, pr: &PageRequest, key: &str) -> String {
    super::word(state, pr, key).as_str().unwrap_or_default().to_string()
}

/// `POST /case`: checks the identity; the case page on success, the form again otherwise.
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let mut d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let number = form.get("citation_number").trim().to_string();
    let dob = date_from(&form, "date_of_birth");
    if let Err(e) = limit(&state, &req, &number).await {
        return service_error(&state, &pr, e);
    }
    let (today, lang) = (state.today(), pr.lang);
    let found = match Identity::parse(&number, &dob, today, lang) {
        Ok(id) => {
            let found = run_db(&state.pool, move |c| {
                let case = intake::find_case(c, &id, lang)?;
                Ok((case.citation_number, case.date_of_birth.format("%Y-%m-%d").to_string()))
            })
            .await;
            outcome(&state, &req, &number, &found).await;
            found
        }
        Err(e) => Err(e),
    };
    match found {
        Ok((citation_number, date_of_birth)) => {
            let key = CaseKey { citation_number, date_of_birth };
            if d.case.as_ref() != Some(&key) {
                d.clear_plea();
            }
            d.case = Some(key);
            d.flash = None;
            draft::save_and_redirect(&state, pr, d, "/case").await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound(_))) => {
            d.flash = Some(draft::identity_flash(&state, &pr, &form, &e, "lookup", ("citation_number", number)));
            draft::save_and_redirect(&state, pr, d, "/lookup").await
        }
        Err(e) => service_error(&state, &pr, e),
    }
}
