//! The admin pages: users (add, change role, disable/enable, reset password, unlock) and their
//! API tokens (create, revoke). A new password or token is shown once, on the page the POST
//! redirects to. Every change is an audit event with the admin as actor.

use super::{message, read_form, render, see_other, see_other_with_secret, take_secret};
use crate::domain::Role;
use crate::error::AppError;
use crate::services::staff_admin;
use crate::web::pages::{self, PageRequest};
use crate::web::staff::{AdminOnly, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

type Admin = StaffPage<AdminOnly>;

/// A time as the court reads it: `Dec 1, 2026, 9:15 AM`.
fn local(state: &AppState, t: chrono::NaiveDateTime) -> String {
    t.and_utc().with_timezone(&state.config.court_tz).format("%b %-d, %Y, %-I:%M %p").to_string()
}

fn account_json(state: &AppState, a: &staff_admin::AccountView) -> serde_json::Value {
    json!({
        "id": a.id, "username": a.username, "role": a.role, "disabled": a.disabled,
        "locked_until": a.locked_until.map(|t| local(state, t)),
    })
}

fn accounts_json(state: &AppState, list: &[staff_admin::AccountView]) -> serde_json::Value {
    json!(list.iter().map(|a| account_json(state, a)).collect::<Vec<_>>())
}

fn tokens_json(state: &AppState, list: &[staff_admin::TokenView]) -> serde_json::Value {
    json!(list
        .iter()
        .map(|t| json!({
            "id": t.id, "created_at": local(state, t.created_at),
            "last_used_at": t.last_used_at.map(|x| local(state, x)), "revoked_at": t.revoked_at.map(|x| local(state, x)),
        }))
        .collect::<Vec<_>>())
}

fn roles() -> Vec<&'static str> {
    Role::ALL.iter().map(|r| r.as_str()).collect()
}

/// A page, with the secret the POST before it carried shown (once).
fn with_secret(
    state: &AppState,
    req: &HttpRequest,
    admin: &Admin,
    name: &str,
    mut ctx: serde_json::Value,
) -> HttpResponse {
    let pr = PageRequest::new(req, None);
    let secret = take_secret(req);
    if let Some((kind, id, value)) = &secret {
        ctx["secret"] = json!({"kind": kind, "id": id, "value": value});
    }
    ctx["roles"] = json!(roles());
    let mut resp = render(state, req, &pr, Some(&admin.user), name, StatusCode::OK, ctx);
    if secret.is_some() {
        super::forget_secret(&mut resp, state);
    }
    resp
}

/// `GET /staff/admin/users`
pub async fn users(req: HttpRequest, admin: Admin, state: web::Data<AppState>) -> HttpResponse {
    match run_db(&state.pool, staff_admin::list).await {
        Ok(list) => with_secret(&state, &req, &admin, "users", json!({"users": accounts_json(&state, &list)})),
        Err(e) => pages::service_error(&state, &PageRequest::new(&req, None), e),
    }
}

/// `GET /staff/admin/users/{id}`
pub async fn user(req: HttpRequest, admin: Admin, path: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    let id = path.into_inner();
    let found = run_db(&state.pool, move |c| Ok((staff_admin::account(c, id)?, staff_admin::tokens(c, id)?))).await;
    match found {
        Ok((account, tokens)) => {
            let ctx = json!({
                "account": account_json(&state, &account), "tokens": tokens_json(&state, &tokens), "me": admin.user.id == id,
            });
            with_secret(&state, &req, &admin, "user", ctx)
        }
        Err(e) => pages::service_error(&state, &PageRequest::new(&req, None), e),
    }
}

/// `POST /staff/admin/users`: adds a user; its password is shown once on the user's page.
pub async fn add(req: HttpRequest, admin: Admin, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&admin.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let username = f.get("username").trim().to_string();
    let role = f.get("role").parse::<Role>();
    let actor = admin.actor();
    let typed = username.clone();
    let added = match role {
        Ok(role) => run_db(&state.pool, move |c| staff_admin::add_user(c, &username, role, &actor)).await,
        Err(e) => Err(AppError::field("role", e.to_string())),
    };
    match added {
        Ok((id, password)) => {
            see_other_with_secret(&state, &pr, &format!("/staff/admin/users/{id}"), "password", id, &password)
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let list = run_db(&state.pool, staff_admin::list).await.unwrap_or_default();
            let (message, fields) = pages::field_errors(&e);
            let fields =
                if fields.as_object().is_some_and(|m| m.is_empty()) { json!({"username": message}) } else { fields };
            let ctx = json!({"users": accounts_json(&state, &list), "errors": fields, "form": {"username": typed, "role": f.get("role")}, "roles": roles()});
            render(&state, &req, &pr, Some(&admin.user), "users", StatusCode::UNPROCESSABLE_ENTITY, ctx)
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `POST /staff/admin/users/{id}/{action}`: role, disable, enable, reset-password, unlock,
/// tokens (create one).
pub async fn act(
    req: HttpRequest,
    admin: Admin,
    path: web::Path<(i64, String)>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let (f, pr) = match read_form(&req, payload, &state, Some(&admin.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let page = format!("/staff/admin/users/{id}");
    let actor = admin.actor();
    if admin.user.id == id && matches!(action.as_str(), "role" | "disable") {
        let text = "You cannot change your own role or disable your own account; ask another administrator.";
        return message(&state, &req, Some(&admin.user), StatusCode::CONFLICT, "Not changed", text);
    }
    let result: Result<Option<(&str, i64, String)>, AppError> = match action.as_str() {
        "role" => match f.get("role").parse::<Role>() {
            Ok(role) => run_db(&state.pool, move |c| staff_admin::set_role(c, id, role, &actor)).await.map(|_| None),
            Err(e) => Err(AppError::field("role", e.to_string())),
        },
        "disable" | "enable" => {
            let disabled = action == "disable";
            run_db(&state.pool, move |c| staff_admin::set_disabled(c, id, disabled, &actor)).await.map(|_| None)
        }
        "reset-password" => run_db(&state.pool, move |c| staff_admin::reset_password(c, id, &actor))
            .await
            .map(|p| Some(("password", id, p))),
        "unlock" => run_db(&state.pool, move |c| staff_admin::unlock(c, id, &actor)).await.map(|_| None),
        "tokens" => run_db(&state.pool, move |c| staff_admin::create_token(c, id, &actor))
            .await
            .map(|(token_id, t)| Some(("token", token_id, t))),
        _ => Err(AppError::NotFound("there is nothing at this address".into())),
    };
    match result {
        Ok(Some((kind, secret_id, secret))) => see_other_with_secret(&state, &pr, &page, kind, secret_id, &secret),
        Ok(None) => see_other(&state, &pr, &page),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            message(&state, &req, Some(&admin.user), status, "Not changed", &e.to_string())
        }
    }
}

/// `POST /staff/admin/tokens/{id}/revoke`
pub async fn revoke(
    req: HttpRequest,
    admin: Admin,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let id = path.into_inner();
    let (_, pr) = match read_form(&req, payload, &state, Some(&admin.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let actor = admin.actor();
    match run_db(&state.pool, move |c| staff_admin::revoke_token(c, id, &actor)).await {
        Ok(user_id) => see_other(&state, &pr, &format!("/staff/admin/users/{user_id}")),
        Err(e) => {
            let status = actix_web::ResponseError::status_code(&e);
            message(&state, &req, Some(&admin.user), status, "Not revoked", &e.to_string())
        }
    }
}
