//! `/staff/admin/offer-patterns`: the saved patterns an admin keeps for the prosecutors' offer
//! form (`services::offers::patterns`): listed, added (errors by each field, what was typed kept),
//! retired or restored (`POST …/{id}/retire|restore`).

use super::{read_form, render, see_other};
use crate::error::AppError;
use crate::services::offers::patterns::{self, PatternInput};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{AdminOnly, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Admin = StaffPage<AdminOnly>;

async fn page(
    req: &HttpRequest,
    who: &Admin,
    state: &AppState,
    typed: Value,
    errors: BTreeMap<String, String>,
    status: StatusCode,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    match run_db(&state.pool, |c| patterns::list(c, true)).await {
        Ok(list) => {
            let ctx = json!({"patterns": list, "form": typed, "errors": errors});
            render(state, req, &pr, Some(&who.user), "offer_patterns", status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

/// `GET /staff/admin/offer-patterns`
pub async fn list(req: HttpRequest, who: Admin, state: web::Data<AppState>) -> HttpResponse {
    page(&req, &who, &state, json!({"fine_rule": "same"}), BTreeMap::new(), StatusCode::OK).await
}

/// `POST /staff/admin/offer-patterns`: a new pattern; 303 back to the list.
pub async fn add(req: HttpRequest, who: Admin, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&who.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let input = PatternInput {
        name: f.get("name").to_string(),
        offense_code: f.get("offense_code").to_string(),
        fine_rule: f.get("fine_rule").to_string(),
        fine_value: f.get("fine_value").to_string(),
        points: f.get("points").to_string(),
    };
    let (user_id, today) = (who.user.id, state.today());
    match run_db(&state.pool, move |c| patterns::add(c, &input, user_id, today)).await {
        Ok(_) => see_other(&state, &pr, "/staff/admin/offer-patterns?done=pattern_saved"),
        Err(AppError::Invalid { fields, .. }) => {
            page(&req, &who, &state, json!(f.fields), fields, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `POST /staff/admin/offer-patterns/{id}/retire` or `…/restore`
pub async fn act(
    req: HttpRequest,
    who: Admin,
    path: web::Path<(i64, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (_, pr) = match read_form(&req, payload, &state, Some(&who.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, action) = path.into_inner();
    let active = match action.as_str() {
        "retire" => false,
        "restore" => true,
        _ => return pages::service_error(&state, &pr, AppError::NotFound("no such action".into())),
    };
    let user_id = who.user.id;
    match run_db(&state.pool, move |c| patterns::set_active(c, id, active, user_id)).await {
        Ok(()) => see_other(&state, &pr, "/staff/admin/offer-patterns?done=pattern_saved"),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
