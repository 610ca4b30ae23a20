//! The numbers on the console's dashboard: today's pleas by channel, today's scans, the queues
//! (unmatched and deficient submissions, letters waiting for the mail run) and, for admins,
//! parked jobs. Counts only: nothing personal.

use crate::db::{counts, envelope_queue, DbConn};
use crate::domain::{Channel, JobStatus, LetterStatus, SubmissionStatus};
use crate::error::AppError;
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

#[derive(Debug, serde::Serialize)]
pub struct Dashboard {
    /// (channel, pleas received today), every channel, in a fixed order.
    pub received_today: Vec<(&'static str, i64)>,
    pub received_today_total: i64,
    /// Scans uploaded today (the court's day).
    pub scans_today: ScansToday,
    pub unmatched: i64,
    pub deficient: i64,
    pub letters_queued: i64,
    /// Only for admins.
    pub parked_jobs: Option<i64>,
    /// Requests for an offer waiting for the prosecutor, and the court's date of the oldest.
    pub offer_requests: i64,
    pub offer_requests_oldest: Option<NaiveDate>,
}

#[derive(Debug, serde::Serialize)]
pub struct ScansToday {
    pub batches: i64,
    pub pages: i64,
    pub envelopes: i64,
}

/// The dashboard as of the court's `today`.
pub fn load(conn: &mut DbConn, today: NaiveDate, tz: Tz, with_jobs: bool) -> Result<Dashboard, AppError> {
    let midnight = today.and_hms_opt(0, 0, 0).unwrap_or_default();
    let since = tz.from_local_datetime(&midnight).earliest().map(|t| t.naive_utc()).unwrap_or(midnight);
    let by_channel = counts::received_by_channel(conn, since)?;
    let received_today: Vec<(&'static str, i64)> = Channel::ALL
        .iter()
        .map(|c| (c.as_str(), by_channel.iter().find(|(n, _)| n == c.as_str()).map(|(_, k)| *k).unwrap_or(0)))
        .collect();
    let (batches, pages, envelopes) = envelope_queue::uploaded_since(conn, since)?;
    let by_status = counts::submissions_by_status(conn)?;
    let requests = crate::db::offers::requests(conn, i64::from(i32::MAX))?;
    let oldest = requests.first().map(|r| r.received_at.and_utc().with_timezone(&tz).date_naive());
    let status = |s: SubmissionStatus| by_status.iter().find(|(n, _)| n == s.as_str()).map(|(_, k)| *k).unwrap_or(0);
    Ok(Dashboard {
        received_today_total: received_today.iter().map(|(_, n)| n).sum(),
        received_today,
        scans_today: ScansToday { batches, pages, envelopes },
        unmatched: status(SubmissionStatus::Unmatched),
        deficient: status(SubmissionStatus::Deficient),
        letters_queued: counts::letters_with_status(conn, LetterStatus::Queued.as_str())?,
        offer_requests: requests.len() as i64,
        offer_requests_oldest: oldest,
        parked_jobs: if with_jobs { Some(counts::jobs_with_status(conn, JobStatus::Parked.as_str())?) } else { None },
    })
}
