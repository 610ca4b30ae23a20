//! `GET /staff/reports`: the reports summary for a date range (a GET form), each measure as a bar
//! chart drawn on the server (SVG, no JavaScript) with its numbers in a table beside it; and
//! `GET /staff/reports.csv`, the same numbers to download. For clerks, prosecutors and admins
//! (`CaseReaders`): SPEC §1 lists reports under the admin, but the counts are no one's personal
//! data and each of them works from them. Counts only: no audit event.

use super::charts::{self, Series};
use super::render;
use crate::domain::Cents;
use crate::services::reports::{Counted, Summary};
use crate::web::api::reports as api;
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{CaseReaders, StaffPage};
use crate::web::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;
use std::collections::HashMap;

const ONE: &[Series] = &[Series { class: "count", label: "Count" }];
const CHANNELS: &[Series] = &[
    Series { class: "online", label: "Online" },
    Series { class: "mail", label: "Mail" },
    Series { class: "counter", label: "Counter" },
];

/// "amount_due" → "Amount due".
fn words(key: &str) -> String {
    let spaced = key.replace('_', " ");
    let mut chars = spaced.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn money(cents: i64) -> String {
    Cents::new(cents).map(|c| c.to_string()).unwrap_or_default()
}

fn count_rows(list: &[Counted], label: impl Fn(&str) -> String) -> Vec<(String, Vec<i64>)> {
    list.iter().map(|c| (label(&c.key), vec![c.count])).collect()
}

/// The page's charts, in the order of its sections.
fn charts(s: &Summary) -> serde_json::Value {
    let range = format!("{} to {}", s.from, s.to);
    let n = |v: i64| v.to_string();
    let status = charts::bars(
        "chart-status",
        format!("Citations issued {range}, by status now"),
        &count_rows(&s.cases_by_status, words),
        ONE,
        n,
    );
    let ageing = charts::bars(
        "chart-ageing",
        format!("Of those, the cases still open, by days since issued as of {}", s.as_of),
        &count_rows(&s.ageing, |k| format!("{k} days")),
        ONE,
        n,
    );
    let week_rows: Vec<_> = s
        .pleas_by_week
        .iter()
        .map(|w| (w.week_start.format("%b %-d").to_string(), vec![w.online, w.mail, w.counter]))
        .collect();
    let title = format!("Pleas received {range}, per week (named by its Monday) and channel");
    let weeks = charts::bars("chart-weeks", title, &week_rows, CHANNELS, n);
    let offers = charts::bars(
        "chart-offers",
        format!("Offers made {range}, by status now"),
        &count_rows(&s.offers.by_status, words),
        ONE,
        n,
    );
    let method_rows: Vec<_> = s.money.collected_by_method.iter().map(|m| (words(&m.method), vec![m.cents])).collect();
    let collected =
        charts::bars("chart-collected", format!("Payments received {range}, by method"), &method_rows, ONE, money);
    let w = &s.without_appearance;
    let decided_rows = vec![
        ("Resolved".to_string(), vec![w.resolved]),
        ("Hearing set".to_string(), vec![w.hearing_set]),
        ("Default".to_string(), vec![w.default]),
    ];
    let decided = charts::bars("chart-decided", format!("Cases decided {range}, by how"), &decided_rows, ONE, n);
    json!({"status": status, "ageing": ageing, "weeks": weeks, "offers": offers, "collected": collected, "decided": decided})
}

/// `GET /staff/reports?from=YYYY-MM-DD&to=YYYY-MM-DD`
pub async fn show(req: HttpRequest, staff: StaffPage<CaseReaders>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    let typed: HashMap<String, String> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let form = json!({"from": typed.get("from"), "to": typed.get("to")});
    match api::load(&req, &state).await {
        Ok((s, _)) => {
            let query = serde_urlencoded::to_string([("from", s.from.to_string()), ("to", s.to.to_string())])
                .unwrap_or_default();
            let form = json!({"from": s.from.to_string(), "to": s.to.to_string()});
            let ctx = json!({"s": s, "charts": charts(&s), "form": form, "csv": format!("/staff/reports.csv?{query}"),
                "money": {"due": money(s.money.due_cents), "collected": money(s.money.collected_cents)}});
            render(&state, &req, &pr, Some(&staff.user), "reports", StatusCode::OK, ctx)
        }
        Err(crate::error::AppError::Invalid { fields, .. }) => {
            let ctx = json!({"errors": fields, "form": form});
            render(&state, &req, &pr, Some(&staff.user), "reports", StatusCode::UNPROCESSABLE_ENTITY, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `GET /staff/reports.csv?from=…&to=…`: the same numbers as `/api/v1/reports/summary.csv`.
pub async fn csv(req: HttpRequest, staff: StaffPage<CaseReaders>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    match api::load(&req, &state).await.and_then(|(s, _)| api::csv_response(&s)) {
        Ok(resp) => resp,
        Err(crate::error::AppError::Invalid { fields, .. }) => {
            let text = fields.values().cloned().collect::<Vec<_>>().join("; ");
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            super::message(&state, &req, Some(&staff.user), status, "The date range is not valid", &text)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
