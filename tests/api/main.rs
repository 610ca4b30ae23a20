//! Integration tests: the real server on port 0, a fresh database per test, spoken to over HTTP.
//! Every test runs on SQLite; the PostgreSQL copies run when PLEADESK_TEST_PG is set.

mod helpers;

mod access;
mod audit;
mod auth;
mod citation_import;
mod cli;
mod console;
mod console_admin;
mod console_case_page;
mod console_cases;
mod console_envelopes;
mod console_keying;
mod console_scans;
mod duplicate_decision;
mod durable;
mod envelope;
mod error_pages;
mod health;
mod letters;
mod letters_email;
mod letters_paper;
mod limits;
mod merge;
mod merge_inputs;
mod migrations;
mod openapi;
mod other_states;
mod pages;
mod paper_matching;
mod paper_pleas;
mod paper_support;
mod public;
mod receipt;
mod scan_case_pages;
mod scan_pages;
mod scans;
mod serve;
mod staff_auth;
mod static_files;
mod uploads;
mod whole_case;
