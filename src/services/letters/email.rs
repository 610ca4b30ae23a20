//! Sending a stored letter by email.

use super::{stored_pdf, LetterContext};
use crate::db::{self, DbConn};
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
