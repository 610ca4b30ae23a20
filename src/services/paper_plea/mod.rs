//! A paper plea keyed in by a clerk (mail or counter, SPEC §4 `POST /api/v1/submissions`): the
//! request, its field checks, and recording it — linked to its citation at once when the number
//! (and the date of birth, if given) name one on file, else kept `unmatched` with suggestions.
//! Whatever is linked goes through `paper_link::link_in_tx`, the one path that judges the
//! deadline by the postmark, finds what is missing, flags duplicates and applies the plea.

mod request;

pub use request::{parse, EnclosedPayment, PaperPlea, PaperPleaItem, PaperPleaRequest};

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::Language;
use crate::error::AppError;
use crate::services::letters::LetterContext;
use crate::services::paper_link::{self, SubmissionAnswer};
use crate::services::{idempotency, intake, matching};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

fn request_hash(req: &PaperPleaRequest) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

/// Records a paper plea for staff member `user_id`; `key` is the Idempotency-Key, if sent.
pub fn submit(
    conn: &mut DbConn,
    req: &PaperPleaRequest,
    key: Option<&str>,
    user_id: i64,
    ctx: &LetterContext,
    today: NaiveDate,
) -> Result<SubmissionAnswer, AppError> {
    let plea = parse(req, today)?;
    let scoped = idempotency::scoped(user_id, key);
    let hash = request_hash(req);
    idempotency::once(
        conn,
        scoped.as_deref(),
        |c, k| replay(c, k, &hash),
        |c| record(c, &plea, scoped.as_deref(), &hash, user_id, ctx),
    )
}

fn replay(conn: &mut DbConn, key: &str, hash: &str) -> Result<Option<SubmissionAnswer>, AppError> {
    let Some(sub) = db::paper::by_idempotency_key(conn, key)? else {
        return Ok(None);
    };
    if sub.request_hash.as_deref() != Some(hash) {
        return Err(idempotency::reused("plea"));
    }
    paper_link::answer_for(conn, &sub).map(Some)
}

fn record(
    conn: &mut DbConn,
    plea: &PaperPlea,
    key: Option<&str>,
    hash: &str,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<SubmissionAnswer, AppError> {
    let document_id = match (plea.envelope_id, plea.document_id) {
        (Some(envelope), given) => Some(crate::services::scans::queue::document_for(conn, envelope, given)?),
        (None, Some(id)) if db::documents::find(conn, id)?.is_none() => {
            return Err(AppError::field(
                "document_id",
                format!("there is no scanned document {id}; upload the scan first"),
            ));
        }
        (None, given) => given,
    };
    let case = match &plea.number {
        Some(n) => matching::find_as_typed(conn, n)?,
        None => None,
    };
    // A number on file whose date of birth differs is not linked blindly: it waits, suggested.
    let case = case.filter(|c| plea.date_of_birth.is_none_or(|d| d == c.date_of_birth));
    let claimed = match (&case, &plea.number) {
        (Some(c), _) => Some(c.citation_number.clone()),
        (None, Some(n)) => Some(matching::shaped(conn, n)?),
        (None, None) => None,
    };
    let actor = format!("staff:{user_id}");
    let confirmation = intake::confirmation_code();
    let address = crate::services::plea_apply::address_json(&plea.contact);
    let plea_rows: Vec<(i32, &str)> = plea.pleas.iter().map(|(s, p)| (*s, p.as_str())).collect();
    let language = plea.contact.language.or_else(|| case.as_ref().and_then(|c| c.language.parse().ok()));
    let new = db::paper::NewPaper {
        citation_id: None,
        status: "unmatched",
        confirmation: &confirmation,
        channel: plea.channel.as_str(),
        language: language.unwrap_or(Language::En).as_str(),
        received_at: db::now(),
        postmark_date: plea.postmark,
        document_id,
        claimed_citation_number: claimed.as_deref(),
        claimed_date_of_birth: plea.date_of_birth,
        claimed_last_name: plea.last_name.as_deref(),
        claimed_plate: plea.plate.as_deref(),
        signed: plea.signed,
        statement: plea.contact.statement.as_deref(),
        email: plea.contact.email.as_deref(),
        phone: plea.contact.phone.as_deref(),
        mailing_address: address.as_deref(),
        enclosed_payment_cents: plea.payment.as_ref().map(|p| p.0.get()),
        enclosed_payment_method: plea.payment.as_ref().map(|p| p.1.as_str()),
        enclosed_payment_reference: plea.payment.as_ref().and_then(|p| p.2.as_deref()),
        deficiencies: None,
        duplicate: false,
        idempotency_key: key,
        request_hash: hash,
        created_by: user_id,
    };
    let id = db::write_transaction(conn, |c| -> Result<i64, AppError> {
        let id = db::paper::insert(c, &new, &plea_rows)?;
        audit::append(
            c,
            &Event {
                actor: &actor,
                action: "plea.keyed",
                subject_type: "submission",
                subject_id: &id.to_string(),
                outcome: "ok",
                details: serde_json::json!({
                    "channel": plea.channel.as_str(), "pleas": plea_rows.len(),
                    "enclosed_payment_cents": new.enclosed_payment_cents, "document_id": document_id,
                    "envelope_id": plea.envelope_id,
                }),
            },
        )?;
        if let Some(envelope) = plea.envelope_id {
            crate::services::scans::queue::claim_in_tx(c, envelope, id)?;
        }
        if let Some(case) = &case {
            let sub = db::paper::find(c, id)?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("submission {id} vanished")))?;
            paper_link::link_in_tx(c, &sub, case, paper_link::How::Entry, &actor, ctx)?;
        }
        Ok(id)
    })?;
    let sub =
        db::paper::find(conn, id)?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("submission {id} vanished")))?;
    paper_link::answer_for(conn, &sub)
}
