//! Staff credentials: argon2 password hashes and random API tokens stored only as SHA-256 hashes
//! (a token has 256 bits of entropy, so a fast hash is enough and keeps each request cheap).

use crate::db::{self, DbConn};
use crate::domain::Role;
use crate::error::AppError;
use argon2::password_hash::{PasswordHasher, SaltString};
use argon2::Argon2;
use rand::distr::{Alphanumeric, SampleString};
use rand::RngCore;
use sha2::{Digest, Sha256};

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

fn new_token() -> String {
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

/// Creates a staff user with a random password and an API token (`pleadesk user add`).
pub fn add_user(conn: &mut DbConn, username: &str, role: Role) -> Result<NewCredentials, AppError> {
    check_username(username)?;
    let password = Alphanumeric.sample_string(&mut rand::rng(), 20);
    let token = new_token();
    let created =
        db::users::create_with_token(conn, username, role.as_str(), &hash_password(&password)?, &hash_token(&token));
    match created {
        Ok(user_id) => Ok(NewCredentials { user_id, password, token }),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(AppError::Conflict(format!("a user named '{username}' already exists")))
        }
        Err(e) => Err(e.into()),
    }
}

/// The staff user a bearer token belongs to.
pub fn user_for_token(conn: &mut DbConn, token: &str) -> Result<Option<StaffUser>, AppError> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 200 {
        return Ok(None);
    }
    let Some(u) = db::users::by_token_hash(conn, &hash_token(token), db::now())? else {
        return Ok(None);
    };
    let role = u.role.parse().map_err(|e| AppError::Internal(anyhow::anyhow!("user {} has a bad role: {e}", u.id)))?;
    Ok(Some(StaffUser { id: u.id, username: u.username, role }))
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
