//! The staff operations (tag `staff`): `Authorization: Bearer <token>`; each says in its 403
//! which roles may call it (tests/api/authz_matrix.rs holds the document to the guards).

use crate::error::ErrorBody;
use crate::import::citations::ImportSummary;
use crate::jobs::queue::JobRecord;
use crate::services::case::CaseView;
use crate::services::case_search::{SearchRequest, SearchResult};
use crate::services::duplicate_decision::{DecideBody, Decision};
use crate::services::offers::{OfferAnswer, OfferRequest, WithdrawRequest};
use crate::services::paper_link::SubmissionAnswer;
use crate::services::paper_plea::PaperPleaRequest;
use crate::services::payments::{PaymentAnswer, PaymentRequest, ReverseRequest};
use crate::services::reports::Summary;
use crate::services::submission_queue::QueueList;
use crate::web::api::auth::{LoginAnswer, LoginBody};
use crate::web::api::submissions::LinkBody;
use utoipa::ToSchema;

#[derive(serde::Deserialize, ToSchema)]
pub struct LetterRequest {
    /// plea_form, acknowledgement, plea_offer, amount_due, hearing_notice, outcome,
    /// default_notice or reminder
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct LetterView {
    pub id: i64,
    pub citation_number: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub language: String,
    /// queued, printed, emailed, mailed
    pub status: String,
    pub pages: Option<i32>,
    pub sha256: Option<String>,
    pub created_at: String,
    pub printed_at: Option<String>,
    pub emailed_at: Option<String>,
    /// Set when rendering failed (a broken template); the letter stays queued.
    pub render_error: Option<String>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct LetterList {
    pub letters: Vec<LetterView>,
}

#[derive(serde::Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<JobRecord>,
}

#[utoipa::path(post, path = "/api/v1/citations/import", tag = "staff", security(("bearer" = [])),
    request_body(description = "The e-citation CSV (text/csv), or the same rows as a JSON array of objects keyed by the CSV column names (application/json)",
        content((String = "text/csv"), (Vec<Object> = "application/json"))),
    responses(
    (status = 200, description = "Summary; every rejected row named by its line", body = ImportSummary),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks, admins and integrations only", body = ErrorBody),
    (status = 413, description = "Body over PLEADESK_MAX_IMPORT_BYTES", body = ErrorBody),
    (status = 415, body = ErrorBody),
    (status = 422, description = "The file cannot be read (not UTF-8, empty, missing columns)", body = ErrorBody)))]
fn citations_import() {}

#[utoipa::path(get, path = "/api/v1/citations/{number}", tag = "staff", security(("bearer" = [])),
    params(("number" = String, Path)),
    responses((status = 200, description = "The whole case: defendant, charges, submissions (channel, confirmation code, status, pleas, documents, postmark, enclosed payment, deficiencies, duplicate), duplicate_pleas, offers, payments (with their reversal), the balance (amount due, paid, still owed, overpaid), dispositions (withdrawn ones marked), letters (type, language, status) and the events (the timeline). Opening it is an audit event.", body = CaseView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody)))]
fn citation_get() {}

#[utoipa::path(post, path = "/api/v1/citations/search", tag = "staff", security(("bearer" = [])),
    request_body = SearchRequest,
    responses((status = 200, description = "A short list (number, name, court date, status), newest first; each search is an audit event (the key used and the count, never the values)", body = SearchResult),
    (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody), (status = 422, description = "Not exactly one key: {citation_number}, {last_name, date_of_birth} or {plate}", body = ErrorBody)))]
fn citations_search() {}

#[utoipa::path(post, path = "/api/v1/citations/{number}/letters", tag = "staff", security(("bearer" = [])),
    params(("number" = String, Path)), request_body = LetterRequest,
    responses((status = 201, body = LetterView), (status = 403, description = "Clerks and admins only", body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, description = "No plea on file to acknowledge", body = ErrorBody),
    (status = 422, description = "Not a letter type, or the case lacks what the type states (no pending offer, nothing owed, no hearing set, not resolved, not in default)", body = ErrorBody)))]
fn letters_create() {}

#[utoipa::path(post, path = "/api/v1/citations/{number}/payments", tag = "staff", security(("bearer" = [])),
    params(("number" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely (a double-clicked save): the same key and body record one payment")),
    request_body = PaymentRequest,
    responses(
    (status = 201, description = "Recorded and applied through the case lifecycle; the new balance (amount_due_cents − paid_cents, as the lifecycle works it out) and status. Paid in full: the charges are disposed (paid_as_charged / paid_amended), the case is resolved and the outcome letter queued. More than is due: `overpaid_cents` flags a refund (the console's refunds queue). Events payment.recorded (and case.status_changed, charges.disposed, payment.overpaid)", body = PaymentAnswer),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody),
    (status = 404, description = "No such citation", body = ErrorBody),
    (status = 409, description = "The case's state refuses a payment (nothing owed, still open, in default…), in the lifecycle's words", body = ErrorBody),
    (status = 422, description = "A field is not valid: amount_cents (whole cents above 0), method, reference (required for check, money_order and card), received_on (YYYY-MM-DD, not after today in the court's time zone), or an Idempotency-Key reused for another payment; `fields` names each; nothing is written", body = ErrorBody)))]
fn payments_record() {}

#[utoipa::path(post, path = "/api/v1/payments/{id}/reverse", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The payment (`payment_id`; the case's `payments[].id`)")),
    request_body = ReverseRequest,
    responses(
    (status = 200, description = "Reversed (a bounced check): kept on the record with when, who and why, no longer counted; the balance is owed again. A case it had resolved goes back to amount_due, its payment dispositions withdrawn (kept, with withdrawn_at), and the amount-due letter is queued. Event payment.reversed", body = PaymentAnswer),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody),
    (status = 404, description = "No such payment", body = ErrorBody),
    (status = 409, description = "Already reversed, or the case's state refuses it", body = ErrorBody),
    (status = 422, description = "No reason given", body = ErrorBody)))]
fn payments_reverse() {}

#[utoipa::path(post, path = "/api/v1/citations/{number}/offers", tag = "staff", security(("bearer" = [])),
    params(("number" = String, Path),
           ("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely (a retried or double-clicked save): the same key and body make one offer, and the repeat answers with it as it stands; declining needs no key")),
    request_body = OfferRequest,
    responses(
    (status = 201, description = "The offer is made (`status` pending) on the charges the defendant asked one for, one line each: the amended offense (omitted: as charged), fine and points; the case is offer_pending and the plea offer letter (with its tear-off acceptance slip) is queued. Made while an offer is pending, it amends it: the new offer `replaces` the old one, which is kept as withdrawn. Events offer.made or offer.amended", body = OfferAnswer),
    (status = 200, description = "`{decline: true, reason}`: the request is declined (`status` declined); the charges are set for a hearing and the hearing notice is queued. Events offer.declined, offer.noted (the reason)", body = OfferAnswer),
    (status = 401, body = ErrorBody), (status = 403, description = "Prosecutors and admins only", body = ErrorBody),
    (status = 404, description = "No such citation", body = ErrorBody),
    (status = 409, description = "The case's state refuses it (no request for an offer, a charge left out or not requested), in the lifecycle's words", body = ErrorBody),
    (status = 422, description = "A field is not valid, named in `fields`: charges[i].charge_seq (on the ticket), charges[i].offense_code (in the catalog), charges[i].fine_cents (whole cents ≥ 0), charges[i].points (0–12), expires_on (after today, at most 180 days ahead), reason (with decline), or an Idempotency-Key reused for another offer", body = ErrorBody)))]
fn offers_make() {}

#[utoipa::path(post, path = "/api/v1/offers/{id}/withdraw", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = WithdrawRequest,
    responses(
    (status = 200, description = "The pending offer is withdrawn (kept, with the reason); the charges it covered are set for a hearing and the hearing notice is queued. Event offer.withdrawn", body = OfferAnswer),
    (status = 401, body = ErrorBody), (status = 403, description = "Prosecutors and admins only", body = ErrorBody),
    (status = 404, description = "No such offer", body = ErrorBody),
    (status = 409, description = "The offer is no longer pending", body = ErrorBody),
    (status = 422, description = "No reason given", body = ErrorBody)))]
fn offers_withdraw() {}

#[utoipa::path(get, path = "/api/v1/letters", tag = "staff", security(("bearer" = [])),
    params(("status" = Option<String>, Query, description = "queued, printed, emailed or mailed")),
    responses((status = 200, body = LetterList), (status = 401, body = ErrorBody), (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody)))]
fn letters_list() {}

#[utoipa::path(get, path = "/api/v1/letters/{id}/pdf", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "The stored PDF, the same bytes every time", content_type = "application/pdf"),
    (status = 404, body = ErrorBody), (status = 409, description = "Not rendered yet", body = ErrorBody), (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody)))]
fn letters_pdf() {}

#[utoipa::path(post, path = "/api/v1/letters/print-run", tag = "staff", security(("bearer" = [])),
    responses((status = 200, description = "Every queued letter in one PDF (each on an odd page), now marked printed; headers X-Letters, X-Pages, X-Blank-Pages", content_type = "application/pdf"),
    (status = 409, description = "Nothing is queued", body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn letters_print_run() {}

#[utoipa::path(post, path = "/api/v1/submissions", tag = "staff", security(("bearer" = [])),
    request_body = PaperPleaRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeat a request safely (a double-clicked save): the same key and body give the same submission")),
    responses(
    (status = 201, description = "Recorded. `linked`: applied to the case exactly as an online plea (the deadline judged by the postmark; counter pleas by the day handed in), the acknowledgement queued. `deficient`: unsigned, a charge without a plea (a deficiency notice with a fresh plea form queued), or late by its postmark (no letter; the clerk decides). `unmatched`: no filed citation fits; ranked `suggestions`. A plea for a case already answered is kept with `duplicate: true` and not applied. An enclosed payment is recorded with the submission and applied to the balance (once, as a payment naming the submission) when the plea is applied and leaves money owed (guilty or no contest); otherwise it stays received, not applied. With `envelope_id` (an envelope of a scanned batch, `GET /api/v1/scans/{document_id}`), the plea is recorded with the batch's document and the envelope leaves the queue in the same transaction (its `submission_id` is set).", body = SubmissionAnswer),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody),
    (status = 409, description = "No charge of the citation can be answered by mail; or the envelope was keyed already (the message names that plea's confirmation code: open it) or set aside as not a plea; nothing is written", body = ErrorBody),
    (status = 422, description = "A field is not valid (unknown charge, bad plea, postmark in the future, negative payment, unknown document or envelope, a `document_id` other than the envelope's); `fields` names each; nothing is written", body = ErrorBody)))]
fn submissions_create() {}

#[utoipa::path(get, path = "/api/v1/submissions", tag = "staff", security(("bearer" = [])),
    params(("status" = Option<String>, Query, description = "unmatched (default), deficient, linked or duplicate"),
           ("since" = Option<String>, Query, description = "RFC 3339; with status=linked: what was linked (by a clerk, or automatically by an import) after this time"),
           ("limit" = Option<i64>, Query, description = "At most this many (default 200)")),
    responses((status = 200, description = "The queue, oldest first, without dates of birth or contact details; reading it is an audit event", body = QueueList),
    (status = 403, description = "Clerks and admins only", body = ErrorBody), (status = 422, body = ErrorBody)))]
fn submissions_list() {}

#[utoipa::path(post, path = "/api/v1/submissions/{id}/link", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = LinkBody,
    responses((status = 200, description = "Linked, and the plea applied to the case as above (or flagged duplicate / deficient)", body = SubmissionAnswer),
    (status = 404, description = "No such submission", body = ErrorBody),
    (status = 409, description = "Already linked there, or applied to a case already (not moved)", body = ErrorBody),
    (status = 422, description = "No such citation, or the pleas do not fit its charges", body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn submissions_link() {}

#[utoipa::path(post, path = "/api/v1/submissions/{id}/decide", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The duplicate plea")), request_body = DecideBody,
    responses((status = 200, description = "Decided: `stands` stands and `set_aside` is kept, set aside (nothing deleted). Keeping the plea applied changes nothing on the case; choosing the duplicate puts the case back to open and applies it as any plea (its acknowledgement queued). One `submission.decided` event", body = Decision),
    (status = 404, description = "No such submission", body = ErrorBody),
    (status = 409, description = "Not a duplicate waiting for a decision, or the case has moved on since the first plea (an offer, payment or disposition on file), or the duplicate is incomplete or late", body = ErrorBody),
    (status = 422, description = "`stands` is neither of the two pleas", body = ErrorBody), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn submissions_decide() {}

#[utoipa::path(get, path = "/api/v1/jobs", tag = "staff", security(("bearer" = [])),
    params(("status" = Option<String>, Query, description = "queued, running, done or parked (default parked)")),
    responses((status = 200, body = JobList), (status = 403, description = "Clerks and admins only", body = ErrorBody)))]
fn jobs_list() {}

#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "staff", security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses((status = 200, description = "Queued again", body = JobRetried), (status = 404, description = "No parked job with this id", body = ErrorBody), (status = 403, description = "Admins only", body = ErrorBody)))]
fn jobs_retry() {}

#[derive(serde::Serialize, ToSchema)]
pub struct JobRetried {
    pub id: i64,
    /// queued
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "staff", request_body = LoginBody, responses(
    (status = 200, description = "A session token; it ends after PLEADESK_STAFF_IDLE_MINUTES (default 30) without use, and each use moves `expires_at` on", body = LoginAnswer),
    (status = 401, description = "Wrong user name or password, or a disabled account: the same answer for all three", body = ErrorBody),
    (status = 423, description = "Locked for 15 minutes after 5 failures in a row, whatever password is sent; `error.locked_until` says until when (also Retry-After)", body = ErrorBody),
    (status = 429, description = "Too many sign-in attempts from this address; see Retry-After", body = ErrorBody)))]
fn auth_login() {}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "staff", security(("bearer" = [])), responses(
    (status = 204, description = "The session whose token was sent has ended"),
    (status = 401, body = ErrorBody),
    (status = 409, description = "The token is an API token, not a session (an admin revokes those)", body = ErrorBody)))]
fn auth_logout() {}

#[utoipa::path(get, path = "/api/v1/reports/summary", tag = "staff", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "The first court day, YYYY-MM-DD (default: 89 days before `to`)"),
           ("to" = Option<String>, Query, description = "The last court day, included, YYYY-MM-DD (default: today in the court's time zone); at most 366 days after `from`"),
           ("format" = Option<String>, Query, description = "json (default) or csv (as /api/v1/reports/summary.csv)")),
    responses(
    (status = 200, description = "Counts for the range, each measure by its own date: citations issued in the range by status now (all 8) and, of those still open (not resolved, default or hearing_set), their age in days since issued as of today (0-30, 31-60, 61-90, 91+); pleas received per week (Monday to Sunday) and channel; offers made and how many are accepted now; money: what the citations issued in the range still owe today (the sum of their balances, amount due − paid) and the payments received in the range and not reversed; the share of cases resolved without a court appearance: among the cases decided in the range (status now resolved, hearing_set or default, their last standing disposition dated in the range), resolved ÷ (resolved + hearing_set + default), in percent (null when none). Counts only: not an audit event", body = Summary),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody),
    (status = 422, description = "`from` or `to` not a date, `to` before `from`, a range over 366 days, or an unknown `format`; `fields` names each", body = ErrorBody)))]
fn reports_summary() {}

#[utoipa::path(get, path = "/api/v1/reports/summary.csv", tag = "staff", security(("bearer" = [])),
    params(("from" = Option<String>, Query, description = "As for /api/v1/reports/summary"),
           ("to" = Option<String>, Query, description = "As for /api/v1/reports/summary")),
    responses(
    (status = 200, description = "The same numbers as CSV (RFC 4180, CRLF, a header row): one row per number, `measure,key,value` (e.g. `cases_by_status,open,12`, `pleas_by_week_mail,2026-11-02,3`, `money,collected_dollars,1250.00`); money in dollars with two decimals; no cell starts with = + - @", content_type = "text/csv"),
    (status = 401, body = ErrorBody), (status = 403, description = "Clerks, prosecutors and admins only", body = ErrorBody), (status = 422, body = ErrorBody)))]
fn reports_summary_csv() {}
