//! Application services: the steps between a request (or a CLI command) and the database, built
//! from `domain` rules and `db` queries.

pub mod case;
pub mod demo;
pub mod downloads;
pub mod drafts;
pub mod evidence;
pub mod intake;
pub mod letters;
pub mod plea_request;
pub mod receipt;
pub mod scans;
pub mod status;
