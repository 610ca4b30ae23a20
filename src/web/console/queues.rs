//! The clerks' queues as pages: unmatched (with the ranked suggestions and a one-click link),
//! deficient (what is missing, the notice that went out, late), duplicates (the pleas side by
//! side, and the decision which stands). Thin: `services::queue_view` lists, the link is
//! `services::paper_link::link` and the decision `services::duplicate_decision::decide`, the
//! same services (and audit events) as the API's.

use super::{read_form, render, see_other};
use crate::error::AppError;
use crate::services::{duplicate_decision, paper_link, queue_view};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

type Clerk = StaffPage<ClerkOrAdmin>;

/// Renders queue `status` with `template`; `problem` is an action refused on one item.
async fn show(
    req: &HttpRequest,
    clerk: &Clerk,
    state: &AppState,
    status: &'static str,
    template: &str,
    problem: Option<(i64, String, StatusCode)>,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    let actor = clerk.actor();
    let page = match run_db(&state.pool, move |c| queue_view::page(c, status, &actor)).await {
        Ok(p) => p,
        Err(e) => return pages::service_error(state, &pr, e),
    };
    let mut ctx = json!({"q": page});
    super::present::localize(state, &mut ctx["q"]["items"], &["received_at"]);
    if let Value::Array(items) = &mut ctx["q"]["items"] {
        for item in items.iter_mut() {
            super::present::localize(state, &mut item["pleas_on_file"], &["received_at"]);
        }
    }
    let code = match problem {
        Some((id, text, code)) => {
            ctx["problem"] = json!({"id": id, "text": text});
            code
        }
        None => StatusCode::OK,
    };
    render(state, req, &pr, Some(&clerk.user), template, code, ctx)
}

/// `GET /staff/queues/unmatched`
pub async fn unmatched(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    show(&req, &clerk, &state, "unmatched", "unmatched", None).await
}

/// `GET /staff/queues/deficient`
pub async fn deficient(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    show(&req, &clerk, &state, "deficient", "deficient", None).await
}

/// `GET /staff/queues/duplicates`
pub async fn duplicates(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    show(&req, &clerk, &state, "duplicate", "duplicates", None).await
}

/// `POST /staff/submissions/{id}/link` `citation_number`: links it (the suggestion's button or
/// the number typed), then back to the unmatched queue with a confirmation.
pub async fn link(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let id = path.into_inner();
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let number = f.get("citation_number").to_string();
    let (ctx, actor) = (state.letters.clone(), clerk.actor());
    let linked = run_db(&state.pool, move |c| paper_link::link(c, id, &number, &actor, &ctx)).await;
    let to = match f.get("back") {
        "result" => format!("/staff/pleas/{id}?done=linked"),
        _ => "/staff/queues/unmatched?done=linked".to_string(),
    };
    let page = Page { req: &req, clerk: &clerk, state: &state, pr: &pr };
    page.after(linked.map(|_| to), id, "unmatched", "unmatched").await
}

/// What a queue's form answers with.
struct Page<'a> {
    req: &'a HttpRequest,
    clerk: &'a Clerk,
    state: &'a AppState,
    pr: &'a PageRequest,
}

impl Page<'_> {
    /// 303 to `done`'s page; a refusal shown on the queue beside item `id`; any other error's page.
    async fn after(
        &self,
        done: Result<String, AppError>,
        id: i64,
        status: &'static str,
        template: &str,
    ) -> HttpResponse {
        match done {
            Ok(to) => see_other(self.state, self.pr, &to),
            Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::NotFound(_))) => {
                let code = actix_web::ResponseError::status_code(&e);
                show(self.req, self.clerk, self.state, status, template, Some((id, refusal(&e), code))).await
            }
            Err(e) => pages::service_error(self.state, self.pr, e),
        }
    }
}

/// The words of a refusal: the fields' messages when there are some, else the error's.
fn refusal(e: &AppError) -> String {
    match e {
        AppError::Invalid { fields, message } if !fields.is_empty() => {
            let parts: Vec<&str> = fields.values().map(String::as_str).collect();
            format!("{message}: {}", parts.join("; "))
        }
        other => other.to_string(),
    }
}

/// `POST /staff/submissions/{id}/decide` `stands`: which plea of a duplicate stands.
pub async fn decide(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let id = path.into_inner();
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let stands = f.get("stands").trim().parse::<i64>();
    let (ctx, user_id) = (state.letters.clone(), clerk.user.id);
    let decided = match stands {
        Ok(stands) => run_db(&state.pool, move |c| duplicate_decision::decide(c, id, stands, user_id, &ctx)).await,
        Err(_) => Err(AppError::field("stands", "choose the plea that stands")),
    };
    let page = Page { req: &req, clerk: &clerk, state: &state, pr: &pr };
    let to = "/staff/queues/duplicates?done=decided".to_string();
    page.after(decided.map(|_| to), id, "duplicate", "duplicates").await
}

/// `GET /staff/queues/linked`: what was linked since this clerk last looked; opening it is their
/// new last look.
pub async fn linked(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let user_id = clerk.user.id;
    match run_db(&state.pool, move |c| queue_view::linked_since_last_look(c, user_id)).await {
        Ok((list, last_look)) => {
            let mut ctx = json!({"list": list, "last_look": last_look.map(|t| super::present::local(&state, &t.and_utc().to_rfc3339()))});
            super::present::localize(&state, &mut ctx["list"]["submissions"], &["received_at", "linked_at"]);
            render(&state, &req, &pr, Some(&clerk.user), "linked", StatusCode::OK, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
