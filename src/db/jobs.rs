//! The durable job queue (the `jobs` table). Jobs are inserted in the same transaction as the
//! change that needs them; workers claim one at a time — `FOR UPDATE SKIP LOCKED` on PostgreSQL so
//! several workers share the queue, an IMMEDIATE transaction on SQLite — with a lease, so a job
//! whose worker died is claimed again. Failures retry with exponential backoff; a job that keeps
//! failing is parked with its error, never dropped. Completing or failing a job is accepted only
//! from the worker that still holds its lease (same worker, same attempt): a worker that stalled
//! past its lease while another took the job over cannot overwrite the newer outcome.
//!
//! The queue lives with the other tables' queries so that services can enqueue work without
//! depending on the worker (`jobs`), which runs the services.

use super::schema::jobs;
use super::DbConn;
use crate::domain::redact::scrub;
use crate::domain::JobStatus;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text, Timestamp};

/// How long a claimed job is reserved for its worker.
pub const LEASE_SECS: i64 = 300;

#[derive(Debug, Clone, QueryableByName)]
pub struct Job {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub kind: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
}

/// Queues a job due at `run_at`. Call it inside the transaction of the change that needs it.
pub fn enqueue(
    conn: &mut DbConn,
    kind: &str,
    payload: &serde_json::Value,
    max_attempts: i32,
    run_at: NaiveDateTime,
) -> QueryResult<i64> {
    let ids = enqueue_many(conn, kind, std::slice::from_ref(payload), max_attempts, run_at)?;
    ids.first().copied().ok_or(diesel::result::Error::NotFound)
}

/// Queues a job of `kind` for each of `payloads`, all due at `run_at`; returns their ids.
pub fn enqueue_many(
    conn: &mut DbConn,
    kind: &str,
    payloads: &[serde_json::Value],
    max_attempts: i32,
    run_at: NaiveDateTime,
) -> QueryResult<Vec<i64>> {
    let now = crate::db::now();
    let values: Vec<_> = payloads
        .iter()
        .map(|payload| {
            (
                jobs::kind.eq(kind),
                jobs::payload.eq(payload.to_string()),
                jobs::status.eq(JobStatus::Queued.as_str()),
                jobs::run_at.eq(run_at),
                jobs::max_attempts.eq(max_attempts),
                jobs::created_at.eq(now),
                jobs::updated_at.eq(now),
            )
        })
        .collect();
    let mut ids = Vec::with_capacity(values.len());
    for chunk in values.chunks(500) {
        ids.extend(super::on_backend!(&mut *conn, |c| diesel::insert_into(jobs::table)
            .values(chunk)
            .returning(jobs::id)
            .get_results::<i64>(c))?);
    }
    Ok(ids)
}

/// Claims the next due job for `worker`, if any.
pub fn claim(conn: &mut DbConn, worker: &str, now: NaiveDateTime) -> QueryResult<Option<Job>> {
    let lock = match conn {
        DbConn::Pg(_) => "FOR UPDATE SKIP LOCKED",
        DbConn::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE jobs SET status = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3 \
         WHERE id = (SELECT id FROM jobs \
                     WHERE (status = 'queued' AND run_at <= $3) OR (status = 'running' AND locked_until < $3) \
                     ORDER BY run_at, id LIMIT 1 {lock}) \
         RETURNING id, kind, payload, attempts, max_attempts"
    );
    let lease_end = now + Duration::seconds(LEASE_SECS);
    crate::db::write_transaction(conn, |c| {
        diesel::sql_query(&sql)
            .bind::<Text, _>(worker)
            .bind::<Timestamp, _>(lease_end)
            .bind::<Timestamp, _>(now)
            .get_result::<Job>(c)
            .optional()
    })
}

/// Puts back in the queue the jobs claimed by workers named `<host>-<pid>` whose process is gone
/// (`alive(pid)` is false) — a worker killed mid-job would hold them until its lease ran out;
/// on the machine it ran on, its death is known at once. Returns how many were put back.
pub fn release_dead(conn: &mut DbConn, host: &str, alive: impl Fn(u32) -> bool) -> QueryResult<usize> {
    let holders: Vec<Option<String>> = jobs::table
        .filter(jobs::status.eq(JobStatus::Running.as_str()))
        .filter(jobs::locked_by.like(format!("{host}-%")))
        .select(jobs::locked_by)
        .distinct()
        .load(conn)?;
    let mut released = 0;
    for name in holders.into_iter().flatten() {
        let pid = name.strip_prefix(host).and_then(|rest| rest.strip_prefix('-')).and_then(|p| p.parse().ok());
        if pid.is_none_or(&alive) {
            continue;
        }
        released += diesel::update(
            jobs::table.filter(jobs::status.eq(JobStatus::Running.as_str())).filter(jobs::locked_by.eq(&name)),
        )
        .set((
            jobs::status.eq(JobStatus::Queued.as_str()),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    }
    Ok(released)
}

/// Only the row of `job` as `worker` claimed it: still running, locked by that worker, on that
/// attempt (a later claim, even by a worker of the same name, counts another attempt).
macro_rules! leased {
    ($job:expr, $worker:expr) => {
        jobs::table
            .find($job.id)
            .filter(jobs::status.eq(JobStatus::Running.as_str()))
            .filter(jobs::locked_by.eq($worker))
            .filter(jobs::attempts.eq($job.attempts))
    };
}

/// Marks a job done. False (and nothing changed) if `worker` no longer holds its lease: the
/// lease ran out and another worker claimed the job, whose outcome then counts.
pub fn complete(conn: &mut DbConn, job: &Job, worker: &str) -> QueryResult<bool> {
    let n = diesel::update(leased!(job, worker))
        .set((
            jobs::status.eq(JobStatus::Done.as_str()),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::last_error.eq(None::<String>),
            jobs::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// What happened to a failed job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    RetryAt(NaiveDateTime),
    Parked,
}

/// Seconds to wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most one hour.
pub fn backoff_secs(attempts: i32) -> i64 {
    let exp = attempts.clamp(1, 12) - 1;
    (30i64 << exp).min(3600)
}

/// Why a job failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// The job itself (a bug, bad data, a mail server refusing): the attempt counts.
    Job,
    /// The service could not work at all — its data folder full or read-only, its database
    /// gone: tried again in
    /// [`UNAVAILABLE_RETRY_SECS`] without using up an attempt, however long that lasts.
    Unavailable,
}

/// How soon a job that failed for [`Cause::Unavailable`] is tried again.
pub const UNAVAILABLE_RETRY_SECS: i64 = 60;

/// Records a failure: retry later with backoff, or park the job once it has used every attempt.
/// `None` (and nothing changed) if `worker` no longer holds the job's lease. Email addresses in
/// the error (mail servers quote recipients) are removed before it is stored.
pub fn fail(
    conn: &mut DbConn,
    job: &Job,
    worker: &str,
    error: &str,
    cause: Cause,
    now: NaiveDateTime,
) -> QueryResult<Option<Failed>> {
    let error: String = scrub(error).chars().take(2000).collect();
    let (outcome, attempts) = match cause {
        // The claim counted an attempt: it is given back.
        Cause::Unavailable => (Failed::RetryAt(now + Duration::seconds(UNAVAILABLE_RETRY_SECS)), job.attempts - 1),
        Cause::Job if job.attempts >= job.max_attempts => (Failed::Parked, job.attempts),
        Cause::Job => (Failed::RetryAt(now + Duration::seconds(backoff_secs(job.attempts))), job.attempts),
    };
    let (status, run_at) = match outcome {
        Failed::Parked => (JobStatus::Parked, now),
        Failed::RetryAt(at) => (JobStatus::Queued, at),
    };
    let n = diesel::update(leased!(job, worker))
        .set((
            jobs::status.eq(status.as_str()),
            jobs::run_at.eq(run_at),
            jobs::attempts.eq(attempts),
            jobs::last_error.eq(Some(error)),
            jobs::locked_by.eq(None::<String>),
            jobs::locked_until.eq(None::<NaiveDateTime>),
            jobs::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok((n == 1).then_some(outcome))
}

/// A job as staff see it.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = jobs)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    #[diesel(deserialize_as = String)]
    #[schema(value_type = String, example = "parked")]
    pub status: JobStatus,
    pub run_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn list(conn: &mut DbConn, status: JobStatus, limit: i64) -> QueryResult<Vec<JobRecord>> {
    jobs::table
        .filter(jobs::status.eq(status.as_str()))
        .order(jobs::id.asc())
        .limit(limit)
        .select(JobRecord::as_select())
        .load(conn)
}

/// Puts a parked job back in the queue (after the cause was fixed).
pub fn retry_parked(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let n = diesel::update(jobs::table.find(id).filter(jobs::status.eq(JobStatus::Parked.as_str())))
        .set((
            jobs::status.eq(JobStatus::Queued.as_str()),
            jobs::attempts.eq(0),
            jobs::run_at.eq(crate::db::now()),
            jobs::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// An administrator (`actor`) puts a parked job back in the queue: the change and its audit event
/// (`job.retried`) in one transaction. False if there is no parked job `id`.
pub fn retry_parked_by(conn: &mut DbConn, id: i64, actor: &str) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |c| {
        if !retry_parked(c, id)? {
            return Ok(false);
        }
        let event = crate::audit::Event {
            actor,
            action: "job.retried",
            subject_type: "job",
            subject_id: &id.to_string(),
            outcome: "ok",
            details: serde_json::json!({}),
        };
        crate::audit::append(c, &event)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_secs(1), 30);
        assert_eq!(backoff_secs(2), 60);
        assert_eq!(backoff_secs(3), 120);
        assert_eq!(backoff_secs(8), 3600);
        assert_eq!(backoff_secs(100), 3600);
    }
}
