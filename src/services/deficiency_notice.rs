//! The deficiency notice: what is missing from a paper plea, how to put it right and by when,
//! with a fresh plea form on the pages that follow (one letter, one envelope: the form's pages
//! carry the notice's QR code, so the corrected form links itself when its scan comes back).

use crate::db::{self, citations::CitationRecord, paper::PaperRecord, DbConn};
use crate::domain::deficiency::Deficiencies;
use crate::domain::{Language, LetterType};
use crate::error::AppError;
use crate::letters::data::{DeficiencyInfo, MissingPlea};
use crate::services::intake::CaseSummary;
use crate::services::letters::{self as letter_service, LetterContext};
use crate::services::plea_apply::{addressed, charge_lines};
use crate::services::plea_request::Checked;
use chrono::NaiveDate;

/// Queues the notice for `sub` (inside the caller's transaction); `defs.fix_by` must be set.
#[allow(clippy::too_many_arguments)]
pub fn queue(
    c: &mut DbConn,
    case: &CitationRecord,
    summary: &CaseSummary,
    checked: &Checked,
    sub: &PaperRecord,
    defs: &Deficiencies,
    received_on: NaiveDate,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    let fix_by =
        defs.fix_by.ok_or_else(|| AppError::Internal(anyhow::anyhow!("a deficiency notice needs its date")))?;
    let to = addressed(case, checked);
    let spanish = to.language == Language::Es.as_str();
    let charges = charge_lines(summary, spanish);
    let missing = defs
        .missing_pleas
        .iter()
        .map(|seq| MissingPlea {
            seq: *seq,
            description: charges.iter().find(|c| c.seq == *seq).map(|c| c.description.clone()).unwrap_or_default(),
        })
        .collect();
    let today = ctx.today();
    let mut data = letter_service::letter_data(&to, charges, None, LetterType::Deficiency, ctx);
    data.deficiency = Some(DeficiencyInfo {
        received_on,
        postmark: sub.postmark_date,
        unsigned: defs.unsigned,
        missing,
        fix_by,
        online_until: (case.response_due >= today).then_some(case.response_due),
    });
    // The enclosed form's deadline is the notice's.
    data.citation.response_due = fix_by;
    letter_service::queue_letter(c, case.id, Some(sub.id), &data)
}

/// The latest date a deficiency notice for this case gave to put a plea right, if any.
pub fn latest_fix_by(c: &mut DbConn, citation_id: i64) -> Result<Option<NaiveDate>, AppError> {
    Ok(db::paper::deficiencies_of(c, citation_id)?
        .iter()
        .filter_map(|j| serde_json::from_str::<Deficiencies>(j).ok()?.fix_by)
        .max())
}
