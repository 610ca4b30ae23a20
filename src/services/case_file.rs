//! A case's file: everything the lifecycle (`case_state`) and the later letters (`letters::facts`)
//! read about a case — the citation, its charges with the catalog version in force when it was
//! issued, the plea that stands, the newest submission, dispositions, offers, payments and a
//! hardship grant — read for many cases in a fixed number of queries (a page of the daily job
//! reads two hundred in fourteen), or for one. Nothing here decides anything; it only gathers.

use crate::db::case_parts::{DispositionRow, OfferChargeRow, OfferRow};
use crate::db::citations::{ChargeRecord, CitationRecord};
use crate::db::offenses::{OffenseRecord, Versions};
use crate::db::payments::PaymentRecord;
use crate::db::submissions::SubmissionRecord;
use crate::db::{self, DbConn};
use crate::domain::deadline::CourtCalendar;
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;

/// What one case holds.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub citation: CitationRecord,
    /// In order of `seq`.
    pub charges: Vec<ChargeRecord>,
    /// The plea applied to the case (`db::paper::applied_plea`): the one that stands.
    pub applied: Option<Pleaded>,
    /// The newest submission linked to the case, whatever became of it, with its pleas.
    pub latest: Option<(SubmissionRecord, Vec<(i32, String)>)>,
    /// Oldest first; withdrawn ones included (marked).
    pub dispositions: Vec<DispositionRow>,
    /// Oldest first, with every line of every offer.
    pub offers: Vec<OfferRow>,
    pub offer_lines: Vec<OfferChargeRow>,
    /// The catalog versions of the offers' offense codes in force when the ticket was issued.
    pub offer_offenses: Vec<OffenseRecord>,
    /// Oldest first; reversed ones included (marked).
    pub payments: Vec<PaymentRecord>,
    /// The payment deadline a clerk granted to someone unable to pay, if one stands.
    pub granted_due_on: Option<NaiveDate>,
}

/// A plea that stands: its submission, when it arrived, and the plea to each charge.
#[derive(Debug, Clone)]
pub struct Pleaded {
    pub submission_id: i64,
    pub received_at: NaiveDateTime,
    pub pleas: Vec<(i32, String)>,
}

/// The files of several cases, with the court's calendar (which letters' dates are rolled on).
pub struct CaseFiles {
    files: BTreeMap<i64, CaseFile>,
    pub calendar: CourtCalendar,
}

impl CaseFiles {
    /// Reads the files of the cases `ids` (those not on file are left out).
    pub fn load(conn: &mut DbConn, ids: &[i64]) -> Result<CaseFiles, AppError> {
        let citations = db::citations::find_many(conn, ids)?;
        let ids: Vec<i64> = citations.iter().map(|c| c.id).collect();
        let mut charges = db::citations::charges_of_many(conn, &citations)?;
        let applied = db::paper::applied_many(conn, &ids)?;
        let mut latest = db::submissions::latest_for_citations(conn, &ids)?;
        let mut submission_ids: Vec<i64> = applied.values().map(|(s, _)| *s).collect();
        submission_ids.extend(latest.values().map(|s| s.id));
        let mut pleas: BTreeMap<i64, Vec<(i32, String)>> = BTreeMap::new();
        for (submission, seq, plea) in db::case_parts::pleas_of(conn, &submission_ids)? {
            pleas.entry(submission).or_default().push((seq, plea));
        }
        let mut dispositions = group(db::case_parts::dispositions_of_many(conn, &ids)?);
        let (offers, lines) = db::case_parts::offers_of_many(conn, &ids)?;
        let codes: Vec<&str> = lines.iter().map(|l| l.2.as_str()).collect();
        let versions = Versions::of(conn, &codes)?;
        let mut offers = group(offers);
        let mut lines = group(lines.into_iter().map(|l| (l.0, l)));
        let mut payments = group(db::payments::of_citations(conn, &ids)?.into_iter().map(|p| (p.citation_id, p)));
        let granted = crate::services::hardship::granted_due_on_many(conn, &ids)?;
        let calendar = CourtCalendar::new(db::offenses::holidays(conn)?);

        let files = citations
            .into_iter()
            .map(|citation| {
                let id = citation.id;
                let offers = offers.remove(&id).unwrap_or_default();
                let offer_lines: Vec<OfferChargeRow> =
                    offers.iter().flat_map(|o| lines.remove(&o.id).unwrap_or_default()).collect();
                let issued = citation.issued_at.date();
                let mut offer_offenses: Vec<OffenseRecord> = Vec::new();
                for (_, _, code, _, _) in &offer_lines {
                    if let Some(v) = versions.in_force(code, issued) {
                        if !offer_offenses.iter().any(|o| o.id == v.id) {
                            offer_offenses.push(v.clone());
                        }
                    }
                }
                let file = CaseFile {
                    charges: charges.remove(&id).unwrap_or_default(),
                    applied: applied.get(&id).map(|(s, at)| Pleaded {
                        submission_id: *s,
                        received_at: *at,
                        pleas: pleas.get(s).cloned().unwrap_or_default(),
                    }),
                    latest: latest.remove(&id).map(|s| {
                        let p = pleas.get(&s.id).cloned().unwrap_or_default();
                        (s, p)
                    }),
                    dispositions: dispositions.remove(&id).unwrap_or_default(),
                    offers,
                    offer_lines,
                    offer_offenses,
                    payments: payments.remove(&id).unwrap_or_default(),
                    granted_due_on: granted.get(&id).copied(),
                    citation,
                };
                (id, file)
            })
            .collect();
        Ok(CaseFiles { files, calendar })
    }

    /// The file of case `id`, if it was read.
    pub fn get(&self, id: i64) -> Option<&CaseFile> {
        self.files.get(&id)
    }

    /// The file of case `id` (read just before): a case that vanished is a 404.
    pub fn of(&self, id: i64) -> Result<&CaseFile, AppError> {
        self.get(id).ok_or_else(|| AppError::NotFound("the citation is gone".into()))
    }
}

/// Rows under their case's id, in the order read.
fn group<T>(rows: impl IntoIterator<Item = (i64, T)>) -> BTreeMap<i64, Vec<T>> {
    let mut by_case: BTreeMap<i64, Vec<T>> = BTreeMap::new();
    for (id, row) in rows {
        by_case.entry(id).or_default().push(row);
    }
    by_case
}
