//! JSON API handlers, one area per file.

pub mod auth;
pub mod citations;
pub mod health;
pub mod jobs;
pub mod letters;
pub mod offers;
pub mod payments;
pub mod public;
pub mod reports;
pub mod scan_pages;
pub mod scans;
pub mod submissions;
