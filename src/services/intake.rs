//! Online plea intake for residents: look-up, plea per charge, status. Identity is the citation
//! number and the date of birth; a wrong number and a wrong date of birth get the same answer.

use crate::audit::{self, Event};
use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::eligibility::{charge_by_mail, Reason};
use crate::domain::{CaseStatus, Channel, CitationNumber, DateOfBirth, Language, Plea};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::letters::LetterContext;
use crate::services::plea_apply;
use crate::services::plea_request::{check, invalid};
pub use crate::services::plea_request::{AddressInput, PleaItem, PleaRequest};
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A resident's proof of identity, parsed.
#[derive(Debug, Clone)]
pub struct Identity {
    pub number: CitationNumber,
    pub dob: NaiveDate,
}

impl Identity {
    pub fn parse(number: &str, dob: &str, today: NaiveDate, lang: Language) -> Result<Identity, AppError> {
        let mut fields = BTreeMap::new();
        // Spaces typed inside a number do not matter (`DV 2026 000101`); words without a digit
        // (`not a number`) are not read as one.
        let compact: String = if number.bytes().any(|b| b.is_ascii_digit()) {
            number.split_whitespace().collect()
        } else {
            number.to_string()
        };
        let n = CitationNumber::parse(&compact)
            .map_err(|_| fields.insert("citation_number".into(), msg(lang, "citation_number")));
        let d = DateOfBirth::parse(dob, today)
            .map_err(|_| fields.insert("date_of_birth".into(), msg(lang, "date_of_birth")));
        match (n, d) {
            (Ok(number), Ok(dob)) => Ok(Identity { number, dob: dob.date() }),
            _ => Err(invalid(lang, fields)),
        }
    }
}

/// The case for this identity, or the same 404 whichever half is wrong.
pub fn find_case(conn: &mut DbConn, id: &Identity, lang: Language) -> Result<CitationRecord, AppError> {
    match crate::services::matching::find_as_typed(conn, &id.number)? {
        Some(c) if c.date_of_birth == id.dob => Ok(c),
        _ => Err(AppError::NotFound(msg(lang, "not_found"))),
    }
}

/// The confirmation code of the plea on file for this case, once it has been answered.
pub fn answered_by(conn: &mut DbConn, c: &CitationRecord) -> Result<Option<String>, AppError> {
    if c.status == CaseStatus::Open {
        return Ok(None);
    }
    Ok(db::submissions::latest_for_citation(conn, c.id)?.map(|s| s.confirmation))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChargeSummary {
    pub seq: i32,
    pub offense_code: String,
    pub description: String,
    pub description_es: String,
    pub fine_cents: i64,
    pub points: i32,
    pub by_mail: bool,
    /// Why not by mail (`must_appear`, `not_by_mail`, `deadline_passed`, `already_answered`).
    #[schema(value_type = Option<String>, example = "must_appear")]
    pub reason: Option<Reason>,
    pub reason_text: Option<String>,
    /// A misdemeanor: a criminal conviction, with the consequences that can carry.
    pub misdemeanor: bool,
    /// This charge needs a court appearance on the court date (it cannot go by mail).
    pub appear: bool,
    /// The offense itself allows an answer by mail (whatever the date or the case).
    #[serde(skip)]
    pub offense_by_mail: bool,
    #[serde(skip)]
    pub class: Option<crate::domain::PenaltyClass>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseSummary {
    pub citation_number: String,
    #[schema(value_type = String, example = "open")]
    pub status: CaseStatus,
    pub language: String,
    /// The defendant's own language (ISO 639-1); pages add a language-assistance line for it.
    pub preferred_language: String,
    pub first_name: String,
    pub issued_on: NaiveDate,
    pub court_date: NaiveDate,
    pub response_due: NaiveDate,
    pub location: String,
    pub mailing_address: Vec<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub charges: Vec<ChargeSummary>,
    pub total_fine_cents: i64,
    /// The charges that need a court appearance on `court_date` (whatever is answered by mail).
    pub appear_for: Vec<i32>,
    /// The fines and points of the charges that can be answered by mail.
    pub by_mail_fine_cents: i64,
    pub by_mail_points: i32,
    /// True when at least one charge can be answered by mail now.
    pub eligible: bool,
    #[schema(value_type = Vec<String>)]
    pub reasons: Vec<Reason>,
    /// The pleas that can be made: guilty, no_contest, not_guilty, request_offer.
    #[schema(value_type = Vec<String>)]
    pub options: Vec<Plea>,
}

/// What a resident sees after identifying: charges, fines, deadline, and what can be done by mail.
pub fn summary(
    conn: &mut DbConn,
    c: &CitationRecord,
    today: NaiveDate,
    lang: Language,
) -> Result<CaseSummary, AppError> {
    // Every recorded plea moves the case out of `open` in the same transaction.
    let answered = c.status != CaseStatus::Open;
    let charges: Vec<ChargeSummary> = db::citations::charges_of(conn, c)?
        .into_iter()
        .map(|ch| {
            let facts = db::offenses::facts(ch.offense.as_ref());
            let reason = charge_by_mail(facts, c.response_due, today, answered).err();
            let class = ch.offense.as_ref().and_then(|o| o.penalty_class.parse().ok());
            let offense_by_mail = facts.offense_by_mail().is_ok();
            ChargeSummary {
                seq: ch.seq,
                description: ch
                    .offense
                    .as_ref()
                    .map(|o| o.description.clone())
                    .unwrap_or_else(|| ch.offense_code.clone()),
                description_es: ch
                    .offense
                    .as_ref()
                    .map(|o| o.description_es.clone())
                    .unwrap_or_else(|| ch.offense_code.clone()),
                offense_code: ch.offense_code,
                fine_cents: ch.fine_cents,
                points: ch.points,
                by_mail: reason.is_none(),
                reason_text: reason.map(|r| msg(lang, r.key())),
                reason,
                misdemeanor: crate::domain::next_steps::is_misdemeanor(class),
                appear: !offense_by_mail && reason.is_some_and(Reason::court_date_stands),
                offense_by_mail,
                class,
            }
        })
        .collect();
    let mut reasons: Vec<Reason> = charges.iter().filter_map(|c| c.reason).collect();
    reasons.sort_by_key(|r| *r as u8);
    reasons.dedup();
    let eligible = charges.iter().any(|c| c.by_mail);
    Ok(CaseSummary {
        citation_number: c.citation_number.clone(),
        status: c.status,
        language: c.language.clone(),
        preferred_language: c.preferred_language.clone(),
        first_name: c.first_name.clone(),
        issued_on: c.issued_at.date(),
        court_date: c.court_date,
        response_due: c.response_due,
        location: c.location.clone(),
        mailing_address: crate::domain::address::usps_block(
            "",
            &c.address_line1,
            c.address_line2.as_deref(),
            &c.city,
            &c.state,
            &c.postal_code,
        ),
        email: c.email.clone(),
        phone: c.phone.clone(),
        total_fine_cents: charges.iter().map(|c| c.fine_cents).sum(),
        appear_for: charges.iter().filter(|c| c.appear).map(|c| c.seq).collect(),
        by_mail_fine_cents: charges.iter().filter(|c| c.by_mail).map(|c| c.fine_cents).sum(),
        by_mail_points: charges.iter().filter(|c| c.by_mail).map(|c| c.points).sum(),
        charges,
        eligible,
        reasons,
        options: if eligible { Plea::ALL.to_vec() } else { Vec::new() },
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PleaReceipt {
    pub confirmation: String,
    pub status: String,
    pub receipt_url: String,
    /// The acknowledgement letter (rendered by the worker; downloadable from the status page).
    pub letter_id: Option<i64>,
}

/// A confirmation code such as `PD-7Q4K-M2XD` (no 0/O, 1/I/L to misread).
pub(crate) fn confirmation_code() -> String {
    use rand::RngExt;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut pick = || ALPHABET[rng.random_range(0..ALPHABET.len())] as char;
    let a: String = (0..4).map(|_| pick()).collect();
    let b: String = (0..4).map(|_| pick()).collect();
    format!("PD-{a}-{b}")
}

fn request_hash(req: &PleaRequest) -> String {
    hex::encode(Sha256::digest(serde_json::to_vec(req).unwrap_or_default()))
}

/// Checks a plea request against every rule without recording anything (the review step).
pub fn preview(
    conn: &mut DbConn,
    req: &PleaRequest,
    today: NaiveDate,
    lang: Language,
) -> Result<CaseSummary, AppError> {
    let id = Identity::parse(&req.citation_number, &req.date_of_birth, today, lang)?;
    let case = find_case(conn, &id, lang)?;
    let summary = summary(conn, &case, today, lang)?;
    open_for_pleas(&summary, lang)?;
    check(req, &summary, lang)?;
    Ok(summary)
}

fn open_for_pleas(summary: &CaseSummary, lang: Language) -> Result<(), AppError> {
    if summary.reasons.contains(&Reason::AlreadyAnswered) {
        return Err(AppError::Conflict(msg(lang, "answered")));
    }
    if summary.reasons.contains(&Reason::DeadlinePassed) {
        return Err(AppError::Invalid { message: msg(lang, "deadline"), fields: BTreeMap::new() });
    }
    if !summary.eligible {
        return Err(AppError::Invalid { message: msg(lang, "plea_not_allowed"), fields: BTreeMap::new() });
    }
    Ok(())
}

/// Records a plea: checks every rule, then in one transaction moves the case, records the
/// submission and its pleas (and evidence documents), sets hearings for not-guilty charges,
/// appends the audit event and queues the acknowledgement letter (and so its email).
pub fn submit(
    conn: &mut DbConn,
    req: &PleaRequest,
    idempotency_key: Option<&str>,
    evidence: &[i64],
    ctx: &LetterContext,
    today: NaiveDate,
) -> Result<PleaReceipt, AppError> {
    let lang = req.language.as_deref().and_then(|l| Language::parse_or_default(l).ok()).unwrap_or(Language::En);
    let id = Identity::parse(&req.citation_number, &req.date_of_birth, today, lang)?;
    // A key is unique per ticket, not across tickets: the same key sent for two tickets is two
    // requests (stored as `<citation number>/<key>`).
    let scoped = idempotency_key.map(|k| format!("{}/{k}", id.number.as_str()));
    let idempotency_key = scoped.as_deref();
    let hash = request_hash(req);
    if let Some(key) = idempotency_key {
        if let Some(done) = replay(conn, key, &hash, ctx, lang)? {
            return Ok(done);
        }
    }
    let result = record(conn, req, &id, idempotency_key, &hash, evidence, ctx, today, lang);
    match (result, idempotency_key) {
        (Ok(receipt), _) => Ok(receipt),
        // The same key sent twice at once: the second request finds the case answered, or hits
        // the unique key; it gets the first one's receipt.
        (Err(e), Some(key)) => replay(conn, key, &hash, ctx, lang)?.ok_or(e),
        (Err(e), None) => Err(e),
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    conn: &mut DbConn,
    req: &PleaRequest,
    id: &Identity,
    idempotency_key: Option<&str>,
    hash: &str,
    evidence: &[i64],
    ctx: &LetterContext,
    today: NaiveDate,
    lang: Language,
) -> Result<PleaReceipt, AppError> {
    let case = find_case(conn, id, lang)?;
    let summary = summary(conn, &case, today, lang)?;
    open_for_pleas(&summary, lang)?;
    let checked = check(req, &summary, lang)?;
    let confirmation = confirmation_code();
    let result = db::write_transaction(conn, |c| -> Result<(String, Option<i64>), AppError> {
        // Under the citation's lock (the one an import takes before rewriting charges), the
        // charges pleaded to must still be the ones the resident saw.
        db::citations::lock(c, case.id)?;
        if !unchanged_since(c, &case, &summary)? {
            return Err(AppError::Conflict(msg(lang, "case_changed")));
        }
        let address_json = plea_apply::address_json(&checked);
        let plea_rows: Vec<(i32, &str)> = checked.pleas.iter().map(|(s, p)| (*s, p.as_str())).collect();
        let sub_id = db::submissions::insert_with_pleas(
            c,
            &db::submissions::NewSubmission {
                citation_id: case.id,
                confirmation: &confirmation,
                channel: "online",
                language: checked.language.unwrap_or(lang).as_str(),
                signature_name: Some(&checked.signature),
                signed: true,
                attested: true,
                statement: checked.statement.as_deref(),
                email: checked.email.as_deref(),
                phone: checked.phone.as_deref(),
                mailing_address: address_json.as_deref(),
                idempotency_key,
                request_hash: Some(hash),
            },
            &plea_rows,
        )?;
        db::documents::attach(c, sub_id, evidence)?;
        let applied = plea_apply::Applied {
            case: &case,
            summary: &summary,
            checked: &checked,
            submission_id: sub_id,
            actor: "public",
        };
        let (status, letter) = plea_apply::apply(c, &applied, &confirmation, Channel::Online, today, ctx, lang)?;
        // Last, so that the audit chain's lock is held only until the commit that follows.
        audit::append(
            c,
            &Event {
                actor: "public",
                action: "plea.recorded",
                subject_type: "citation",
                subject_id: case.citation_number.as_str(),
                outcome: "ok",
                details: serde_json::json!({"submission_id": sub_id, "status": status.as_str(), "pleas": plea_rows.len()}),
            },
        )?;
        Ok((status.as_str().to_string(), Some(letter)))
    });
    let (status, letter_id) = result?;
    Ok(PleaReceipt { confirmation, status, receipt_url: receipt_url(ctx), letter_id })
}

/// Whether the case still has the charges, fines and dates the resident answered (an import
/// may have rewritten them since they were read).
pub(crate) fn unchanged_since(
    conn: &mut DbConn,
    seen: &CitationRecord,
    summary: &CaseSummary,
) -> Result<bool, AppError> {
    let Some(now) = db::citations::find_by_id(conn, seen.id)? else {
        return Ok(false);
    };
    if (now.court_date, now.response_due, now.issued_at) != (seen.court_date, seen.response_due, seen.issued_at) {
        return Ok(false);
    }
    let charges: Vec<(i32, String, i64, i32)> = db::citations::charges_of(conn, &now)?
        .into_iter()
        .map(|c| (c.seq, c.offense_code, c.fine_cents, c.points))
        .collect();
    let answered: Vec<(i32, String, i64, i32)> =
        summary.charges.iter().map(|c| (c.seq, c.offense_code.clone(), c.fine_cents, c.points)).collect();
    Ok(charges == answered)
}

fn receipt_url(ctx: &LetterContext) -> String {
    format!("{}/status", ctx.base_url)
}

/// The earlier answer to a request made with the same idempotency key, if there is one.
fn replay(
    conn: &mut DbConn,
    key: &str,
    hash: &str,
    ctx: &LetterContext,
    lang: Language,
) -> Result<Option<PleaReceipt>, AppError> {
    let Some(db::submissions::Keyed { confirmation, request_hash: stored_hash, citation_id }) =
        db::submissions::by_idempotency_key(conn, key)?
    else {
        return Ok(None);
    };
    if stored_hash.as_deref() != Some(hash) {
        return Err(AppError::field("Idempotency-Key", msg(lang, "idempotency")));
    }
    let status = match citation_id {
        Some(id) => db::citations::find_by_id(conn, id)?.map(|c| c.status.as_str().to_string()).unwrap_or_default(),
        None => String::new(),
    };
    let letter_id = db::submissions::by_confirmation(conn, &confirmation)?
        .map(|s| db::letters::for_submission(conn, s.id))
        .transpose()?
        .flatten();
    Ok(Some(PleaReceipt { confirmation, status, receipt_url: receipt_url(ctx), letter_id }))
}
