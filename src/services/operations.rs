//! The operational figures `/metrics` reports, read from the database at each scrape: the job
//! queue by kind and state, letters by status, pleas by channel, scans. Every known state,
//! status and channel is present (zero when there is none), so a series never vanishes between
//! scrapes; only fixed names appear, never anything about a person.

use crate::db::{counts, DbConn};
use crate::domain::{Channel, JobStatus, LetterStatus};
use crate::error::AppError;
use crate::services::letters::{EMAIL_JOB, RENDER_JOB};

/// The job states that make up the queue (done jobs are history, not queue).
pub const QUEUE_STATES: [JobStatus; 3] = [JobStatus::Queued, JobStatus::Running, JobStatus::Parked];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    /// (kind, state, jobs): every known kind in every queue state, and any other kind present.
    pub jobs: Vec<(String, &'static str, i64)>,
    pub parked_jobs: i64,
    pub letters: Vec<(&'static str, i64)>,
    pub pleas: Vec<(&'static str, i64)>,
    pub scans: i64,
    pub scan_pages: i64,
}

pub fn figures(conn: &mut DbConn) -> Result<Figures, AppError> {
    Ok(complete(counts::operations(conn)?))
}

/// Fills in the zeros and keeps the labels to fixed names.
pub fn complete(ops: counts::Operations) -> Figures {
    let mut jobs: Vec<(String, &'static str, i64)> = Vec::new();
    for kind in [RENDER_JOB, EMAIL_JOB] {
        for state in QUEUE_STATES {
            jobs.push((kind.to_string(), state.as_str(), 0));
        }
    }
    for (kind, state, n) in ops.jobs {
        // Kinds are the code's own constants; anything else is counted under "other".
        let kind = if is_plain_name(&kind) { kind } else { "other".to_string() };
        let Some(state) = QUEUE_STATES.iter().find(|s| s.as_str() == state).map(|s| s.as_str()) else {
            continue;
        };
        match jobs.iter_mut().find(|(k, s, _)| *k == kind && *s == state) {
            Some(row) => row.2 += n,
            None => jobs.push((kind, state, n)),
        }
    }
    let parked_jobs = jobs.iter().filter(|(_, s, _)| *s == JobStatus::Parked.as_str()).map(|r| r.2).sum();
    let count_of = |rows: &[(String, i64)], name: &str| rows.iter().filter(|(n, _)| n == name).map(|r| r.1).sum();
    Figures {
        jobs,
        parked_jobs,
        letters: LetterStatus::ALL.iter().map(|s| (s.as_str(), count_of(&ops.letters, s.as_str()))).collect(),
        pleas: Channel::ALL.iter().map(|c| (c.as_str(), count_of(&ops.pleas, c.as_str()))).collect(),
        scans: ops.scans,
        scan_pages: ops.scan_pages,
    }
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 40 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zeros_for_what_is_absent_and_fixed_names_only() {
        let ops = counts::Operations {
            jobs: vec![
                (RENDER_JOB.into(), "queued".into(), 3),
                (EMAIL_JOB.into(), "parked".into(), 2),
                ("Weird Kind <x@y>".into(), "parked".into(), 1),
            ],
            letters: vec![("printed".into(), 4)],
            pleas: vec![("online".into(), 5), ("mail".into(), 1)],
            scans: 2,
            scan_pages: 9,
        };
        let f = complete(ops);
        assert!(f.jobs.contains(&(RENDER_JOB.to_string(), "queued", 3)));
        assert!(f.jobs.contains(&(RENDER_JOB.to_string(), "parked", 0)));
        assert!(f.jobs.contains(&("other".to_string(), "parked", 1)));
        assert!(!f.jobs.iter().any(|(k, _, _)| k.contains('<')));
        assert_eq!(f.parked_jobs, 3);
        assert_eq!(f.letters, vec![("queued", 0), ("printed", 4), ("emailed", 0), ("mailed", 0)]);
        assert_eq!(f.pleas, vec![("online", 5), ("mail", 1), ("counter", 0)]);
    }
}
