//! Background work: the durable queue (`queue`) and the worker that runs due jobs — in `serve`
//! continuously, in `pleadesk jobs run-once` once.

pub mod queue;

use crate::db::{self, DbPool};
use crate::error::AppError;
use crate::mail::Mailer;
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
    /// deletes the uploads no plea came for within a day of `now`.
    pub fn run_once(&self, now: NaiveDateTime) -> Result<RunStats, AppError> {
        let mut stats = RunStats::default();
        let mut conn = self.pool.get()?;
        let templates = self.letters.templates()?;
        // A bound on one pass, so that a queue that refills itself cannot hold the worker forever.
        for _ in 0..1_000_000 {
            // Jobs queued during this pass (an email after its render) are due too.
            let at = now.max(db::now());
            let Some(job) = queue::claim(&mut conn, &self.name, at)? else {
                break;
            };
            let result = self.run_job(&mut conn, &job, &templates);
            match result {
                Ok(()) => {
                    queue::complete(&mut conn, job.id)?;
                    stats.done += 1;
                }
                Err(e) => match queue::fail(&mut conn, &job, &e.detail(), at)? {
                    queue::Failed::Parked => {
                        tracing::error!(job_id = job.id, kind = %job.kind, attempts = job.attempts, "job parked after its last attempt");
                        stats.parked += 1;
                    }
                    queue::Failed::RetryAt(at) => {
                        tracing::warn!(job_id = job.id, kind = %job.kind, attempts = job.attempts, retry_at = %at, "job failed; will retry");
                        stats.retried += 1;
                    }
                },
            }
        }
        stats.evidence_purged = crate::services::evidence::purge_unattached(&mut conn, now)? as u32;
        Ok(stats)
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
            while !flag.load(Ordering::SeqCst) {
                match worker.run_once(db::now()) {
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
