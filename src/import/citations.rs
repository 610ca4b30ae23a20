//! E-citation import (SPEC §4): rows → whole citations checked as a unit → written in batches.
//! A citation imports atomically (all its charge rows or none); valid citations in a file with bad
//! rows still import; re-importing the same file changes nothing.

use super::rows::RawRow;
use crate::db::{self, DbConn};
use crate::domain::citation::{check_charge_sequence, parse_issued_at};
use crate::domain::contact::{email, phone, postal_code, required_text, state_code, text};
use crate::domain::dates::parse_date;
use crate::domain::deadline::{CourtCalendar, ResponseDueRule};
use crate::domain::offense::{offense_code, points, version_in_force};
use crate::domain::{
    Cents, ChargeDraft, CitationDraft, CitationNumber, DateOfBirth, Defendant, ParseError, PreferredLanguage,
};
use crate::progress::{Progress, Quiet};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::HashMap;

/// The columns of the e-citation CSV, in SPEC order.
pub const COLUMNS: &[&str] = &[
    "citation_number",
    "agency",
    "issued_at",
    "location",
    "officer_badge",
    "court_date",
    "first_name",
    "middle_name",
    "last_name",
    "date_of_birth",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "license_number",
    "license_state",
    "plate",
    "plate_state",
    "email",
    "phone",
    "language",
    "charge_seq",
    "offense_code",
    "fine",
    "points",
];
/// Columns before this index describe the citation and must agree on every row of it.
const FIRST_CHARGE_COLUMN: usize = 22;
const CHARGE_SEQ: usize = 22;

/// How many citations are written in one transaction.
const BATCH: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: Vec<RejectedRow>,
    /// Pleas from the unmatched queue linked to the citations imported (left out when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub linked_pleas: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// What else happens in an import batch's transaction once its citations are written: linking
/// the pleas that were waiting for them (`services::paper_link::ImportLinker`). Returns how many.
pub trait AfterWrite {
    fn filed(&self, conn: &mut DbConn, numbers: &[&str], actor: &str) -> diesel::QueryResult<u64>;
}

/// Nothing else.
pub struct Nothing;

impl AfterWrite for Nothing {
    fn filed(&self, _: &mut DbConn, _: &[&str], _: &str) -> diesel::QueryResult<u64> {
        Ok(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct RejectedRow {
    pub line: u64,
    pub citation_number: String,
    pub error: String,
}

/// What an import needs to know about the court.
#[derive(Debug, Clone)]
pub struct ImportRules {
    pub court_tz: Tz,
    pub response_due: ResponseDueRule,
}

/// A citation that passed every check, ready to be written.
#[derive(Debug, Clone)]
pub struct ValidCitation {
    pub draft: CitationDraft,
    pub response_due: NaiveDate,
    pub hash: String,
    pub lines: Vec<u64>,
}

/// Citations written by one import from which the planner's statistics are refreshed.
const ANALYZE_AFTER: u64 = 1000;

/// Offense codes → the dates their catalog versions took effect.
pub type Catalog = HashMap<String, Vec<NaiveDate>>;

/// Imports rows already read from a CSV or JSON body. Each batch is written in one transaction
/// together with its audit event, so that no change is ever committed without its record.
pub fn import(
    conn: &mut DbConn,
    rows: Vec<RawRow>,
    rules: &ImportRules,
    actor: &str,
) -> Result<ImportSummary, crate::error::AppError> {
    import_then(conn, rows, rules, actor, &Nothing, &Quiet)
}

/// [`import`], with `after` run in each batch's transaction (see [`AfterWrite`]), telling
/// `progress` how many citations are written.
pub fn import_then(
    conn: &mut DbConn,
    rows: Vec<RawRow>,
    rules: &ImportRules,
    actor: &str,
    after: &dyn AfterWrite,
    progress: &dyn Progress,
) -> Result<ImportSummary, crate::error::AppError> {
    let catalog = db::offenses::catalog(conn)?;
    let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);
    progress.stage(&format!("checking {} rows", rows.len()), None);
    let (valid, rejected) = check_rows(rows, &catalog, rules, &calendar);
    let run = Run { actor, id: hex::encode(rand::random::<[u8; 6]>()), rejected_rows: rejected.len(), after };
    let mut summary = ImportSummary { rejected, ..Default::default() };
    progress.stage("writing citations", Some(valid.len() as u64));
    for batch in valid.chunks(BATCH) {
        write_batch(conn, batch, &run, &mut summary);
        progress.advance(batch.len() as u64);
    }
    if valid.is_empty() {
        // Nothing to write: the attempt is recorded on its own.
        crate::audit::record(conn, &run.event(&[], 0))?;
    }
    // A large import changes what the tables hold wholesale: the cases' next queries (the daily
    // job's first of all) are planned from the new figures. The import is committed either way.
    if summary.imported + summary.updated >= ANALYZE_AFTER {
        if let Err(e) = db::analyze(conn, &["citations", "charges"]) {
            tracing::warn!(error = %e, "the planner's statistics could not be refreshed after the import");
        }
    }
    summary.rejected.sort_by_key(|r| r.line);
    Ok(summary)
}

/// One import, as its audit events name it.
struct Run<'a> {
    actor: &'a str,
    /// Ties together the events of the batches of one import.
    id: String,
    /// Rows rejected by the checks, before anything was written.
    rejected_rows: usize,
    after: &'a dyn AfterWrite,
}

impl Run<'_> {
    /// The event recording one batch (what happened to each of its citations).
    fn event(&self, outcomes: &[db::citations::Outcome], linked: u64) -> crate::audit::Event<'_> {
        use db::citations::Outcome;
        let count = |o: Outcome| outcomes.iter().filter(|x| **x == o).count();
        let refused = count(Outcome::HasPlea);
        crate::audit::Event {
            actor: self.actor,
            action: "citations.import",
            subject_type: "import",
            subject_id: "-",
            outcome: if self.rejected_rows == 0 && refused == 0 { "ok" } else { "partial" },
            details: serde_json::json!({
                "import": self.id,
                "imported": count(Outcome::Imported), "updated": count(Outcome::Updated),
                "unchanged": count(Outcome::Unchanged), "refused_has_plea": refused,
                "rejected_rows": self.rejected_rows, "linked_pleas": linked,
            }),
        }
    }
}

/// Writes a batch and its audit event in one transaction. If the batch fails as a whole (a
/// database constraint, a concurrent import), each citation is retried in a transaction of its
/// own so that only the citation at fault is rejected.
fn write_batch(conn: &mut DbConn, batch: &[ValidCitation], run: &Run, summary: &mut ImportSummary) {
    let writes: Vec<db::citations::CitationWrite> = batch
        .iter()
        .map(|c| db::citations::CitationWrite { draft: &c.draft, response_due: c.response_due, hash: &c.hash })
        .collect();
    let written = db::write_transaction(conn, |c| {
        let outcomes = db::citations::apply_import(c, &writes)?;
        let filed: Vec<&str> = batch
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| **o != db::citations::Outcome::HasPlea)
            .map(|(v, _)| v.draft.number.as_str())
            .collect();
        let linked = run.after.filed(c, &filed, run.actor)?;
        crate::audit::append(c, &run.event(&outcomes, linked))?;
        Ok::<_, diesel::result::Error>((outcomes, linked))
    });
    match written {
        Ok((outcomes, linked)) => {
            summary.linked_pleas += linked;
            tally(batch, outcomes, summary)
        }
        Err(e) if batch.len() > 1 => {
            tracing::warn!(error = %e, size = batch.len(), "import batch failed; retrying citations one by one");
            for one in batch.chunks(1) {
                write_batch(conn, one, run, summary);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "a citation could not be saved");
            reject_all(
                summary,
                &batch[0],
                "the database refused this citation; nothing of it was imported. Check the row and import it again",
            );
        }
    }
}

fn tally(batch: &[ValidCitation], outcomes: Vec<db::citations::Outcome>, summary: &mut ImportSummary) {
    use db::citations::Outcome;
    for (c, outcome) in batch.iter().zip(outcomes) {
        match outcome {
            Outcome::Imported => summary.imported += 1,
            Outcome::Updated => summary.updated += 1,
            Outcome::Unchanged => summary.unchanged += 1,
            Outcome::HasPlea => reject_all(
                summary,
                c,
                "this citation already has a plea on file, so the import did not change it; a clerk must correct the case by hand",
            ),
        }
    }
}

fn reject_all(summary: &mut ImportSummary, c: &ValidCitation, error: &str) {
    for line in &c.lines {
        summary.rejected.push(RejectedRow {
            line: *line,
            citation_number: c.draft.number.to_string(),
            error: error.to_string(),
        });
    }
}

/// Groups rows by citation (in order of first appearance) and checks each citation as a whole.
pub fn check_rows(
    rows: Vec<RawRow>,
    catalog: &Catalog,
    rules: &ImportRules,
    calendar: &CourtCalendar,
) -> (Vec<ValidCitation>, Vec<RejectedRow>) {
    let mut order: Vec<String> = Vec::new();
    let mut groups: HashMap<String, Vec<RawRow>> = HashMap::new();
    for row in rows {
        let key = row.get(0).trim().to_ascii_uppercase();
        groups
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(row);
    }
    let mut valid = Vec::with_capacity(order.len());
    let mut rejected = Vec::new();
    for key in order {
        let group = groups.remove(&key).unwrap_or_default();
        match check_citation(&group, catalog, rules, calendar) {
            Ok(c) => valid.push(c),
            Err(errors) => rejected.extend(errors),
        }
    }
    (valid, rejected)
}

/// Checks every row of one citation; on any problem every row of it is rejected, each with its
/// own reason or a pointer to the row that was wrong.
fn check_citation(
    rows: &[RawRow],
    catalog: &Catalog,
    rules: &ImportRules,
    calendar: &CourtCalendar,
) -> Result<ValidCitation, Vec<RejectedRow>> {
    let first = &rows[0];
    let mut errors: Vec<(u64, String)> = Vec::new();
    let head = match first.problem.clone() {
        Some(p) => Err(ParseError(p)),
        None => parse_head(first, rules.court_tz),
    };
    if let Err(e) = &head {
        errors.push((first.line, e.to_string()));
    }

    let mut charges: Vec<(u64, ChargeDraft)> = Vec::new();
    for row in rows {
        if let Some(p) = &row.problem {
            if row.line != first.line {
                errors.push((row.line, p.clone()));
            }
            continue;
        }
        if row.line != first.line {
            if let Some(col) = (0..FIRST_CHARGE_COLUMN).find(|&i| row.get(i).trim() != first.get(i).trim()) {
                errors.push((row.line, format!(
                    "'{}' differs from line {} of the same citation; every row of a citation must repeat the same citation details",
                    COLUMNS[col], first.line
                )));
                continue;
            }
        }
        let issued_on = head.as_ref().ok().map(|h| h.issued_at.with_timezone(&rules.court_tz).date_naive());
        match parse_charge(row, catalog, issued_on) {
            Ok(charge) => match charges.iter().find(|(_, c)| c.seq == charge.seq) {
                Some((_, same)) if *same == charge => {} // an exact repeat of a row: harmless
                Some((line, _)) => errors.push((
                    row.line,
                    format!(
                        "charge {} appears twice with different values (lines {} and {}); keep one of them",
                        charge.seq, line, row.line
                    ),
                )),
                None => charges.push((row.line, charge)),
            },
            Err(e) => errors.push((row.line, e.to_string())),
        }
    }

    if errors.is_empty() {
        if let Err(e) = check_charge_sequence(charges.iter().map(|(_, c)| c.seq).collect()) {
            errors.push((first.line, e.to_string()));
        }
    }
    let number = first.get(0).trim().to_string();
    match head {
        Ok(mut draft) if errors.is_empty() => {
            charges.sort_by_key(|(_, c)| c.seq);
            draft.charges = charges.into_iter().map(|(_, c)| c).collect();
            let issued_on = draft.issued_at.with_timezone(&rules.court_tz).date_naive();
            let response_due = rules.response_due.response_due(issued_on, draft.court_date, calendar);
            let hash = draft.content_hash();
            Ok(ValidCitation { draft, response_due, hash, lines: rows.iter().map(|r| r.line).collect() })
        }
        _ => {
            let first_bad = errors.iter().map(|(l, _)| *l).min().unwrap_or(first.line);
            let mut out: Vec<RejectedRow> = errors
                .into_iter()
                .map(|(line, error)| RejectedRow { line, citation_number: number.clone(), error })
                .collect();
            for row in rows {
                if !out.iter().any(|r| r.line == row.line) {
                    out.push(RejectedRow {
                        line: row.line,
                        citation_number: number.clone(),
                        error: format!("not imported because line {first_bad} of the same citation was rejected"),
                    });
                }
            }
            Err(out)
        }
    }
}

/// The citation-level columns of a row (everything but the charge).
fn parse_head(row: &RawRow, tz: Tz) -> Result<CitationDraft, ParseError> {
    let f = |i: usize| row.get(i);
    let number = CitationNumber::parse(f(0))?;
    let issued_at = parse_issued_at(f(2), tz)?;
    let issued_on = issued_at.with_timezone(&tz).date_naive();
    let court_date = parse_date(f(5), "court_date")?;
    if court_date < issued_on {
        return Err(ParseError::new(format!("court_date {court_date} is before the ticket was issued ({issued_on})")));
    }
    let dob = parse_date(f(9), "date_of_birth")?;
    if dob > issued_on {
        return Err(ParseError::new(format!("date_of_birth {dob} is after the ticket was issued; check the year")));
    }
    let date_of_birth = DateOfBirth::new(dob, issued_on)?;
    let optional_state = |i: usize, what: &str| -> Result<Option<String>, ParseError> {
        if f(i).trim().is_empty() {
            Ok(None)
        } else {
            state_code(f(i), what).map(Some)
        }
    };
    let defendant = Defendant {
        first_name: required_text(f(6), "first_name", 80)?,
        middle_name: text(f(7), "middle_name", false, 80)?,
        last_name: required_text(f(8), "last_name", 80)?,
        date_of_birth,
        address_line1: required_text(f(10), "address_line1", 120)?,
        address_line2: text(f(11), "address_line2", false, 120)?,
        city: required_text(f(12), "city", 80)?,
        state: state_code(f(13), "state")?,
        postal_code: postal_code(f(14))?,
        license_number: text(f(15), "license_number", false, 40)?,
        license_state: optional_state(16, "license_state")?,
        email: email(f(19))?,
        phone: phone(f(20))?,
        language: PreferredLanguage::parse_or_default(f(21))?,
    };
    Ok(CitationDraft {
        number,
        agency: required_text(f(1), "agency", 40)?,
        issued_at,
        location: required_text(f(3), "location", 200)?,
        officer_badge: text(f(4), "officer_badge", false, 40)?,
        court_date,
        defendant,
        plate: text(f(17), "plate", false, 16)?,
        plate_state: optional_state(18, "plate_state")?,
        charges: Vec::new(),
    })
}

fn parse_charge(row: &RawRow, catalog: &Catalog, issued_on: Option<NaiveDate>) -> Result<ChargeDraft, ParseError> {
    let seq_text = row.get(CHARGE_SEQ).trim();
    let seq = match seq_text.parse::<i32>() {
        Ok(n) if (1..=99).contains(&n) => n,
        _ => return Err(ParseError::new(format!("charge_seq '{seq_text}' must be a whole number from 1 to 99"))),
    };
    let code = offense_code(row.get(23))?;
    let versions = catalog.get(&code).ok_or_else(|| {
        ParseError::new(format!(
            "unknown offense code '{code}'; correct the code, or import the offense catalog that contains it first"
        ))
    })?;
    if let Some(on) = issued_on {
        if version_in_force(versions.iter(), |d| *d, on).is_none() {
            let from = versions.iter().min().map(|d| d.to_string()).unwrap_or_default();
            return Err(ParseError::new(format!(
                "offense code '{code}' was not in force on {on}, when the ticket was issued (the catalog has it from {from})"
            )));
        }
    }
    let fine = Cents::parse_dollars(row.get(24)).map_err(|e| ParseError::new(format!("fine: {e}")))?;
    Ok(ChargeDraft { seq, offense_code: code, fine, points: points(row.get(25))? })
}
