//! The pure core: rules and types that validate on parse. No I/O, no database, no clock
//! (callers pass "today" in where a rule needs it).

#[macro_use]
mod macros;
pub mod address;
pub mod case_deadline;
pub mod citation;
pub mod citation_number;
pub mod contact;
pub mod daily_plan;
pub mod dates;
pub mod deadline;
pub mod deficiency;
pub mod duplicates;
pub mod eligibility;
pub mod enums;
pub mod envelope_queue;
pub mod envelopes;
pub mod file_name;
pub mod hardship;
pub mod holidays;
pub mod language;
pub mod lifecycle;
pub mod matching;
pub mod money;
pub mod next_steps;
pub mod offense;
pub mod offer;
pub mod payment;
pub mod public_timeline;
pub mod redact;
pub mod report;
pub mod sign_in;

pub use citation::{ChargeDraft, CitationDraft, Defendant};
pub use citation_number::CitationNumber;
pub use dates::DateOfBirth;
pub use enums::*;
pub use language::PreferredLanguage;
pub use money::Cents;
pub use offense::OffenseDraft;

/// A value that failed to parse: a message a clerk or a resident can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

impl ParseError {
    pub fn new(msg: impl Into<String>) -> Self {
        ParseError(msg.into())
    }
}
