//! The resident's path through the pages: start → look-up → case → plea form → review →
//! confirmation; and status. Each step re-checks identity from the POSTed fields.

use super::form::FormData;
use super::{date_from, date_parts, field_errors, render, service_error, PageRequest};
use crate::db;
use crate::error::AppError;
use crate::services::intake::{self, AddressInput, Identity, PleaItem, PleaRequest};
use crate::services::status;
use crate::web::api::public::{limit, outcome};
use crate::web::{run_db, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn routes(cfg: &mut web::ServiceConfig) {
    use web::{get, post, resource};
    cfg.service(resource("/").route(get().to(start)))
        .service(resource("/lookup").route(get().to(lookup_form)))
        .service(resource("/case").route(post().to(case)))
        .service(resource("/plea").route(post().to(plea_form)))
        .service(resource("/plea/review").route(post().to(review)))
        .service(resource("/plea/submit").route(post().to(submit)))
        .service(resource("/plea/confirmation").route(post().to(confirmation)))
        .service(resource("/status").route(get().to(status_form)).route(post().to(status)))
        .service(resource("/status/letter").route(post().to(letter)));
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

async fn start(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, q.lang.as_deref());
    render(&state, &pr, "start", StatusCode::OK, json!({}))
}

async fn lookup_form(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, q.lang.as_deref());
    render(&state, &pr, "lookup", StatusCode::OK, json!({"dob_parts": {}}))
}

async fn status_form(req: HttpRequest, q: web::Query<LangQuery>, state: web::Data<AppState>) -> HttpResponse {
    let pr = PageRequest::new(&req, q.lang.as_deref());
    render(&state, &pr, "status_form", StatusCode::OK, json!({"dob_parts": {}}))
}

/// Reads the form behind its CSRF and rate-limit checks; the page to show instead when one fails.
async fn open_form(
    req: &HttpRequest,
    payload: web::Payload,
    state: &AppState,
) -> Result<(FormData, PageRequest), HttpResponse> {
    super::guard::open_form(req, payload, state).await
}

/// The identity fields as the next forms carry them.
fn identity_json(number: &str, dob: &str) -> Value {
    json!({"citation_number": number, "date_of_birth": dob})
}

async fn case(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let number = form.get("citation_number").trim().to_string();
    let dob = date_from(&form, "date_of_birth");
    let again = |message: Option<String>, errors: Value, status: StatusCode| {
        let ctx = json!({"form": {"citation_number": number}, "dob_parts": date_parts(&form, "date_of_birth"), "errors": errors, "message": message});
        render(&state, &pr, "lookup", status, ctx)
    };
    if let Err(e) = limit(&state, &req, &number) {
        return service_error(&state, &pr, e);
    }
    let today = state.today();
    let lang = pr.lang;
    let id = match Identity::parse(&number, &dob, today, lang) {
        Ok(id) => id,
        Err(e) => {
            let (m, mut f) = field_errors(&e);
            dob_wording(&state, &pr, &mut f);
            return again(m, f, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let result = run_db(&state.pool, move |c| {
        let case = intake::find_case(c, &id, lang)?;
        intake::summary(c, &case, today, lang)
    })
    .await;
    outcome(&state, &req, &number, &result);
    match result {
        Ok(summary) => render(
            &state,
            &pr,
            "case",
            StatusCode::OK,
            json!({"case": summary, "form": identity_json(&summary.citation_number, &dob)}),
        ),
        Err(AppError::NotFound(m)) => again(Some(m), json!({}), StatusCode::NOT_FOUND),
        Err(e) => service_error(&state, &pr, e),
    }
}

/// The plea form's fields, pre-filled from the case the first time.
fn prefill(
    form: &FormData,
    summary: &intake::CaseSummary,
    case_lang: &str,
    address: (&str, &str, &str, &str, &str),
) -> Value {
    let mut v = json!({});
    for (k, val) in &form.fields {
        v[k] = json!(val);
    }
    if form.get("line1").is_empty() && form.get("signature_name").is_empty() {
        v["line1"] = json!(address.0);
        v["line2"] = json!(address.1);
        v["city"] = json!(address.2);
        v["state"] = json!(address.3);
        v["postal_code"] = json!(address.4);
        v["email"] = json!(summary.email.clone().unwrap_or_default());
        v["phone"] = json!(summary.phone.clone().unwrap_or_default());
        v["language"] = json!(case_lang);
    }
    v["citation_number"] = json!(summary.citation_number);
    v
}

/// The case and its address for the identity in the form; the page to show instead on failure.
async fn load_case(
    req: &HttpRequest,
    form: &FormData,
    pr: &PageRequest,
    state: &web::Data<AppState>,
) -> Result<(intake::CaseSummary, db::citations::CitationRecord), HttpResponse> {
    let number = form.get("citation_number").to_string();
    limit(state, req, &number).map_err(|e| service_error(state, pr, e))?;
    let today = state.today();
    let lang = pr.lang;
    let id =
        Identity::parse(&number, form.get("date_of_birth"), today, lang).map_err(|e| service_error(state, pr, e))?;
    let result = run_db(&state.pool, move |c| {
        let case = intake::find_case(c, &id, lang)?;
        let summary = intake::summary(c, &case, today, lang)?;
        Ok((summary, case))
    })
    .await;
    outcome(state, req, &number, &result);
    result.map_err(|e| service_error(state, pr, e))
}

fn evidence_list(pr: &PageRequest, tokens: &[String]) -> Value {
    let kept: Vec<Value> = tokens
        .iter()
        .filter(|t| pr.evidence_id(t).is_some())
        .enumerate()
        .map(|(i, t)| json!({"token": t, "name": format!("{} {}", i + 1, "PDF/JPEG/PNG")}))
        .collect();
    json!(kept)
}

fn plea_page(
    state: &AppState,
    pr: &PageRequest,
    form: &FormData,
    case: &(intake::CaseSummary, db::citations::CitationRecord),
    errors: Value,
    message: Option<String>,
    status: StatusCode,
) -> HttpResponse {
    let (summary, c) = case;
    let address = (
        c.address_line1.as_str(),
        c.address_line2.as_deref().unwrap_or(""),
        c.city.as_str(),
        c.state.as_str(),
        c.postal_code.as_str(),
    );
    let ctx = json!({
        "case": summary,
        "form": prefill(form, summary, &c.language, address),
        "evidence": evidence_list(pr, &form.tokens),
        "errors": errors,
        "message": message,
    });
    render(state, pr, "plea", status, ctx)
}

async fn plea_form(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    match load_case(&req, &form, &pr, &state).await {
        Ok(case) if !case.0.eligible => render(
            &state,
            &pr,
            "case",
            StatusCode::OK,
            json!({"case": case.0, "form": identity_json(form.get("citation_number"), form.get("date_of_birth"))}),
        ),
        Ok(case) => plea_page(&state, &pr, &form, &case, json!({}), None, StatusCode::OK),
        Err(page) => page,
    }
}

/// The plea request the form describes.
fn plea_request(form: &FormData, summary: &intake::CaseSummary) -> PleaRequest {
    let pleas = summary
        .charges
        .iter()
        .filter_map(|c| {
            form.get(&format!("plea_{}", c.seq)).parse().ok().map(|plea| PleaItem { charge_seq: c.seq, plea })
        })
        .collect();
    let opt = |k: &str| Some(form.get(k).trim().to_string()).filter(|v| !v.is_empty());
    PleaRequest {
        citation_number: form.get("citation_number").to_string(),
        date_of_birth: form.get("date_of_birth").to_string(),
        pleas,
        statement: opt("statement"),
        email: opt("email"),
        phone: opt("phone"),
        language: opt("language"),
        signature_name: form.get("signature_name").to_string(),
        attest: form.get("attest") == "yes",
        mailing_address: Some(AddressInput {
            line1: form.get("line1").to_string(),
            line2: form.get("line2").to_string(),
            city: form.get("city").to_string(),
            state: form.get("state").to_string(),
            postal_code: form.get("postal_code").to_string(),
        }),
    }
}

/// Stores uploaded evidence; returns the tokens of everything kept so far.
async fn store_evidence(state: &web::Data<AppState>, pr: &PageRequest, form: &mut FormData) -> Result<(), AppError> {
    let uploads = std::mem::take(&mut form.uploads);
    let data_dir = state.config.data_dir.clone();
    let stored: Vec<i64> = run_db(&state.pool, move |c| {
        uploads
            .iter()
            .map(|u| crate::services::evidence::store(c, &data_dir, u.content_type, &u.bytes, u.name.as_deref()))
            .collect()
    })
    .await?;
    form.tokens.extend(stored.into_iter().map(|id| pr.evidence_token(id)));
    form.tokens.retain(|t| pr.evidence_id(t).is_some());
    Ok(())
}

fn upload_message(lang: crate::domain::Language, problem: &str) -> String {
    use crate::domain::Language::*;
    match (problem, lang) {
        ("too_big", En) => "A file is larger than 10 MB. Choose a smaller file.".into(),
        ("too_big", Es) => "Un archivo pesa más de 10 MB. Elija un archivo más pequeño.".into(),
        ("too_many", En) => "You can add at most 5 files.".into(),
        ("too_many", Es) => "Puede agregar como máximo 5 archivos.".into(),
        (_, En) => "Only PDF, JPEG and PNG files can be added.".into(),
        (_, Es) => "Solo se pueden agregar archivos PDF, JPEG y PNG.".into(),
    }
}

async fn review(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (mut form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let case = match load_case(&req, &form, &pr, &state).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    if let Err(e) = store_evidence(&state, &pr, &mut form).await {
        return service_error(&state, &pr, e);
    }
    if !form.get("switch_lang").is_empty() && form.get("idempotency_key").is_empty() {
        return plea_page(&state, &pr, &form, &case, json!({}), None, StatusCode::OK);
    }
    let request = plea_request(&form, &case.0);
    let lang = pr.lang;
    let today = state.today();
    let checked = run_db(&state.pool, move |c| intake::preview(c, &request, today, lang)).await;
    let mut errors = match &checked {
        Ok(_) => json!({}),
        Err(e) => field_errors(e).1,
    };
    if let Some(problem) = form.upload_error {
        errors["evidence"] = json!(upload_message(lang, problem));
    }
    if checked.is_err() || form.upload_error.is_some() {
        let message = checked.err().and_then(|e| field_errors(&e).0);
        return plea_page(&state, &pr, &form, &case, errors, message, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Everything the submit step needs travels back in hidden fields (never in the URL).
    let carried_keys = [
        "statement",
        "email",
        "phone",
        "language",
        "line1",
        "line2",
        "city",
        "state",
        "postal_code",
        "signature_name",
        "attest",
    ];
    let mut carried = serde_json::Map::new();
    for k in carried_keys {
        carried.insert(k.into(), json!(form.get(k)));
    }
    for c in &case.0.charges {
        let k = format!("plea_{}", c.seq);
        if !form.get(&k).is_empty() {
            carried.insert(k.clone(), json!(form.get(&k)));
        }
    }
    let key = match form.get("idempotency_key") {
        "" => hex::encode(rand::random::<[u8; 16]>()),
        k => k.to_string(),
    };
    let mut shown = json!(carried.clone());
    shown["citation_number"] = json!(form.get("citation_number"));
    shown["date_of_birth"] = json!(form.get("date_of_birth"));
    let ctx = json!({
        "case": case.0, "form": shown, "carried": carried, "idempotency_key": key,
        "evidence": evidence_list(&pr, &form.tokens),
    });
    render(&state, &pr, "review", StatusCode::OK, ctx)
}

async fn submit(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let case = match load_case(&req, &form, &pr, &state).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let request = plea_request(&form, &case.0);
    let evidence: Vec<i64> = form.tokens.iter().filter_map(|t| pr.evidence_id(t)).collect();
    let key = Some(form.get("idempotency_key").to_string()).filter(|k| !k.is_empty() && k.len() <= 200);
    let ctx = state.letters.clone();
    let today = state.today();
    let result =
        run_db(&state.pool, move |c| intake::submit(c, &request, key.as_deref(), &evidence, &ctx, today)).await;
    match result {
        Ok(receipt) => {
            let view = json!({"receipt": receipt, "form": {"date_of_birth": form.get("date_of_birth")}});
            render(&state, &pr, "confirmation", StatusCode::CREATED, view)
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_))) => {
            let (m, f) = field_errors(&e);
            plea_page(&state, &pr, &form, &case, f, m, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => service_error(&state, &pr, e),
    }
}

/// The pages ask for the birth date in three boxes: say so in their words, not the API's.
fn dob_wording(state: &AppState, pr: &PageRequest, errors: &mut Value) {
    if errors.get("date_of_birth").is_some() {
        errors["date_of_birth"] = super::word(state, pr, "dob_error");
    }
}

/// The confirmation page again (after a language switch), from the code and birth date.
async fn confirmation(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let code = form.get("confirmation").trim().to_string();
    if let Err(e) = limit(&state, &req, &code) {
        return service_error(&state, &pr, e);
    }
    let dob = form.get("date_of_birth").to_string();
    let (lang, tz, today) = (pr.lang, state.config.court_tz, state.today());
    let (c, d) = (code.clone(), dob.clone());
    let result = run_db(&state.pool, move |conn| status::status(conn, &c, &d, today, lang, tz)).await;
    outcome(&state, &req, &code, &result);
    match result {
        Ok(view) => {
            let letter_id = view.letters.iter().find(|l| l.kind == "acknowledgement").map(|l| l.id);
            let receipt = json!({"confirmation": view.confirmation, "letter_id": letter_id});
            render(
                &state,
                &pr,
                "confirmation",
                StatusCode::OK,
                json!({"receipt": receipt, "form": {"date_of_birth": dob}}),
            )
        }
        Err(e) => service_error(&state, &pr, e),
    }
}

async fn status(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let confirmation = form.get("confirmation").trim().to_string();
    let dob = date_from(&form, "date_of_birth");
    if let Err(e) = limit(&state, &req, &confirmation) {
        return service_error(&state, &pr, e);
    }
    let (lang, tz, today) = (pr.lang, state.config.court_tz, state.today());
    let (code, birth) = (confirmation.clone(), dob.clone());
    let result = run_db(&state.pool, move |c| status::status(c, &code, &birth, today, lang, tz)).await;
    outcome(&state, &req, &confirmation, &result);
    match result {
        Ok(view) => {
            render(&state, &pr, "status", StatusCode::OK, json!({"view": view, "form": {"date_of_birth": dob}}))
        }
        Err(e @ (AppError::NotFound(_) | AppError::Invalid { .. })) => {
            let (m, mut f) = field_errors(&e);
            dob_wording(&state, &pr, &mut f);
            let status = actix_web::ResponseError::status_code(&e);
            let ctx = json!({"form": {"confirmation": confirmation}, "dob_parts": date_parts(&form, "date_of_birth"), "errors": f, "message": m});
            render(&state, &pr, "status_form", status, ctx)
        }
        Err(e) => service_error(&state, &pr, e),
    }
}

async fn letter(req: HttpRequest, payload: web::Payload, state: web::Data<AppState>) -> HttpResponse {
    let (form, pr) = match open_form(&req, payload, &state).await {
        Ok(x) => x,
        Err(page) => return page,
    };
    let confirmation = form.get("confirmation").to_string();
    if let Err(e) = limit(&state, &req, &confirmation) {
        return service_error(&state, &pr, e);
    }
    let Ok(letter_id) = form.get("letter_id").parse::<i64>() else {
        return super::error_page(&state, &pr, StatusCode::NOT_FOUND, "not_found_title", None);
    };
    let dob = form.get("date_of_birth").to_string();
    let (lang, today, ctx) = (pr.lang, state.today(), state.letters.clone());
    let code = confirmation.clone();
    let result = run_db(&state.pool, move |c| {
        let pdf = status::letter_pdf_rendered(c, &code, &dob, letter_id, today, lang, &ctx)?;
        Ok((pdf, crate::services::downloads::file_name(c, letter_id)?))
    })
    .await;
    outcome(&state, &req, &confirmation, &result);
    match result {
        Ok((pdf, name)) => HttpResponse::Ok()
            .content_type("application/pdf")
            .insert_header((header::CONTENT_DISPOSITION, crate::services::downloads::attachment(&name)))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(pdf),
        Err(e) => service_error(&state, &pr, e),
    }
}
