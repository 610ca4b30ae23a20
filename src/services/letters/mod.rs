//! Letters for cases: create (data + queued render job, one transaction), render once and store
//! with a checksum, email through the outbox, and the daily mail run — one file per concern.

mod create;
mod email;
mod facts;
mod mail_run;
pub mod preview;
mod render;
mod transition;

pub use create::{
    create, for_case_file, letter_data, queue_acknowledgement, queue_for_case, queue_hardship_answer, queue_letter,
    queue_letters,
};
pub use email::{email, Composed};
pub use mail_run::{finish_interrupted, print_run, PrintRun};
pub use render::{render_stored, stored_pdf};
pub use transition::queue_transition;

use crate::config::Config;
use crate::error::AppError;
use crate::letters::templates::Templates;
use crate::letters::{self, PageSetup};
use chrono::NaiveDate;
use std::path::PathBuf;

pub const RENDER_JOB: &str = "render_letter";
pub const EMAIL_JOB: &str = "email_letter";
/// Rendering failures are bugs or broken templates: a few tries, then parked for staff.
const RENDER_ATTEMPTS: i32 = 5;
/// Email is retried for days while the server refuses or is down (backoff caps at an hour).
const EMAIL_ATTEMPTS: i32 = 100;

/// What letter work needs from the configuration, prepared once.
#[derive(Clone)]
pub struct LetterContext {
    pub data_dir: PathBuf,
    pub templates_dir: PathBuf,
    pub base_url: String,
    pub court: crate::config::CourtConfig,
    pub court_tz: chrono_tz::Tz,
    pub setup: PageSetup,
    pub mail_from: String,
    /// The court date letters are dated (the daily job's `--as-of`); `None`: today.
    pub as_of: Option<NaiveDate>,
}

impl LetterContext {
    pub fn from_config(c: &Config) -> anyhow::Result<LetterContext> {
        let logo = match &c.court.logo {
            Some(path) => {
                let bytes =
                    std::fs::read(path).map_err(|e| anyhow::anyhow!("PLEADESK_COURT_LOGO: {}: {e}", path.display()))?;
                Some(letters::logo::decode_png(&bytes).map_err(|e| anyhow::anyhow!("PLEADESK_COURT_LOGO: {e}"))?)
            }
            None => None,
        };
        let setup = PageSetup { offset_x: c.envelope_offset.0 * 72.0, offset_y: c.envelope_offset.1 * 72.0, logo };
        Ok(LetterContext {
            data_dir: c.data_dir.clone(),
            templates_dir: c.templates_dir.clone(),
            base_url: c.base_url.clone(),
            court: c.court.clone(),
            court_tz: c.court_tz,
            setup,
            mail_from: c.mail_from.clone(),
            as_of: None,
        })
    }

    /// The templates as they are on disk now (edits apply to the next letter).
    pub fn templates(&self) -> Result<Templates, AppError> {
        Templates::load(&self.templates_dir).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    }

    pub fn today(&self) -> NaiveDate {
        self.as_of.unwrap_or_else(|| chrono::Utc::now().with_timezone(&self.court_tz).date_naive())
    }

    /// The same context with letters dated `as_of` (a court date).
    pub fn on(&self, as_of: NaiveDate) -> LetterContext {
        LetterContext { as_of: Some(as_of), ..self.clone() }
    }
}
