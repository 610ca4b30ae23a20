//! The review step: `GET /plea/review` shows the plea as it will be sent; `POST /plea/submit`
//! records it (once, whatever the clicks) and goes on to the confirmation.

use super::case;
use super::draft::{self, flash, open_form};
use super::plea::{evidence_list, plea_request};
use super::{field_errors, redirect, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::drafts::{Draft, StatusKey};
use crate::services::intake;
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::collections::BTreeMap;

pub async fn show(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let (d, loaded) = match case::draft_and_case(&state, &mut pr).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    if !d.reviewed {
        return redirect(&state, &pr, "/plea");
    }
    let ctx = json!({
        "case": loaded.summary, "form": d.fields, "evidence": evidence_list(&d.evidence), "back": "/plea",
    });
    render(&state, &pr, "review", StatusCode::OK, ctx)
}

/// `POST /plea/submit`: records the plea in the draft. A second click (or Back and submit again)
/// finds the plea already recorded and shows the same confirmation.
pub async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (_form, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let mut d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    if d.case.is_none() && d.status.is_some() {
        return redirect(&state, &pr, "/plea/confirmation");
    }
    let loaded = match case::of_draft(&state, &mut pr, &mut d).await {
        Ok(l) => l,
        Err(page) => return page,
    };
    if !d.reviewed {
        return redirect(&state, &pr, "/plea");
    }
    let request = plea_request(&loaded.key, &d.fields, &loaded.summary);
    let evidence = d.evidence.clone();
    let key = d.idempotency_key.clone();
    let (ctx, today) = (state.letters.clone(), state.today());
    let result =
        run_db(&state.pool, move |c| intake::submit(c, &request, key.as_deref(), &evidence, &ctx, today)).await;
    match result {
        Ok(receipt) => {
            // The plea is on file: what was typed is deleted; only what the status pages need stays
            // (a second click, sent with the same cookie, finds it and shows the same receipt).
            let done = Draft {
                status: Some(StatusKey {
                    confirmation: receipt.confirmation,
                    date_of_birth: loaded.key.date_of_birth.clone(),
                }),
                ..Draft::default()
            };
            match draft::save(&state, &mut pr, done).await {
                Ok(()) => redirect(&state, &pr, "/plea/confirmation"),
                Err(e) => service_error(&state, &pr, e),
            }
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let (message, errors) = field_errors(&e);
            d.reviewed = false;
            d.flash = Some(flash("plea", BTreeMap::new(), &errors, message, StatusCode::UNPROCESSABLE_ENTITY, &[]));
            draft::save_and_redirect(&state, pr, d, "/plea").await
        }
        Err(e) => service_error(&state, &pr, e),
    }
}
