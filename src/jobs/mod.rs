//! Background work: the durable queue (`queue`) and the worker that runs due jobs — in `serve`
//! continuously, in `pleadesk jobs run-once` once.

/// The queue's table and its queries (kept in `db`, so that services enqueue work without
/// depending on this module).
pub use crate::db::jobs as queue;

use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::mail::Mailer;
use crate::services::daily_job::{self, DailySummary};
use crate::services::letters::{self, LetterContext};
use chrono::NaiveDateTime;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Everything a job may need.
pub struct Worker {
    pub pool: DbPool,
    pub letters: LetterContext,
    pub mailer: Mailer,
    /// Identifies this worker in `jobs.locked_by`.
    pub name: String,
    /// The daily deadline job's rules (`services::daily_job`).
    pub deadlines: daily_job::Rules,
}

/// What one pass over the queue did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunStats {
    pub done: u32,
    pub retried: u32,
    pub parked: u32,
    /// Uploads deleted because no plea came for them within a day.
    pub evidence_purged: u32,
}

impl Worker {
    /// Runs every job due at `now` (and those the finished jobs queue for `now`) once, then
    /// deletes the uploads no plea came for within a day of `now` and folds the reports' deltas
    /// into their counters.
    pub fn run_once(&self, now: NaiveDateTime) -> Result<RunStats, AppError> {
        self.run_once_reporting(now, &crate::progress::Quiet)
    }

    /// [`Worker::run_once`], telling `progress` of each job run (`pleadesk jobs run-once`).
    pub fn run_once_reporting(
        &self,
        now: NaiveDateTime,
        progress: &dyn crate::progress::Progress,
    ) -> Result<RunStats, AppError> {
        self.pass(now, progress, &AtomicBool::new(false))
    }

    /// [`Worker::run_once`] that ends early, between two jobs, once `stopping` is set: a node
    /// told to stop (SIGTERM, a rolling restart) finishes the job in hand and leaves the rest
    /// queued for its next start or another node's worker, instead of working through the queue.
    pub fn run_until_stopping(
        &self,
        now: NaiveDateTime,
        progress: &dyn crate::progress::Progress,
        stopping: &AtomicBool,
    ) -> Result<RunStats, AppError> {
        self.pass(now, progress, stopping)
    }

    fn pass(
        &self,
        now: NaiveDateTime,
        progress: &dyn crate::progress::Progress,
        stopping: &AtomicBool,
    ) -> Result<RunStats, AppError> {
        progress.stage("running due jobs", None);
        let mut stats = RunStats::default();
        let mut conn = self.pool.get()?;
        let templates = self.letters.templates()?;
        // A bound on one pass, so that a queue that refills itself cannot hold the worker forever.
        for _ in 0..1_000_000 {
            if stopping.load(Ordering::SeqCst) {
                break;
            }
            // Jobs queued during this pass (an email after its render) are due too.
            let at = now.max(db::now());
            let Some(job) = queue::claim(&mut conn, &self.name, at)? else {
                break;
            };
            let result = self.run_job(&mut conn, &job, &templates);
            progress.advance(1);
            match result {
                Ok(()) => {
                    if queue::complete(&mut conn, &job, &self.name)? {
                        stats.done += 1;
                    } else {
                        lease_lost(&job);
                    }
                }
                Err(e) => match queue::fail(&mut conn, &job, &self.name, &e.detail(), cause_of(&e), at)? {
                    None => lease_lost(&job),
                    Some(queue::Failed::Parked) => {
                        tracing::error!(job_id = job.id, kind = %job.kind, attempts = job.attempts, "job parked after its last attempt");
                        stats.parked += 1;
                    }
                    Some(queue::Failed::RetryAt(at)) => {
                        tracing::warn!(job_id = job.id, kind = %job.kind, attempts = job.attempts, retry_at = %at, "job failed; will retry");
                        stats.retried += 1;
                    }
                },
            }
        }
        stats.evidence_purged =
            crate::services::evidence::purge_unattached(&mut conn, &self.letters.data_dir, now)? as u32;
        // The reports' counters: what changed since the last pass folded in.
        db::reports::counters::compact(&mut conn)?;
        Ok(stats)
    }

    /// Puts back in the queue the jobs that workers of this machine were running when they died
    /// (killed, crashed), instead of leaving them until their leases run out. Linux only (the
    /// process table is read from `/proc`); elsewhere the leases decide.
    pub fn release_abandoned(&self) -> Result<usize, AppError> {
        let Some((host, _pid)) = self.name.rsplit_once('-') else { return Ok(0) };
        if !std::path::Path::new("/proc/self/stat").exists() {
            return Ok(0);
        }
        let released = queue::release_dead(&mut *self.pool.get()?, host, process_alive)?;
        if released > 0 {
            tracing::warn!(
                jobs = released,
                "jobs held by a worker of this machine that died were put back in the queue"
            );
        }
        Ok(released)
    }

    /// Runs the daily deadline job for court date `as_of` (reminders, defaults, expired offers),
    /// whether or not it ran that day already: a second run changes nothing.
    pub fn run_daily(&self, as_of: chrono::NaiveDate) -> Result<DailySummary, AppError> {
        daily_job::run(&mut *self.pool.get()?, as_of, &self.deadlines, &self.letters)
    }

    /// Runs the daily job once a court day: the first pass after midnight in the court's time zone
    /// on which no run of that day is recorded (`daily_runs`; another worker's counts too).
    fn daily_if_due(&self, now: NaiveDateTime, last: &mut Option<chrono::NaiveDate>) -> Result<(), AppError> {
        let today = now.and_utc().with_timezone(&self.letters.court_tz).date_naive();
        if *last == Some(today) {
            return Ok(());
        }
        if !db::deadlines::ran_on(&mut *self.pool.get()?, today)? {
            let s = self.run_daily(today)?;
            tracing::info!(as_of = %today, reminders = s.reminders, defaults = s.defaults, offers_expired = s.offers_expired, failed = s.failed, "daily deadline job run");
        }
        *last = Some(today);
        Ok(())
    }

    fn run_job(
        &self,
        conn: &mut db::DbConn,
        job: &queue::Job,
        templates: &crate::letters::templates::Templates,
    ) -> Result<(), AppError> {
        let payload: serde_json::Value = serde_json::from_str(&job.payload)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("job {} has an unreadable payload: {e}", job.id)))?;
        let letter_id = || {
            payload["letter_id"]
                .as_i64()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("job {} has no letter_id", job.id)))
        };
        match job.kind.as_str() {
            letters::RENDER_JOB => letters::render_stored(conn, letter_id()?, &self.letters, templates).map(|_| ()),
            letters::EMAIL_JOB => letters::email(conn, letter_id()?, &self.letters, templates, &self.mailer),
            other => Err(AppError::Internal(anyhow::anyhow!("unknown job kind '{other}'"))),
        }
    }
}

/// A job that failed because the service could not work (its files could not be written, the
/// database went away) is not the job's fault: it waits without using up its attempts.
fn cause_of(e: &AppError) -> queue::Cause {
    if e.is_outage() {
        queue::Cause::Unavailable
    } else {
        queue::Cause::Job
    }
}

/// This worker held the job past its lease and another worker claimed it: that worker's outcome
/// counts, this one's is dropped (the job's effects may have happened twice — see ARCHITECTURE).
fn lease_lost(job: &queue::Job) {
    tracing::warn!(job_id = job.id, kind = %job.kind, "the job's lease ran out and another worker took it over; this outcome was not recorded");
}

/// Whether process `pid` of this machine is running (a zombie — killed, not yet reaped — is not).
fn process_alive(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return false };
    // `pid (name) S …`: the state follows the last parenthesis.
    let state = stat.rsplit_once(')').and_then(|(_, rest)| rest.trim_start().chars().next());
    !matches!(state, Some('Z' | 'X'))
}

/// A worker running on its own thread until `stop` is called.
pub struct WorkerHandle {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl WorkerHandle {
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Starts the background worker: a pass over the queue every `interval`.
pub fn spawn(worker: Worker, interval: Duration) -> WorkerHandle {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("pleadesk-worker".into())
        .spawn(move || {
            if let Err(e) = worker.release_abandoned() {
                tracing::warn!(error = %e, "could not look for jobs held by workers that died; their leases will run out");
            }
            let mut daily_done = None;
            while !flag.load(Ordering::SeqCst) {
                if let Err(e) = worker.daily_if_due(db::now(), &mut daily_done) {
                    tracing::warn!(error = %e, "the daily deadline job could not run; it is tried again on the next pass");
                }
                match worker.run_until_stopping(db::now(), &crate::progress::Quiet, &flag) {
                    Ok(s) if s != RunStats::default() => {
                        tracing::info!(done = s.done, retried = s.retried, parked = s.parked, "jobs run")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the worker could not run jobs"),
                }
                let mut slept = Duration::ZERO;
                while slept < interval && !flag.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                    slept += Duration::from_millis(100);
                }
            }
        })
        .ok();
    WorkerHandle { stop, thread }
}
