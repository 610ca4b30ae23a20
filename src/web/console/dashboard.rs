//! `GET /staff`: the dashboard, counts only — for clerks and admins also each queue's count
//! with its oldest item's age (the scanned envelopes left to key first), and how many pleas
//! were linked since they last looked.

use super::{present, render};
use crate::domain::Role;
use crate::services::{dashboard, queue_view};
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{CaseReaders, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

pub async fn show(req: HttpRequest, staff: StaffPage<CaseReaders>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let (today, tz, admin) = (state.today(), state.config.court_tz, staff.user.role == Role::Admin);
    let (user_id, clerk) = (staff.user.id, staff.user.role != Role::Prosecutor);
    let loaded = run_db(&state.pool, move |c| {
        let queues = if clerk { Some(queue_view::queues(c, user_id)?) } else { None };
        Ok((dashboard::load(c, today, tz, admin)?, queues))
    })
    .await;
    match loaded {
        Ok((d, queues)) => {
            let now = crate::db::now();
            let queues = queues.map(|q| {
                let age =
                    |a: &queue_view::QueueAge| json!({"count": a.count, "age": a.oldest.map(|t| present::age(now, t))});
                json!({
                    "envelopes": age(&q.envelopes), "unmatched": age(&q.unmatched), "deficient": age(&q.deficient), "duplicate": age(&q.duplicate),
                    "refunds": age(&q.refunds), "hardship": age(&q.hardship),
                    "linked_since": q.linked_since,
                    "last_look": q.last_look.map(|t| present::local(&state, &t.and_utc().to_rfc3339())),
                })
            });
            let ctx = json!({"d": d, "q": queues.unwrap_or(Value::Null), "today": today.format("%A, %B %-d, %Y").to_string()});
            render(&state, &req, &pr, Some(&staff.user), "dashboard", StatusCode::OK, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
