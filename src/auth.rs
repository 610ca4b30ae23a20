//! Staff credentials: argon2 password hashes and random API tokens stored only as SHA-256 hashes
//! (a token has 256 bits of entropy, so a fast hash is enough and keeps each request cheap).

use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::distr::{Alphanumeric, SampleString};
use rand::Rng;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// Tokens start with this prefix so secret scanners can recognise a leaked one.
pub const TOKEN_PREFIX: &str = "pdk_";

/// A newly created staff account's secrets, shown once and never stored in the clear.
#[derive(Debug)]
pub struct NewCredentials {
    pub user_id: i64,
    pub password: String,
    pub token: String,
}

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token (API or session).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt_bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut salt_bytes);
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("making a password salt failed: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password failed: {e}")))
}

/// A fresh random password: 20 letters and digits (about 119 bits).
pub fn new_password() -> String {
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

/// Whether `password` matches the argon2 `hash`. An unreadable hash matches nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let matches = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
    checks::counted(password);
    matches
}

/// How a test sees that sign-in does the argon2 work whatever the name: after
/// [`watch`](checks::watch) of a password made up for the test, each argon2 check of exactly that
/// password is counted ([`of`](checks::of)). Only watched passwords are counted, as SHA-256
/// digests; a server that no test watches keeps nothing.
pub mod checks {
    use sha2::{Digest, Sha256};
    use std::sync::Mutex;

    static WATCHED: Mutex<Vec<([u8; 32], u64)>> = Mutex::new(Vec::new());

    fn digest(password: &str) -> [u8; 32] {
        Sha256::digest(password.as_bytes()).into()
    }

    /// Starts counting the argon2 checks of `password`.
    pub fn watch(password: &str) {
        let mut w = WATCHED.lock().unwrap_or_else(|p| p.into_inner());
        w.push((digest(password), 0));
    }

    /// The argon2 checks of `password` since it was watched (`None` if it is not).
    pub fn of(password: &str) -> Option<u64> {
        let d = digest(password);
        let w = WATCHED.lock().unwrap_or_else(|p| p.into_inner());
        w.iter().find(|(k, _)| *k == d).map(|(_, n)| *n)
    }

    pub(super) fn counted(password: &str) {
        let mut w = WATCHED.lock().unwrap_or_else(|p| p.into_inner());
        if w.is_empty() {
            return;
        }
        let d = digest(password);
        if let Some((_, n)) = w.iter_mut().find(|(k, _)| *k == d) {
            *n += 1;
        }
    }
}

/// A hash no password is known for, with the same parameters as real ones: sign-in checks a
/// password against it for a name that does not exist, so that the answer takes as long as for
/// one that does. Made at start-up ([`crate::app::Application::build`]), so that the first
/// unknown name does not pay for making it.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&new_password()).unwrap_or_default())
}

/// Checks a user name: 3 to 40 of a-z, 0-9, `.`, `_`, `-`.
pub fn check_username(name: &str) -> Result<(), AppError> {
    let ok = (3..=40).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AppError::field(
            "username",
            "a user name is 3 to 40 characters: lower-case letters, digits, '.', '_' or '-'",
        ))
    }
}

/// Creates a staff user with a random password and an API token (`pleadesk user add`), on the
/// audit trail as done by `cli`.
pub fn add_user(conn: &mut DbConn, username: &str, role: Role) -> Result<NewCredentials, AppError> {
    add_user_as(conn, username, role, "cli")
}

/// [`add_user`], on the audit trail as done by `actor`.
pub fn add_user_as(conn: &mut DbConn, username: &str, role: Role, actor: &str) -> Result<NewCredentials, AppError> {
    let (user_id, password) = crate::services::staff_admin::add_user(conn, username, role, actor)?;
    let (_, token) = crate::services::staff_admin::create_token(conn, user_id, actor)?;
    Ok(NewCredentials { user_id, password, token })
}

fn staff_user(u: db::users::UserRecord) -> Result<StaffUser, AppError> {
    let role = u.role.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("user {} has a bad role: {e}", u.id)))?;
    Ok(StaffUser { id: u.id, username: u.username, role })
}

fn well_formed(token: &str) -> bool {
    token.starts_with(TOKEN_PREFIX) && token.len() <= 200
}

/// The staff user a bearer token belongs to (a look-up only: nothing is touched).
pub fn user_for_token(conn: &mut DbConn, token: &str) -> Result<Option<StaffUser>, AppError> {
    if !well_formed(token) {
        return Ok(None);
    }
    db::users::by_token_hash(conn, &hash_token(token), db::now())?.map(|(u, _, _)| staff_user(u)).transpose()
}

/// What a presented token (bearer or session cookie) turned out to be.
#[derive(Debug)]
pub enum TokenCheck {
    Valid(StaffUser),
    /// A sign-in session that ended after `idle` without use.
    SessionEnded,
    /// No such token, a revoked one, or a disabled user's.
    Invalid,
}

/// Checks a token and records its use: a sign-in session's idle limit starts again (it ends
/// `idle` after its last use); an API token's last use is noted.
pub fn authenticate(conn: &mut DbConn, token: &str, idle: chrono::Duration) -> Result<TokenCheck, AppError> {
    if !well_formed(token) {
        return Ok(TokenCheck::Invalid);
    }
    let hash = hash_token(token);
    let now = db::now();
    let Some((user, token_id, kind)) = db::users::by_token_hash(conn, &hash, now)? else {
        let ended = db::users::session_expiry(conn, &hash)?.is_some();
        return Ok(if ended { TokenCheck::SessionEnded } else { TokenCheck::Invalid });
    };
    if kind == db::users::SESSION {
        db::users::touch(conn, token_id, now, Some(now + idle))?;
    } else {
        db::users::touch(conn, token_id, now, None)?;
    }
    Ok(TokenCheck::Valid(staff_user(user)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_prefixed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64, "256 bits in hex");
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn usernames() {
        assert!(check_username("clerk.one").is_ok());
        assert!(check_username("Clerk").is_err());
        assert!(check_username("ab").is_err());
    }
}
