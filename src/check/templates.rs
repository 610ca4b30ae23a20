//! The checks of the templates: every letter type and its email in each language rendered from
//! example data, and the residents' and staff's entry pages asked of the application in-process.

use super::{failure, Failure};
use crate::config::Config;
use crate::domain::{Language, LetterType};
use crate::services::letters::{preview, LetterContext};
use crate::web::{self, AppState};
use actix_web::http::StatusCode;
use actix_web::test::{call_service, init_service, read_body, TestRequest};

const FIX: &str = "correct the template named (file and line) under PLEADESK_TEMPLATES_DIR, or remove the court's \
                   copy to use the shipped one";

fn context(config: &Config) -> Result<LetterContext, Failure> {
    LetterContext::from_config(config).map_err(|e| failure(e.to_string(), "correct the variable named"))
}

/// Every letter type and the email carrying it, in English and Spanish.
pub fn letters(config: &Config) -> Result<String, Failure> {
    let ctx = context(config)?;
    let languages = [Language::En, Language::Es];
    for lang in languages {
        for kind in LetterType::ALL {
            preview::render(&ctx, *kind, lang)
                .map_err(|e| failure(format!("the {kind} letter in {lang} does not render: {}", e.detail()), FIX))?;
        }
        preview::email(&ctx, LetterType::Acknowledgement, lang)
            .map_err(|e| failure(format!("the email in {lang} does not render: {}", e.detail()), FIX))?;
    }
    let n = LetterType::ALL.len() * languages.len();
    Ok(format!("{n} letters and {} emails render from example data", languages.len()))
}

/// Pages asked of the application as the server would answer them (no database needed).
const PAGES: [(&str, StatusCode); 5] = [
    ("/", StatusCode::OK),
    ("/lookup", StatusCode::OK),
    ("/status", StatusCode::OK),
    ("/staff/sign-in", StatusCode::OK),
    ("/pleadesk-check/no-such-page", StatusCode::NOT_FOUND),
];

/// The entry pages in each language, and the stylesheet they link to.
pub async fn pages(config: &Config) -> Result<String, Failure> {
    let ctx = context(config)?;
    let catalog = crate::i18n::Catalog::load(&config.templates_dir).map_err(|e| failure(e.to_string(), FIX))?;
    crate::i18n::install(catalog);
    let pool = crate::db::lazy_pool(&config.database_url).map_err(|e| failure(e.to_string(), "set DATABASE_URL"))?;
    let state = AppState::new(pool, config.clone(), ctx).map_err(|e| failure(format!("{e:#}"), FIX))?;
    let app = init_service(web::app(actix_web::web::Data::new(state))).await;
    let mut stylesheet = None;
    for (path, status) in PAGES {
        for lang in ["en", "es"] {
            let uri = format!("{path}?lang={lang}");
            let resp =
                call_service(&app, TestRequest::get().uri(&uri).insert_header(("Accept", "text/html")).to_request())
                    .await;
            let got = resp.status();
            let body = String::from_utf8_lossy(&read_body(resp).await).into_owned();
            if got != status || body == web::pages::errors::LAST_RESORT {
                return Err(failure(format!("{uri} answered {got} instead of {status}; the log above says why"), FIX));
            }
            stylesheet = stylesheet.or_else(|| stylesheet_of(&body));
        }
    }
    let Some(css) = stylesheet else {
        return Err(failure("the pages link to no stylesheet", FIX));
    };
    let resp = call_service(&app, TestRequest::get().uri(&css).to_request()).await;
    if !resp.status().is_success() {
        return Err(failure(
            format!("the pages' stylesheet {css} answered {}", resp.status()),
            "point PLEADESK_STATIC_DIR at the release's static folder",
        ));
    }
    Ok(format!("{} pages render in English and Spanish, with their stylesheet", PAGES.len()))
}

/// The first stylesheet a page links to.
fn stylesheet_of(html: &str) -> Option<String> {
    html.split("<link").skip(1).filter(|l| l.contains("stylesheet")).find_map(|l| {
        let href = l.split("href=\"").nth(1)?.split('"').next()?;
        href.starts_with("/static/").then(|| href.to_string())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_linked_stylesheet() {
        let html = r#"<link rel="icon" href="/favicon.ico"><link rel="stylesheet" href="/static/site.1a2b.css">"#;
        assert_eq!(super::stylesheet_of(html).as_deref(), Some("/static/site.1a2b.css"));
        assert_eq!(super::stylesheet_of("<p>none</p>"), None);
    }
}
