//! `GET /case`: the ticket the resident looked up — charges, fines, what can be answered by mail
//! and, for charges that need a court appearance, when and where to appear.

use super::draft;
use super::{redirect, render, service_error, LangQuery, PageRequest};
use crate::db::citations::CitationRecord;
use crate::domain::Language;
use crate::error::AppError;
use crate::services::drafts::{CaseKey, Draft, StatusKey};
use crate::services::intake::{self, CaseSummary, Identity};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

/// A case as a step of the pages needs it.
pub struct Loaded {
    pub summary: CaseSummary,
    pub record: CitationRecord,
    pub key: CaseKey,
    /// The confirmation code of the plea already on file, if there is one.
    pub answered_by: Option<String>,
}

/// The case the draft's identity names (already checked at the look-up).
pub async fn load(state: &AppState, key: &CaseKey, lang: Language) -> Result<Loaded, AppError> {
    let today = state.today();
    let id = Identity::parse(&key.citation_number, &key.date_of_birth, today, lang)?;
    let key = key.clone();
    run_db(&state.pool, move |c| {
        let record = intake::find_case(c, &id, lang)?;
        let summary = intake::summary(c, &record, today, lang)?;
        let answered_by = intake::answered_by(c, &record)?;
        Ok(Loaded { summary, record, key, answered_by })
    })
    .await
}

/// The loaded case of the draft, or the response to give instead: the look-up when there is no
/// case (draft expired), the status page when the ticket was already answered.
pub async fn of_draft(state: &AppState, pr: &mut PageRequest, d: &mut Draft) -> Result<Loaded, HttpResponse> {
    let Some(key) = d.case.clone() else {
        // After the plea was submitted only its status is left to show.
        let to = if d.status.is_some() { "/status/case" } else { "/lookup" };
        return Err(redirect(state, pr, to));
    };
    match load(state, &key, pr.lang).await {
        Ok(Loaded { answered_by: Some(confirmation), .. }) => {
            // Answered before (here or by mail): its status, and how to change a plea.
            d.clear_plea();
            d.status = Some(StatusKey { confirmation, date_of_birth: key.date_of_birth });
            d.notice = Some("answered".into());
            Err(draft::save_and_redirect(state, pr.clone(), d.clone(), "/status/case").await)
        }
        Ok(loaded) => Ok(loaded),
        Err(AppError::NotFound(_)) => Err(redirect(state, pr, "/lookup")),
        Err(e) => Err(service_error(state, pr, e)),
    }
}

/// How each step after the look-up opens: the resident's draft and the case it names, or the
/// response to give instead (an error page, or where [`of_draft`] sends the resident).
pub async fn draft_and_case(state: &AppState, pr: &mut PageRequest) -> Result<(Draft, Loaded), HttpResponse> {
    let mut d = draft::load(state, pr).await.map_err(|e| service_error(state, pr, e))?;
    let loaded = of_draft(state, pr, &mut d).await?;
    Ok((d, loaded))
}

pub async fn show(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let loaded = match draft_and_case(&state, &mut pr).await {
        Ok((_, l)) => l,
        Err(page) => return page,
    };
    render(&state, &pr, "case", StatusCode::OK, json!({"case": loaded.summary, "back": "/lookup"}))
}
