//! A clerk decides which of two pleas for one case stands (`POST /api/v1/submissions/{id}/decide`
//! and the duplicates page): `{id}` is the duplicate, `stands` the submission chosen — the
//! duplicate itself or the plea applied to the case. The other is set aside (kept, never
//! deleted). A duplicate that stands is applied through the one path every plea takes
//! (`paper_link::link_in_tx` → `plea_apply`), after the case is put back to open; the rule for
//! when that may happen is `domain::duplicates` (`domain::lifecycle`'s `PleaSetAside`). One
//! transaction, one `submission.decided` event (and the case's moves from the lifecycle).

use crate::audit::{self, Event};
use crate::db::{self, DbConn};
use crate::domain::duplicates::{self, Choice};
use crate::error::AppError;
use crate::services::case_state;
use crate::services::letters::LetterContext;
use crate::services::paper_link::{self, How};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    /// The submission that stands: the duplicate, or the plea applied to the case.
    pub stands: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub citation_number: String,
    pub stands: i64,
    pub set_aside: i64,
    /// The case's status after the decision.
    pub case_status: String,
    /// The acknowledgement queued for a plea that now stands in place of the first.
    pub letter_ids: Vec<i64>,
}

fn conflict(m: impl Into<String>) -> AppError {
    AppError::Conflict(m.into())
}

/// Decides duplicate `id` for staff member `actor`.
pub fn decide(
    conn: &mut DbConn,
    id: i64,
    stands: i64,
    user_id: i64,
    ctx: &LetterContext,
) -> Result<Decision, AppError> {
    let actor = &format!("staff:{user_id}");
    let dup = db::paper::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no submission {id}")))?;
    let Some(cid) = dup.citation_id.filter(|_| dup.duplicate) else {
        return Err(conflict(format!("submission {id} is not a duplicate waiting for a decision")));
    };
    let Some(applied) = db::paper::applied_plea(conn, cid, Some(id))? else {
        return Err(conflict("no other plea was applied to this case; correct the case before deciding"));
    };
    let choice = match stands {
        s if s == applied.id => Choice::KeepApplied,
        s if s == dup.id => Choice::Replace,
        _ => {
            return Err(AppError::field(
                "stands",
                format!("choose submission {} (applied) or {} (the duplicate)", applied.id, dup.id),
            ))
        }
    };
    db::write_transaction(conn, |c| {
        db::citations::lock(c, cid)?;
        let case =
            db::citations::find_by_id(c, cid)?.ok_or_else(|| AppError::NotFound("the citation is gone".into()))?;
        let set_aside = match choice {
            Choice::KeepApplied => dup.id,
            Choice::Replace => {
                let complete = dup
                    .deficiencies
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<crate::domain::deficiency::Deficiencies>(d).ok())
                    .is_none_or(|d| !d.any());
                let now = case_state::snapshot(c, cid)?;
                let reopen = duplicates::may_replace(&now, complete).map_err(AppError::Conflict)?;
                if !case_state::record(c, cid, &case.citation_number, &reopen, actor, ctx.today())? {
                    return Err(conflict("the case moved while the decision was made; try again"));
                }
                db::paper::set_aside(c, cid, dup.id, applied.id, user_id)?;
                let reopened = db::citations::find_by_id(c, cid)?
                    .ok_or_else(|| AppError::NotFound("the citation is gone".into()))?;
                let linked = paper_link::link_in_tx(c, &dup, &reopened, How::Clerk, actor, ctx)?;
                if !linked.applied {
                    return Err(conflict(
                        "the later plea cannot stand: by its postmark it is late for this case; nothing was changed",
                    ));
                }
                applied.id
            }
        };
        if choice == Choice::KeepApplied {
            db::paper::set_aside(c, cid, applied.id, dup.id, user_id)?;
        }
        let stands = if set_aside == dup.id { applied.id } else { dup.id };
        audit::append(
            c,
            &Event {
                actor,
                action: "submission.decided",
                subject_type: "citation",
                subject_id: &case.citation_number,
                outcome: "ok",
                details: serde_json::json!({"stands": stands, "set_aside": set_aside,
                    "replaced": choice == Choice::Replace}),
            },
        )?;
        Ok(())
    })?;
    let case =
        db::citations::find_by_id(conn, cid)?.ok_or_else(|| AppError::NotFound("the citation is gone".into()))?;
    let letter_ids = match choice {
        Choice::Replace => db::case_parts::letters_of_submission(conn, dup.id)?,
        Choice::KeepApplied => Vec::new(),
    };
    let (stands, set_aside) = match choice {
        Choice::Replace => (dup.id, applied.id),
        Choice::KeepApplied => (applied.id, dup.id),
    };
    Ok(Decision {
        citation_number: case.citation_number,
        stands,
        set_aside,
        case_status: case.status.as_str().to_string(),
        letter_ids,
    })
}
