//! The admin's preview of the letter templates (`/staff/admin/letters`): every letter type in
//! English and Spanish, rendered from example data with the templates as they are now, to check
//! an edit before the mail run.

use super::{message, render};
use crate::domain::{Language, LetterType};
use crate::error::AppError;
use crate::services::letters::preview;
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{AdminOnly, StaffPage};
use crate::web::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

/// What staff call each letter (as the case timeline names it), capitalised for a table row.
fn label(kind: LetterType) -> String {
    let words = super::timeline::letter_words(kind);
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn language_name(lang: Language) -> &'static str {
    match lang {
        Language::En => "English",
        Language::Es => "Spanish",
    }
}

/// `GET /staff/admin/letters`
pub async fn index(req: HttpRequest, admin: StaffPage<AdminOnly>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let rows = match preview::list(&state.letters) {
        Ok(rows) => rows,
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    let rows: Vec<_> = rows
        .iter()
        .map(|r| {
            let versions: Vec<_> = r
                .templates
                .iter()
                .map(|(lang, origin)| {
                    json!({"lang": lang.as_str(), "language": language_name(*lang), "origin": origin,
                           "href": format!("/staff/admin/letters/{}/{}.pdf", r.kind, lang)})
                })
                .collect();
            json!({"type": r.kind.as_str(), "label": label(r.kind), "versions": versions})
        })
        .collect();
    render(&state, &req, &pr, Some(&admin.user), "letters", StatusCode::OK, json!({"letters": rows}))
}

/// `GET /staff/admin/letters/{type}/{lang}.pdf`: the example letter, shown in the browser.
pub async fn pdf(
    req: HttpRequest,
    admin: StaffPage<AdminOnly>,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (kind, lang) = path.into_inner();
    let parsed = match (kind.parse::<LetterType>(), lang.parse::<Language>()) {
        (Ok(k), Ok(l)) => Ok((k, l)),
        _ => Err(AppError::NotFound("there is no such letter type or language to preview".into())),
    };
    let ctx = state.letters.clone();
    let rendered = match parsed {
        Ok((k, l)) => web::block(move || preview::render(&ctx, k, l).map(|pdf| (pdf, k, l)))
            .await
            .unwrap_or_else(|e| Err(AppError::Internal(anyhow::anyhow!("preview: {e}")))),
        Err(e) => Err(e),
    };
    match rendered {
        Ok((bytes, k, l)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"example-{k}-{l}.pdf\"")))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(bytes),
        // What is wrong, in full: the template's file and line for the admin who edited it.
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            message(&state, &req, Some(&admin.user), status, "This letter cannot be made", &e.to_string())
        }
    }
}
