//! Asking for more time, a payment plan or community service (`GET/POST /status/hardship`), from
//! the status page: the case is the one the status session opened (its confirmation code and
//! birth date are kept in the draft, never in a URL). A request recorded goes back to the status
//! page with a notice; a refused one shows the form again with its errors.

use super::draft::{self, flash, flash_context, open_form};
use super::{redirect, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::drafts::StatusKey;
use crate::services::hardship::{self, HardshipRequestBody};
use crate::web::api::public::{limit, outcome};
use crate::web::{run_db, AppState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::collections::BTreeMap;

/// The form's fields, in the order the page shows them (for the error summary).
const FIELDS: [&str; 2] = ["kind", "statement"];

pub async fn form(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    if d.status.is_none() {
        return redirect(&state, &pr, "/status");
    }
    let flash = d.flash_for("hardship");
    let (errors, error_list, message, status) = flash_context(flash, "");
    let typed = flash.map(|f| f.typed.clone()).unwrap_or_default();
    let ctx =
        json!({"form": typed, "errors": errors, "error_list": error_list, "message": message, "back": "/status/case"});
    render(&state, &pr, "hardship", status, ctx)
}

/// `POST /status/hardship` `{kind, statement}`
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let mut d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let Some(StatusKey { confirmation, date_of_birth }) = d.status.clone() else {
        return redirect(&state, &pr, "/status");
    };
    if let Err(e) = limit(&state, &req, &confirmation).await {
        return service_error(&state, &pr, e);
    }
    let body = HardshipRequestBody {
        confirmation: confirmation.clone(),
        date_of_birth,
        kind: form.get("kind").to_string(),
        statement: form.get("statement").to_string(),
        language: None,
    };
    let (lang, today, tz) = (pr.lang, state.today(), state.config.court_tz);
    let result = run_db(&state.pool, move |c| hardship::request(c, &body, "online", today, lang, tz)).await;
    outcome(&state, &req, &confirmation, &result).await;
    match result {
        Ok(_) => {
            d.flash = None;
            d.notice = Some("hardship_sent".into());
            draft::save_and_redirect(&state, pr, d, "/status/case").await
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let (message, errors) = super::field_errors(&e);
            let status = actix_web::ResponseError::status_code(&e);
            let typed: BTreeMap<String, String> =
                FIELDS.iter().map(|k| (k.to_string(), form.get(k).to_string())).collect();
            let order: Vec<String> = FIELDS.iter().map(|s| s.to_string()).collect();
            d.flash = Some(flash("hardship", typed, &errors, message, status, &order));
            draft::save_and_redirect(&state, pr, d, "/status/hardship").await
        }
        Err(AppError::NotFound(_)) => redirect(&state, &pr, "/status"),
        Err(e) => service_error(&state, &pr, e),
    }
}
