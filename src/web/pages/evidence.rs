//! Evidence sent with the plea form: stored once by content (the draft keeps the ids).

use super::form::FormData;
use crate::db;
use crate::error::AppError;
use crate::web::AppState;
use sha2::{Digest, Sha256};

/// Stores the form's uploaded files; returns their document ids.
pub async fn store(state: &AppState, form: &mut FormData) -> Result<Vec<i64>, AppError> {
    let uploads = std::mem::take(&mut form.uploads);
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let dir = state.config.data_dir.join("evidence");
    db::run(&state.pool, move |c| {
        let mut ids = Vec::new();
        for u in uploads {
            let sha = hex::encode(Sha256::digest(&u.bytes));
            let ext = match u.content_type {
                "application/pdf" => "pdf",
                "image/jpeg" => "jpg",
                _ => "png",
            };
            let path = dir.join(&sha[..2]).join(format!("{sha}.{ext}"));
            if !path.exists() {
                std::fs::create_dir_all(path.parent().unwrap_or(&dir)).map_err(|e| AppError::Internal(e.into()))?;
                std::fs::write(&path, &u.bytes).map_err(|e| AppError::Internal(e.into()))?;
            }
            ids.push(db::documents::upsert(
                c,
                &sha,
                u.content_type,
                u.bytes.len() as i64,
                &path.display().to_string(),
            )?);
        }
        Ok(ids)
    })
    .await
}

pub fn upload_message(lang: crate::domain::Language, problem: &str) -> String {
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
