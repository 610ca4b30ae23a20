//! Evidence sent with the plea form: stored once by content (the draft keeps the ids).

use super::form::FormData;
use crate::error::AppError;
use crate::web::{run_db, AppState};

/// Stores the form's uploaded files; returns their document ids.
pub async fn store(state: &AppState, form: &mut FormData) -> Result<Vec<i64>, AppError> {
    let uploads = std::mem::take(&mut form.uploads);
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    let data_dir = state.config.data_dir.clone();
    run_db(&state.pool, move |c| {
        uploads
            .iter()
            .map(|u| crate::services::evidence::store(c, &data_dir, u.content_type, &u.bytes, u.name.as_deref()))
            .collect()
    })
    .await
}

/// Why an upload was refused, in the resident's language.
pub fn upload_message(lang: crate::domain::Language, problem: &str) -> String {
    let key = match problem {
        "too_big" => "upload.too_big",
        "too_many" => "upload.too_many",
        _ => "upload.file_type",
    };
    crate::i18n::text(lang, key)
}
