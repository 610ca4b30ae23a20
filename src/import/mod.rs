//! Imports from outside systems: the police e-citation feed and the offense catalog. Shared by the
//! CLI (`pleadesk import …`) and the API (`POST /api/v1/citations/import`).

pub mod citations;
pub mod offenses;
pub mod rows;

pub use citations::{ImportRules, ImportSummary, RejectedRow};
pub use offenses::OffenseImportSummary;
