//! Answering the prosecutor's offer from the status page (issue 9): `GET /status/offer/{id}/{answer}`
//! asks to confirm (`accept` or `reject`), its POST answers through `services::offers::answer`
//! with the code and birth date the status look-up already checked (kept in the draft, never in
//! a URL), then 303 back to the status page with a notice. Only an offer of the case the status
//! session opened is answered; another case's goes back to the status page. No JavaScript.

use super::draft::{self, open_form};
use super::status::view_of_draft;
use super::{redirect, render, service_error, LangQuery, PageRequest};
use crate::error::AppError;
use crate::services::offers::answer::{self, Answer};
use crate::web::api::public::{limit, outcome};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

fn parse(what: &str) -> Option<Answer> {
    match what {
        "accept" => Some(Answer::Accept),
        "reject" => Some(Answer::Reject),
        _ => None,
    }
}

/// `GET /status/offer/{id}/{accept|reject}`: the offer again, and one button to confirm.
pub async fn confirm(
    req: HttpRequest,
    path: web::Path<(i64, String)>,
    q: web::Query<LangQuery>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (id, what) = path.into_inner();
    let mut pr = PageRequest::new(&req, q.lang.as_deref());
    let (view, _) = match view_of_draft(&state, &mut pr).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let (Some(offer), Some(_)) = (view.offer.clone().filter(|o| o.id == id), parse(&what)) else {
        return redirect(&state, &pr, "/status/case");
    };
    let ctx = json!({"view": view, "offer": offer, "answer": what, "back": "/status/case"});
    render(&state, &pr, "offer_answer", StatusCode::OK, ctx)
}

/// `POST /status/offer/{id}/{accept|reject}`: the answer, then the status page.
pub async fn submit(
    req: HttpRequest,
    path: web::Path<(i64, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (id, what) = path.into_inner();
    let (_, mut pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let mut d = match draft::load(&state, &mut pr).await {
        Ok(d) => d,
        Err(e) => return service_error(&state, &pr, e),
    };
    let (Some(key), Some(answer)) = (d.status.clone(), parse(&what)) else {
        return redirect(&state, &pr, "/status");
    };
    let subject = format!("offer:{id}");
    if let Err(e) = limit(&state, &req, &subject).await {
        return service_error(&state, &pr, e);
    }
    let (lang, today, ctx) = (pr.lang, state.today(), state.letters.clone());
    let result = run_db(&state.pool, move |c| answer::from_status(c, &key, id, answer, today, lang, &ctx)).await;
    outcome(&state, &req, &subject, &result).await;
    d.notice = Some(match result {
        Ok(_) => format!("offer_{what}ed"),
        Err(AppError::Conflict(_)) => "offer_closed".into(),
        // Not an offer of this case: back to its status, as the confirm page does.
        Err(AppError::NotFound(_)) => return redirect(&state, &pr, "/status/case"),
        Err(e) => return service_error(&state, &pr, e),
    });
    draft::save_and_redirect(&state, pr, d, "/status/case").await
}
