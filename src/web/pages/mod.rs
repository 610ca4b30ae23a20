//! The public web pages (server-rendered HTML, U.S. Web Design System, no JavaScript needed):
//! start, look-up, case, plea form, review, confirmation, status, and a request from someone
//! unable to pay. Every step answers its POST
//! with a redirect to a GET (Back and reload never resend a form); what was typed is kept on the
//! server in a draft behind a short-lived cookie, so personal data never travels in a URL. Every
//! form carries a CSRF token; the language (English or Spanish) is remembered in a cookie.

mod case;
mod draft;
pub mod errors;
mod evidence;
pub mod form;
mod guard;
mod hardship;
mod lookup;
mod offer;
mod plea;
mod review;
mod status;

use crate::config::Config;
use crate::domain::Language;
use crate::error::AppError;
use crate::letters::templates::{TemplateError, Templates};
use crate::web::assets::{css::UsedClasses, Assets, StaticFiles};
use crate::web::routes::RouteTable;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;

const LANG_COOKIE: &str = "pd_lang";
const CSRF_COOKIE: &str = "pd_csrf";
const DRAFT_COOKIE: &str = "pd_draft";

/// The pages' routes: each step a GET that shows it and a POST that records it and redirects.
pub fn routes(t: &mut RouteTable) {
    t.get("/", lookup::start)
        .get("/lookup", lookup::form)
        .get("/case", case::show)
        .post("/case", lookup::submit)
        .get("/plea", plea::show)
        .post("/plea", plea::submit)
        .get("/plea/review", review::show)
        .post("/plea/submit", review::submit)
        .get("/plea/confirmation", status::confirmation)
        .get("/status", status::form)
        .post("/status", status::submit)
        .get("/status/case", status::show)
        .post("/status/letter", status::letter)
        .get("/status/hardship", hardship::form)
        .post("/status/hardship", hardship::submit)
        .get("/status/offer/{id}/{answer}", offer::confirm)
        .post("/status/offer/{id}/{answer}", offer::submit);
}

/// `?lang=` on any page.
#[derive(serde::Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The page templates and their words, loaded at start-up.
pub struct Pages {
    templates: Templates,
    words: [(Language, Value); 2],
    court: Value,
    secure_cookies: bool,
    assets: Arc<StaticFiles>,
}

impl Pages {
    /// Loads the templates, then the static files (the design system trimmed to the classes the
    /// templates use), and gives the templates `asset("name")`: the file's content-hashed address.
    pub fn load(config: &Config) -> Result<Pages, TemplateError> {
        let mut templates = Templates::load_lenient(&config.templates_dir)?;
        let mut sources = templates.sources("pages/");
        sources.extend(templates.sources("console/"));
        let used = UsedClasses::scan(sources.iter().map(String::as_str));
        let assets = Arc::new(StaticFiles::new(config.static_dir.clone(), used));
        let urls = assets.clone();
        templates.add_global(
            "asset",
            minijinja::Value::from_function(move |name: &str| {
                // An address, written as is (HTML escaping would turn `/` into `&#x2f;`).
                let url = urls.get().url(name);
                if url.contains(['"', '\'', '<', '>', '&']) {
                    minijinja::Value::from(url)
                } else {
                    minijinja::Value::from_safe_string(url)
                }
            }),
        );
        let words = [
            (Language::En, templates.data("pages/i18n/en.toml")?),
            (Language::Es, templates.data("pages/i18n/es.toml")?),
        ];
        let c = &config.court;
        let court = json!({
            "name": c.name, "address": c.address_lines.join(", "), "phone": c.phone,
            "hours": c.hours, "hours_es": c.hours_es, "website": c.website,
            "appearance_time": {"en": clock(c.appearance_time, "a.m.", "p.m."), "es": clock(c.appearance_time, "a. m.", "p. m.")},
            "appearance_place": c.appearance_place.join(", "),
            "free_legal_help": c.free_legal_help, "free_legal_help_es": c.free_legal_help_es,
        });
        Ok(Pages { templates, words, court, secure_cookies: config.https(), assets })
    }

    /// The static files, ready to serve.
    pub fn assets(&self) -> &Assets {
        self.assets.get()
    }

    /// Renders any loaded template (the console's render with their own context).
    pub(crate) fn render_template(&self, name: &str, ctx: &Value) -> Result<String, TemplateError> {
        self.templates.render(name, ctx)
    }

    /// The court's name, address and hours, as the templates get them.
    pub(crate) fn court(&self) -> &Value {
        &self.court
    }

    /// Whether cookies are marked Secure (the base URL is https).
    pub(crate) fn secure_cookies(&self) -> bool {
        self.secure_cookies
    }

    fn words(&self, lang: Language) -> &Value {
        &self.words.iter().find(|(l, _)| *l == lang).unwrap_or(&self.words[0]).1
    }
}

/// `8:30 a.m.` (a court session's start as people read it).
fn clock(t: chrono::NaiveTime, am: &str, pm: &str) -> String {
    use chrono::Timelike;
    let (pm_half, h) = t.hour12();
    format!("{h}:{:02} {}", t.minute(), if pm_half { pm } else { am })
}

/// Per-request facts every page needs: language, CSRF token, and cookies to set.
#[derive(Clone)]
pub struct PageRequest {
    pub lang: Language,
    pub csrf: String,
    set_lang: bool,
    set_csrf: bool,
    /// The draft cookie's token as the browser sent it (well-formed; maybe expired).
    draft_token: Option<String>,
    /// A live draft's token, to send back with a fresh short life.
    send_draft: Option<String>,
}

impl PageRequest {
    /// `switch` (a `?lang=` or a form's `switch_lang`) wins, then the cookie, then the browser.
    pub fn new(req: &HttpRequest, switch: Option<&str>) -> PageRequest {
        let chosen =
            switch.and_then(|s| Language::parse_or_default(s).ok()).filter(|_| switch.is_some_and(|s| !s.is_empty()));
        let cookie = req.cookie(LANG_COOKIE).and_then(|c| c.value().parse::<Language>().ok());
        let lang = chosen.or(cookie).unwrap_or_else(|| crate::web::api::public::language(req, None));
        let (csrf, set_csrf) = match req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 64) {
            Some(v) => (v, false),
            None => (hex::encode(rand::random::<[u8; 32]>()), true),
        };
        let draft_token =
            req.cookie(DRAFT_COOKIE).map(|c| c.value().to_string()).filter(|t| crate::services::drafts::well_formed(t));
        PageRequest {
            lang,
            csrf,
            set_lang: chosen.is_some() && chosen != cookie,
            set_csrf,
            draft_token,
            send_draft: None,
        }
    }

    /// A POST must carry the token its page was given (double-submit cookie).
    pub fn check_csrf(&self, sent: &str) -> bool {
        !self.set_csrf && !sent.is_empty() && Sha256::digest(sent.as_bytes()) == Sha256::digest(self.csrf.as_bytes())
    }
}

/// The language-assistance line for the case a page shows (`case` or `view`), when the
/// defendant's own language is neither English nor Spanish.
fn assistance(ctx: &serde_json::Map<String, Value>, phone: &str) -> Option<crate::domain::language::AssistanceLine> {
    let code = ["case", "view"].iter().find_map(|k| ctx.get(*k)?.get("preferred_language")?.as_str())?;
    let preferred = crate::domain::PreferredLanguage::parse_or_default(code).ok()?;
    crate::domain::language::assistance_line(preferred, phone)
}

/// Renders a page with the shared context (words, court, language, CSRF token).
pub fn render(
    state: &crate::web::AppState,
    pr: &PageRequest,
    name: &str,
    status: StatusCode,
    mut ctx: Value,
) -> HttpResponse {
    let pages = &state.pages;
    if let Value::Object(map) = &mut ctx {
        map.insert("lang".into(), json!(pr.lang.as_str()));
        map.insert("language".into(), json!(pr.lang.as_str()));
        map.insert("t".into(), pages.words(pr.lang).clone());
        map.insert("court".into(), pages.court.clone());
        map.insert("csrf".into(), json!(pr.csrf));
        map.entry("errors").or_insert(json!({}));
        map.entry("form").or_insert(json!({}));
        if let Some(line) = assistance(map, &state.config.court.phone) {
            map.insert("assistance".into(), json!(line));
        }
    }
    let body = match pages.templates.render(&format!("pages/{name}.html"), &ctx) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "page template failed");
            if name == "error" {
                return errors::last_resort();
            }
            let (heading, body) = errors::words_for(StatusCode::INTERNAL_SERVER_ERROR);
            return error_page(state, pr, StatusCode::INTERNAL_SERVER_ERROR, heading, Some(body));
        }
    };
    let mut resp = HttpResponse::build(status);
    resp.content_type("text/html; charset=utf-8");
    with_cookies(&mut resp, pages, pr);
    resp.body(body)
}

/// `303 See Other` to a page (the answer to every POST of a step), with the cookies to set.
pub fn redirect(state: &crate::web::AppState, pr: &PageRequest, to: &str) -> HttpResponse {
    let mut resp = HttpResponse::SeeOther();
    resp.insert_header((header::LOCATION, to));
    with_cookies(&mut resp, &state.pages, pr);
    resp.finish()
}

pub(crate) fn with_cookies(resp: &mut actix_web::HttpResponseBuilder, pages: &Pages, pr: &PageRequest) {
    resp.insert_header((header::CACHE_CONTROL, "no-store"));
    if pr.set_lang {
        resp.cookie(cookie(LANG_COOKIE, pr.lang.as_str(), 365, pages.secure_cookies));
    }
    if pr.set_csrf {
        resp.cookie(cookie(CSRF_COOKIE, &pr.csrf, 1, pages.secure_cookies));
    }
    if let Some(token) = &pr.send_draft {
        // Lax: a top-level visit from elsewhere (a link in an email, a QR code) still finds it.
        let c = Cookie::build(DRAFT_COOKIE, token.as_str())
            .path("/")
            .http_only(true)
            .secure(pages.secure_cookies)
            .same_site(SameSite::Lax)
            .max_age(actix_web::cookie::time::Duration::minutes(crate::services::drafts::IDLE_MINUTES))
            .finish();
        resp.cookie(c);
    }
}

/// A cookie no script can read (the pages have none) that stays on this site.
fn cookie<'a>(name: &'a str, value: &'a str, days: i64, secure: bool) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(actix_web::cookie::time::Duration::days(days))
        .finish()
}

/// One word of the pages in the resident's language.
pub fn word(state: &crate::web::AppState, pr: &PageRequest, key: &str) -> Value {
    state.pages.words(pr.lang)[key].clone()
}

/// An error page in the resident's language.
pub fn error_page(
    state: &crate::web::AppState,
    pr: &PageRequest,
    status: StatusCode,
    heading_key: &str,
    body_key: Option<&str>,
) -> HttpResponse {
    let t = state.pages.words(pr.lang);
    let heading = t[heading_key].as_str().unwrap_or("Error").to_string();
    let body = body_key.and_then(|k| t[k].as_str()).unwrap_or("").to_string();
    render(state, pr, "error", status, json!({"heading": heading, "body": body}))
}

/// The page for an error from the services (rate limit, not found, bad input handled by callers).
pub fn service_error(state: &crate::web::AppState, pr: &PageRequest, e: AppError) -> HttpResponse {
    match e {
        AppError::RateLimited { retry_after_secs } => {
            let mut r = error_page(state, pr, StatusCode::TOO_MANY_REQUESTS, "rate_title", Some("rate_body"));
            if let Ok(v) = header::HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        other => {
            if let AppError::Internal(cause) = &other {
                tracing::error!(error = format!("{cause:#}"), "page failed");
            }
            let status = actix_web::ResponseError::status_code(&other);
            let (heading, body) = errors::words_for(status);
            error_page(state, pr, status, heading, Some(body))
        }
    }
}

/// `YYYY-MM-DD` from the three boxes of a memorable date (or the hidden combined field).
pub fn date_from(form: &form::FormData, name: &str) -> String {
    let whole = form.get(name).trim();
    if !whole.is_empty() {
        return whole.to_string();
    }
    let part = |p: &str| form.get(&format!("{name}_{p}")).trim().to_string();
    let (m, d, y) = (part("month"), part("day"), part("year"));
    if m.is_empty() && d.is_empty() && y.is_empty() {
        return String::new();
    }
    match (m.parse::<u32>(), d.parse::<u32>()) {
        (Ok(m), Ok(d)) => format!("{y}-{m:02}-{d:02}"),
        _ => format!("{y}-{m}-{d}"),
    }
}

/// The three boxes of a memorable date, for showing a form again.
pub fn date_parts(form: &form::FormData, name: &str) -> Value {
    let part = |p: &str| form.get(&format!("{name}_{p}")).to_string();
    json!({"month": part("month"), "day": part("day"), "year": part("year")})
}

/// Serves the page words as JSON errors turned into a field map for templates.
pub fn field_errors(e: &AppError) -> (Option<String>, Value) {
    match e {
        AppError::Invalid { message, fields } => (Some(message.clone()), json!(fields)),
        AppError::NotFound(m) | AppError::Conflict(m) => (Some(m.clone()), json!({})),
        other => (Some(other.to_string()), json!({})),
    }
}

/// `/static/{path}` and `/favicon.ico`: the prepared static files (see [`crate::web::assets`]).
pub fn static_files(t: &mut RouteTable) {
    async fn serve(req: HttpRequest, state: web::Data<crate::web::AppState>) -> Result<HttpResponse, AppError> {
        let path = req.match_info().get("path").unwrap_or("favicon.ico");
        state.pages.assets().respond(&req, path).ok_or_else(|| AppError::NotFound("there is no such file".into()))
    }
    for path in ["/static/{path:.+}", "/favicon.ico"] {
        t.get(path, serve).head(path, serve);
    }
}

pub fn data(state: &web::Data<crate::web::AppState>) -> &crate::web::AppState {
    state.get_ref()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    fn keys(path: &str) -> BTreeSet<String> {
        let text =
            std::fs::read_to_string(format!("{}/templates/pages/i18n/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let table: toml::Table = text.parse().unwrap();
        table.iter().map(|(k, v)| format!("{k}:{}", v.type_str())).collect()
    }

    #[test]
    fn every_word_exists_in_every_shipped_language() {
        let en = keys("en.toml");
        let es = keys("es.toml");
        assert_eq!(en.difference(&es).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in es.toml");
        assert_eq!(es.difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in en.toml");
    }

    #[test]
    fn spanish_pages_use_the_plain_words() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/pages/i18n/es.toml")).unwrap();
        for wrong in ["nolo contendere", "su estado", "Su multa", "su multa", "esta multa"] {
            assert!(!text.contains(wrong), "es.toml still says {wrong:?}");
        }
    }

    #[test]
    fn a_session_time_reads_as_people_say_it() {
        let t = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(super::clock(t(8, 30), "a.m.", "p.m."), "8:30 a.m.");
        assert_eq!(super::clock(t(13, 5), "a. m.", "p. m."), "1:05 p. m.");
    }
}
