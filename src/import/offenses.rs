//! Offense catalog import (`pleadesk import offenses FILE`). Each row is one version of one
//! offense; rows are independent, so a bad row is rejected and the others still import.

use super::rows::RawRow;
use crate::db::{self, DbConn};
use crate::domain::dates::parse_date;
use crate::domain::offense::{flag, offense_code, points};
use crate::domain::{contact::required_text, Cents, OffenseDraft, ParseError, PenaltyClass};

pub const COLUMNS: &[&str] = &[
    "code",
    "description",
    "description_es",
    "penalty_class",
    "fine",
    "points",
    "plea_by_mail",
    "must_appear",
    "effective_from",
];

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OffenseImportSummary {
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: Vec<RejectedOffense>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RejectedOffense {
    pub line: u64,
    pub code: String,
    pub error: String,
}

pub fn parse_row(row: &RawRow) -> Result<OffenseDraft, ParseError> {
    if let Some(p) = &row.problem {
        return Err(ParseError(p.clone()));
    }
    let f = |i: usize| row.get(i);
    OffenseDraft {
        code: offense_code(f(0))?,
        description: required_text(f(1), "description", 200)?,
        description_es: required_text(f(2), "description_es", 200)?,
        penalty_class: f(3).parse::<PenaltyClass>()?,
        fine: Cents::parse_dollars(f(4)).map_err(|e| ParseError::new(format!("fine: {e}")))?,
        points: points(f(5))?,
        plea_by_mail: flag(f(6), "plea_by_mail")?,
        must_appear: flag(f(7), "must_appear")?,
        effective_from: parse_date(f(8), "effective_from")?,
    }
    .check()
}

/// Imports the catalog in one transaction: the valid rows are saved together.
pub fn import(conn: &mut DbConn, rows: Vec<RawRow>) -> Result<OffenseImportSummary, crate::error::AppError> {
    import_reporting(conn, rows, &crate::progress::Quiet)
}

/// [`import`], telling `progress` how many offenses are saved.
pub fn import_reporting(
    conn: &mut DbConn,
    rows: Vec<RawRow>,
    progress: &dyn crate::progress::Progress,
) -> Result<OffenseImportSummary, crate::error::AppError> {
    let mut summary = OffenseImportSummary::default();
    let mut valid = Vec::new();
    for row in &rows {
        match parse_row(row) {
            Ok(o) => {
                if valid
                    .iter()
                    .any(|(_, v): &(u64, OffenseDraft)| v.code == o.code && v.effective_from == o.effective_from)
                {
                    summary.rejected.push(RejectedOffense {
                        line: row.line,
                        code: o.code.clone(),
                        error: format!(
                            "{} effective {} appears twice in the file; keep one row",
                            o.code, o.effective_from
                        ),
                    });
                } else {
                    valid.push((row.line, o));
                }
            }
            Err(e) => summary.rejected.push(RejectedOffense {
                line: row.line,
                code: row.get(0).trim().to_string(),
                error: e.to_string(),
            }),
        }
    }
    progress.stage("saving offenses", Some(valid.len() as u64));
    let saved = db::write_transaction(conn, |c| {
        valid
            .iter()
            .map(|(_, o)| {
                let saved = db::offenses::upsert(c, o);
                progress.advance(1);
                saved
            })
            .collect::<Result<Vec<_>, _>>()
    })?;
    for s in saved {
        match s {
            db::offenses::Saved::Imported => summary.imported += 1,
            db::offenses::Saved::Updated => summary.updated += 1,
            db::offenses::Saved::Unchanged => summary.unchanged += 1,
        }
    }
    Ok(summary)
}
