//! A resident's unfinished plea between the steps of the pages, kept on the server so that every
//! step can answer its POST with a redirect to a GET (Back and reload never resend a form) and
//! nothing personal travels in a URL or a hidden field. The browser holds only a random token in
//! a short-lived cookie; the database holds the token's SHA-256 and the draft, which expires
//! after [`IDLE_MINUTES`] without use and is replaced once the plea is submitted.

use crate::db::{self, DbConn};
use crate::error::AppError;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A draft left alone this long is gone (and so is the cookie that names it).
pub const IDLE_MINUTES: i64 = 30;

/// Who the resident proved to be: a citation number and birth date that matched a case.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CaseKey {
    pub citation_number: String,
    /// `YYYY-MM-DD`
    pub date_of_birth: String,
}

/// A plea on file: its confirmation code and the birth date that opens it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatusKey {
    pub confirmation: String,
    /// `YYYY-MM-DD`
    pub date_of_birth: String,
}

/// What a POST that failed leaves for its page: what was typed, what is wrong.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// The page (`lookup`, `plea`, `status_form`, …) the errors belong to.
    pub page: String,
    pub typed: BTreeMap<String, String>,
    /// Field → message, in the order of the page.
    pub errors: Vec<(String, String)>,
    pub message: Option<String>,
    /// The HTTP status the page is shown with (422, 404, …).
    pub status: u16,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Draft {
    pub case: Option<CaseKey>,
    /// The plea form as last sent: `plea_1`, `statement`, `email`, `line1`, … .
    pub fields: BTreeMap<String, String>,
    /// Evidence documents stored for this plea.
    pub evidence: Vec<i64>,
    /// Set when the plea form passed every check (the review step may be shown).
    pub reviewed: bool,
    /// One key per plea attempt, so that a double submit records one plea.
    pub idempotency_key: Option<String>,
    /// The plea on file, once submitted or found.
    pub status: Option<StatusKey>,
    /// A notice for the status page (e.g. `answered`: the ticket was answered before).
    pub notice: Option<String>,
    pub flash: Option<Flash>,
}

impl Draft {
    /// The flash for `page`, if the last failed POST was that page's.
    pub fn flash_for(&self, page: &str) -> Option<&Flash> {
        self.flash.as_ref().filter(|f| f.page == page)
    }

    /// Forgets the plea being prepared (after it was submitted, or for another ticket).
    pub fn clear_plea(&mut self) {
        self.fields.clear();
        self.evidence.clear();
        self.reviewed = false;
        self.idempotency_key = None;
        self.flash = None;
    }
}

/// A new random token for the cookie (never stored as such).
pub fn new_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + chrono::Duration::minutes(IDLE_MINUTES)
}

/// The live draft a token names, its idle time reset; `None` for an unknown or expired token.
pub fn load(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> Result<Option<Draft>, AppError> {
    let h = hash(token);
    let Some(data) = db::drafts::find(conn, &h, now)? else {
        return Ok(None);
    };
    db::drafts::touch(conn, &h, expiry(now))?;
    // A draft written by an older version that no longer reads is simply started afresh.
    Ok(Some(serde_json::from_str(&data).unwrap_or_default()))
}

/// Stores a draft under a token (a new one when `token` is `None`); returns the token. Expired
/// drafts are swept whenever a new one starts.
pub fn save(conn: &mut DbConn, token: Option<&str>, draft: &Draft, now: NaiveDateTime) -> Result<String, AppError> {
    let token = match token {
        Some(t) => t.to_string(),
        None => {
            db::drafts::delete_expired(conn, now)?;
            new_token()
        }
    };
    let data = serde_json::to_string(draft).map_err(|e| AppError::Internal(e.into()))?;
    db::drafts::save(conn, &hash(&token), &data, now, expiry(now))?;
    Ok(token)
}

pub fn delete(conn: &mut DbConn, token: &str) -> Result<(), AppError> {
    Ok(db::drafts::delete(conn, &hash(token))?)
}

/// Deletes every expired draft (also run by `save`); returns how many.
pub fn sweep(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(db::drafts::delete_expired(conn, now)?)
}

/// A token is 64 hex digits; anything else is not looked up.
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_well_formed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(well_formed(&a) && well_formed(&b));
        assert!(!well_formed("abc") && !well_formed(&"z".repeat(64)));
        assert_ne!(hash(&a), a, "only the hash is stored");
    }

    #[test]
    fn a_draft_survives_json() {
        let mut d = Draft {
            case: Some(CaseKey { citation_number: "DV-2026-000103".into(), date_of_birth: "1992-07-01".into() }),
            evidence: vec![3, 4],
            ..Draft::default()
        };
        d.fields.insert("plea_1".into(), "guilty".into());
        let back: Draft = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert_eq!(back, d);
        d.clear_plea();
        assert!(d.fields.is_empty() && d.evidence.is_empty() && d.case.is_some());
    }
}
