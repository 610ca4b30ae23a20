//! The staff sign-in rules, without a clock or a database: when an account is locked, what a
//! failed password does to it, and which return paths after sign-in are safe to follow.

use chrono::{Duration, NaiveDateTime};

/// Failures in a row that lock an account.
pub const MAX_FAILURES: i32 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// What a sign-in attempt may do with an account right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// The password decides.
    Open,
    /// Locked until then, whatever password is sent.
    Locked(NaiveDateTime),
}

/// An account whose lock has not run out is locked; a lock in the past opens it again.
pub fn gate(locked_until: Option<NaiveDateTime>, now: NaiveDateTime) -> Gate {
    match locked_until {
        Some(until) if until > now => Gate::Locked(until),
        _ => Gate::Open,
    }
}

/// The account after one more wrong password, given the failures in a row before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFailure {
    /// Failures in a row now (back to 0 when this one locked the account).
    pub failed_logins: i32,
    /// Set when this failure locked the account.
    pub locked_until: Option<NaiveDateTime>,
}

pub fn after_failure(failed_before: i32, now: NaiveDateTime) -> AfterFailure {
    let failed = failed_before.max(0) + 1;
    if failed >= MAX_FAILURES {
        AfterFailure { failed_logins: 0, locked_until: Some(now + Duration::minutes(LOCK_MINUTES)) }
    } else {
        AfterFailure { failed_logins: failed, locked_until: None }
    }
}

/// `next` if it is a console page to return to after sign-in (`/staff` or below, a plain local
/// path without a scheme, host, `//`, backslash or control character, and not the sign-in page
/// itself); otherwise `None` (go to the dashboard).
pub fn safe_return_path(next: &str) -> Option<&str> {
    let path = next.split(['?', '#']).next().unwrap_or("");
    let under_staff = path == "/staff" || path.starts_with("/staff/");
    let plain = next.len() <= 500
        && !next.contains("//")
        && !next.contains('\\')
        && !next.contains("/..")
        && !next.chars().any(|c| c.is_control() || c.is_whitespace());
    let not_sign_in = !path.starts_with("/staff/sign-in") && !path.starts_with("/staff/sign-out");
    (under_staff && plain && not_sign_in).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_for_fifteen_minutes() {
        let mut failed = 0;
        for n in 1..MAX_FAILURES {
            let a = after_failure(failed, at(9, 0));
            assert_eq!(a, AfterFailure { failed_logins: n, locked_until: None });
            failed = a.failed_logins;
        }
        let locked = after_failure(failed, at(9, 0));
        assert_eq!(locked.locked_until, Some(at(9, 15)));
        assert_eq!(locked.failed_logins, 0, "after the lock runs out, five more tries");
    }

    #[test]
    fn a_lock_holds_until_its_time() {
        assert_eq!(gate(Some(at(9, 15)), at(9, 14)), Gate::Locked(at(9, 15)));
        assert_eq!(gate(Some(at(9, 15)), at(9, 15)), Gate::Open);
        assert_eq!(gate(None, at(9, 15)), Gate::Open);
    }

    #[test]
    fn only_console_paths_are_returned_to() {
        for ok in ["/staff", "/staff/admin/users", "/staff/admin/users/3?x=1"] {
            assert_eq!(safe_return_path(ok), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "/",
            "https://evil.example/staff",
            "//evil.example/staff",
            "/staff//evil",
            "/staff/../case",
            "/staff\\x",
            "/staffing",
            "/staff/sign-in?next=/staff",
            "/staff/a b",
            "/staff/\u{0}",
            "/lookup",
        ] {
            assert_eq!(safe_return_path(bad), None, "{bad:?}");
        }
    }
}
