//! Limits on public identity checks (look-up, plea, status, letters, staff sign-in), counted in
//! one-minute windows:
//!
//! - per client address (the TCP peer, or the client a proxy of `PLEADESK_TRUSTED_PROXIES`
//!   forwarded for: `web::client_ip`): every check counts,
//!   `per_minute` of them a minute;
//! - per citation number or confirmation code: only FAILED checks count (wrong birth date, no
//!   such ticket), and a successful check clears them. Once a citation has had `per_minute`
//!   failures this minute, the addresses that failed on it are refused it until the minute ends;
//!   an address that has not failed on it may still try, so that nobody can lock a resident out
//!   of their own ticket by guessing wrong on purpose, while a guesser spread over many addresses
//!   gets one wrong guess per address.
//!
//! Where the counts live: on SQLite (one node) in this process. On PostgreSQL, where several
//! nodes may serve one court, in the database (`db::rate_windows`, one upsert per count), so a
//! client spreading its tries over the nodes gets `per_minute` in all; each node also counts
//! in memory what it saw itself, and [`RateLimiter::peek`] — the early refusal made before a
//! body is read — answers from that, while [`RateLimiter::attempt`], made before every identity
//! check, decides from the shared counts. No address or number is kept as written: keys are
//! salted SHA-256 hashes (the process's own salt in memory, the database's shared one there),
//! and past minutes are deleted as they pass.

use crate::db::{self, DbConn, DbPool};
use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

type Key = [u8; 16];

/// Makes the keys, with a salt.
struct Keys {
    salt: Vec<u8>,
}

impl Keys {
    fn key(&self, parts: &[&str]) -> Key {
        let mut h = Sha256::new();
        h.update(&self.salt);
        for p in parts {
            h.update(p.as_bytes());
            h.update([0u8]);
        }
        let digest = h.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        id
    }

    fn client(&self, client: &str) -> Key {
        self.key(&["client", client])
    }

    fn subject(&self, subject: &str) -> Key {
        self.key(&["subject", &subject.trim().to_ascii_uppercase()])
    }

    fn failed_from(&self, client: &str, subject: &str) -> Key {
        self.key(&["failed-from", client, &subject.trim().to_ascii_uppercase()])
    }
}

fn clock() -> (u64, u64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (now / 60, 60 - now % 60)
}

/// Counts per key and minute, wherever they are kept.
trait Windows {
    fn bump(&mut self, k: &Key, minute: u64) -> Result<u32, AppError>;
    fn count(&mut self, k: &Key, minute: u64) -> Result<u32, AppError>;
    fn clear(&mut self, k: &Key) -> Result<(), AppError>;
}

/// This process's counts: key → (minute, count).
#[derive(Default)]
struct InMemory(HashMap<Key, (u64, u32)>);

impl Windows for InMemory {
    fn bump(&mut self, k: &Key, minute: u64) -> Result<u32, AppError> {
        let entry = self.0.entry(*k).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        Ok(entry.1)
    }

    fn count(&mut self, k: &Key, minute: u64) -> Result<u32, AppError> {
        Ok(self.0.get(k).filter(|(m, _)| *m == minute).map(|(_, n)| *n).unwrap_or(0))
    }

    fn clear(&mut self, k: &Key) -> Result<(), AppError> {
        self.0.remove(k);
        Ok(())
    }
}

/// The counts every node shares, in the database.
struct InDatabase<'a>(&'a mut DbConn);

impl Windows for InDatabase<'_> {
    fn bump(&mut self, k: &Key, minute: u64) -> Result<u32, AppError> {
        Ok(db::rate_windows::bump(self.0, k, minute as i64)?.max(0) as u32)
    }

    fn count(&mut self, k: &Key, minute: u64) -> Result<u32, AppError> {
        Ok(db::rate_windows::count(self.0, k, minute as i64)?.max(0) as u32)
    }

    fn clear(&mut self, k: &Key) -> Result<(), AppError> {
        Ok(db::rate_windows::clear(self.0, k)?)
    }
}

/// The rules, the same wherever the counts are: whether a check may go ahead (counting it).
fn attempt_in(
    w: &mut impl Windows,
    keys: &Keys,
    per_minute: u32,
    client: &str,
    subject: &str,
    minute: u64,
) -> Result<bool, AppError> {
    let used = w.bump(&keys.client(client), minute)?;
    let locked = w.count(&keys.subject(subject), minute)? >= per_minute
        && w.count(&keys.failed_from(client, subject), minute)? > 0;
    Ok(used <= per_minute && !locked)
}

fn failed_in(w: &mut impl Windows, keys: &Keys, client: &str, subject: &str, minute: u64) -> Result<(), AppError> {
    w.bump(&keys.subject(subject), minute)?;
    w.bump(&keys.failed_from(client, subject), minute)?;
    Ok(())
}

fn succeeded_in(w: &mut impl Windows, keys: &Keys, client: &str, subject: &str) -> Result<(), AppError> {
    w.clear(&keys.subject(subject))?;
    w.clear(&keys.failed_from(client, subject))
}

/// The database's side of the limiter: its pool, its salt (read once), the last minute purged.
struct Shared {
    pool: DbPool,
    keys: OnceLock<Keys>,
    purged: AtomicU64,
}

impl Shared {
    /// Runs `f` on the shared counts, off the async threads; the first use reads (or makes) the
    /// salt, and the first use in a minute deletes the counts of the minutes before the last.
    async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        minute: u64,
        f: impl FnOnce(&mut InDatabase<'_>, &Keys) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let me = Arc::clone(self);
        crate::web::run_db(&self.pool, move |c| {
            if me.keys.get().is_none() {
                let salt = db::rate_windows::salt(c, &rand::random::<[u8; 32]>())?;
                let _ = me.keys.set(Keys { salt });
            }
            if me.purged.fetch_max(minute, Ordering::Relaxed) < minute {
                db::rate_windows::purge_before(c, minute.saturating_sub(1) as i64)?;
            }
            let keys =
                me.keys.get().ok_or_else(|| AppError::Internal(anyhow::anyhow!("the rate-limit salt was not set")))?;
            f(&mut InDatabase(c), keys)
        })
        .await
    }
}

pub struct RateLimiter {
    per_minute: u32,
    keys: Keys,
    /// What this process counted.
    local: Mutex<InMemory>,
    /// The counts of every node, on PostgreSQL.
    shared: Option<Arc<Shared>>,
}

impl RateLimiter {
    /// A limiter that counts in this process only (one node).
    pub fn new(per_minute: u32) -> Self {
        let keys = Keys { salt: rand::random::<[u8; 32]>().to_vec() };
        RateLimiter { per_minute, keys, local: Mutex::new(InMemory::default()), shared: None }
    }

    /// A limiter whose counts every node using `pool`'s database shares.
    pub fn shared(per_minute: u32, pool: DbPool) -> Self {
        let shared = Shared { pool, keys: OnceLock::new(), purged: AtomicU64::new(0) };
        RateLimiter { shared: Some(Arc::new(shared)), ..Self::new(per_minute) }
    }

    /// Shared counts on PostgreSQL (several nodes may serve one database), this process's own on
    /// SQLite (one node).
    pub fn for_backend(per_minute: u32, database_url: &str, pool: &DbPool) -> Self {
        match db::Backend::from_url(database_url) {
            Ok(db::Backend::Postgres(_)) => Self::shared(per_minute, pool.clone()),
            _ => Self::new(per_minute),
        }
    }

    fn local(&self, minute: u64) -> std::sync::MutexGuard<'_, InMemory> {
        let mut w = self.local.lock().unwrap_or_else(|p| p.into_inner());
        if w.0.len() > 200_000 {
            w.0.retain(|_, (m, _)| *m == minute);
        }
        w
    }

    /// Counts one identity check by `client` about `subject`; 429 when the client has used its
    /// checks this minute, or when `subject` is locked by failures and this client is one that
    /// failed on it.
    pub async fn attempt(&self, client: &str, subject: &str) -> Result<(), AppError> {
        let (minute, retry_after_secs) = clock();
        let per_minute = self.per_minute;
        let mut allowed = attempt_in(&mut *self.local(minute), &self.keys, per_minute, client, subject, minute)?;
        if let Some(shared) = &self.shared {
            let (client, subject) = (client.to_string(), subject.to_string());
            allowed =
                shared.run(minute, move |w, keys| attempt_in(w, keys, per_minute, &client, &subject, minute)).await?;
        }
        if allowed {
            Ok(())
        } else {
            Err(AppError::RateLimited { retry_after_secs })
        }
    }

    /// 429 if `client` has already used its checks this minute, or (with a `subject`) if the
    /// subject is locked for it, as far as this process counted; counts nothing. For refusing a
    /// request before (the rest of) its body is read.
    pub fn peek(&self, client: &str, subject: Option<&str>) -> Result<(), AppError> {
        let (minute, retry_after_secs) = clock();
        let w = &mut *self.local(minute);
        let keys = &self.keys;
        let count = |w: &mut InMemory, k: &Key| w.count(k, minute).unwrap_or(0);
        let locked = subject.is_some_and(|s| {
            count(w, &keys.subject(s)) >= self.per_minute && count(w, &keys.failed_from(client, s)) > 0
        });
        if locked || count(w, &keys.client(client)) >= self.per_minute {
            Err(AppError::RateLimited { retry_after_secs })
        } else {
            Ok(())
        }
    }

    /// A check by `client` about `subject` failed (wrong birth date or no such ticket).
    pub async fn failed(&self, client: &str, subject: &str) {
        let (minute, _) = clock();
        let _ = failed_in(&mut *self.local(minute), &self.keys, client, subject, minute);
        if let Some(shared) = &self.shared {
            let (client, subject) = (client.to_string(), subject.to_string());
            if let Err(e) = shared.run(minute, move |w, keys| failed_in(w, keys, &client, &subject, minute)).await {
                tracing::warn!(error = %e.detail(), "a failed identity check could not be counted in the database");
            }
        }
    }

    /// A check about `subject` succeeded: its failures are forgotten.
    pub async fn succeeded(&self, client: &str, subject: &str) {
        let (minute, _) = clock();
        let _ = succeeded_in(&mut *self.local(minute), &self.keys, client, subject);
        if let Some(shared) = &self.shared {
            let (client, subject) = (client.to_string(), subject.to_string());
            if let Err(e) = shared.run(minute, move |w, keys| succeeded_in(w, keys, &client, &subject)).await {
                tracing::warn!(error = %e.detail(), "a successful identity check could not clear its failures in the database");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(r: Result<(), AppError>) -> bool {
        matches!(r, Err(AppError::RateLimited { retry_after_secs }) if (1..=60).contains(&retry_after_secs))
    }

    #[tokio::test]
    async fn every_check_counts_per_client() {
        let l = RateLimiter::new(2);
        assert!(l.attempt("ip:1", "A").await.is_ok());
        assert!(l.attempt("ip:1", "B").await.is_ok());
        assert!(l.peek("ip:1", None).is_err());
        assert!(limited(l.attempt("ip:1", "C").await));
        assert!(l.peek("ip:2", None).is_ok());
        assert!(l.attempt("ip:2", "D").await.is_ok(), "other clients are not affected");
    }

    #[tokio::test]
    async fn only_failures_count_per_subject_and_a_success_clears_them() {
        let l = RateLimiter::new(3);
        // Successes on one ticket from many addresses never lock it.
        for i in 0..10 {
            let ip = format!("ip:{i}");
            assert!(l.attempt(&ip, "A").await.is_ok());
            l.succeeded(&ip, "A").await;
        }
        // Three failures from three addresses lock B for them, not for a fourth address.
        for ip in ["x:1", "x:2", "x:3"] {
            assert!(l.attempt(ip, "B").await.is_ok());
            l.failed(ip, "B").await;
        }
        assert!(l.peek("x:1", Some("B")).is_err() && l.peek("x:5", Some("B")).is_ok());
        assert!(limited(l.attempt("x:2", "b").await), "subjects compare without case");
        assert!(l.attempt("x:4", "C").await.is_ok(), "other tickets are not affected");
        assert!(l.attempt("x:4", "B").await.is_ok(), "an address that did not fail may try");
        l.succeeded("x:4", "B").await;
        assert!(l.attempt("x:1", "B").await.is_ok(), "a success clears the failures");
    }
}
