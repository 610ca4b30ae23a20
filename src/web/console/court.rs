//! The admin's court profile page (`/staff/admin/court`): the deadline rules as configured (read
//! only, each with the variable that sets it), when the daily job last ran, and the holiday
//! calendar, where the admin adds a holiday with its name or removes one.

use super::{read_form, render, see_other};
use crate::config::Config;
use crate::error::AppError;
use crate::services::court_profile;
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{AdminOnly, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

type Admin = StaffPage<AdminOnly>;

/// (rule, value, the variable that sets it) as the page lists them.
fn rules(c: &Config) -> Value {
    let d = &c.court.deadlines;
    let a = &c.court.after_plea;
    let days = |n: u32| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
    let leads = |l: &crate::domain::deadline::ReminderLeads| {
        if l.days().is_empty() {
            "none".to_string()
        } else {
            l.days().iter().map(|n| days(*n)).collect::<Vec<_>>().join(" and ") + " before"
        }
    };
    let response = match d.response_due {
        crate::domain::deadline::ResponseDueRule::BeforeCourtDate(n) => format!("{} before the court date", days(n)),
        crate::domain::deadline::ResponseDueRule::AfterIssued(n) => format!("{} after the ticket was issued", days(n)),
    };
    let rows: [(&str, String, &str); 9] = [
        ("Response due", response, "PLEADESK_RESPONSE_DUE"),
        ("Reminders before the response deadline", leads(&d.response_reminders), "PLEADESK_REMINDER_DAYS"),
        ("Grace for mail before a default", days(d.default_grace_days), "PLEADESK_DEFAULT_GRACE_DAYS"),
        ("Payment window after the plea", days(a.payment_days), "PLEADESK_PAYMENT_DAYS"),
        ("Reminders before a payment is due", leads(&d.payment_reminders), "PLEADESK_PAYMENT_REMINDER_DAYS"),
        ("Offer acceptance window", days(d.offer_days), "PLEADESK_OFFER_WINDOW_DAYS"),
        (
            "Prosecutor's review of an offer request",
            format!("{} business days", a.offer_review_business_days),
            "PLEADESK_OFFER_REVIEW_DAYS",
        ),
        ("Time to correct a deficient plea", days(a.cure_days), "PLEADESK_DEFICIENCY_DAYS"),
        ("Time zone of the court's dates", c.court_tz.name().to_string(), "PLEADESK_COURT_TZ"),
    ];
    json!(rows.iter().map(|(rule, value, var)| json!({"rule": rule, "value": value, "var": var})).collect::<Vec<_>>())
}

async fn page(state: &AppState, req: &HttpRequest, admin: &Admin, status: StatusCode, extra: Value) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    match run_db(&state.pool, court_profile::calendar).await {
        Ok(cal) => {
            let holidays: Vec<Value> = cal
                .holidays
                .iter()
                .map(|(day, name)| json!({"day": day, "label": day.format("%a, %b %-d, %Y").to_string(), "name": name}))
                .collect();
            let mut ctx = json!({"rules": rules(&state.config), "holidays": holidays, "last_run": cal.last_run});
            if let (Some(m), Some(e)) = (ctx.as_object_mut(), extra.as_object()) {
                m.extend(e.clone());
            }
            render(state, req, &pr, Some(&admin.user), "court", status, ctx)
        }
        Err(e) => pages::service_error(state, &pr, e),
    }
}

/// `GET /staff/admin/court`
pub async fn show(req: HttpRequest, admin: Admin, state: web::Data<AppState>) -> HttpResponse {
    page(&state, &req, &admin, StatusCode::OK, json!({})).await
}

/// `POST /staff/admin/court/holidays` (day, name): adds a holiday.
pub async fn add(req: HttpRequest, admin: Admin, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&admin.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (day, name) = (f.get("day").to_string(), f.get("name").to_string());
    let actor = admin.actor();
    let added = match court_profile::parse_holiday(&day, &name) {
        Ok((d, n)) => run_db(&state.pool, move |c| court_profile::add_holiday(c, d, &n, &actor)).await,
        Err(e) => Err(e),
    };
    match added {
        Ok(_) => see_other(&state, &pr, "/staff/admin/court?done=holiday_added#holidays"),
        Err(e @ AppError::Invalid { .. }) => {
            let (_, fields) = pages::field_errors(&e);
            let extra = json!({"errors": fields, "form": {"day": day, "name": name}});
            page(&state, &req, &admin, StatusCode::UNPROCESSABLE_ENTITY, extra).await
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `POST /staff/admin/court/holidays/{day}/remove`
pub async fn remove(
    req: HttpRequest,
    admin: Admin,
    path: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (_, pr) = match read_form(&req, payload, &state, Some(&admin.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let actor = admin.actor();
    let removed = match crate::domain::dates::parse_date(&path.into_inner(), "the date") {
        Ok(day) => run_db(&state.pool, move |c| court_profile::remove_holiday(c, day, &actor)).await,
        Err(e) => Err(AppError::NotFound(e.to_string())),
    };
    match removed {
        Ok(()) => see_other(&state, &pr, "/staff/admin/court?done=holiday_removed#holidays"),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
