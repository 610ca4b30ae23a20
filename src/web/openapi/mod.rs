//! `GET /api/v1/openapi.json`: the OpenAPI 3 document of the whole JSON API, public and staff.
//! The functions in `public`, `staff` and `scans` carry only the documentation of each endpoint;
//! the handlers live in `web::api`. `responses` adds the answers every operation of a kind can
//! give. A test checks that every API route is documented and every documented route exists;
//! `scripts/fuzz-api` checks every answer against the document.

#![allow(dead_code)] // the functions exist to carry #[utoipa::path]

mod public;
mod responses;
mod scans;
mod staff;

use crate::error::ErrorBody;
use actix_web::HttpResponse;
use responses::CommonResponses;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

#[derive(serde::Serialize, ToSchema)]
pub struct Health {
    /// ok
    pub status: String,
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses(
    (status = 200, description = "The database answers", body = Health),
    (status = 503, description = "The database does not answer", body = Health)))]
fn healthz() {}

/// The Prometheus text format (version 0.0.4). Requests by method, route pattern and status,
/// their latency, the job queue by kind and state, parked jobs, letters by status, pleas by
/// channel, scans, the database pool. No label carries personal data.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses(
    (status = 200, description = "The metrics", content_type = "text/plain; version=0.0.4", body = String),
    (status = 403, description = "The caller is not in PLEADESK_METRICS_ALLOW, or came through a proxy", body = ErrorBody)))]
fn metrics() {}

#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, description = "This document")))]
fn openapi_json() {}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "PleaDesk", description = "Plea-by-mail backend for traffic courts. Money is integer cents in fields named …_cents; dates are YYYY-MM-DD."),
    paths(
        healthz, metrics, openapi_json,
        public::public_lookup, public::public_pleas, public::public_status, public::public_letter,
        public::public_hardship, public::public_offer_accept, public::public_offer_reject,
        staff::auth_login, staff::auth_logout, staff::citations_import, staff::citation_get,
        staff::citations_search, staff::letters_create, staff::payments_record, staff::payments_reverse,
        staff::letters_list, staff::letters_pdf, staff::letters_print_run, staff::jobs_list, staff::jobs_retry,
        staff::submissions_create, staff::submissions_list, staff::submissions_link, staff::submissions_decide,
        staff::offers_make, staff::offers_withdraw, staff::reports_summary, staff::reports_summary_csv,
        scans::scans_upload, scans::scans_separator, scans::scans_get, scans::scans_page_image,
        scans::envelopes_move_page
    ),
    modifiers(&BearerAuth, &CommonResponses),
    tags((name = "public", description = "Residents: no account; identity is the citation number and date of birth"),
         (name = "staff", description = "Clerks, prosecutors, admins and integrations: Authorization: Bearer <token>"),
         (name = "operations"))
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
