//! `/staff/sign-in` and `/staff/sign-out`: the session cookie is set on a good name and password
//! and cleared on sign-out. A locked account is told until when; after an idle end the page says
//! so and sign-in returns to the page the member was on.

use super::{expired, read_form, render, session_cookie, SESSION_COOKIE};
use crate::domain::sign_in::safe_return_path;
use crate::error::AppError;
use crate::services::staff_auth;
use crate::web::api::public::client;
use crate::web::pages::{self, PageRequest};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

/// The subject of the per-address rate limit on sign-in attempts.
pub const LIMIT_SUBJECT: &str = "staff sign-in";

#[derive(serde::Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    ended: Option<String>,
    signed_out: Option<String>,
}

fn next_of(next: Option<&str>) -> &str {
    next.and_then(safe_return_path).unwrap_or("")
}

/// `GET /staff/sign-in`
pub async fn form(req: HttpRequest, q: web::Query<SignInQuery>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let ended = q.ended.as_deref() == Some("1");
    let signed_out = q.signed_out.as_deref() == Some("1");
    let ctx = json!({
        "next": next_of(q.next.as_deref()), "ended": ended, "signed_out": signed_out, "idle": super::idle_words(&state),
    });
    render(&state, &req, &pr, None, "sign_in", StatusCode::OK, ctx)
}

/// `POST /staff/sign-in`: the session cookie and 303 to the page to return to; the form again
/// with the reason otherwise.
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let who = client(&req);
    if let Err(e) = state.limiter.peek(&who, None) {
        return pages::service_error(&state, &PageRequest::new(&req, None), e);
    }
    let (f, pr) = match read_form(&req, payload, &state, None).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let next = next_of(Some(f.get("next"))).to_string();
    let username = f.get("username").trim().to_string();
    let password = f.get("password").to_string();
    if let Err(e) = state.limiter.attempt(&who, LIMIT_SUBJECT).await {
        return pages::service_error(&state, &pr, e);
    }
    let idle = state.config.staff_idle;
    let typed = username.clone();
    let result = run_db(&state.pool, move |c| staff_auth::sign_in(c, &username, &password, idle)).await;
    let (status, error) = match result {
        Ok(session) => {
            state.limiter.succeeded(&who, LIMIT_SUBJECT).await;
            let to = if next.is_empty() { "/staff".to_string() } else { next };
            let mut resp = HttpResponse::SeeOther();
            resp.insert_header((header::LOCATION, to)).insert_header((header::CACHE_CONTROL, "no-store"));
            resp.cookie(session_cookie(&session.token, &state));
            return resp.finish();
        }
        Err(AppError::BadSignIn) => {
            state.limiter.failed(&who, LIMIT_SUBJECT).await;
            (
                StatusCode::UNAUTHORIZED,
                "The user name or the password is not right. Check them and try again.".to_string(),
            )
        }
        Err(AppError::Locked { until, .. }) => {
            let local = until.and_utc().with_timezone(&state.config.court_tz);
            (StatusCode::LOCKED, format!(
                "This account is locked after {} failed sign-ins in a row. Try again after {}, or ask an administrator to unlock it.",
                crate::domain::sign_in::MAX_FAILURES,
                local.format("%-I:%M %p")
            ))
        }
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    let ctx = json!({"next": next, "error": error, "form": {"username": typed}, "idle": super::idle_words(&state)});
    render(&state, &req, &pr, None, "sign_in", status, ctx)
}

/// `POST /staff/sign-out`: ends the session, clears the cookie, back to the sign-in page.
pub async fn sign_out(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (_, pr) = match read_form(&req, payload, &state, None).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()) {
        if let Err(e) = run_db(&state.pool, move |c| staff_auth::sign_out(c, &token)).await {
            return pages::service_error(&state, &pr, e);
        }
    }
    let mut resp = pages::redirect(&state, &pr, "/staff/sign-in?signed_out=1");
    let _ = resp.add_cookie(&expired(SESSION_COOKIE, &state));
    resp
}
