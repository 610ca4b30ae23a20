//! Limits on public identity checks (look-up, plea, status, letters), counted in one-minute
//! windows in this process (several web nodes each count their own):
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

use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

type Key = [u8; 16];

pub struct RateLimiter {
    per_minute: u32,
    /// key → (minute, count): checks per address, failures per subject and per (address, subject).
    windows: Mutex<HashMap<Key, (u64, u32)>>,
}

/// Keys are hashed, so no citation number or address is kept in memory as written.
fn key(parts: &[&str]) -> Key {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    id
}

fn subject_key(subject: &str) -> Key {
    key(&["subject", &subject.trim().to_ascii_uppercase()])
}

fn failed_from_key(client: &str, subject: &str) -> Key {
    key(&["failed-from", client, &subject.trim().to_ascii_uppercase()])
}

fn clock() -> (u64, u64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (now / 60, 60 - now % 60)
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    fn windows(&self, minute: u64) -> std::sync::MutexGuard<'_, HashMap<Key, (u64, u32)>> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 200_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        windows
    }

    fn count(windows: &HashMap<Key, (u64, u32)>, k: &Key, minute: u64) -> u32 {
        windows.get(k).filter(|(m, _)| *m == minute).map(|(_, n)| *n).unwrap_or(0)
    }

    fn bump(windows: &mut HashMap<Key, (u64, u32)>, k: Key, minute: u64) -> u32 {
        let entry = windows.entry(k).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1
    }

    /// Counts one identity check by `client` about `subject`; 429 when the client has used its
    /// checks this minute, or when `subject` is locked by failures and this client is one that
    /// failed on it.
    pub fn attempt(&self, client: &str, subject: &str) -> Result<(), AppError> {
        let (minute, retry_after_secs) = clock();
        let mut w = self.windows(minute);
        let used = Self::bump(&mut w, key(&["client", client]), minute);
        let locked = Self::count(&w, &subject_key(subject), minute) >= self.per_minute
            && Self::count(&w, &failed_from_key(client, subject), minute) > 0;
        if used > self.per_minute || locked {
            Err(AppError::RateLimited { retry_after_secs })
        } else {
            Ok(())
        }
    }

    /// 429 if `client` has already used its checks this minute, or (with a `subject`) if the
    /// subject is locked for it; counts nothing. For refusing a request before (the rest of) its
    /// body is read.
    pub fn peek(&self, client: &str, subject: Option<&str>) -> Result<(), AppError> {
        let (minute, retry_after_secs) = clock();
        let w = self.windows(minute);
        let locked = subject.is_some_and(|s| {
            Self::count(&w, &subject_key(s), minute) >= self.per_minute
                && Self::count(&w, &failed_from_key(client, s), minute) > 0
        });
        if locked || Self::count(&w, &key(&["client", client]), minute) >= self.per_minute {
            Err(AppError::RateLimited { retry_after_secs })
        } else {
            Ok(())
        }
    }

    /// A check by `client` about `subject` failed (wrong birth date or no such ticket).
    pub fn failed(&self, client: &str, subject: &str) {
        let (minute, _) = clock();
        let mut w = self.windows(minute);
        Self::bump(&mut w, subject_key(subject), minute);
        Self::bump(&mut w, failed_from_key(client, subject), minute);
    }

    /// A check about `subject` succeeded: its failures are forgotten.
    pub fn succeeded(&self, client: &str, subject: &str) {
        let (minute, _) = clock();
        let mut w = self.windows(minute);
        w.remove(&subject_key(subject));
        w.remove(&failed_from_key(client, subject));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limited(r: Result<(), AppError>) -> bool {
        matches!(r, Err(AppError::RateLimited { retry_after_secs }) if (1..=60).contains(&retry_after_secs))
    }

    #[test]
    fn every_check_counts_per_client() {
        let l = RateLimiter::new(2);
        assert!(l.attempt("ip:1", "A").is_ok());
        assert!(l.attempt("ip:1", "B").is_ok());
        assert!(l.peek("ip:1", None).is_err());
        assert!(limited(l.attempt("ip:1", "C")));
        assert!(l.peek("ip:2", None).is_ok());
        assert!(l.attempt("ip:2", "D").is_ok(), "other clients are not affected");
    }

    #[test]
    fn only_failures_count_per_subject_and_a_success_clears_them() {
        let l = RateLimiter::new(3);
        // Successes on one ticket from many addresses never lock it.
        for i in 0..10 {
            let ip = format!("ip:{i}");
            assert!(l.attempt(&ip, "A").is_ok());
            l.succeeded(&ip, "A");
        }
        // Three failures from three addresses lock B for them, not for a fourth address.
        for ip in ["x:1", "x:2", "x:3"] {
            assert!(l.attempt(ip, "B").is_ok());
            l.failed(ip, "B");
        }
        assert!(l.peek("x:1", Some("B")).is_err() && l.peek("x:5", Some("B")).is_ok());
        assert!(limited(l.attempt("x:2", "b")), "subjects compare without case");
        assert!(l.attempt("x:4", "C").is_ok(), "other tickets are not affected");
        assert!(l.attempt("x:4", "B").is_ok(), "an address that did not fail may try");
        l.succeeded("x:4", "B");
        assert!(l.attempt("x:1", "B").is_ok(), "a success clears the failures");
    }
}
