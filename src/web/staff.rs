//! The `StaffUser` extractor: `Authorization: Bearer <token>` → the signed-in staff member, or 401.

use super::AppState;
use crate::auth::{self, StaffUser};
use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use std::future::Future;
use std::pin::Pin;

impl FromRequest for StaffUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<StaffUser, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(|t| t.trim().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized);
            };
            let user = super::run_db(&state.pool, move |c| auth::user_for_token(c, &token)).await?;
            user.ok_or(AppError::Unauthorized)
        })
    }
}
