//! Letters for cases: create (data + queued render job, one transaction), render once and store
//! with a checksum, email through the outbox, and the daily mail run.

use crate::config::Config;
use crate::db::{self, letters::LetterRecord, DbConn};
use crate::domain::address::usps_block;
use crate::domain::{CitationNumber, Language, LetterType, Plea};
use crate::error::AppError;
use crate::jobs::queue;
use crate::letters::data::*;
use crate::letters::templates::Templates;
use crate::letters::{self, merge::PdfMerger, PageSetup};
use crate::mail::{self, Mailer, Outgoing};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

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
        })
    }

    /// The templates as they are on disk now (edits apply to the next letter).
    pub fn templates(&self) -> Result<Templates, AppError> {
        Templates::load(&self.templates_dir).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    }

    pub fn today(&self) -> NaiveDate {
        chrono::Utc::now().with_timezone(&self.court_tz).date_naive()
    }
}

/// Creates a letter of `kind` for a case and queues its rendering, in one transaction.
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
        LetterType::PleaForm => None,
        LetterType::Acknowledgement => Some(
            db::submissions::latest_for_citation(conn, citation.id)?
                .ok_or_else(|| AppError::Conflict(format!("citation {number} has no plea on file to acknowledge")))?,
        ),
        other => {
            return Err(AppError::field(
                "type",
                format!("{other} letters are not available yet; use plea_form or acknowledgement"),
            ));
        }
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

fn insert_letter(
    conn: &mut DbConn,
    citation: &db::citations::CitationRecord,
    submission_id: Option<i64>,
    kind: LetterType,
    ctx: &LetterContext,
) -> Result<i64, AppError> {
    let language: Language = citation.language.parse().unwrap_or(Language::En);
    let charges: Vec<ChargeLine> = db::citations::charges_of(conn, citation)?
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
        .collect();
    let submission = match submission_id {
        Some(id) => {
            let sub =
                db::submissions::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no submission {id}")))?;
            let pleas = db::submissions::pleas_of(conn, id)?
                .into_iter()
                .filter_map(|(seq, p)| p.parse::<Plea>().ok().map(|plea| PleaLine { seq, plea }))
                .collect();
            Some(SubmissionInfo {
                confirmation: sub.confirmation,
                received_on: sub.received_at.and_utc().with_timezone(&ctx.court_tz).date_naive(),
                channel: sub.channel,
                pleas,
            })
        }
        None => None,
    };
    let data = letter_data(citation, charges, submission, kind, ctx);
    queue_letter(conn, citation.id, submission_id, &data)
}

/// Stores a letter's data and queues its rendering (inside the caller's transaction). The data's
/// `letter_id` is the row's id, filled in when the letter is rendered.
pub fn queue_letter(
    conn: &mut DbConn,
    citation_id: i64,
    submission_id: Option<i64>,
    data: &LetterData,
) -> Result<i64, AppError> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| AppError::Internal(e.into()));
    let id = db::letters::insert(
        conn,
        &db::letters::NewLetter {
            citation_id,
            submission_id,
            letter_type: data.letter_type.as_str(),
            language: data.language.as_str(),
            recipient: &json(serde_json::to_string(&data.recipient))?,
            data: &json(serde_json::to_string(data))?,
        },
    )?;
    queue::enqueue(conn, RENDER_JOB, &serde_json::json!({"letter_id": id}), RENDER_ATTEMPTS, db::now())?;
    Ok(id)
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
        court: CourtProfile {
            name: court.name.clone(),
            address_lines: court.address_lines.clone(),
            phone: court.phone.clone(),
            hours: if language == Language::Es { court.hours_es.clone() } else { court.hours.clone() },
            website: court.website.clone(),
            signature: court.signature.clone(),
        },
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
    }
}

fn letter_path(data_dir: &Path, id: i64) -> PathBuf {
    data_dir.join("letters").join(format!("{:04}", id / 1000)).join(format!("letter-{id}.pdf"))
}

/// Renders a letter once and stores it; rendering again later is a no-op. When the defendant has
/// an email address, the email is queued in the same transaction that records the PDF.
pub fn render_stored(
    conn: &mut DbConn,
    id: i64,
    ctx: &LetterContext,
    templates: &Templates,
) -> Result<LetterRecord, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    if letter.storage_path.is_some() {
        return Ok(letter);
    }
    let mut data: LetterData = serde_json::from_str(&letter.data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id} has unreadable data: {e}")))?;
    data.letter_id = id;
    let rendered = letters::render(&data, templates, &ctx.setup)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
    let path = letter_path(&ctx.data_dir, id);
    write_atomically(&path, &rendered.pdf)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("storing letter {id}: {e}")))?;
    let stored = path.display().to_string();
    db::write_transaction(conn, |c| -> Result<(), AppError> {
        if db::letters::set_rendered(c, id, &stored, &rendered.sha256, rendered.pages as i32)?
            && data.recipient.email.is_some()
        {
            queue::enqueue(c, EMAIL_JOB, &serde_json::json!({"letter_id": id}), EMAIL_ATTEMPTS, db::now())?;
        }
        Ok(())
    })?;
    db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("pdf.tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::File::open(&tmp)?.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// The stored PDF of a letter, checked against its SHA-256.
pub fn stored_pdf(conn: &mut DbConn, id: i64) -> Result<Vec<u8>, AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    let (Some(path), Some(sha)) = (letter.storage_path, letter.sha256) else {
        return Err(AppError::Conflict(format!("letter {id} is not rendered yet; try again in a moment")));
    };
    read_checked(&path, &sha).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))
}

fn read_checked(path: &str, sha: &str) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("the stored PDF cannot be read: {e}"))?;
    if hex::encode(Sha256::digest(&bytes)) != sha {
        return Err("the stored PDF does not match its checksum; it was changed or damaged".into());
    }
    Ok(bytes)
}

/// Sends a letter by email, once. An error means the server did not accept it (retry later).
pub fn email(
    conn: &mut DbConn,
    id: i64,
    ctx: &LetterContext,
    templates: &Templates,
    mailer: &Mailer,
) -> Result<(), AppError> {
    let letter = db::letters::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no letter {id}")))?;
    if letter.emailed_at.is_some() {
        return Ok(());
    }
    let mut data: LetterData = serde_json::from_str(&letter.data)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id} has unreadable data: {e}")))?;
    data.letter_id = id;
    let Some(to) = data.recipient.email.clone() else {
        return Ok(());
    };
    let pdf = stored_pdf(conn, id)?;
    let lang = data.language.as_str();
    let title = letter_title(&data, templates);
    let ctx_json = serde_json::json!({
        "language": lang, "title": title, "recipient": data.recipient, "citation": data.citation,
        "court": data.court, "base_url": data.base_url,
    });
    let render = |part: &str| {
        templates
            .render(&format!("email/{lang}/letter.{part}"), &ctx_json)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    };
    let subject = render("subject.txt")?;
    let outgoing = Outgoing {
        from: &ctx.mail_from,
        to: &to,
        subject: subject.trim(),
        text: render("txt")?,
        html: render("html")?,
        attachment_name: format!("{}-{}.pdf", data.citation.number, data.letter_type),
        pdf,
        message_id: format!("<letter-{id}.{}@pleadesk>", data.citation.number),
    };
    mailer.send(&outgoing).map_err(|e| {
        tracing::warn!(letter_id = id, to = %mail::mask(&to), error = %e, "email not accepted");
        AppError::Unavailable(format!("the mail server did not accept letter {id}: {e}"))
    })?;
    db::letters::set_emailed(conn, id, db::now())?;
    tracing::info!(letter_id = id, to = %mail::mask(&to), "letter emailed");
    Ok(())
}

/// The letter's heading, as its template renders it (the email names the letter by it).
fn letter_title(data: &LetterData, templates: &Templates) -> String {
    templates
        .render(&letters::template_name(data.letter_type, data.language), data)
        .ok()
        .and_then(|t| {
            letters::markup::parse(&t).into_iter().find_map(|i| match i {
                letters::markup::Item::Block(letters::layout::Block::Heading(h)) => Some(h),
                _ => None,
            })
        })
        .unwrap_or_else(|| data.letter_type.to_string())
}

/// What a mail run printed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrintRun {
    pub letters: u32,
    pub pages: u32,
    pub blank_pages: u32,
}

/// Writes every queued letter into one PDF at `out` (each letter on an odd page) and marks them
/// printed — all or nothing: on any failure no letter is marked and `out` is not created.
pub fn print_run(conn: &mut DbConn, ctx: &LetterContext, out: &Path, actor: &str) -> Result<PrintRun, AppError> {
    let templates = ctx.templates()?;
    for id in db::letters::unrendered_queued(conn)? {
        render_stored(conn, id, ctx, &templates)?;
    }
    let letters = db::letters::printable(conn)?;
    if letters.is_empty() {
        return Err(AppError::Conflict("there are no queued letters to print".into()));
    }
    let tmp = out.with_extension("pdf.partial");
    let result = (|| -> Result<PrintRun, AppError> {
        let file = std::fs::File::create(&tmp)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write {}: {e}", tmp.display())))?;
        let title = format!("Mail run {} ({} letters)", ctx.today(), letters.len());
        let mut merger =
            PdfMerger::new(std::io::BufWriter::new(file), &title).map_err(|e| AppError::Internal(e.into()))?;
        for (id, path, sha) in &letters {
            let bytes = read_checked(path, sha).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
            merger.add(&bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("letter {id}: {e}")))?;
        }
        let (summary, writer) = merger.finish().map_err(|e| AppError::Internal(e.into()))?;
        let file = writer.into_inner().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        file.sync_all().map_err(|e| AppError::Internal(e.into()))?;
        let ids: Vec<i64> = letters.iter().map(|(id, _, _)| *id).collect();
        db::write_transaction(conn, |c| -> Result<(), AppError> {
            let marked = db::letters::mark_printed(c, &ids, db::now())?;
            crate::audit::append(
                c,
                &crate::audit::Event {
                    actor,
                    action: "letters.printed",
                    subject_type: "mail_run",
                    subject_id: "-",
                    outcome: "ok",
                    details: serde_json::json!({"letters": ids.len(), "first": ids.first(), "last": ids.last()}),
                },
            )?;
            if marked != ids.len() {
                return Err(AppError::Conflict(
                    "another mail run printed some of these letters at the same time; run it again".into(),
                ));
            }
            std::fs::rename(&tmp, out)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write {}: {e}", out.display())))
        })?;
        Ok(PrintRun { letters: summary.documents, pages: summary.pages, blank_pages: summary.blank_pages })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
