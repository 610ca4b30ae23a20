//! Error answers that no handler wrote as such — an unknown address (404), a method the address
//! does not take (405), an extractor's refusal, a template that failed — in the form the caller
//! reads: an HTML page in the resident's language, with a way back to the start page, for the
//! pages; the JSON error body for `/api`, `/healthz` and `/metrics`.

use super::{error_page, PageRequest};
use crate::error::AppError;
use crate::web::AppState;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse, ResponseError};

/// The middleware: every 4xx/5xx answer passes through [`fit`].
pub fn handlers<B: 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new().default_handler(fit)
}

/// Paths whose callers are programs: errors there are JSON.
pub fn is_machine_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/metrics"
}

/// The page words (heading, text) for an error status.
pub fn words_for(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => ("not_found_title", "not_found_body"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_title", "method_body"),
        StatusCode::PAYLOAD_TOO_LARGE => ("too_large_title", "too_large_body"),
        StatusCode::TOO_MANY_REQUESTS => ("rate_title", "rate_body"),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable_title", "unavailable_body"),
        s if s.is_server_error() => ("error_title", "error_body"),
        _ => ("error_title", "bad_request_body"),
    }
}

/// Keeps an error answer already in the caller's form (HTML for pages, JSON for programs);
/// rewrites any other (empty, plain text, or the wrong kind) for its status.
fn fit<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let machine = is_machine_path(res.request().path());
    let content_type =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let wanted = if machine { "application/json" } else { "text/html" };
    if content_type.starts_with(wanted) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let mut new = if machine {
        AppError::for_status(status).error_response()
    } else {
        match res.request().app_data::<web::Data<AppState>>() {
            Some(state) => {
                let pr = PageRequest::new(res.request(), None);
                let (heading, body) = words_for(status);
                error_page(state, &pr, status, heading, Some(body))
            }
            None => last_resort(),
        }
    };
    // An error page of the right status, whatever the template did.
    *new.status_mut() = status;
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = res.headers().get(&name) {
            new.headers_mut().insert(name, v.clone());
        }
    }
    let (req, _) = res.into_parts();
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(req, new).map_into_right_body()))
}

/// When even the error template fails: a fixed page in both languages, with the way back.
pub fn last_resort() -> HttpResponse {
    HttpResponse::InternalServerError()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(LAST_RESORT)
}

/// The page of [`last_resort`]: what a page whose template failed shows instead.
pub const LAST_RESORT: &str = concat!(
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
    "<title>Something went wrong</title></head><body><main>",
    "<h1>Something went wrong</h1><p>Nothing was saved. Please try again in a few minutes.</p>",
    "<p><a href=\"/\">Start again</a></p>",
    "<div lang=\"es\"><h2>Algo salió mal</h2><p>No se guardó nada. Intente de nuevo en unos minutos.</p>",
    "<p><a href=\"/\">Empezar de nuevo</a></p></div></main></body></html>"
);
