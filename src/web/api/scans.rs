//! Scanned mail for clerks: upload (one file or several, each its own batch), the batch with its
//! envelopes, moving a mis-split page, and the printable separator sheet.

use crate::domain::envelopes::MoveTo;
use crate::error::AppError;
use crate::scan::ScanKind;
use crate::services::scans::{self as service, MAX_SCAN_BYTES};
use crate::web::body::{multipart_body, next_or_incomplete, BodyProgress};
use crate::web::staff::{ClerkOrAdmin, Staff, StaffAnd};
use crate::web::{run_db, AppState};
use actix_multipart::Multipart;
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// Most files in one upload.
pub const MAX_FILES: usize = 10;
/// The whole body: every file at its limit, and room for the multipart framing.
const MAX_BODY: usize = MAX_FILES * MAX_SCAN_BYTES + 64 * 1024;

fn too_large(name: &str) -> AppError {
    AppError::PayloadTooLarge(format!(
        "{name} is larger than {} MB; scan it in smaller batches and upload each",
        MAX_SCAN_BYTES / (1024 * 1024)
    ))
}

/// `POST /api/v1/scans` (multipart, field `file`, several allowed): each file is read, split
/// into envelopes and linked as it arrives. One file answers its batch; several answer
/// `{"uploads": [...]}` in order. 201 when anything new was stored, else 200.
pub async fn upload(
    user: Staff<ClerkOrAdmin>,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let mut results = receive(&state, (user.user.id, user.actor()), &req, payload, &|_| Ok(())).await?;
    let created = results.iter().any(|(_, new)| *new);
    let body = match results.len() {
        1 => results.pop().map(|(v, _)| v).unwrap_or_default(),
        _ => serde_json::json!({"uploads": results.into_iter().map(|(v, _)| v).collect::<Vec<_>>()}),
    };
    Ok(if created { HttpResponse::Created() } else { HttpResponse::Ok() }.json(body))
}

/// The short text fields sent before the first file (a console form's CSRF token).
pub type Fields = std::collections::HashMap<String, String>;

/// Longest text field kept for the gate; a longer one is kept empty.
const MAX_FIELD: usize = 1024;

/// Reads a multipart upload of scans (field `file`, at most [`MAX_FILES`], each within
/// [`MAX_SCAN_BYTES`]) and stores each file as it arrives: its batch and whether it was new, in
/// order. `gate` sees the text fields sent before the first file, and runs before any file is
/// kept (the console's CSRF check). The API and the console upload through here, so their
/// limits and errors are the same.
pub async fn receive(
    state: &web::Data<AppState>,
    (user_id, actor): (i64, String),
    req: &HttpRequest,
    payload: web::Payload,
    gate: &dyn Fn(&Fields) -> Result<(), AppError>,
) -> Result<Vec<(serde_json::Value, bool)>, AppError> {
    if !crate::web::body::media_type(req).starts_with("multipart/form-data") {
        return Err(AppError::UnsupportedMediaType("send the scan as multipart/form-data in the field 'file'".into()));
    }
    let (stream, BodyProgress { seen, ended }) = multipart_body(payload, MAX_BODY);
    let mut multipart = Multipart::new(req.headers(), stream);
    let (mut results, mut failed, mut parts) = (Vec::new(), None::<AppError>, 0usize);
    let (mut fields, mut gated) = (Fields::new(), false);
    while let Some(field) = next_or_incomplete(&mut multipart, &ended).await {
        let mut field = match field {
            Ok(f) => f,
            Err(e) if seen.get() > MAX_BODY => return Err(failed.unwrap_or(too_large(&format!("the upload ({e})")))),
            Err(e) => return Err(failed.unwrap_or(AppError::invalid(format!("the upload could not be read: {e}")))),
        };
        let name = field.content_disposition().and_then(|cd| cd.get_name()).unwrap_or("").to_string();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_string);
        if name == "file" && !gated {
            gate(&fields)?;
            gated = true;
        }
        let is_file = name == "file" && failed.is_none();
        let is_text = !gated && name != "file";
        parts += usize::from(is_file);
        if is_file && parts > MAX_FILES {
            failed = Some(AppError::PayloadTooLarge(format!("send at most {MAX_FILES} files at once")));
        }
        // The limit holds while the file streams in: past it nothing more is kept (the rest of
        // the body is still read, within its own limit, so the client gets the answer).
        let mut data = Vec::new();
        let mut too_big = false;
        while let Some(chunk) = next_or_incomplete(&mut field, &ended).await {
            let chunk = chunk.map_err(|e| {
                if seen.get() > MAX_BODY {
                    too_large("the upload")
                } else {
                    AppError::invalid(format!("the upload could not be read: {e}"))
                }
            })?;
            if is_text && data.len() + chunk.len() <= MAX_FIELD {
                data.extend_from_slice(&chunk);
                continue;
            }
            if !is_file || failed.is_some() || too_big {
                continue;
            }
            if data.len() + chunk.len() > MAX_SCAN_BYTES {
                too_big = true;
                data = Vec::new();
                continue;
            }
            data.extend_from_slice(&chunk);
        }
        if is_text {
            fields.insert(name, String::from_utf8(data).unwrap_or_default());
            continue;
        }
        if !is_file || failed.is_some() {
            continue;
        }
        let label = format!("file {parts}");
        let outcome = if too_big {
            Err(too_large(&label))
        } else {
            let name = file_name.as_deref().and_then(crate::domain::file_name::sanitize);
            one_file(state, (user_id, &actor), data, name).await
        };
        match outcome {
            Ok(r) => results.push(r),
            Err(e) => failed = Some(e),
        }
    }
    if !gated {
        gate(&fields)?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    if results.is_empty() {
        return Err(AppError::field("file", "send the scan in the multipart field 'file'"));
    }
    Ok(results)
}

/// Stores and reads one file; (its batch, whether it was new).
async fn one_file(
    state: &web::Data<AppState>,
    (user_id, actor): (i64, &str),
    bytes: Vec<u8>,
    name: Option<String>,
) -> Result<(serde_json::Value, bool), AppError> {
    let kind = ScanKind::sniff(&bytes).ok_or_else(|| {
        AppError::UnsupportedMediaType(
            "a scan must be a PDF, PNG, JPEG or TIFF file (decided from its content, not its name)".into(),
        )
    })?;
    let sha = crate::storage::sha256_hex(&bytes);
    let actor = actor.to_string();
    let found = run_db(&state.pool, move |c| service::existing(c, &sha)).await?;
    if let Some(doc) = found {
        let a = actor.clone();
        let mut v = run_db(&state.pool, move |c| {
            service::record_repeat(c, doc, &a)?;
            service::view(c, doc)
        })
        .await?;
        v["created"] = false.into();
        return Ok((v, false));
    }
    let bytes = std::sync::Arc::new(bytes);
    let (for_read, data_dir) = (bytes.clone(), state.config.data_dir.clone());
    let reads = web::block(move || service::read(&for_read, kind, &data_dir)).await??;
    let data_dir = state.config.data_dir.clone();
    let (mut v, created) = run_db(&state.pool, move |c| {
        let (doc, created) = service::record(c, &data_dir, kind, &bytes, name.as_deref(), &reads, (user_id, &actor))?;
        if !created {
            service::record_repeat(c, doc, &actor)?;
        }
        Ok((service::view(c, doc)?, created))
    })
    .await?;
    v["created"] = created.into();
    Ok((v, created))
}

/// `GET /api/v1/scans/{document_id}`: the batch with its envelopes.
pub async fn get(
    user: Staff<ClerkOrAdmin>,
    id: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), user.actor());
    let v = run_db(&state.pool, move |c| service::open(c, id, &actor)).await?;
    Ok(HttpResponse::Ok().json(v))
}

/// (envelope id, page number) in the address.
type EnvelopePage = (i64, i32);

/// Optional so that a body without it is refused with the handler's own message.
#[derive(Deserialize)]
pub struct Move {
    to: Option<String>,
}

/// `POST /api/v1/envelopes/{id}/pages/{page}/move` `{"to": "previous" | "next"}`: answers the
/// batch as it now is.
pub async fn move_page(
    call: StaffAnd<ClerkOrAdmin, (web::Path<EnvelopePage>, web::Json<Move>)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let StaffAnd { staff: user, rest: (path, body) } = call;
    let (envelope, page) = path.into_inner();
    let to = body.to.as_deref().ok_or_else(|| AppError::field("to", "say where the page goes: previous or next"))?;
    let to: MoveTo = to.parse().map_err(|e: crate::domain::ParseError| AppError::field("to", e.to_string()))?;
    let actor = user.actor();
    let v = run_db(&state.pool, move |c| {
        let doc = service::moves::move_page(c, envelope, page, to, &actor)?;
        service::view(c, doc)
    })
    .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Deserialize)]
pub struct Copies {
    copies: Option<u32>,
}

/// `GET /api/v1/scans/separator.pdf?copies=N`: separator sheets to print (1 to 100 pages).
pub async fn separator(_user: Staff<ClerkOrAdmin>, q: web::Query<Copies>) -> Result<HttpResponse, AppError> {
    let copies = q.copies.unwrap_or(1);
    let pdf = web::block(move || service::separator_sheets(copies)).await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"separator-sheets.pdf\""))
        .body(pdf))
}
