//! Who may call a staff route. Each staff handler names its guard in its signature —
//! `Staff<CaseReaders>`, `Staff<ClerkOrAdmin>`, … — and the guard runs before the handler:
//! `Authorization: Bearer <token>` → the signed-in staff member (401 without a valid token), then
//! 403 unless the member's role is in the guard's set. A handler that reads a body (or anything
//! else that can be refused) takes [`StaffAnd`], so that it is read only after the guard. A
//! handler never decides on roles itself: without a guard it has no [`StaffUser`] at all.
//!
//! The console's pages have the same guard for the session cookie, `StaffPage<R>`, with the same
//! role sets: no session (or an ended one) → 303 to the sign-in page with the page to come back
//! to; a role outside the set → a 403 page.

use super::console;
use super::AppState;
use crate::auth::{self, StaffUser, TokenCheck};
use crate::domain::Role;
use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

/// A set of roles allowed on a group of routes.
pub trait Roles: 'static {
    const ROLES: &'static [Role];
}

macro_rules! role_set {
    ($($(#[$doc:meta])* $name:ident = [$($role:ident),+];)+) => {
        $(
            $(#[$doc])*
            pub struct $name;
            impl Roles for $name {
                const ROLES: &'static [Role] = &[$(Role::$role),+];
            }
        )+
    };
}

role_set! {
    /// Importing citations: the clerks, the admins, and the police system's integration token.
    Importers = [Clerk, Admin, Integration];
    /// Reading cases and letters (personal data): people at the court, never an integration.
    CaseReaders = [Clerk, Prosecutor, Admin];
    /// Clerks' work: creating letters, the mail run, the job queue.
    ClerkOrAdmin = [Clerk, Admin];
    /// Prosecutors' work: offers (and admins, as for the clerks' work).
    ProsecutorOrAdmin = [Prosecutor, Admin];
    /// Administration: putting parked jobs back in the queue, users and tokens.
    AdminOnly = [Admin];
    /// Anyone with a staff account (ending one's own sign-in session).
    AnyStaff = [Clerk, Prosecutor, Admin, Integration];
}

/// A signed-in staff member whose role is one of `R::ROLES`.
pub struct Staff<R: Roles> {
    pub user: StaffUser,
    roles: PhantomData<R>,
}

impl<R: Roles> Staff<R> {
    /// `staff:<user id>`, the actor of the audit events this member causes.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.user.id)
    }
}

/// A staff member of `R` and the rest of the request `T` (address parts, body), read only once
/// the guard has let the member through. actix polls a handler's extractors together, so a body
/// beside a bare `Staff<R>` could be read — and refused with 400 or 422 — before the guard has
/// answered 401 or 403; handlers with a body take this instead, so who may call is answered
/// first whatever was sent.
pub struct StaffAnd<R: Roles, T> {
    pub staff: Staff<R>,
    pub rest: T,
}

impl<R: Roles, T: FromRequest + 'static> FromRequest for StaffAnd<R, T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<StaffAnd<R, T>, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let guard = Staff::<R>::from_request(req, payload);
        let (req, mut payload) = (req.clone(), payload.take());
        Box::pin(async move {
            let staff = guard.await?;
            let rest = T::from_request(&req, &mut payload).await.map_err(Into::into)?;
            Ok(StaffAnd { staff, rest })
        })
    }
}

/// 403 unless `user` has one of `roles`.
pub(crate) fn allow(user: &StaffUser, roles: &[Role]) -> Result<(), AppError> {
    if roles.contains(&user.role) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Err(AppError::Forbidden(format!(
        "your role ({}) may not do this; it needs one of: {}",
        user.role,
        names.join(", ")
    )))
}

/// The token of `Authorization: Bearer <token>`, if the request has one.
pub fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(|t| t.trim().to_string())
}

/// Checks a token (API or session) and records its use, which keeps a session alive.
async fn check(state: &AppState, token: String) -> Result<TokenCheck, AppError> {
    let idle = state.config.staff_idle;
    super::run_db(&state.pool, move |c| auth::authenticate(c, &token, idle)).await
}

impl<R: Roles> FromRequest for Staff<R> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff<R>, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = bearer(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(token), Some(state)) = (token, state) else {
                return Err(AppError::Unauthorized);
            };
            let TokenCheck::Valid(user) = check(&state, token).await? else {
                return Err(AppError::Unauthorized);
            };
            allow(&user, R::ROLES)?;
            Ok(Staff { user, roles: PhantomData })
        })
    }
}

/// A staff member signed in to the console (session cookie) whose role is one of `R::ROLES`.
pub struct StaffPage<R: Roles> {
    pub user: StaffUser,
    roles: PhantomData<R>,
}

impl<R: Roles> StaffPage<R> {
    /// `staff:<user id>`, the actor of the audit events this member causes.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.user.id)
    }
}

impl<R: Roles> FromRequest for StaffPage<R> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<StaffPage<R>, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.cookie(console::SESSION_COOKIE).map(|c| c.value().to_string());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let req = req.clone();
        Box::pin(async move {
            let Some(state) = state else { return Err(AppError::Unauthorized.into()) };
            let checked = match token {
                Some(token) => check(&state, token).await?,
                None => TokenCheck::Invalid,
            };
            let refuse = |resp| InternalError::from_response("refused", resp).into();
            match checked {
                TokenCheck::Valid(user) => match allow(&user, R::ROLES) {
                    Ok(()) => Ok(StaffPage { user, roles: PhantomData }),
                    Err(_) => Err(refuse(console::forbidden(&state, &req, &user))),
                },
                TokenCheck::SessionEnded => Err(refuse(console::to_sign_in(&state, &req, true))),
                TokenCheck::Invalid => Err(refuse(console::to_sign_in(&state, &req, false))),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> StaffUser {
        StaffUser { id: 1, username: "u".into(), role }
    }

    #[test]
    fn an_integration_may_only_import() {
        assert!(allow(&user(Role::Integration), Importers::ROLES).is_ok());
        for roles in [CaseReaders::ROLES, ClerkOrAdmin::ROLES, AdminOnly::ROLES] {
            assert!(allow(&user(Role::Integration), roles).is_err(), "{roles:?}");
        }
        let e = allow(&user(Role::Prosecutor), ClerkOrAdmin::ROLES).unwrap_err();
        assert!(e.to_string().contains("(prosecutor)") && e.to_string().contains("clerk, admin"), "{e}");
    }
}
