//! PleaDesk: the plea-by-mail backend. See ARCHITECTURE.md for how the modules fit together.

pub mod app;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod check;
pub mod cli;
mod cli_backup;
mod cli_progress;
mod cli_users;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod letters;
pub mod mail;
pub mod progress;
pub mod scan;
pub mod services;
pub mod storage;
pub mod web;
