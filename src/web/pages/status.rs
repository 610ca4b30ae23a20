//! After a plea: the confirmation (`GET /plea/confirmation`), the status look-up (`GET/POST
//! /status`), the status page (`GET /status/case`) and letter downloads (`POST /status/letter`).
//! The confirmation code and birth date that open a case are kept in the draft, never in a URL.

use super::draft::{self, flash_context, open_form};
use super::{date_from, redirect, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::drafts::StatusKey;
use crate::services::status::{self, StatusView};
use crate::web::api::public::{limit, outcome};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

/// The status of the plea the draft names, or where to go instead.
pub(super) async fn view_of_draft(
    state: &AppState,
    pr: &mut PageRequest,
) -> Result<(StatusView, Option<String>), HttpResponse> {
    let d = draft::load(state, pr).await.map_err(|e| service_error(state, pr, e))?;
    let Some(StatusKey { confirmation, date_of_birth }) = d.status else {
        return Err(redirect(state, pr, "/status"));
    };
    let (lang, tz, today, court) = (pr.lang, state.config.court_tz, state.today(), state.config.court.clone());
    let result =
        run_db(&state.pool, move |c| status::status(c, &confirmation, &date_of_birth, today, lang, tz, &court)).await;
    match result {
        Ok(view) => Ok((view, d.notice)),
        Err(AppError::NotFound(_)) => Err(redirect(state, pr, "/status")),
        Err(e) => Err(service_error(state, pr, e)),
    }
}

pub async fn confirmation(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let (view, _) = match view_of_draft(&state, &mut pr).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let letter_id = view.letters.iter().find(|l| l.kind == "acknowledgement").map(|l| l.id);
    let receipt = json!({"confirmation": view.confirmation, "letter_id": letter_id});
    render(&state, &pr, "confirmation", StatusCode::OK, json!({"receipt": receipt, "view": view}))
}

pub async fn form(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let flash = d.flash_for("status_form");
    let (errors, error_list, message, status) = flash_context(flash, "");
    let typed = flash.map(|f| f.typed.clone()).unwrap_or_default();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let ctx = json!({
        "form": {"confirmation": get("confirmation")},
        "dob_parts": {"month": get("date_of_birth_month"), "day": get("date_of_birth_day"), "year": get("date_of_birth_year")},
        "errors": errors, "error_list": error_list, "message": message, "back": "/",
    });
    render(&state, &pr, "status_form", status, ctx)
}

/// `POST /status`: checks the code and birth date; the status page, or the form again.
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let mut d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let confirmation = form.get("confirmation").trim().to_string();
    let dob = date_from(&form, "date_of_birth");
    if let Err(e) = limit(&state, &req, &confirmation).await {
        return service_error(&state, &pr, e);
    }
    let (lang, tz, today, court) = (pr.lang, state.config.court_tz, state.today(), state.config.court.clone());
    let (code, birth) = (confirmation.clone(), dob.clone());
    let result = run_db(&state.pool, move |c| status::status(c, &code, &birth, today, lang, tz, &court)).await;
    outcome(&state, &req, &confirmation, &result).await;
    match result {
        Ok(view) => {
            let birth = chrono::NaiveDate::parse_from_str(&dob, "%Y-%m-%d")
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or(dob);
            d.status = Some(StatusKey { confirmation: view.confirmation, date_of_birth: birth });
            d.notice = None;
            d.flash = None;
            draft::save_and_redirect(&state, pr, d, "/status/case").await
        }
        Err(e @ (AppError::NotFound(_) | AppError::Invalid { .. })) => {
            d.flash =
                Some(draft::identity_flash(&state, &pr, &form, &e, "status_form", ("confirmation", confirmation)));
            draft::save_and_redirect(&state, pr, d, "/status").await
        }
        Err(e) => service_error(&state, &pr, e),
    }
}

pub async fn show(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let (view, notice) = match view_of_draft(&state, &mut pr).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    render(&state, &pr, "status", StatusCode::OK, json!({"view": view, "notice": notice, "back": "/status"}))
}

/// `POST /status/letter` `{letter_id}`: a letter of the case the draft opened.
pub async fn letter(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let Some(StatusKey { confirmation, date_of_birth: dob }) = d.status else {
        return redirect(&state, &pr, "/status");
    };
    if let Err(e) = limit(&state, &req, &confirmation).await {
        return service_error(&state, &pr, e);
    }
    let Ok(letter_id) = form.get("letter_id").parse::<i64>() else {
        return super::error_page(&state, &pr, StatusCode::NOT_FOUND, "not_found_title", None);
    };
    let (lang, today, ctx) = (pr.lang, state.today(), state.letters.clone());
    let code = confirmation.clone();
    let result = run_db(&state.pool, move |c| {
        // Whether the letter is the case's own is checked before anything is rendered.
        let pdf = status::letter_pdf_rendered(c, &code, &dob, letter_id, today, lang, &ctx)?;
        Ok((pdf, crate::services::downloads::file_name(c, letter_id)?))
    })
    .await;
    outcome(&state, &req, &confirmation, &result).await;
    match result {
        Ok((pdf, name)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&name)))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(pdf),
        Err(e) => service_error(&state, &pr, e),
    }
}
