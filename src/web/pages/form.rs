//! Reading a submitted page form — URL-encoded or multipart with files — with limits, and storing
//! evidence files checked by their content, never by their name.

use crate::error::AppError;
use crate::web::body::{multipart_body, next_or_incomplete, BodyProgress};
use actix_multipart::Multipart;
use actix_web::{http::header, web, HttpRequest};
use std::collections::HashMap;

/// Largest body of an ordinary (non-file) form.
pub const FORM_LIMIT: usize = 64 * 1024;
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Largest multipart body in all: a few phone photos and the form.
pub const MAX_BODY: usize = 25 * 1024 * 1024;
/// Most parts in a multipart body: the plea form has a few dozen fields.
pub const MAX_PARTS: usize = 200;

/// One uploaded file whose content is a PDF, JPEG or PNG.
pub struct Upload {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// The name it was sent under, sanitised (shown on the receipt, never trusted for its type).
    pub name: Option<String>,
}

#[derive(Default)]
pub struct FormData {
    pub fields: HashMap<String, String>,
    /// Evidence already stored in an earlier step (`evidence_token` fields).
    pub tokens: Vec<String>,
    pub uploads: Vec<Upload>,
    /// A problem with an uploaded file, for the `evidence` field.
    pub upload_error: Option<&'static str>,
}

impl FormData {
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// What a file's first bytes say it is, if it is one of the accepted kinds.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

/// Checks made on a form before any file in it is read (CSRF token, rate limit). They see the
/// fields that came before the first file (a browser sends them in page order).
pub type Gate<'a> = &'a dyn Fn(&FormData) -> Result<(), AppError>;

/// Reads the body of a page form; `gate` runs on the fields before any file is read.
pub async fn read(req: &HttpRequest, payload: web::Payload, gate: Gate<'_>) -> Result<FormData, AppError> {
    let media = super::super::body::media_type(req);
    if media == "multipart/form-data" {
        return read_multipart(req, payload, gate).await;
    }
    let bytes = super::super::body::read_limited(req, payload, FORM_LIMIT).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| AppError::invalid(format!("the form could not be read: {e}")))?;
    let mut form = FormData::default();
    for (k, v) in pairs {
        push(&mut form, k, v);
    }
    gate(&form)?;
    Ok(form)
}

fn push(form: &mut FormData, k: String, v: String) {
    if k == "evidence_token" {
        form.tokens.push(v);
    } else {
        form.fields.insert(k, v);
    }
}

fn too_large(what: &str) -> AppError {
    AppError::PayloadTooLarge(format!("the form {what}; send at most {MAX_FILES} files of at most 10 MB each"))
}

/// Reads a multipart form as it streams in: the whole body is limited to [`MAX_BODY`] bytes and
/// [`MAX_PARTS`] parts (413 as soon as either is passed, nothing more is read), at most
/// [`MAX_FILES`] files are kept, each of at most [`MAX_FILE_BYTES`]; `gate` runs before the first
/// file is read.
async fn read_multipart(req: &HttpRequest, payload: web::Payload, gate: Gate<'_>) -> Result<FormData, AppError> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY) {
        return Err(too_large("is too large"));
    }
    // Every byte of the body is counted as it arrives; past the limit the stream ends in an error.
    let (stream, BodyProgress { seen, ended }) = multipart_body(payload, MAX_BODY);
    let over = |e: &dyn std::fmt::Display| {
        if seen.get() > MAX_BODY {
            too_large("is too large")
        } else {
            AppError::invalid(format!("the form could not be read: {e}"))
        }
    };
    let mut form = FormData::default();
    let mut multipart = Multipart::new(req.headers(), stream);
    let (mut parts, mut text_bytes, mut gated) = (0usize, 0usize, false);
    while let Some(field) = next_or_incomplete(&mut multipart, &ended).await {
        let mut field = field.map_err(|e| over(&e))?;
        parts += 1;
        if parts > MAX_PARTS {
            return Err(too_large("has too many parts"));
        }
        let name = field.content_disposition().and_then(|cd| cd.get_name()).unwrap_or("").to_string();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_string);
        let is_file = file_name.is_some();
        if is_file && !gated {
            gate(&form)?;
            gated = true;
        }
        // A file past the fifth is read (within the body limit) but not kept.
        let full = is_file && form.uploads.len() + form.tokens.len() >= MAX_FILES;
        let keep = match (is_file, full) {
            (false, _) => FORM_LIMIT,
            (true, false) => MAX_FILE_BYTES,
            (true, true) => 0,
        };
        let mut data = Vec::new();
        let mut too_big = false;
        while let Some(chunk) = next_or_incomplete(&mut field, &ended).await {
            let chunk = chunk.map_err(|e| over(&e))?;
            if data.len() + chunk.len() > keep {
                too_big = true;
                data = Vec::new();
                continue; // not kept; the body limit still bounds what is read
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if data.is_empty() && !too_big {
                continue; // the file input was left empty
            }
            if full {
                form.upload_error = Some("too_many");
            } else if too_big {
                form.upload_error = Some("too_big");
            } else {
                match sniff(&data) {
                    Some(content_type) => form.uploads.push(Upload {
                        content_type,
                        bytes: data,
                        name: file_name.as_deref().and_then(crate::domain::file_name::sanitize),
                    }),
                    None => form.upload_error = Some("wrong_type"),
                }
            }
        } else {
            text_bytes += data.len();
            if too_big || text_bytes > FORM_LIMIT {
                return Err(AppError::PayloadTooLarge(format!("the form is larger than {FORM_LIMIT} bytes")));
            }
            push(&mut form, name, String::from_utf8_lossy(&data).into_owned());
        }
    }
    if !gated {
        gate(&form)?;
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"MZ\x90\x00 an exe called photo.png"), None);
        assert_eq!(sniff(b""), None);
    }
}
