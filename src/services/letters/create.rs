//! Creating a letter: the data it is rendered from and its queued render job, in the caller's
//! transaction.

use super::{LetterContext, RENDER_ATTEMPTS, RENDER_JOB};
use crate::db::jobs as queue;
use crate::db::{self, letters::LetterRecord, DbConn};
use crate::domain::address::usps_block;
use crate::domain::deadline::CourtCalendar;
use crate::domain::language::assistance_line;
use crate::domain::{CitationNumber, Language, LetterType, Plea, PreferredLanguage};
use crate::error::AppError;
use crate::letters::data::*;
use crate::services::case_file::{CaseFile, CaseFiles};

/// Creates a letter of `kind` for a case and queues its rendering, in one transaction. A letter
/// whose facts the case does not hold (an offer letter without a pending offer) is refused (422).
pub fn create(
    conn: &mut DbConn,
    number: &CitationNumber,
    kind: LetterType,
    ctx: &LetterContext,
    actor: &str,
) -> Result<LetterRecord, AppError> {
    let citation = db::citations::find_by_number(conn, number.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {number} is on file")))?;
    let submission = match kind {
        LetterType::Acknowledgement => Some(
            db::submissions::latest_for_citation(conn, citation.id)?
                .ok_or_else(|| AppError::Conflict(format!("citation {number} has no plea on file to acknowledge")))?,
        ),
        _ => None,
    };
    db::write_transaction(conn, |c| {
        let id = insert_letter(c, &citation, submission.as_ref().map(|s| s.id), kind, ctx)?;
        crate::audit::append(
            c,
            &crate::audit::Event {
                actor,
                action: "letter.created",
                subject_type: "citation",
                subject_id: number.as_str(),
                outcome: "ok",
                details: serde_json::json!({"letter_id": id, "type": kind.as_str()}),
            },
        )?;
        db::letters::find(c, id)?.ok_or_else(|| AppError::Internal(anyhow::anyhow!("letter {id} vanished")))
    })
}

/// Queues the acknowledgement of a recorded plea. Call it inside the transaction that records
/// the plea, so that the receipt is never lost.
pub fn queue_acknowledgement(conn: &mut DbConn, submission_id: i64, ctx: &LetterContext) -> Result<i64, AppError> {
    let sub = db::submissions::find(conn, submission_id)?
        .ok_or_else(|| AppError::NotFound(format!("no submission {submission_id}")))?;
    let citation_id =
        sub.citation_id.ok_or_else(|| AppError::Conflict("the plea is not linked to a citation yet".into()))?;
    let citation = db::citations::find_by_id(conn, citation_id)?
        .ok_or_else(|| AppError::NotFound(format!("no citation {citation_id}")))?;
    insert_letter(conn, &citation, Some(sub.id), LetterType::Acknowledgement, ctx)
}

/// Queues a letter of `kind` about `citation` from what the case holds now, inside the caller's
/// transaction (the letters a case's move asks for: an outcome, an amount due). A letter whose
/// facts the case does not hold is refused (422), as [`create`] refuses it.
pub fn queue_for_case(
    conn: &mut DbConn,
    citation: &db::citations::CitationRecord,
    kind: LetterType,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    insert_letter(conn, citation, None, kind, ctx)
}

/// Queues the amount-due letter that answers a request from someone unable to pay (`answer`),
/// inside the caller's transaction, from what the case holds now (the terms granted included).
pub fn queue_hardship_answer(
    conn: &mut DbConn,
    citation: &db::citations::CitationRecord,
    answer: HardshipAnswer,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    insert_letter_with(conn, citation, None, LetterType::AmountDue, ctx, Some(answer))
}

fn insert_letter(
    conn: &mut DbConn,
    citation: &db::citations::CitationRecord,
    submission_id: Option<i64>,
    kind: LetterType,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    insert_letter_with(conn, citation, submission_id, kind, ctx, None)
}

fn insert_letter_with(
    conn: &mut DbConn,
    citation: &db::citations::CitationRecord,
    submission_id: Option<i64>,
    kind: LetterType,
    ctx: &LetterContext,
    hardship: Option<HardshipAnswer>,
) -> Result<i64, AppError> {
    let submission = match submission_id {
        Some(id) => Some(submission_info(conn, id, ctx)?),
        None => None,
    };
    let data = if super::facts::needed(kind) {
        // A later letter states the case as it stands now, read fresh.
        let files = CaseFiles::load(conn, &[citation.id])?;
        let file = files.of(citation.id)?;
        let mut data = letter_data(&file.citation, charge_lines(file), submission, kind, ctx);
        data.hardship = hardship;
        super::facts::fill(&mut data, file, &files.calendar, ctx)?;
        data
    } else {
        let charges = db::citations::charges_of(conn, citation)?;
        let mut data = letter_data(citation, lines_of(citation, charges), submission, kind, ctx);
        if let (LetterType::Acknowledgement, Some(id)) = (kind, submission_id) {
            crate::services::receipt::complete(conn, &mut data, citation, id, ctx)?;
        }
        data
    };
    queue_letter(conn, citation.id, submission_id, &data)
}

/// The letter of `kind` that a case's file makes, read nothing more (the daily job builds a
/// page's letters from the page's files); queue it with [`queue_letters`].
pub fn for_case_file(
    file: &CaseFile,
    calendar: &CourtCalendar,
    kind: LetterType,
    ctx: &LetterContext,
) -> Result<LetterData, AppError> {
    let mut data = letter_data(&file.citation, charge_lines(file), None, kind, ctx);
    super::facts::fill(&mut data, file, calendar, ctx)?;
    Ok(data)
}

/// A submission as the letter about it states it.
fn submission_info(conn: &mut DbConn, id: i64, ctx: &LetterContext) -> Result<SubmissionInfo, AppError> {
    let sub = db::submissions::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no submission {id}")))?;
    let pleas = db::submissions::pleas_of(conn, id)?
        .into_iter()
        .filter_map(|(seq, p)| p.parse::<Plea>().ok().map(|plea| PleaLine { seq, plea }))
        .collect();
    Ok(SubmissionInfo {
        confirmation: sub.confirmation,
        received_on: sub.received_at.and_utc().with_timezone(&ctx.court_tz).date_naive(),
        channel: sub.channel,
        pleas,
        statement: None,
        documents: Vec::new(),
    })
}

/// A case's charges as its letters list them, in the letter's language.
fn charge_lines(file: &CaseFile) -> Vec<ChargeLine> {
    lines_of(&file.citation, file.charges.clone())
}

fn lines_of(citation: &db::citations::CitationRecord, charges: Vec<db::citations::ChargeRecord>) -> Vec<ChargeLine> {
    let language: Language = citation.language.parse().unwrap_or(Language::En);
    charges
        .into_iter()
        .map(|c| ChargeLine {
            seq: c.seq,
            description: c
                .offense
                .as_ref()
                .map(|o| if language == Language::Es { o.description_es.clone() } else { o.description.clone() })
                .unwrap_or_else(|| c.offense_code.clone()),
            by_mail: crate::db::offenses::facts(c.offense.as_ref()).offense_by_mail().is_ok(),
            offense_code: c.offense_code,
            fine_cents: c.fine_cents,
            points: c.points,
        })
        .collect()
}

/// Stores a letter's data and queues its rendering (inside the caller's transaction). The data's
/// `letter_id` is the row's id, filled in when the letter is rendered.
pub fn queue_letter(
    conn: &mut DbConn,
    citation_id: i64,
    submission_id: Option<i64>,
    data: &LetterData,
) -> Result<i64, AppError> {
    let ids = queue_letters(conn, &[(citation_id, submission_id, data)])?;
    ids.first().copied().ok_or_else(|| AppError::Internal(anyhow::anyhow!("a queued letter has no id")))
}

/// [`queue_letter`] for many letters in a few statements: (case id, submission id, data) each;
/// returns their ids in the same order.
pub fn queue_letters(conn: &mut DbConn, letters: &[(i64, Option<i64>, &LetterData)]) -> Result<Vec<i64>, AppError> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| AppError::Internal(e.into()));
    let mut texts = Vec::with_capacity(letters.len());
    for (_, _, data) in letters {
        texts.push((json(serde_json::to_string(&data.recipient))?, json(serde_json::to_string(data))?));
    }
    let rows: Vec<db::letters::NewLetter> = letters
        .iter()
        .zip(&texts)
        .map(|((citation_id, submission_id, data), (recipient, text))| db::letters::NewLetter {
            citation_id: *citation_id,
            submission_id: *submission_id,
            letter_type: data.letter_type.as_str(),
            language: data.language.as_str(),
            recipient,
            data: text,
            by_post: data.letter_type.by_post(data.recipient.email.is_some()),
        })
        .collect();
    let ids = db::letters::insert_many(conn, &rows)?;
    let payloads: Vec<serde_json::Value> = ids.iter().map(|id| serde_json::json!({"letter_id": id})).collect();
    queue::enqueue_many(conn, RENDER_JOB, &payloads, RENDER_ATTEMPTS, db::now())?;
    Ok(ids)
}

/// What a letter about `citation` is rendered from (its id is set when it is rendered).
pub fn letter_data(
    citation: &db::citations::CitationRecord,
    charges: Vec<ChargeLine>,
    submission: Option<SubmissionInfo>,
    kind: LetterType,
    ctx: &LetterContext,
) -> LetterData {
    let language: Language = citation.language.parse().unwrap_or(Language::En);
    let name = [Some(citation.first_name.as_str()), citation.middle_name.as_deref(), Some(citation.last_name.as_str())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let recipient = Recipient {
        address_lines: usps_block(
            &name,
            &citation.address_line1,
            citation.address_line2.as_deref(),
            &citation.city,
            &citation.state,
            &citation.postal_code,
        ),
        name,
        email: citation.email.clone(),
    };
    let court = &ctx.court;
    LetterData {
        letter_id: 0,
        letter_type: kind,
        language,
        date: ctx.today(),
        court: court_profile(court, language),
        recipient,
        citation: CaseInfo {
            number: citation.citation_number.clone(),
            issued_on: citation.issued_at.and_utc().with_timezone(&ctx.court_tz).date_naive(),
            court_date: citation.court_date,
            response_due: citation.response_due,
            location: citation.location.clone(),
            agency: citation.agency.clone(),
        },
        total_fine_cents: charges.iter().map(|c| c.fine_cents).sum(),
        charges,
        submission,
        base_url: ctx.base_url.clone(),
        assistance: assistance(citation, language, &court.phone),
        next: None,
        deficiency: None,
        offer: None,
        money: None,
        hearing: None,
        dispositions: Vec::new(),
        deadline: None,
        judgment: None,
        hardship: None,
        confirmation: None,
    }
}

/// The court as its letters in `language` present it (the configured profile).
pub fn court_profile(court: &crate::config::CourtConfig, language: Language) -> CourtProfile {
    let spanish = language == Language::Es;
    CourtProfile {
        name: court.name.clone(),
        address_lines: court.address_lines.clone(),
        phone: court.phone.clone(),
        hours: if spanish { court.hours_es.clone() } else { court.hours.clone() },
        website: court.website.clone(),
        signature: if spanish { court.signature_es.clone() } else { court.signature.clone() },
        appearance_time: Some(court.appearance_time),
        appearance_place: court.appearance_place.clone(),
    }
}

/// The language-assistance line for the defendant's preferred language, if they need one.
/// The letter's own language wins: a Vietnamese speaker who chose Spanish letters (a receipt
/// written before the choice is stored) gets none.
fn assistance(citation: &db::citations::CitationRecord, language: Language, phone: &str) -> Option<Assistance> {
    let preferred = PreferredLanguage::parse_or_default(&citation.preferred_language).ok()?.with_choice(language);
    let line = assistance_line(preferred, phone)?;
    Some(Assistance {
        printable: crate::letters::fonts::covers(&line.text),
        lang: line.lang,
        text: line.text,
        rtl: line.rtl,
    })
}
