//! The one plea transaction's core, shared by every channel (online, mail, counter) and by
//! linking a paper plea later: `domain::lifecycle` moves the case (not-guilty charges get their
//! hearing disposition), the contact details given are kept, and the acknowledgement is queued —
//! all inside the caller's write transaction, so a plea is never recorded without its receipt.

use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::lifecycle::{self, Action, LifecycleError};
use crate::domain::{CaseStatus, Channel, Language, LetterType};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::case_state;
use crate::services::intake::CaseSummary;
use crate::services::letters::{self as letter_service, LetterContext};
use crate::services::plea_request::Checked;
use chrono::NaiveDate;

/// A recorded submission whose pleas are to be applied to its case.
pub struct Applied<'a> {
    pub case: &'a CitationRecord,
    /// The case as the pleas were checked against it.
    pub summary: &'a CaseSummary,
    pub checked: &'a Checked,
    pub submission_id: i64,
    /// Who the case's events are recorded for (`public`, `staff:<id>`, `system`).
    pub actor: &'a str,
}

/// The new mailing address as stored with a submission (JSON), if one was given.
pub fn address_json(checked: &Checked) -> Option<String> {
    checked.address.as_ref().map(|(l1, l2, city, st, zip)| {
        serde_json::json!({"line1": l1, "line2": l2, "city": city, "state": st, "postal_code": zip}).to_string()
    })
}

/// Applies the pleas to the case (only if it is still open: a plea is accepted once) and queues
/// the acknowledgement; returns the case's new status and the letter's id. `received_on` is the
/// court's date the plea arrived (receipts and payment windows count from it).
pub fn apply(
    c: &mut DbConn,
    a: &Applied,
    confirmation: &str,
    channel: Channel,
    received_on: NaiveDate,
    ctx: &LetterContext,
    lang: Language,
) -> Result<(CaseStatus, i64), AppError> {
    let answered = || AppError::Conflict(msg(lang, "answered"));
    let case = case_state::snapshot(c, a.case.id)?;
    let t = lifecycle::apply(&case, Action::PleaReceived { pleas: a.checked.pleas.clone() }).map_err(|e| match e {
        LifecycleError::WrongState { .. } => answered(),
        other => AppError::Conflict(other.to_string()),
    })?;
    let checked = a.checked;
    db::citations::update_contact(
        c,
        a.case.id,
        &db::citations::ContactUpdate {
            email: checked.email.as_deref(),
            phone: checked.phone.as_deref(),
            language: checked.language.map(|l| l.as_str()),
            address: checked
                .address
                .as_ref()
                .map(|(l1, l2, city, st, zip)| (l1.as_str(), l2.as_deref(), city.as_str(), st.as_str(), zip.as_str())),
        },
    )?;
    let mut receipt = None;
    for kind in &t.letters {
        match kind {
            LetterType::Acknowledgement => {
                receipt = Some(queue_receipt(c, a, confirmation, channel, received_on, ctx)?)
            }
            other => return Err(AppError::Internal(anyhow::anyhow!("a plea asked for a {other} letter"))),
        }
    }
    let letter = receipt.ok_or_else(|| AppError::Internal(anyhow::anyhow!("a plea without its acknowledgement")))?;
    // Last, so that the audit chain's lock is held only until the commit that follows.
    if !case_state::record(c, a.case.id, &a.case.citation_number, &t, a.actor, received_on)? {
        return Err(answered());
    }
    Ok((t.status(), letter))
}

/// The case as the letters see it once the contact details given with a plea apply.
pub fn addressed(case: &CitationRecord, checked: &Checked) -> CitationRecord {
    let mut to = case.clone();
    if let Some(e) = &checked.email {
        to.email = Some(e.clone());
    }
    if let Some(l) = checked.language {
        to.language = l.as_str().to_string();
    }
    if let Some((l1, l2, city, state, zip)) = &checked.address {
        (to.address_line1, to.address_line2, to.city, to.state, to.postal_code) =
            (l1.clone(), l2.clone(), city.clone(), state.clone(), zip.clone());
    }
    to
}

/// The case's charges as letter lines, in the letter's language.
pub fn charge_lines(summary: &CaseSummary, spanish: bool) -> Vec<crate::letters::data::ChargeLine> {
    summary
        .charges
        .iter()
        .map(|c| crate::letters::data::ChargeLine {
            seq: c.seq,
            offense_code: c.offense_code.clone(),
            description: if spanish { c.description_es.clone() } else { c.description.clone() },
            fine_cents: c.fine_cents,
            points: c.points,
            by_mail: c.offense_by_mail,
        })
        .collect()
}

/// Queues the acknowledgement from what the transaction already knows (no re-reading), to the
/// contact details just given.
fn queue_receipt(
    conn: &mut DbConn,
    a: &Applied,
    confirmation: &str,
    channel: Channel,
    received_on: NaiveDate,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    use crate::letters::data::{PleaLine, SubmissionInfo};
    let to = addressed(a.case, a.checked);
    let spanish = to.language == Language::Es.as_str();
    let submission = SubmissionInfo {
        confirmation: confirmation.to_string(),
        received_on,
        channel: channel.as_str().into(),
        pleas: a.checked.pleas.iter().map(|(seq, plea)| PleaLine { seq: *seq, plea: *plea }).collect(),
        statement: None,
        documents: Vec::new(),
    };
    let mut data = letter_service::letter_data(
        &to,
        charge_lines(a.summary, spanish),
        Some(submission),
        crate::domain::LetterType::Acknowledgement,
        ctx,
    );
    crate::services::receipt::complete(conn, &mut data, &to, a.submission_id, ctx)?;
    letter_service::queue_letter(conn, a.case.id, Some(a.submission_id), &data)
}
