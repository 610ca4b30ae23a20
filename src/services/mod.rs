//! Application services: the steps between a request (or a CLI command) and the database, built
//! from `domain` rules and `db` queries.

pub mod case;
pub mod case_search;
pub mod case_state;
pub mod case_view;
pub mod court_profile;
pub mod daily_job;
pub mod dashboard;
pub mod deficiency_notice;
pub mod demo;
pub mod downloads;
pub mod drafts;
pub mod duplicate_decision;
pub mod evidence;
pub mod hardship;
pub mod idempotency;
pub mod intake;
pub mod letters;
pub mod matching;
pub mod offers;
pub mod operations;
pub mod paper_link;
pub mod paper_plea;
pub mod payments;
pub mod plea_apply;
pub mod plea_request;
pub mod public_timeline;
pub mod queue_view;
pub mod receipt;
pub mod report_csv;
pub mod reports;
pub mod scans;
pub mod staff_admin;
pub mod staff_auth;
pub mod status;
pub mod submission_queue;
