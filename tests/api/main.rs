//! Integration tests: the real server on port 0, a fresh database per test, spoken to over HTTP.
//! Every test runs on SQLite; the PostgreSQL copies run when PLEADESK_TEST_PG is set.

mod helpers;

mod audit;
mod auth;
mod citation_import;
mod cli;
mod envelope;
mod health;
mod letters;
mod merge;
mod merge_inputs;
mod migrations;
mod openapi;
mod pages;
mod public;
mod receipt;
mod serve;
