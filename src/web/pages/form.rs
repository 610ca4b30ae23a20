//! Reading a submitted page form — URL-encoded or multipart with files — with limits, and storing
//! evidence files checked by their content, never by their name.

use crate::error::AppError;
use actix_multipart::Multipart;
use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use std::collections::HashMap;

/// Largest body of an ordinary (non-file) form.
pub const FORM_LIMIT: usize = 64 * 1024;
pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

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

/// Reads the body of a page form.
pub async fn read(req: &HttpRequest, payload: web::Payload) -> Result<FormData, AppError> {
    let media = super::super::body::media_type(req);
    if media == "multipart/form-data" {
        return read_multipart(req, payload).await;
    }
    let bytes = super::super::body::read_limited(req, payload, FORM_LIMIT).await?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
        .map_err(|e| AppError::invalid(format!("the form could not be read: {e}")))?;
    let mut form = FormData::default();
    for (k, v) in pairs {
        push(&mut form, k, v);
    }
    Ok(form)
}

fn push(form: &mut FormData, k: String, v: String) {
    if k == "evidence_token" {
        form.tokens.push(v);
    } else {
        form.fields.insert(k, v);
    }
}

async fn read_multipart(req: &HttpRequest, payload: web::Payload) -> Result<FormData, AppError> {
    let mut form = FormData::default();
    let mut multipart = Multipart::new(req.headers(), payload.into_inner());
    let mut text_bytes = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|e| AppError::invalid(format!("the form could not be read: {e}")))?;
        let name = field.content_disposition().and_then(|cd| cd.get_name()).unwrap_or("").to_string();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_string);
        let is_file = file_name.is_some();
        let limit = if is_file { MAX_FILE_BYTES } else { FORM_LIMIT };
        let mut data = Vec::new();
        let mut too_big = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::invalid(format!("the form could not be read: {e}")))?;
            if data.len() + chunk.len() > limit {
                too_big = true;
                continue; // drain the rest of this field
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if data.is_empty() && !too_big {
                continue; // the file input was left empty
            }
            if too_big {
                form.upload_error = Some("too_big");
            } else if form.uploads.len() + form.tokens.len() >= MAX_FILES {
                form.upload_error = Some("too_many");
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
