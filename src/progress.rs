//! How far long work has come (an import, the mail run, a pass over the job queue), told by the
//! loop that does it. The library only reports; the command line decides how to show it — a bar
//! on a terminal, plain lines in a log (`cli_progress`) — and the web shows nothing.

/// Receives the progress of one piece of work, stage by stage.
pub trait Progress {
    /// A new stage begins: `total` steps, or `None` when the number is not known in advance.
    fn stage(&self, name: &str, total: Option<u64>);
    /// `n` more steps of the current stage are done.
    fn advance(&self, n: u64);
}

/// Shows nothing (the web, tests, the worker inside `serve`).
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64) {}
}
