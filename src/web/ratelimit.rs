//! Limits on public identity checks (look-up, plea, status): per client address and per citation
//! or confirmation code, counted in one-minute windows in this process. Several web nodes each
//! count their own.

use crate::error::AppError;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

pub struct RateLimiter {
    per_minute: u32,
    windows: Mutex<HashMap<[u8; 16], (u64, u32)>>,
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter { per_minute, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one attempt against every key; 429 if any key is over its limit this minute.
    /// Keys are hashed, so no citation number or address is kept in memory as written.
    pub fn check(&self, keys: &[String]) -> Result<(), AppError> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let minute = now / 60;
        let retry_after_secs = 60 - now % 60;
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > 200_000 {
            windows.retain(|_, (m, _)| *m == minute);
        }
        let mut over = false;
        for key in keys {
            let digest = Sha256::digest(key.as_bytes());
            let mut id = [0u8; 16];
            id.copy_from_slice(&digest[..16]);
            let entry = windows.entry(id).or_insert((minute, 0));
            if entry.0 != minute {
                *entry = (minute, 0);
            }
            entry.1 += 1;
            over |= entry.1 > self.per_minute;
        }
        if over {
            Err(AppError::RateLimited { retry_after_secs })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_each_key() {
        let l = RateLimiter::new(2);
        let ip = "ip:1".to_string();
        assert!(l.check(&[ip.clone(), "c:A".into()]).is_ok());
        assert!(l.check(&[ip.clone(), "c:B".into()]).is_ok());
        let e = l.check(&[ip, "c:C".into()]).unwrap_err();
        assert!(matches!(e, AppError::RateLimited { retry_after_secs } if (1..=60).contains(&retry_after_secs)));
        assert!(l.check(&["ip:2".into(), "c:D".into()]).is_ok(), "other clients are not affected");
    }
}
