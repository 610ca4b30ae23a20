//! `POST /api/v1/auth/login` and `POST /api/v1/auth/logout`: staff sessions for API clients. The
//! session token works as `Authorization: Bearer` like an API token and ends after the idle
//! limit without use (each use starts it again).

use crate::error::AppError;
use crate::services::staff_auth;
use crate::web::api::public::client;
use crate::web::console::LIMIT_SUBJECT;
use crate::web::staff::{bearer, AnyStaff, Staff};
use crate::web::{run_db, AppState};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// The session token: send it as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it ends if it is not used (UTC, RFC 3339); each use moves it on.
    pub expires_at: String,
}

pub async fn login(
    req: HttpRequest,
    body: web::Json<LoginBody>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let who = client(&req);
    state.limiter.attempt(&who, LIMIT_SUBJECT).await?;
    let LoginBody { username, password } = body.into_inner();
    let idle = state.config.staff_idle;
    let result = run_db(&state.pool, move |c| staff_auth::sign_in(c, &username, &password, idle)).await;
    match result {
        Ok(s) => {
            state.limiter.succeeded(&who, LIMIT_SUBJECT).await;
            let expires_at = s.expires_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            Ok(HttpResponse::Ok()
                .insert_header(("Cache-Control", "no-store"))
                .json(LoginAnswer { token: s.token, expires_at }))
        }
        Err(e) => {
            if matches!(e, AppError::BadSignIn) {
                state.limiter.failed(&who, LIMIT_SUBJECT).await;
            }
            Err(e)
        }
    }
}

/// Ends the session whose token is the bearer; 409 for an API token (revoke those instead).
pub async fn logout(
    req: HttpRequest,
    _staff: Staff<AnyStaff>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = bearer(&req).ok_or(AppError::Unauthorized)?;
    if run_db(&state.pool, move |c| staff_auth::sign_out(c, &token)).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(AppError::Conflict("this is an API token, not a sign-in session; an admin revokes API tokens".into()))
    }
}
