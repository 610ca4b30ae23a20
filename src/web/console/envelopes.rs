//! The envelope queue in the console. `/staff/envelopes/{id}` shows an envelope's pages beside
//! the keying form (the fields of `/staff/pleas/new`, saved by the same service with the
//! envelope): "Save and next" goes on to the next envelope of the batch left to key (or back to
//! the batch once none is left) with a line saying what was saved; "Skip" leaves it in the
//! queue; "Not a plea" sets it aside with a reason (`POST …/not-a-plea`), undone from the batch
//! page (`POST …/reopen`). `/staff/queues/envelopes` opens the envelope waiting longest.

use super::keying::{self, Saved};
use super::{message, read_form, render, see_other};
use crate::domain::envelope_queue::EnvelopeState;
use crate::domain::matching::Claim;
use crate::domain::DateOfBirth;
use crate::error::AppError;
use crate::services::offers::answer as offer_answer;
use crate::services::queue_view;
use crate::services::scans::envelope::{self, EnvelopeView};
use crate::services::scans::queue::{self, Next};
use crate::web::pages::{self, form::FormData, PageRequest};
use crate::web::staff::{ClerkOrAdmin, StaffPage};
use crate::web::{run_db, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Clerk = StaffPage<ClerkOrAdmin>;

/// The one-line confirmation of the plea named by `?saved=<submission id>`, if any.
pub(super) async fn saved_line(state: &AppState, req: &HttpRequest) -> Result<Option<Value>, AppError> {
    let id = web::Query::<BTreeMap<String, String>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("saved").and_then(|s| s.parse::<i64>().ok()));
    let Some(id) = id else { return Ok(None) };
    let saved = run_db(&state.pool, move |c| queue::saved(c, id)).await?;
    Ok(saved.map(|s| json!(s)))
}

/// Where to go after envelope `id` was keyed or set aside; `saved` names the plea keyed.
fn after(next: Next, saved: Option<i64>) -> String {
    let saved = saved.map(|s| format!("saved={s}"));
    match (next, saved) {
        (Next::Envelope(n), Some(s)) => format!("/staff/envelopes/{n}?{s}"),
        (Next::Envelope(n), None) => format!("/staff/envelopes/{n}?done=not_a_plea"),
        (Next::BatchDone { document_id }, Some(s)) => format!("/staff/scans/{document_id}?done=batch_done&{s}"),
        (Next::BatchDone { document_id }, None) => format!("/staff/scans/{document_id}?done=batch_done"),
    }
}

/// The state of the page's forms: what was typed and what came of it.
#[derive(Default)]
struct Keyed {
    form: BTreeMap<String, String>,
    key: String,
    looked_up: bool,
    errors: BTreeMap<String, String>,
    conflict: Option<String>,
    /// The "not a plea" form: the reason typed and what is wrong with it.
    reason: Option<String>,
    reason_error: Option<String>,
}

/// What our QR code said, in the words of the form's hint.
fn read_words(e: &EnvelopeView) -> Option<String> {
    let number = e.citation_number.as_deref()?;
    Some(match (e.read_on_page, e.letter_id) {
        (Some(page), Some(letter)) => {
            format!("citation {number}, from the QR code on page {page}: letter no. {letter}")
        }
        _ => format!("citation {number}, from our QR code"),
    })
}

/// What the form claims so far (a birth date that does not parse is left out), for suggestions.
struct Typed {
    number: Option<String>,
    date_of_birth: Option<chrono::NaiveDate>,
    last_name: Option<String>,
    plate: Option<String>,
}

impl Typed {
    fn from_form(form: &BTreeMap<String, String>, today: chrono::NaiveDate) -> Typed {
        let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        Typed {
            number: get("citation_number"),
            date_of_birth: get("date_of_birth").and_then(|d| DateOfBirth::parse(&d, today).ok()).map(|d| d.date()),
            last_name: get("last_name"),
            plate: get("plate"),
        }
    }

    fn claim(&self) -> Claim<'_> {
        Claim {
            number: self.number.as_deref(),
            date_of_birth: self.date_of_birth,
            last_name: self.last_name.as_deref(),
            plate: self.plate.as_deref(),
        }
    }
}

async fn page(
    state: &AppState,
    req: &HttpRequest,
    pr: &PageRequest,
    clerk: &Clerk,
    id: i64,
    mut k: Keyed,
    status: StatusCode,
) -> HttpResponse {
    let actor = clerk.actor();
    let view = match run_db(&state.pool, move |c| envelope::open(c, id, &actor)).await {
        Ok(v) => v,
        Err(e) => return pages::service_error(state, pr, e),
    };
    let first_visit = k.form.is_empty();
    if first_visit {
        k.form.insert("channel".into(), "mail".into());
        k.form.insert("citation_number".into(), view.citation_number.clone().unwrap_or_default());
        k.key = super::new_key();
        k.looked_up = view.citation_number.is_some();
    }
    // A save refused while the envelope is still to key (no charge answerable by mail) is the
    // number's to correct; otherwise the envelope was closed meanwhile and the page says so.
    if !first_visit && view.state == EnvelopeState::ToKey {
        if let Some(m) = k.conflict.take() {
            k.errors.insert("citation_number".into(), m);
        }
    }
    let typed = k.form.get("citation_number").cloned().unwrap_or_default();
    let (charges, found) = match typed.trim() {
        "" => (keying::unknown_charges(), None),
        t => match keying::charges(state, clerk, t).await {
            Ok(x) => x,
            Err(e) => return pages::service_error(state, pr, e),
        },
    };
    let mut picks: Vec<Value> = view.suggestions.clone();
    if k.looked_up && found.is_none() && view.state == EnvelopeState::ToKey {
        let (typed, actor) = (Typed::from_form(&k.form, state.today()), clerk.actor());
        let more = run_db(&state.pool, move |c| queue_view::suggestions_for_keying(c, &typed.claim(), &actor)).await;
        match more {
            Ok(more) => picks.extend(more.into_iter().map(|s| json!(s))),
            Err(e) => return pages::service_error(state, pr, e),
        }
    }
    let read_from_scan = (view.citation_number.as_deref() == Some(typed.trim())).then(|| read_words(&view)).flatten();
    let focus = match (&found, read_from_scan.is_some()) {
        _ if !k.errors.is_empty() => "errors",
        (Some(_), true) => "postmark_date",
        (Some(_), false) => "date_of_birth",
        (None, _) => "citation_number",
    };
    let saved = match saved_line(state, req).await {
        Ok(s) => s,
        Err(e) => return pages::service_error(state, pr, e),
    };
    let slip = match run_db(&state.pool, move |c| offer_answer::slip_offer(c, id)).await {
        Ok(s) => s,
        Err(e) => return pages::service_error(state, pr, e),
    };
    let ctx = json!({
        "e": view, "wide": true, "saved": saved,
        "key": k.key, "charges": charges, "found": found, "looked_up": k.looked_up, "form": k.form,
        "errors": k.errors, "focus": focus, "read_from_scan": read_from_scan, "picks": picks,
        "conflict": k.conflict, "reason": k.reason, "reason_error": k.reason_error, "slip": slip,
    });
    render(state, req, pr, Some(&clerk.user), "envelope", status, ctx)
}

/// `GET /staff/envelopes/{id}`: the envelope's pages beside the keying form, filled in with
/// what the scan said (`scan.read`; `citation.read` for a linked case's charges).
pub async fn show(req: HttpRequest, clerk: Clerk, path: web::Path<i64>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    page(&state, &req, &pr, &clerk, path.into_inner(), Keyed::default(), StatusCode::OK).await
}

fn fields(f: &FormData) -> BTreeMap<String, String> {
    f.fields.iter().filter(|(k, _)| *k != "csrf").map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// `POST /staff/envelopes/{id}`: `step=lookup` (or a `pick` of a suggested citation) shows the
/// charges; otherwise the plea is saved from the envelope and the clerk goes on to the next.
pub async fn submit(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let id = path.into_inner();
    let mut k = Keyed { form: fields(&f), key: super::form_key(&f), looked_up: true, ..Keyed::default() };
    let pick = f.get("pick").trim().to_string();
    if !pick.is_empty() {
        k.form.insert("citation_number".into(), pick);
    } else if f.get("step") != "lookup" {
        match keying::save(&state, &clerk, &f, &k.key, Some(id)).await {
            Saved::Answer(answer) => {
                return match run_db(&state.pool, move |c| queue::next_after(c, id)).await {
                    Ok(next) => see_other(&state, &pr, &after(next, Some(answer.id))),
                    Err(e) => pages::service_error(&state, &pr, e),
                }
            }
            Saved::Errors(fields) => k.errors = fields,
            Saved::Refused(m) => k.conflict = Some(m),
            Saved::Failed(e) => return pages::service_error(&state, &pr, e),
        }
    }
    let status = match (&k.conflict, k.errors.is_empty()) {
        (Some(_), _) => StatusCode::CONFLICT,
        (None, false) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, true) => StatusCode::OK,
    };
    page(&state, &req, &pr, &clerk, id, k, status).await
}

/// `POST /staff/envelopes/{id}/not-a-plea` (`reason`): the envelope leaves the queue with the
/// reason (`envelope.not_a_plea`); 303 to the next envelope left to key.
pub async fn not_a_plea(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, actor, reason) = (path.into_inner(), clerk.actor(), f.get("reason").to_string());
    // The keying form starts afresh beside the reason shown again.
    let mut k = Keyed { reason: Some(reason.clone()), ..Keyed::default() };
    let status = match run_db(&state.pool, move |c| queue::not_a_plea(c, id, &reason, &actor)).await {
        Ok(next) => return see_other(&state, &pr, &after(next, None)),
        Err(AppError::Invalid { message, .. }) => {
            k.reason_error = Some(message);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(AppError::Conflict(m)) => {
            k.conflict = Some(m);
            StatusCode::CONFLICT
        }
        Err(e) => return pages::service_error(&state, &pr, e),
    };
    page(&state, &req, &pr, &clerk, id, k, status).await
}

/// `POST /staff/envelopes/{id}/offer-slip` (`answer` = `accept` or `not_signed`): the clerk
/// confirms the signed acceptance slip of a plea offer letter (the offer is accepted by mail,
/// `services::offers::answer::by_mail`) or finds it unsigned; the envelope leaves the queue
/// either way. 303 back to the envelope, which says what was done.
pub async fn offer_slip(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (f, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, user, ctx) = (path.into_inner(), clerk.user.id, state.letters.clone());
    let accept = f.get("answer") == "accept";
    match run_db(&state.pool, move |c| offer_answer::by_mail(c, id, accept, user, &ctx)).await {
        Ok(_) => see_other(&state, &pr, &format!("/staff/envelopes/{id}")),
        Err(AppError::Conflict(m)) => {
            page(&state, &req, &pr, &clerk, id, Keyed { conflict: Some(m), ..Keyed::default() }, StatusCode::CONFLICT)
                .await
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `POST /staff/envelopes/{id}/reopen`: an envelope set aside as not a plea goes back in the
/// queue (`envelope.reopened`); 303 to it.
pub async fn reopen(
    req: HttpRequest,
    clerk: Clerk,
    path: web::Path<i64>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (_, pr) = match read_form(&req, payload, &state, Some(&clerk.user)).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let (id, actor) = (path.into_inner(), clerk.actor());
    match run_db(&state.pool, move |c| queue::reopen(c, id, &actor)).await {
        Ok(()) => see_other(&state, &pr, &format!("/staff/envelopes/{id}?done=reopened")),
        Err(AppError::Conflict(m)) => {
            page(&state, &req, &pr, &clerk, id, Keyed { conflict: Some(m), ..Keyed::default() }, StatusCode::CONFLICT)
                .await
        }
        Err(e) => pages::service_error(&state, &pr, e),
    }
}

/// `GET /staff/queues/envelopes`: 303 to the envelope waiting longest, or a page saying the
/// queue is empty.
pub async fn oldest(req: HttpRequest, clerk: Clerk, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, None);
    match run_db(&state.pool, queue::oldest).await {
        Ok(Some(id)) => see_other(&state, &pr, &format!("/staff/envelopes/{id}")),
        Ok(None) => message(
            &state,
            &req,
            Some(&clerk.user),
            StatusCode::OK,
            "No envelope is waiting to be keyed",
            "Every scanned envelope has been keyed or set aside. Upload the next batch under Scans.",
        ),
        Err(e) => pages::service_error(&state, &pr, e),
    }
}
