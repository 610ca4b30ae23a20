//! The draft behind the `pd_draft` cookie, as the page handlers use it: read the form (with its
//! CSRF check), load the draft, change it, save it, redirect.

use super::form::FormData;
use super::{service_error, PageRequest};
use crate::db;
use crate::error::AppError;
use crate::services::drafts::{self, Draft, Flash};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use std::collections::BTreeMap;

/// The resident's draft (empty when there is none or it expired). A live one gets its cookie
/// sent again with a fresh short life.
pub async fn load(state: &AppState, pr: &mut PageRequest) -> Result<Draft, AppError> {
    let Some(token) = pr.draft_token.clone() else {
        return Ok(Draft::default());
    };
    let now = db::now();
    let t = token.clone();
    let found = run_db(&state.pool, move |c| drafts::load(c, &t, now)).await?;
    match found {
        Some(d) => {
            pr.send_draft = Some(token);
            Ok(d)
        }
        None => {
            pr.draft_token = None;
            Ok(Draft::default())
        }
    }
}

/// Saves the draft under the live token, or under a new one (never under a token the browser
/// made up or that expired).
pub async fn save(state: &AppState, pr: &mut PageRequest, draft: Draft) -> Result<(), AppError> {
    let live = pr.send_draft.clone();
    let now = db::now();
    let token = run_db(&state.pool, move |c| drafts::save(c, live.as_deref(), &draft, now)).await?;
    pr.draft_token = Some(token.clone());
    pr.send_draft = Some(token);
    Ok(())
}

/// Reads a POSTed form behind its CSRF and rate-limit checks (`guard`); the page to show instead
/// when one fails.
pub async fn open_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(FormData, PageRequest), HttpResponse> {
    super::guard::open_form(req, payload, state).await
}

/// A flash for `page`: what was typed and the errors in the order the page shows its fields
/// (`order` lists field names; any other field comes last).
pub fn flash(
    page: &str,
    typed: BTreeMap<String, String>,
    errors: &serde_json::Value,
    message: Option<String>,
    status: StatusCode,
    order: &[String],
) -> Flash {
    let mut list: Vec<(String, String)> = errors
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    let rank = |k: &str| order.iter().position(|o| o == k).unwrap_or(order.len());
    list.sort_by_key(|(k, _)| rank(k));
    Flash { page: page.to_string(), typed, errors: list, message, status: status.as_u16() }
}

/// The page's context parts from a flash: `errors` (field → message, beside the fields),
/// `error_list` (in page order, for the summary; a charge's error names the charge), `message`
/// and the status to answer with.
pub fn flash_context(
    flash: Option<&Flash>,
    charge_word: &str,
) -> (serde_json::Value, serde_json::Value, Option<String>, StatusCode) {
    let Some(f) = flash else {
        return (serde_json::json!({}), serde_json::json!([]), None, StatusCode::OK);
    };
    let map: serde_json::Map<String, serde_json::Value> =
        f.errors.iter().map(|(k, v)| (k.clone(), serde_json::json!(v))).collect();
    let list: Vec<serde_json::Value> = f
        .errors
        .iter()
        .map(|(k, v)| {
            let text = match k.strip_prefix("pleas.") {
                Some(seq) => format!("{charge_word} {seq}: {v}"),
                None => v.clone(),
            };
            serde_json::json!({"field": k, "text": text})
        })
        .collect();
    let status = StatusCode::from_u16(f.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    (serde_json::Value::Object(map), serde_json::json!(list), f.message.clone(), status)
}

/// Saves the draft and redirects; a failure to save is shown as the error page.
pub async fn save_and_redirect(state: &AppState, mut pr: PageRequest, draft: Draft, to: &str) -> HttpResponse {
    match save(state, &mut pr, draft).await {
        Ok(()) => super::redirect(state, &pr, to),
        Err(e) => service_error(state, &pr, e),
    }
}

/// The flash of a form that asks for an identity (a citation number or confirmation code, and a
/// birth date in three fields) after `e` refused it: what was typed, and the errors in page order.
pub fn identity_flash(
    state: &AppState,
    pr: &PageRequest,
    form: &FormData,
    e: &AppError,
    page: &str,
    (key, value): (&str, String),
) -> Flash {
    let (message, mut errors) = super::field_errors(e);
    if errors.get("date_of_birth").is_some() {
        errors["date_of_birth"] = super::word(state, pr, "dob_error");
    }
    let status = actix_web::ResponseError::status_code(e);
    let parts = super::date_parts(form, "date_of_birth");
    let mut typed = BTreeMap::new();
    typed.insert(key.to_string(), value);
    for p in ["month", "day", "year"] {
        typed.insert(format!("date_of_birth_{p}"), parts[p].as_str().unwrap_or_default().to_string());
    }
    let order = [key.to_string(), "date_of_birth".to_string()];
    flash(page, typed, &errors, message, status, &order)
}
