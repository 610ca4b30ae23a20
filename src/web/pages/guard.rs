//! What every page POST passes before its body is read, and before any uploaded file in it is:
//! a browser that was never given a CSRF cookie is refused at once, as is a client address over
//! its identity-check limit; the fields that come before the first file (the CSRF token, the
//! citation number) are checked before the file is read.

use super::form::{self, FormData};
use super::{error_page, service_error, PageRequest};
use crate::error::AppError;
use crate::web::api::public::client;
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};

/// Reads a page form behind the checks above; the page to show instead when one fails.
pub async fn open_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(FormData, PageRequest), HttpResponse> {
    let before = PageRequest::new(req, None);
    let csrf_page = |pr: &PageRequest| error_page(state, pr, StatusCode::FORBIDDEN, "csrf_title", Some("csrf_body"));
    if before.set_csrf {
        // No CSRF cookie: no token in the body can match; the page sets one for next time.
        return Err(csrf_page(&before));
    }
    let who = client(req);
    if let Err(e) = state.limiter.peek(&who, None) {
        return Err(service_error(state, &before, e));
    }
    let gate = |fields: &FormData| -> Result<(), AppError> {
        if !before.check_csrf(fields.get("csrf")) {
            return Err(AppError::Forbidden("the form's CSRF token does not match".into()));
        }
        let subject = [fields.get("citation_number"), fields.get("confirmation")].into_iter().find(|s| !s.is_empty());
        state.limiter.peek(&who, subject)
    };
    let form = match form::read(req, payload, &gate).await {
        Ok(f) => f,
        Err(AppError::Forbidden(_)) => return Err(csrf_page(&before)),
        Err(e) => return Err(service_error(state, &before, e)),
    };
    let pr = PageRequest::new(req, Some(form.get("switch_lang")));
    Ok((form, pr))
}
