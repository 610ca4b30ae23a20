//! `GET /staff`: the dashboard, counts only.

use super::render;
use crate::domain::Role;
use crate::services::dashboard;
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{CaseReaders, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

pub async fn show(req: HttpRequest, staff: StaffPage<CaseReaders>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let (today, tz, admin) = (state.today(), state.config.court_tz, staff.user.role == Role::Admin);
    match run_db(&state.pool, move |c| dashboard::load(c, today, tz, admin)).await {
        Ok(d) => {
            let ctx = json!({"d": d, "today": today.format("%A, %B %-d, %Y").to_string()});
            render(&state, &req, &pr, Some(&staff.user), "dashboard", StatusCode::OK, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
