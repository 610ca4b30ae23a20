//! Linking a paper plea to its citation — when it is keyed in, when a clerk confirms a
//! suggestion, or when its citation is imported — through one path: the deadline judged by the
//! postmark (mail) or the day handed in (counter), a second plea for a case already answered
//! kept and flagged as a duplicate (not applied: the first plea's status stands until a clerk
//! decides), a late plea kept as deficient, an unsigned or incomplete one kept as deficient with
//! a deficiency notice queued, and anything else applied to the case exactly as an online plea.

use crate::audit::{self, Event};
use crate::db::{self, citations::CitationRecord, paper::PaperRecord, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::domain::deficiency::{self, Deficiencies};
use crate::domain::eligibility::Reason;
use crate::domain::matching::Claim;
use crate::domain::{CaseStatus, Channel, CitationNumber, Language, Plea};
use crate::error::AppError;
use crate::services::letters::LetterContext;
use crate::services::plea_apply::{self, Applied};
use crate::services::plea_request::{check_pleas, Checked};
use crate::services::{deficiency_notice, intake, matching};
use serde::Serialize;
use std::collections::BTreeMap;

/// How a submission came to be linked (stored as `linked_how`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Keyed in with a number (and birth date) on file.
    Entry,
    /// A clerk chose the citation (`POST /api/v1/submissions/{id}/link`).
    Clerk,
    /// Its citation was imported (exact number and date of birth).
    Import,
}

impl How {
    fn as_str(self) -> &'static str {
        match self {
            How::Entry => "entry",
            How::Clerk => "clerk",
            How::Import => "import",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SuggestionView {
    pub citation_number: String,
    /// Higher is closer.
    pub score: u32,
    /// Why it was suggested, e.g. "number differs in 1 character", "date of birth matches".
    pub reasons: Vec<String>,
}

impl From<crate::domain::matching::Suggestion> for SuggestionView {
    fn from(s: crate::domain::matching::Suggestion) -> Self {
        SuggestionView { citation_number: s.citation_number, score: s.score, reasons: s.reasons }
    }
}

/// The answer to keying in or linking a paper plea.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionAnswer {
    pub id: i64,
    /// linked, unmatched or deficient
    pub status: String,
    pub confirmation: String,
    pub citation_number: Option<String>,
    /// A plea for a case already answered: kept, not applied, for a clerk to decide.
    pub duplicate: bool,
    /// What is missing (`unsigned`, `missing_pleas`, `late`) and the `fix_by` date of the notice.
    #[schema(value_type = Option<Object>)]
    pub deficiencies: Option<Deficiencies>,
    /// The letters queued for it: the acknowledgement, or the deficiency notice.
    pub letter_ids: Vec<i64>,
    /// For an unmatched plea: the citations it may belong to, closest first (at most 10).
    pub suggestions: Vec<SuggestionView>,
}

/// The answer for a submission as it stands (with suggestions while it is unmatched).
pub fn answer_for(conn: &mut DbConn, sub: &PaperRecord) -> Result<SubmissionAnswer, AppError> {
    let citation_number = match sub.citation_id {
        Some(id) => db::citations::find_by_id(conn, id)?.map(|c| c.citation_number),
        None => None,
    };
    let suggestions = if sub.status == "unmatched" {
        let claim = Claim {
            number: sub.claimed_citation_number.as_deref(),
            date_of_birth: sub.claimed_date_of_birth,
            last_name: sub.claimed_last_name.as_deref(),
            plate: sub.claimed_plate.as_deref(),
        };
        matching::suggestions(conn, &claim)?.into_iter().map(Into::into).collect()
    } else {
        Vec::new()
    };
    Ok(SubmissionAnswer {
        id: sub.id,
        status: sub.status.clone(),
        confirmation: sub.confirmation.clone(),
        citation_number,
        duplicate: sub.duplicate,
        deficiencies: sub.deficiencies.as_deref().and_then(|d| serde_json::from_str(d).ok()),
        letter_ids: db::case_parts::letters_of_submission(conn, sub.id)?,
        suggestions,
    })
}

/// What a link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked {
    pub applied: bool,
    pub duplicate: bool,
}

/// Links `sub` to `case` inside the caller's write transaction (see the module's rules) and
/// appends the `submission.linked` event. A plea for a charge the case does not have is a 422.
pub fn link_in_tx(
    c: &mut DbConn,
    sub: &PaperRecord,
    case: &CitationRecord,
    how: How,
    actor: &str,
    ctx: &LetterContext,
) -> Result<Linked, AppError> {
    db::citations::lock(c, case.id)?;
    let case =
        db::citations::find_by_id(c, case.id)?.ok_or_else(|| AppError::NotFound("the citation is gone".into()))?;
    let channel: Channel = sub.channel.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let received_on = sub.received_at.and_utc().with_timezone(&ctx.court_tz).date_naive();
    let counted = deficiency::counted_on(channel, sub.postmark_date, received_on);
    let judged = deficiency::judged_on(counted, case.response_due, deficiency_notice::latest_fix_by(c, case.id)?);
    let summary = intake::summary(c, &case, judged, Language::En)?;
    if !summary.charges.iter().any(|ch| ch.offense_by_mail) {
        return Err(AppError::Conflict(format!(
            "no charge of citation {} can be answered by mail; the court date stands",
            case.citation_number
        )));
    }
    let items: Vec<(i32, Plea)> = db::submissions::pleas_of(c, sub.id)?
        .into_iter()
        .filter_map(|(seq, p)| p.parse().ok().map(|p| (seq, p)))
        .collect();
    let mut fields = BTreeMap::new();
    let (pleas, _) = check_pleas(&items, &summary, Language::En, &mut fields);
    if !fields.is_empty() {
        return Err(AppError::Invalid {
            message: format!("the pleas do not fit the charges of citation {}", case.citation_number),
            fields,
        });
    }
    let by_mail: Vec<i32> = summary.charges.iter().filter(|ch| ch.offense_by_mail).map(|ch| ch.seq).collect();
    let pleaded: Vec<i32> = pleas.iter().map(|(s, _)| *s).collect();
    let mut defs = Deficiencies::find(sub.signed, &by_mail, &pleaded);
    let checked = stored_contact(sub, pleas);
    let duplicate = case.status != CaseStatus::Open || db::paper::has_applied_plea(c, case.id, sub.id)?;
    let (status, letter) = if duplicate {
        ("linked", None)
    } else if summary.reasons.contains(&Reason::DeadlinePassed) {
        defs = Deficiencies::late();
        ("deficient", None)
    } else if defs.curable() {
        let calendar = CourtCalendar::new(db::offenses::holidays(c)?);
        let cure_days = ctx.court.after_plea.cure_days;
        defs.fix_by = Some(deficiency::fix_by(ctx.today(), case.response_due, cure_days, &calendar));
        let letter = deficiency_notice::queue(c, &case, &summary, &checked, sub, &defs, received_on, ctx)?;
        ("deficient", Some(letter))
    } else {
        let applied = Applied { case: &case, summary: &summary, checked: &checked, submission_id: sub.id, actor };
        let (_, letter) = plea_apply::apply(c, &applied, &sub.confirmation, channel, received_on, ctx, Language::En)?;
        ("linked", Some(letter))
    };
    let defs_json =
        if defs.any() { Some(serde_json::to_string(&defs).map_err(|e| AppError::Internal(e.into()))?) } else { None };
    let update = db::paper::LinkUpdate {
        citation_id: case.id,
        status,
        how: how.as_str(),
        duplicate,
        deficiencies: defs_json.as_deref(),
    };
    db::paper::set_link(c, sub.id, &update)?;
    audit::append(
        c,
        &Event {
            actor,
            action: "submission.linked",
            subject_type: "citation",
            subject_id: &case.citation_number,
            outcome: "ok",
            details: serde_json::json!({
                "submission_id": sub.id, "how": how.as_str(), "status": status, "duplicate": duplicate,
                "late": defs.late, "deficient": defs.any(), "letter_id": letter,
                "from_citation_id": sub.citation_id,
            }),
        },
    )?;
    Ok(Linked { applied: status == "linked" && !duplicate, duplicate })
}

/// The contact details stored with a submission, as the plea transaction takes them.
fn stored_contact(sub: &PaperRecord, pleas: Vec<(i32, Plea)>) -> Checked {
    let address =
        sub.mailing_address.as_deref().and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()).and_then(|a| {
            let s = |k: &str| a[k].as_str().map(str::to_string);
            Some((s("line1")?, s("line2"), s("city")?, s("state")?, s("postal_code")?))
        });
    Checked {
        pleas,
        statement: sub.statement.clone(),
        email: sub.email.clone(),
        phone: sub.phone.clone(),
        // Only a language given with this plea changes the case's; the column always has one.
        language: None,
        signature: String::new(),
        address,
    }
}

/// `POST /api/v1/submissions/{id}/link`: a clerk links a submission to a citation. An unmatched
/// one, or one not applied to its case (deficient or duplicate) that was linked to the wrong
/// citation; a plea already applied to a case is not moved (409).
pub fn link(
    conn: &mut DbConn,
    id: i64,
    number: &str,
    actor: &str,
    ctx: &LetterContext,
) -> Result<SubmissionAnswer, AppError> {
    let number = CitationNumber::parse(&number.split_whitespace().collect::<String>())
        .map_err(|e| AppError::field("citation_number", e.to_string()))?;
    let sub = db::paper::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no submission {id}")))?;
    let case = matching::find_as_typed(conn, &number)?
        .ok_or_else(|| AppError::field("citation_number", format!("no citation {number} is on file")))?;
    if sub.channel == Channel::Online.as_str() {
        return Err(AppError::Conflict("an online plea is linked by the resident's own identity".into()));
    }
    if sub.citation_id == Some(case.id) {
        return Err(AppError::Conflict(format!("submission {id} is already linked to {}", case.citation_number)));
    }
    if sub.status == "linked" && !sub.duplicate {
        return Err(AppError::Conflict(format!(
            "submission {id} was applied to its case; correct that case before moving the plea"
        )));
    }
    db::write_transaction(conn, |c| link_in_tx(c, &sub, &case, How::Clerk, actor, ctx))?;
    let sub = db::paper::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("there is no submission {id}")))?;
    answer_for(conn, &sub)
}

/// Links the unmatched pleas that name a citation just imported (exact number, look-alike
/// characters aside, and exact date of birth), inside the import's transaction; returns how
/// many were linked. A plea that does not fit its citation stays unmatched (savepoint).
pub struct ImportLinker {
    pub ctx: LetterContext,
}

impl crate::import::citations::AfterWrite for ImportLinker {
    fn filed(&self, c: &mut DbConn, numbers: &[&str], actor: &str) -> diesel::QueryResult<u64> {
        use crate::domain::matching::number_key;
        let claims = db::paper::unmatched_claims(c)?;
        if claims.is_empty() {
            return Ok(0);
        }
        let mut linked = 0;
        for number in numbers {
            let key = number_key(number);
            for (id, _, dob) in claims.iter().filter(|(_, n, _)| number_key(n) == key) {
                let Some(case) = db::citations::find_by_number(c, number)? else { continue };
                let Some(sub) = db::paper::find(c, *id)? else { continue };
                if case.date_of_birth != *dob || sub.status != "unmatched" {
                    continue;
                }
                match diesel::Connection::transaction(c, |c| link_in_tx(c, &sub, &case, How::Import, actor, &self.ctx))
                {
                    Ok(_) => linked += 1,
                    Err(AppError::Internal(e)) => return Err(diesel::result::Error::QueryBuilderError(e.into())),
                    Err(e) => {
                        tracing::warn!(submission = id, error = %e, "an unmatched plea does not fit its imported citation")
                    }
                }
            }
        }
        Ok(linked)
    }
}
