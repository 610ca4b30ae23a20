//! Prosecutors' offers (SPEC §4 `POST /api/v1/citations/{number}/offers`, issue 9): made on the
//! charges a defendant asked one for, amended (a new offer replaces the pending one, which is
//! kept as withdrawn), withdrawn, or a request declined with a reason — each through
//! `domain::lifecycle`, in one write transaction with the offer rows, the case's move, the
//! letters it asks for (the plea offer, the hearing notice) and the audit events. The
//! defendant's answer is [`answer`]; the prosecutor's queue and review page [`review`]; the saved
//! patterns [`patterns`].

pub mod answer;
pub mod patterns;
pub mod public;
pub mod review;

use crate::audit::{self, Event};
use crate::db::{self, citations::CitationRecord, DbConn};
use crate::domain::lifecycle::{self, Action, Offer, OfferedCharge, Transition};
use crate::domain::offer::{self as rules, LineInput, NewOffer};
use crate::domain::{CaseStatus, CitationNumber, OfferStatus};
use crate::error::AppError;
use crate::services::letters::{queue_transition, LetterContext};
use crate::services::{case_state, idempotency};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// `POST /api/v1/citations/{number}/offers`: an offer, or `{decline: true, reason}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    /// One line per charge the defendant asked an offer for.
    #[serde(default)]
    pub charges: Option<Vec<OfferLineRequest>>,
    /// YYYY-MM-DD: the last day the defendant may accept; after today, at most 180 days ahead.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// True to decline the request (no offer): the charges go to a hearing.
    #[serde(default)]
    pub decline: Option<bool>,
    /// Why the request is declined (required with `decline`).
    #[serde(default)]
    pub reason: Option<String>,
    /// The console's form: the pending offer it was shown (`Some(None)`: none). Another one
    /// pending now — a second click on "Make the offer" — is refused rather than amending.
    #[serde(skip)]
    pub seen_pending: Option<Option<i64>>,
}

/// One charge of an offer.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferLineRequest {
    #[schema(value_type = i32, example = 1)]
    #[serde(default)]
    pub charge_seq: Option<Value>,
    /// The amended offense (from the catalog); missing or empty: the offense as charged.
    #[serde(default)]
    pub offense_code: Option<String>,
    /// Whole cents, 0 or more.
    #[schema(value_type = i64, example = 5000)]
    #[serde(default)]
    pub fine_cents: Option<Value>,
    /// 0 to 12.
    #[schema(value_type = i32, example = 0)]
    #[serde(default)]
    pub points: Option<Value>,
}

/// `POST /api/v1/offers/{id}/withdraw`
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawRequest {
    #[serde(default)]
    pub reason: String,
}

/// What an offer step did: the offer (absent when a request was declined), its status
/// (`pending`, `accepted`, `rejected`, `withdrawn`, or `declined`) and the case's status.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfferAnswer {
    pub id: Option<i64>,
    pub status: String,
    pub citation_number: String,
    #[schema(value_type = String, example = "offer_pending")]
    pub case_status: CaseStatus,
    /// The offer this one replaced (an amendment).
    pub replaces: Option<i64>,
}

/// A lifecycle refusal in the prosecutor's words (409).
pub(crate) fn refused(e: lifecycle::LifecycleError) -> AppError {
    AppError::Conflict(e.to_string())
}

pub(crate) fn moved() -> AppError {
    AppError::Conflict("the case changed at the same time; open it again and retry".into())
}

fn find_case(conn: &mut DbConn, number: &str) -> Result<CitationRecord, AppError> {
    let number = CitationNumber::parse(number).map_err(|e| AppError::field("number", e.to_string()))?;
    db::citations::find_by_number(conn, number.as_str())?
        .ok_or_else(|| AppError::NotFound(format!("no citation {number} is on file")))
}

fn int(v: &Option<Value>) -> Option<i64> {
    v.as_ref().and_then(Value::as_i64)
}

/// Checks an offer's fields against the catalog (codes in force today) and the ticket's charges.
fn parse(
    conn: &mut DbConn,
    case: &CitationRecord,
    req: &OfferRequest,
    ctx: &LetterContext,
) -> Result<NewOffer, AppError> {
    let lines = req.charges.as_deref().unwrap_or_default();
    let codes: Vec<&str> = lines.iter().filter_map(|l| l.offense_code.as_deref().map(str::trim)).collect();
    let known: Vec<String> = db::offenses::in_force(conn, &codes, ctx.today())?.into_iter().map(|o| o.code).collect();
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            charge_seq: int(&l.charge_seq),
            offense_code: l.offense_code.as_deref(),
            fine_cents: int(&l.fine_cents),
            points: int(&l.points),
        })
        .collect();
    let parsed =
        rules::parse(&inputs, req.expires_on.as_deref().unwrap_or(""), ctx.today(), |c| known.iter().any(|k| k == c));
    let mut fields = match parsed {
        Ok(offer) => {
            let seqs: Vec<i32> = db::case_parts::charge_fines(conn, case.id)?.into_iter().map(|(s, _)| s).collect();
            let unknown = offer.lines.iter().position(|l| !seqs.contains(&l.seq));
            let Some(i) = unknown else { return Ok(offer) };
            let mut f = std::collections::BTreeMap::new();
            f.insert(
                format!("charges[{i}].charge_seq"),
                format!("charge {} is not on this ticket", offer.lines[i].seq),
            );
            f
        }
        Err(fields) => fields,
    };
    if let Some(m) = fields.values_mut().find(|m| m.is_empty()) {
        m.push_str("not valid");
    }
    Err(AppError::Invalid { message: "some fields of the offer are not valid".into(), fields })
}

/// `POST /api/v1/citations/{number}/offers` by staff member `user_id`: an offer (201) — a new
/// one, or an amendment replacing the pending one — or a declined request. `key` is the
/// Idempotency-Key, if sent: the same key and body make one offer, and a repeat answers with it
/// as it stands (a declined request needs no key: declining again is refused, 409).
pub fn make(
    conn: &mut DbConn,
    number: &str,
    req: &OfferRequest,
    key: Option<&str>,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<OfferAnswer, AppError> {
    let case = find_case(conn, number)?;
    let actor = format!("staff:{user_id}");
    if req.decline == Some(true) {
        let reason = rules::reason(req.reason.as_deref().unwrap_or("")).map_err(|e| AppError::field("reason", e.0))?;
        let t = db::write_transaction(conn, |c| {
            let t = step(c, &case, Action::OfferDeclined, &actor, ctx, |_| Ok(()))?;
            note(c, &case, &actor, json!({"declined": true, "reason": reason}))?;
            Ok::<_, AppError>(t)
        })?;
        return Ok(answer(None, "declined", &case, &t, None));
    }
    let scoped = idempotency::scoped(user_id, key);
    let hash = hex::encode(Sha256::digest(serde_json::to_vec(&(&case.citation_number, req)).unwrap_or_default()));
    let made = |c: &mut DbConn| {
        let offer = parse(c, &case, req, ctx)?;
        let idempotency = scoped.as_deref().map(|k| (k, hash.as_str()));
        db::write_transaction(c, |c| make_in_tx(c, &case, req, &offer, user_id, idempotency, ctx))
    };
    idempotency::once(conn, scoped.as_deref(), |c, k| replay(c, k, &hash), made)
}

/// An offer made before with Idempotency-Key `key` (scoped), as it stands now; refused if the
/// key came with another request.
fn replay(conn: &mut DbConn, key: &str, hash: &str) -> Result<Option<OfferAnswer>, AppError> {
    let Some(o) = db::offers::by_idempotency_key(conn, key)? else {
        return Ok(None);
    };
    if o.request_hash.as_deref() != Some(hash) {
        return Err(idempotency::reused("offer"));
    }
    let case = db::citations::find_by_id(conn, o.citation_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("offer {} has no citation", o.id)))?;
    Ok(Some(OfferAnswer {
        id: Some(o.id),
        status: o.status.as_str().to_string(),
        citation_number: case.citation_number,
        case_status: case.status,
        replaces: o.replaces,
    }))
}

/// Makes `offer` on `case` inside the caller's write transaction: its rows, the pending one it
/// replaces closed, the case's move and its letters.
fn make_in_tx(
    c: &mut DbConn,
    case: &CitationRecord,
    req: &OfferRequest,
    offer: &NewOffer,
    user_id: i64,
    idempotency: Option<(&str, &str)>,
    ctx: &LetterContext,
) -> Result<OfferAnswer, AppError> {
    db::citations::lock(c, case.id)?;
    let before = case_state::snapshot(c, case.id)?;
    let replaces = before.offer.as_ref().map(|o| o.id);
    if req.seen_pending.is_some_and(|seen| seen != replaces) {
        return Err(AppError::Conflict(
            "the offer changed since the form was opened (sent twice?); nothing was changed — check the offer below"
                .into(),
        ));
    }
    let charged = db::citations::charges_of(c, case)?;
    let lines: Vec<(i32, String, i64, i32)> = (offer.lines.iter())
        .map(|l| {
            let code = l
                .offense_code
                .clone()
                .or_else(|| charged.iter().find(|ch| ch.seq == l.seq).map(|ch| ch.offense_code.clone()));
            (l.seq, code.unwrap_or_default(), l.fine.get(), l.points)
        })
        .collect();
    let rows: Vec<db::offers::NewLine> = lines.iter().map(|(s, c, f, p)| (*s, c.as_str(), *f, *p)).collect();
    let made = db::offers::Made { made_by: user_id, replaces, idempotency };
    let id = db::offers::insert(c, case.id, offer.expires_on, &made, &rows)?;
    let charges = offer.lines.iter().map(|l| OfferedCharge { seq: l.seq, fine: l.fine }).collect();
    let action = Action::OfferMade(Offer { id, expires_on: offer.expires_on, charges });
    let t = lifecycle::apply(&before, action).map_err(refused)?;
    if let Some(old) = replaces {
        // Amended: the offer it replaces is kept, closed as withdrawn.
        db::offers::close(c, old, OfferStatus::Withdrawn, Some(&format!("replaced by offer {id}")))?;
    }
    let actor = format!("staff:{user_id}");
    write(c, case, &t, &actor, ctx)?;
    Ok(answer(Some(id), OfferStatus::Pending.as_str(), case, &t, replaces))
}

/// `POST /api/v1/offers/{id}/withdraw`: the pending offer `id` is withdrawn with `reason`; the
/// charges it covered go to a hearing (SPEC §2), with the hearing notice.
pub fn withdraw(
    conn: &mut DbConn,
    id: i64,
    reason: &str,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<OfferAnswer, AppError> {
    let reason = rules::reason(reason).map_err(|e| AppError::field("reason", e.0))?;
    let (offer, case) = offer_and_case(conn, id)?;
    let actor = format!("staff:{user_id}");
    let t = db::write_transaction(conn, |c| {
        step(c, &case, Action::OfferWithdrawn { offer_id: offer.id }, &actor, ctx, |c| {
            close(c, offer.id, OfferStatus::Withdrawn, Some(&reason))
        })
    })?;
    Ok(answer(Some(id), OfferStatus::Withdrawn.as_str(), &case, &t, None))
}

/// An offer and its case; 404 if there is no such offer.
pub(crate) fn offer_and_case(
    conn: &mut DbConn,
    id: i64,
) -> Result<(db::offers::OfferRecord, CitationRecord), AppError> {
    let offer = db::offers::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no offer {id}")))?;
    let case = db::citations::find_by_id(conn, offer.citation_id)?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("offer {id} has no citation")))?;
    Ok((offer, case))
}

/// Closes offer `id` as `status`, or says in the lifecycle's words that it was not pending.
pub(crate) fn close(c: &mut DbConn, id: i64, status: OfferStatus, reason: Option<&str>) -> Result<(), AppError> {
    if db::offers::close(c, id, status, reason)? {
        Ok(())
    } else {
        Err(refused(lifecycle::LifecycleError::NotThePendingOffer(id)))
    }
}

/// Takes `action` on `case` inside the caller's write transaction: `rows` writes the offer's own
/// change once the lifecycle allows the action, then the transition and its letters.
pub(crate) fn step(
    c: &mut DbConn,
    case: &CitationRecord,
    action: Action,
    actor: &str,
    ctx: &LetterContext,
    rows: impl FnOnce(&mut DbConn) -> Result<(), AppError>,
) -> Result<Transition, AppError> {
    db::citations::lock(c, case.id)?;
    let before = case_state::snapshot(c, case.id)?;
    let t = lifecycle::apply(&before, action).map_err(refused)?;
    rows(c)?;
    write(c, case, &t, actor, ctx)?;
    Ok(t)
}

/// Writes transition `t` and queues the letters it asks for (after the rows they state).
fn write(
    c: &mut DbConn,
    case: &CitationRecord,
    t: &Transition,
    actor: &str,
    ctx: &LetterContext,
) -> Result<(), AppError> {
    if !case_state::record(c, case.id, &case.citation_number, t, actor, ctx.today())? {
        return Err(moved());
    }
    queue_transition(c, case.id, t, ctx)?;
    Ok(())
}

/// An audit event beside the lifecycle's: the reason given, how an answer came.
pub(crate) fn note(c: &mut DbConn, case: &CitationRecord, actor: &str, details: Value) -> Result<(), AppError> {
    let event = Event {
        actor,
        action: "offer.noted",
        subject_type: "citation",
        subject_id: &case.citation_number,
        outcome: "ok",
        details,
    };
    audit::append(c, &event)?;
    Ok(())
}

pub(crate) fn answer(
    id: Option<i64>,
    status: &str,
    case: &CitationRecord,
    t: &Transition,
    replaces: Option<i64>,
) -> OfferAnswer {
    OfferAnswer {
        id,
        status: status.to_string(),
        citation_number: case.citation_number.clone(),
        case_status: t.status(),
        replaces,
    }
}
