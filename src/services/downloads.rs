//! A stored letter as a file to download: its bytes (checked against their checksum) and the name
//! it is saved under (`PD-7Q4K-M2XD-receipt.pdf`).

use crate::db::{self, DbConn};
use crate::error::AppError;
use crate::letters::{self, data::LetterData};

/// The name a letter is downloaded under (see [`letters::download_name`]).
pub fn file_name(conn: &mut DbConn, id: i64) -> Result<String, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    let data: LetterData = serde_json::from_str(&letter.data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id} has unreadable data: {e}")))?;
    Ok(letters::download_name(&data))
}

/// `Content-Disposition` for a letter saved as `name`.
pub fn attachment(name: &str) -> String {
    format!("attachment; filename=\"{name}\"")
}
