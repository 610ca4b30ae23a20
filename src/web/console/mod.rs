//! The staff console: server-rendered pages under `/staff` for clerks, prosecutors and admins,
//! in the same design system as the residents' pages, working without JavaScript. Each page
//! names its guard (`StaffPage<R>` in `web/staff.rs`); every form carries the CSRF token and
//! answers its POST with 303 to a GET. The menu shows each role only its own pages.

mod admin;
mod cases;
mod charts;
mod court;
mod dashboard;
mod envelopes;
mod hardship;
mod keying;
mod letter_preview;
mod offer_patterns;
mod offers;
mod payments;
mod present;
mod queues;
mod reports;
mod scan_pages;
mod scans;
mod sign_in;
mod timeline;

pub use sign_in::LIMIT_SUBJECT;

use crate::auth::StaffUser;
use crate::domain::Role;
use crate::error::AppError;
use crate::web::pages::{self, form, PageRequest};
use crate::web::routes::RouteTable;
use crate::web::AppState;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

/// The sign-in session's cookie (the session token; HttpOnly, SameSite=Strict, Secure on https).
pub const SESSION_COOKIE: &str = "pd_staff";
/// A secret shown once (a new password or token), carried from the POST to the page that shows
/// it in a cookie that lives a minute and is cleared when shown: never in an address or a row.
const ONCE_COOKIE: &str = "pd_once";

/// The console's routes.
pub fn routes(t: &mut RouteTable) {
    t.get("/staff", dashboard::show)
        .get("/staff/sign-in", sign_in::form)
        .post("/staff/sign-in", sign_in::submit)
        .post("/staff/sign-out", sign_in::sign_out)
        .get("/staff/admin/users", admin::users)
        .post("/staff/admin/users", admin::add)
        .get("/staff/admin/users/{id}", admin::user)
        .post("/staff/admin/users/{id}/{action}", admin::act)
        .post("/staff/admin/tokens/{id}/revoke", admin::revoke)
        .get("/staff/admin/court", court::show)
        .post("/staff/admin/court/holidays", court::add)
        .post("/staff/admin/court/holidays/{day}/remove", court::remove)
        .get("/staff/admin/letters", letter_preview::index)
        .get("/staff/admin/letters/{kind}/{lang}.pdf", letter_preview::pdf)
        .get("/staff/reports", reports::show)
        .get("/staff/reports.csv", reports::csv)
        .get("/staff/cases", cases::form)
        .post("/staff/cases", cases::search)
        .get("/staff/cases/{number}", cases::show)
        .get("/staff/cases/{number}/payments", payments::form)
        .post("/staff/cases/{number}/payments", payments::record)
        .get("/staff/payments/{id}/reverse", payments::confirm)
        .post("/staff/payments/{id}/reverse", payments::reverse)
        .get("/staff/queues/refunds", payments::refunds)
        .get("/staff/queues/hardship", hardship::queue)
        .get("/staff/hardship/{id}", hardship::show)
        .post("/staff/hardship/{id}/grant", hardship::grant)
        .post("/staff/hardship/{id}/deny", hardship::deny)
        .get("/staff/queues/offers", offers::queue)
        .get("/staff/cases/{number}/offer", offers::show)
        .post("/staff/cases/{number}/offer", offers::make)
        .post("/staff/cases/{number}/offer/decline", offers::decline)
        .post("/staff/offers/{id}/withdraw", offers::withdraw)
        .get("/staff/evidence/{id}", offers::evidence)
        .get("/staff/admin/offer-patterns", offer_patterns::list)
        .post("/staff/admin/offer-patterns", offer_patterns::add)
        .post("/staff/admin/offer-patterns/{id}/{action}", offer_patterns::act)
        .get("/staff/letters/{id}/pdf", cases::letter_pdf)
        .get("/staff/queues/unmatched", queues::unmatched)
        .get("/staff/queues/deficient", queues::deficient)
        .get("/staff/queues/duplicates", queues::duplicates)
        .get("/staff/queues/linked", queues::linked)
        .get("/staff/queues/envelopes", envelopes::oldest)
        .post("/staff/submissions/{id}/link", queues::link)
        .post("/staff/submissions/{id}/decide", queues::decide)
        .get("/staff/scans", scans::form)
        .post("/staff/scans", scans::upload)
        .get("/staff/scans/separator.pdf", scans::separator)
        .get("/staff/scans/{document_id}", scans::show)
        .post("/staff/scans/{document_id}/envelopes/{envelope}/move", scans::move_page)
        .get("/staff/scans/{document_id}/original", scan_pages::original)
        .get("/staff/scans/{document_id}/pages/{page}", scan_pages::show)
        .get("/staff/scans/{document_id}/pages/{page}/image", scan_pages::image)
        .get("/staff/envelopes/{id}", envelopes::show)
        .post("/staff/envelopes/{id}", envelopes::submit)
        .post("/staff/envelopes/{id}/not-a-plea", envelopes::not_a_plea)
        .post("/staff/envelopes/{id}/reopen", envelopes::reopen)
        .post("/staff/envelopes/{id}/offer-slip", envelopes::offer_slip)
        .get("/staff/pleas/new", keying::form)
        .post("/staff/pleas/new", keying::submit)
        .get("/staff/pleas/{id}", keying::result);
}

/// The menu: (label, address, roles that see it). Pages not built yet are simply not listed.
const MENU: &[(&str, &str, &[Role])] = &[
    ("Dashboard", "/staff", &[Role::Clerk, Role::Prosecutor, Role::Admin]),
    ("Case search", "/staff/cases", &[Role::Clerk, Role::Prosecutor, Role::Admin]),
    ("Scans", "/staff/scans", &[Role::Clerk, Role::Admin]),
    ("Key in a paper plea", "/staff/pleas/new", &[Role::Clerk, Role::Admin]),
    ("Unmatched pleas", "/staff/queues/unmatched", &[Role::Clerk, Role::Admin]),
    ("Deficient pleas", "/staff/queues/deficient", &[Role::Clerk, Role::Admin]),
    ("Duplicate pleas", "/staff/queues/duplicates", &[Role::Clerk, Role::Admin]),
    ("Refunds owed", "/staff/queues/refunds", &[Role::Clerk, Role::Admin]),
    ("Unable to pay", "/staff/queues/hardship", &[Role::Clerk, Role::Admin]),
    ("Offer requests", "/staff/queues/offers", &[Role::Prosecutor, Role::Admin]),
    ("Reports", "/staff/reports", &[Role::Clerk, Role::Prosecutor, Role::Admin]),
    ("Users and tokens", "/staff/admin/users", &[Role::Admin]),
    ("Letter templates", "/staff/admin/letters", &[Role::Admin]),
    ("Offer patterns", "/staff/admin/offer-patterns", &[Role::Admin]),
    ("Court profile", "/staff/admin/court", &[Role::Admin]),
];

fn menu(user: &StaffUser, path: &str) -> Value {
    let items: Vec<Value> = MENU
        .iter()
        .filter(|(_, _, roles)| roles.contains(&user.role))
        .map(|(label, href, _)| {
            let current = path == *href || (*href != "/staff" && path.starts_with(&format!("{href}/")));
            json!({"label": label, "href": href, "current": current})
        })
        .collect();
    json!(items)
}

/// The one-line confirmations after a save, by the `done` word the POST's redirect carries (a
/// fixed word, never personal data).
const DONE: &[(&str, &str)] = &[
    ("linked", "The plea was linked to its citation."),
    ("keyed", "The paper plea was recorded."),
    ("uploaded", "The scan was uploaded and split into envelopes."),
    ("uploaded_many", "The scans were uploaded; each is its own batch, listed below."),
    ("moved", "The page was moved and both envelopes were linked again."),
    ("decided", "The decision was recorded: the chosen plea stands and the other is set aside."),
    ("not_a_plea", "The envelope was set aside as not a plea; it can be reopened from its batch."),
    ("reopened", "The envelope is back in the queue: key its plea."),
    ("paid", "The payment was recorded and applied to the balance."),
    ("reversed", "The payment was reversed: it stays on the record and no longer counts."),
    ("granted", "The request was granted; the letter with the new terms is queued."),
    ("denied", "The request was denied; the letter with the reason is queued."),
    ("offer_made", "The offer was made and the plea offer letter queued."),
    ("offer_declined", "The request was declined: the charges are set for a hearing and the notice queued."),
    ("offer_withdrawn", "The offer was withdrawn: the charges are set for a hearing and the notice queued."),
    ("pattern_saved", "The pattern was saved."),
    (
        "holiday_added",
        "The holiday was added. Open cases whose answer was due that day now have until the next business day.",
    ),
    ("holiday_removed", "The holiday was removed. Deadlines already given stay as they are."),
];

/// A fresh key for a form that records something, sent back as its Idempotency-Key: a
/// double-clicked save records once.
pub fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The key a form was sent with, or a fresh one if it is not one of ours.
pub fn form_key(f: &form::FormData) -> String {
    match f.get("key").trim() {
        k if (16..=64).contains(&k.len()) && k.chars().all(|c| c.is_ascii_hexdigit()) => k.to_string(),
        _ => new_key(),
    }
}

/// "30 minutes" (or seconds, when a test or demonstration set less than a minute).
pub fn idle_words(state: &AppState) -> String {
    let secs = state.config.staff_idle.num_seconds();
    match secs {
        s if s < 60 => format!("{s} seconds"),
        60 => "1 minute".into(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{:.1} minutes", s as f64 / 60.0),
    }
}

/// Renders `console/{name}.html` with the shared context: the court, the CSRF token, and for a
/// signed-in member their name, role and menu.
pub fn render(
    state: &AppState,
    req: &HttpRequest,
    pr: &PageRequest,
    user: Option<&StaffUser>,
    name: &str,
    status: StatusCode,
    mut ctx: Value,
) -> HttpResponse {
    if let Value::Object(map) = &mut ctx {
        map.insert("court".into(), state.pages.court().clone());
        map.insert("csrf".into(), json!(pr.csrf));
        if let Some(u) = user {
            map.insert("user".into(), json!({"username": u.username, "role": u.role.as_str()}));
            map.insert("menu".into(), menu(u, req.path()));
        }
        let done = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.get("done").and_then(|d| DONE.iter().find(|(k, _)| k == d)).map(|(_, text)| *text));
        if let Some(text) = done {
            map.insert("done".into(), json!(text));
        }
    }
    let body = match state.pages.render_template(&format!("console/{name}.html"), &ctx) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "console template failed");
            return pages::errors::last_resort();
        }
    };
    let mut resp = HttpResponse::build(status);
    resp.content_type("text/html; charset=utf-8");
    pages::with_cookies(&mut resp, &state.pages, pr);
    resp.body(body)
}

/// A page with a heading and a line of text (refusals, errors).
pub fn message(
    state: &AppState,
    req: &HttpRequest,
    user: Option<&StaffUser>,
    status: StatusCode,
    heading: &str,
    text: &str,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    render(state, req, &pr, user, "message", status, json!({"heading": heading, "text": text}))
}

/// 403: the member's role may not open this page.
pub fn forbidden(state: &AppState, req: &HttpRequest, user: &StaffUser) -> HttpResponse {
    let text = format!(
        "Your role ({}) does not give access to this page. Use the menu for the pages you can open, or ask an administrator.",
        user.role
    );
    message(state, req, Some(user), StatusCode::FORBIDDEN, "You cannot open this page", &text)
}

/// 303 to the sign-in page, with this page to come back to (a GET's own address; after a form,
/// the dashboard) and, when the session ended without use, a word that it did.
pub fn to_sign_in(state: &AppState, req: &HttpRequest, ended: bool) -> HttpResponse {
    let here = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    let next = (req.method() == actix_web::http::Method::GET)
        .then_some(here.as_str())
        .and_then(crate::domain::sign_in::safe_return_path);
    let mut query: Vec<(&str, &str)> = Vec::new();
    if let Some(n) = next.filter(|n| *n != "/staff") {
        query.push(("next", n));
    }
    if ended {
        query.push(("ended", "1"));
    }
    let to = match serde_urlencoded::to_string(&query) {
        Ok(q) if !q.is_empty() => format!("/staff/sign-in?{q}"),
        _ => "/staff/sign-in".to_string(),
    };
    let mut resp = HttpResponse::SeeOther();
    resp.insert_header((header::LOCATION, to)).insert_header((header::CACHE_CONTROL, "no-store"));
    if ended {
        resp.cookie(expired(SESSION_COOKIE, state));
    }
    resp.finish()
}

fn cookie<'a>(name: &'a str, value: &'a str, state: &AppState) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(state.pages.secure_cookies())
        .same_site(SameSite::Strict)
        .finish()
}

/// The cookie that carries a new session (a browser-session cookie; the server ends it when idle).
pub fn session_cookie<'a>(token: &'a str, state: &AppState) -> Cookie<'a> {
    cookie(SESSION_COOKIE, token, state)
}

/// A cookie that tells the browser to forget `name`.
pub fn expired<'a>(name: &'a str, state: &AppState) -> Cookie<'a> {
    let mut c = cookie(name, "", state);
    c.make_removal();
    c
}

/// A 303 to `to` after a staff form, with the CSRF cookie kept as it was.
pub fn see_other(state: &AppState, pr: &PageRequest, to: &str) -> HttpResponse {
    pages::redirect(state, pr, to)
}

/// Carries a secret to be shown once on the next page: `kind` (password or token), for whom.
pub fn see_other_with_secret(
    state: &AppState,
    pr: &PageRequest,
    to: &str,
    kind: &str,
    id: i64,
    secret: &str,
) -> HttpResponse {
    let mut resp = pages::redirect(state, pr, to);
    let value = format!("{kind}.{id}.{secret}");
    let mut c = cookie(ONCE_COOKIE, &value, state);
    c.set_path("/staff/admin");
    c.set_max_age(actix_web::cookie::time::Duration::minutes(1));
    // A value the browser just set cannot fail to be a header.
    let _ = resp.add_cookie(&c);
    resp
}

/// The secret carried by [`see_other_with_secret`] if any: (kind, id, secret); the response
/// must then clear it with [`forget_secret`].
pub fn take_secret(req: &HttpRequest) -> Option<(String, i64, String)> {
    let c = req.cookie(ONCE_COOKIE)?;
    let mut parts = c.value().splitn(3, '.');
    let (kind, id, secret) = (parts.next()?, parts.next()?.parse().ok()?, parts.next()?);
    Some((kind.to_string(), id, secret.to_string()))
}

pub fn forget_secret(resp: &mut HttpResponse, state: &AppState) {
    let mut c = expired(ONCE_COOKIE, state);
    c.set_path("/staff/admin");
    let _ = resp.add_cookie(&c);
}

/// Reads a console form (URL-encoded, limited) whose CSRF token must match; the page to show
/// instead when it does not.
pub async fn read_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
    user: Option<&StaffUser>,
) -> Result<(form::FormData, PageRequest), HttpResponse> {
    let pr = PageRequest::new(req, None);
    let gate = |fields: &form::FormData| -> Result<(), AppError> {
        if pr.check_csrf(fields.get("csrf")) {
            Ok(())
        } else {
            Err(AppError::Forbidden("the form's CSRF token does not match".into()))
        }
    };
    match form::read(req, payload, &gate).await {
        Ok(f) => Ok((f, pr)),
        Err(AppError::Forbidden(_)) => Err(message(
            state,
            req,
            user,
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Nothing was changed. Go back, reload the page and try again.",
        )),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            Err(message(state, req, user, status, "The form could not be read", &e.to_string()))
        }
    }
}
