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
