//! The defendant's answer to an offer (SPEC §4 `POST /api/v1/public/offers/{id}/accept|reject`,
//! issue 9): online with the date of birth (a wrong offer id and a wrong birth date get the same
//! 404, as the look-up does), or by mail — the signed tear-off slip of the plea offer letter,
//! whose scan links its envelope to the letter, confirmed by a clerk. Accepted → the amended
//! charges' fines are due (the amount-due letter); rejected → a hearing (the hearing notice).

use super::{answer, close, note, offer_and_case, step, OfferAnswer};
use crate::db::{self, DbConn};
use crate::domain::lifecycle::Action;
use crate::domain::{DateOfBirth, Language, LetterType, OfferStatus};
use crate::error::AppError;
use crate::i18n::text as msg;
use crate::services::drafts::StatusKey;
use crate::services::letters::LetterContext;
use chrono::NaiveDate;
use serde_json::json;

/// Accept or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Accept,
    Reject,
}

impl Answer {
    fn action(self, offer_id: i64) -> Action {
        match self {
            Answer::Accept => Action::OfferAccepted { offer_id },
            Answer::Reject => Action::OfferRejected { offer_id },
        }
    }

    fn status(self) -> OfferStatus {
        match self {
            Answer::Accept => OfferStatus::Accepted,
            Answer::Reject => OfferStatus::Rejected,
        }
    }
}

/// The defendant's answer online: offer `id` and the date of birth on the ticket.
pub fn online(
    conn: &mut DbConn,
    id: i64,
    dob: &str,
    what: Answer,
    today: NaiveDate,
    lang: Language,
    ctx: &LetterContext,
) -> Result<OfferAnswer, AppError> {
    let dob =
        DateOfBirth::parse(dob, today).map_err(|_| AppError::field("date_of_birth", msg(lang, "date_of_birth")))?;
    let not_found = || AppError::NotFound(msg(lang, "not_found"));
    let (offer, case) = match offer_and_case(conn, id) {
        Ok(found) if found.1.date_of_birth == dob.date() => found,
        Ok(_) | Err(AppError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e),
    };
    if offer.status != OfferStatus::Pending || offer.expires_on < today {
        return Err(AppError::Conflict(msg(lang, "offer_closed")));
    }
    let t = db::write_transaction(conn, |c| {
        let t = step(c, &case, what.action(offer.id), "public", ctx, |c| close(c, offer.id, what.status(), None))?;
        note(c, &case, "public", json!({"offer_id": offer.id, "answer": what.status(), "channel": "online"}))?;
        Ok::<_, AppError>(t)
    })
    .map_err(|e| match e {
        AppError::Conflict(_) => AppError::Conflict(msg(lang, "offer_closed")),
        other => other,
    })?;
    Ok(answer(Some(offer.id), what.status().as_str(), &case, &t, None))
}

/// The answer from the status page, whose session opened one case with its confirmation code
/// and birth date: as [`online`], and only for an offer of that case — another case's offer is
/// not found, even when its defendant has the same birth date.
pub fn from_status(
    conn: &mut DbConn,
    key: &StatusKey,
    id: i64,
    what: Answer,
    today: NaiveDate,
    lang: Language,
    ctx: &LetterContext,
) -> Result<OfferAnswer, AppError> {
    let (_, case) = crate::services::status::find_submission(conn, &key.confirmation, &key.date_of_birth, today, lang)?;
    match db::offers::find(conn, id)? {
        Some(offer) if offer.citation_id == case.id => online(conn, id, &key.date_of_birth, what, today, lang, ctx),
        _ => Err(AppError::NotFound(msg(lang, "not_found"))),
    }
}

/// The offer a scanned envelope's slip answers: the envelope is linked to a plea offer letter,
/// and the offer is the one that letter was made for (the newest made before it).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SlipOffer {
    pub offer_id: i64,
    pub letter_id: i64,
    #[serde(serialize_with = "as_str")]
    pub status: OfferStatus,
    pub expires_on: NaiveDate,
    /// Still open to an answer: pending (a slip mailed by its expiry date may arrive after it;
    /// an offer the daily job expired is closed).
    pub open: bool,
}

fn as_str<S: serde::Serializer>(s: &OfferStatus, to: S) -> Result<S::Ok, S::Error> {
    to.serialize_str(s.as_str())
}

/// The offer envelope `envelope_id` answers, if it is linked to a plea offer letter.
pub fn slip_offer(conn: &mut DbConn, envelope_id: i64) -> Result<Option<SlipOffer>, AppError> {
    let Some(letter_id) = db::scans::envelope(conn, envelope_id)?.and_then(|e| e.letter_id) else {
        return Ok(None);
    };
    let Some(letter) = db::letters::find(conn, letter_id)? else { return Ok(None) };
    let (Some(citation_id), Ok(LetterType::Offer)) = (letter.citation_id, letter.letter_type.parse()) else {
        return Ok(None);
    };
    let (rows, _) = db::case_parts::offers_of(conn, citation_id)?;
    let Some(o) = rows.into_iter().rev().find(|o| o.created_at <= letter.created_at) else { return Ok(None) };
    let status: OfferStatus = o.status.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("stored offer: {e}")))?;
    let open = status == OfferStatus::Pending;
    Ok(Some(SlipOffer { offer_id: o.id, letter_id, status, expires_on: o.expires_on, open }))
}

/// A clerk confirms the signed acceptance slip in envelope `envelope_id` (`accept`), or finds it
/// unsigned (`!accept`: nothing is accepted). Either way the envelope leaves the keying queue.
pub fn by_mail(
    conn: &mut DbConn,
    envelope_id: i64,
    accept: bool,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<Option<OfferAnswer>, AppError> {
    let slip = slip_offer(conn, envelope_id)?
        .ok_or_else(|| AppError::NotFound(format!("envelope {envelope_id} holds no offer acceptance slip")))?;
    let actor = format!("staff:{user_id}");
    let (offer, case) = offer_and_case(conn, slip.offer_id)?;
    let reason = match accept {
        true => format!("offer acceptance slip for offer {}: accepted", offer.id),
        false => format!("offer acceptance slip for offer {}: not signed, not accepted", offer.id),
    };
    db::write_transaction(conn, |c| {
        if !db::envelope_queue::set_not_a_plea(c, envelope_id, &reason)? {
            return Err(AppError::Conflict("this envelope was already dealt with".into()));
        }
        let details = json!({"offer_id": offer.id, "envelope": envelope_id, "letter_id": slip.letter_id});
        if !accept {
            note(c, &case, &actor, json!({"slip_not_signed": details}))?;
            return Ok(None);
        }
        if !slip.open {
            return Err(AppError::Conflict(format!(
                "offer {} is {} (it ran until {}); it can no longer be accepted",
                offer.id, slip.status, slip.expires_on
            )));
        }
        let what = Answer::Accept;
        let t = step(c, &case, what.action(offer.id), &actor, ctx, |c| close(c, offer.id, what.status(), None))?;
        note(c, &case, &actor, json!({"answer": "accepted", "channel": "mail", "slip": details}))?;
        Ok(Some(answer(Some(offer.id), what.status().as_str(), &case, &t, None)))
    })
}
