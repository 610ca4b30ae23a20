//! Outgoing email behind a small enum: SMTP when `PLEADESK_SMTP_URL` is set, `.eml` files under
//! the data folder when it is not. Recipients are masked in every log line.

use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use std::path::Path;
use std::time::Duration;

pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(FileTransport),
}

/// One email with a PDF attached.
pub struct Outgoing<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub text: String,
    pub html: String,
    pub attachment_name: String,
    pub pdf: Vec<u8>,
    /// Stable id so that a message re-sent after a crash can be recognised downstream.
    pub message_id: String,
}

impl Mailer {
    pub fn from_config(smtp_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Mailer> {
        match smtp_url {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PLEADESK_SMTP_URL: {e}"))?
                    .timeout(Some(Duration::from_secs(20)))
                    .build();
                Ok(Mailer::Smtp(Box::new(transport)))
            }
            None => {
                let dir = data_dir.join("outbox");
                std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
                Ok(Mailer::Files(FileTransport::new(dir)))
            }
        }
    }

    /// Hands the message to the server (or writes the file). An error means it was not accepted.
    pub fn send(&self, mail: &Outgoing) -> Result<(), String> {
        let message = build(mail)?;
        match self {
            Mailer::Smtp(t) => t.send(&message).map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Files(t) => t.send(&message).map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

fn build(mail: &Outgoing) -> Result<Message, String> {
    let from: Mailbox = mail.from.parse().map_err(|e| format!("the From address is not valid: {e}"))?;
    let to: Mailbox = mail.to.parse().map_err(|e| format!("the recipient address is not valid: {e}"))?;
    let pdf = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .message_id(Some(mail.message_id.clone()))
        .multipart(
            MultiPart::mixed()
                .multipart(
                    MultiPart::alternative()
                        .singlepart(SinglePart::plain(mail.text.clone()))
                        .singlepart(SinglePart::html(mail.html.clone())),
                )
                .singlepart(Attachment::new(mail.attachment_name.clone()).body(mail.pdf.clone(), pdf)),
        )
        .map_err(|e| format!("the message cannot be built: {e}"))
}

/// A Message-ID that stays the same for every attempt to send the same thing (`kind` and `id`,
/// e.g. a letter), under the host of the service's base URL: `<letter-42@court.example.org>`.
pub fn message_id(kind: &str, id: i64, base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map(|(_, h)| h).unwrap_or(authority);
    let host = match host_port.split_once(']') {
        Some((v6, _)) => &host_port[..v6.len() + 1], // `[::1]`, a domain literal
        None => host_port.split(':').next().unwrap_or_default(),
    };
    let host = if host.is_empty() { "pleadesk.invalid" } else { host };
    format!("<{kind}-{id}@{host}>")
}

/// `maria.hernandez@example.org` → `m***@example.org`, for logs.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_the_local_part() {
        assert_eq!(mask("maria.hernandez@example.org"), "m***@example.org");
        assert_eq!(mask("nonsense"), "***");
    }

    #[test]
    fn message_ids_are_stable_and_name_the_host() {
        assert_eq!(message_id("letter", 42, "https://court.example.org/plea"), "<letter-42@court.example.org>");
        assert_eq!(message_id("letter", 42, "http://127.0.0.1:8080"), "<letter-42@127.0.0.1>");
        assert_eq!(message_id("letter", 7, "http://[::1]:80/"), "<letter-7@[::1]>");
        assert_eq!(message_id("letter", 7, ""), "<letter-7@pleadesk.invalid>");
    }

    #[test]
    fn builds_a_message_with_the_pdf() {
        let m = Outgoing {
            from: "Court <court@example.org>",
            to: "ana@example.org",
            subject: "Su carta",
            text: "hola".into(),
            html: "<p>hola</p>".into(),
            attachment_name: "letter-1.pdf".into(),
            pdf: b"%PDF-1.7 test".to_vec(),
            message_id: "<letter-1@pleadesk>".into(),
        };
        let raw = String::from_utf8(build(&m).unwrap().formatted()).unwrap();
        assert!(raw.contains("application/pdf"));
        assert!(raw.contains("letter-1.pdf"));
        assert!(raw.contains("Message-ID: <letter-1@pleadesk>"));
    }
}
