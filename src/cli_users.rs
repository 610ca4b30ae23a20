//! `pleadesk user …` and `pleadesk token …`: staff accounts for operators, each change an audit
//! event with actor `cli`. Passwords and tokens are printed once, on standard output only.

use crate::auth;
use crate::cli::{TokenAction, UserAction};
use crate::db::DbConn;
use crate::services::staff_admin;
use std::process::ExitCode;

const ACTOR: &str = "cli";

pub fn user(conn: &mut DbConn, action: UserAction) -> anyhow::Result<ExitCode> {
    match action {
        UserAction::Add { name, role } => {
            let creds = auth::add_user(conn, &name, role)?;
            println!("user: {name} ({role})");
            println!("password: {}", creds.password);
            println!("token: {}", creds.token);
        }
        UserAction::List => {
            for u in staff_admin::list(conn)? {
                let state = match (u.disabled, u.locked_until) {
                    (true, _) => "disabled".to_string(),
                    (false, Some(t)) => format!("locked until {} UTC", t.format("%Y-%m-%d %H:%M")),
                    (false, None) => "active".to_string(),
                };
                println!("{}\t{}\t{}", u.username, u.role, state);
            }
        }
        UserAction::Disable { name } => {
            let id = staff_admin::id_of(conn, &name)?;
            staff_admin::set_disabled(conn, id, true, ACTOR)?;
            println!("user {name} disabled");
        }
        UserAction::Enable { name } => {
            let id = staff_admin::id_of(conn, &name)?;
            staff_admin::set_disabled(conn, id, false, ACTOR)?;
            println!("user {name} enabled");
        }
        UserAction::ResetPassword { name } => {
            let id = staff_admin::id_of(conn, &name)?;
            let password = staff_admin::reset_password(conn, id, ACTOR)?;
            println!("password: {password}");
        }
        UserAction::Unlock { name } => {
            let id = staff_admin::id_of(conn, &name)?;
            staff_admin::unlock(conn, id, ACTOR)?;
            println!("user {name} unlocked");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(conn: &mut DbConn, action: TokenAction) -> anyhow::Result<ExitCode> {
    match action {
        TokenAction::Create { name } => {
            let user_id = staff_admin::id_of(conn, &name)?;
            let (id, token) = staff_admin::create_token(conn, user_id, ACTOR)?;
            println!("token id: {id}");
            println!("token: {token}");
        }
        TokenAction::Revoke { id } => {
            staff_admin::revoke_token(conn, id, ACTOR)?;
            println!("token {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
