//! Sending a stored letter by email.

use super::render::{checked_pdf, data_of};
use super::LetterContext;
use crate::db::{self, DbConn};
use crate::domain::redact::scrub;
use crate::domain::EmailStatus;
use crate::error::AppError;
use crate::letters;
use crate::letters::data::LetterData;
use crate::letters::templates::Templates;
use crate::mail::{self, Mailer, Outgoing};

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
    let data = data_of(&letter)?;
    let Some(to) = data.recipient.email.clone() else {
        return Ok(());
    };
    let pdf = checked_pdf(conn, &letter, ctx, Some(templates))?;
    let message = compose(&data, templates)?;
    let outgoing = Outgoing {
        from: &ctx.mail_from,
        to: &to,
        subject: &message.subject,
        text: message.text,
        html: message.html,
        attachment_name: crate::letters::download_name(&data),
        pdf,
        message_id: mail::message_id("letter", id, &ctx.base_url),
    };
    // Recorded (and committed) before the SMTP conversation: if the process dies after the server
    // took the message but before `set_emailed`, the retry finds `sending` and sends the same
    // message again with the same Message-ID, which the receiving side can recognise.
    if db::letters::set_email_sending(conn, id)? == EmailStatus::Sending {
        tracing::warn!(letter_id = id, "sending a letter again: an earlier attempt may have been delivered");
    }
    mailer.send(&outgoing).map_err(|e| {
        let e = scrub(&e);
        tracing::warn!(letter_id = id, to = %mail::mask(&to), error = %e, "email not accepted");
        AppError::Unavailable(format!("the mail server did not accept letter {id}: {e}"))
    })?;
    db::letters::set_emailed(conn, id, db::now())?;
    tracing::info!(letter_id = id, to = %mail::mask(&to), "letter emailed");
    Ok(())
}

/// An email's words, from the templates `email/{lang}/letter.*`.
pub struct Composed {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The email that carries a letter: subject, plain text and HTML.
pub fn compose(data: &LetterData, templates: &Templates) -> Result<Composed, AppError> {
    let lang = data.language.as_str();
    let title = letter_title(data, templates);
    let ctx_json = serde_json::json!({
        "language": lang, "title": title, "recipient": data.recipient, "citation": data.citation,
        "court": data.court, "base_url": data.base_url, "assistance": data.assistance, "next": data.next,
    });
    let render = |part: &str| {
        templates
            .render(&format!("email/{lang}/letter.{part}"), &ctx_json)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))
    };
    Ok(Composed { subject: render("subject.txt")?.trim().to_string(), text: render("txt")?, html: render("html")? })
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
