//! The residents' operations (tag `public`): no account; identity is the citation number (or the
//! confirmation code) and the date of birth.

use crate::error::ErrorBody;
use crate::services::hardship::{HardshipRequestBody, PublicHardship};
use crate::services::intake::{CaseSummary, PleaReceipt, PleaRequest};
use crate::services::offers::OfferAnswer;
use crate::services::status::StatusView;
use utoipa::ToSchema;

#[derive(serde::Deserialize, ToSchema)]
pub struct IdentityBody {
    /// As printed on the ticket, e.g. DV-2026-000101
    pub citation_number: String,
    /// YYYY-MM-DD
    pub date_of_birth: String,
    /// en or es: the language of messages
    pub language: Option<String>,
}

#[derive(serde::Deserialize, ToSchema)]
pub struct ConfirmationBody {
    /// The confirmation code from the receipt, e.g. PD-7Q4K-M2XD
    pub confirmation: String,
    /// YYYY-MM-DD
    pub date_of_birth: String,
    pub language: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/public/lookup", tag = "public", request_body = IdentityBody, responses(
    (status = 200, description = "The ticket: charges, fines, deadline, what can be done by mail", body = CaseSummary),
    (status = 404, description = "No ticket with this number and date of birth (the same answer whichever is wrong)", body = ErrorBody),
    (status = 422, description = "A field is not valid", body = ErrorBody),
    (status = 429, description = "Too many identity checks; see Retry-After", body = ErrorBody)))]
fn public_lookup() {}

#[utoipa::path(post, path = "/api/v1/public/pleas", tag = "public", request_body = PleaRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely: the same key gives the same plea")),
    responses(
    (status = 201, description = "The plea is recorded; the receipt letter is queued", body = PleaReceipt),
    (status = 404, description = "No ticket with this number and date of birth", body = ErrorBody),
    (status = 409, description = "A plea was already received for this ticket", body = ErrorBody),
    (status = 422, description = "Fields are not valid, the deadline passed, or a charge cannot be answered by mail", body = ErrorBody),
    (status = 429, description = "Too many identity checks", body = ErrorBody)))]
fn public_pleas() {}

#[utoipa::path(post, path = "/api/v1/public/status", tag = "public", request_body = ConfirmationBody, responses(
    (status = 200, description = "Status, timeline and letters", body = StatusView),
    (status = 404, description = "No plea with this code and date of birth", body = ErrorBody),
    (status = 429, description = "Too many identity checks", body = ErrorBody)))]
fn public_status() {}

#[utoipa::path(post, path = "/api/v1/public/letters/{id}/pdf", tag = "public", request_body = ConfirmationBody,
    params(("id" = i64, Path, description = "Letter id from the status")),
    responses(
    (status = 200, description = "The letter", content_type = "application/pdf"),
    (status = 404, description = "No such letter for this code and date of birth", body = ErrorBody),
    (status = 429, description = "Too many identity checks; see Retry-After", body = ErrorBody)))]
fn public_letter() {}

#[utoipa::path(post, path = "/api/v1/public/hardship", tag = "public", request_body = HardshipRequestBody, responses(
    (status = 201, description = "The request is recorded; a clerk answers it by letter", body = PublicHardship),
    (status = 404, description = "No plea with this code and date of birth (the same answer whichever is wrong)", body = ErrorBody),
    (status = 409, description = "No amount is due on the case, or a request of the case is already waiting for an answer", body = ErrorBody),
    (status = 422, description = "The kind is not one of more_time, payment_plan, community_service, or the statement is missing or longer than 1,000 characters", body = ErrorBody),
    (status = 429, description = "Too many identity checks", body = ErrorBody)))]
fn public_hardship() {}

#[derive(serde::Deserialize, ToSchema)]
pub struct OfferAnswerBody {
    /// YYYY-MM-DD, as on the ticket
    pub date_of_birth: String,
    /// en or es: the language of messages
    pub language: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/public/offers/{id}/accept", tag = "public", params(("id" = i64, Path, description = "The offer, as the status page and the offer letter give it")),
    request_body = OfferAnswerBody, responses(
    (status = 200, description = "Accepted: the amended charges' fines are due (case amount_due, or resolved if nothing is owed) and the amount-due letter is queued", body = OfferAnswer),
    (status = 404, description = "No such offer for this date of birth (the same answer whichever is wrong)", body = ErrorBody),
    (status = 409, description = "The offer was already answered, withdrawn, replaced or has expired", body = ErrorBody),
    (status = 422, description = "date_of_birth is not a date", body = ErrorBody),
    (status = 429, description = "Too many identity checks", body = ErrorBody)))]
fn public_offer_accept() {}

#[utoipa::path(post, path = "/api/v1/public/offers/{id}/reject", tag = "public", params(("id" = i64, Path)),
    request_body = OfferAnswerBody, responses(
    (status = 200, description = "Rejected: the charges are set for a hearing and the hearing notice is queued", body = OfferAnswer),
    (status = 404, description = "No such offer for this date of birth", body = ErrorBody),
    (status = 409, description = "The offer was already answered, withdrawn, replaced or has expired", body = ErrorBody),
    (status = 429, description = "Too many identity checks", body = ErrorBody)))]
fn public_offer_reject() {}
