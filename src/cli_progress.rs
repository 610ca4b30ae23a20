//! How the command line shows the progress of long work ([`crate::progress`]): a bar (indicatif)
//! when standard error is a terminal; otherwise plain log lines — one when a stage begins, one
//! every few seconds while it runs, and one when it ends — so that a log file or journal shows
//! how far an unattended import or mail run came.

use crate::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often a plain progress line is written while a stage runs.
pub const EVERY: Duration = Duration::from_secs(5);

/// The progress of one command (`task`, e.g. "import citations").
pub struct Shown {
    task: &'static str,
    inner: RefCell<Inner>,
}

enum Inner {
    Bar(Option<ProgressBar>),
    Lines(Lines),
}

#[derive(Default)]
struct Lines {
    stage: String,
    total: Option<u64>,
    done: u64,
    /// When the last line was written, and how far the stage was then.
    written: Option<(Instant, u64)>,
}

impl Shown {
    /// A bar if standard error is a terminal, log lines if not.
    pub fn on_stderr(task: &'static str) -> Shown {
        let inner = if std::io::stderr().is_terminal() { Inner::Bar(None) } else { Inner::Lines(Lines::default()) };
        Shown { task, inner: RefCell::new(inner) }
    }

    /// The work is over: the bar is cleared, or the last stage's final count is written.
    pub fn finish(&self) {
        match &mut *self.inner.borrow_mut() {
            Inner::Bar(bar) => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
            Inner::Lines(lines) => lines.close(self.task),
        }
    }
}

impl Drop for Shown {
    fn drop(&mut self) {
        self.finish();
    }
}

impl Progress for Shown {
    fn stage(&self, name: &str, total: Option<u64>) {
        match &mut *self.inner.borrow_mut() {
            Inner::Bar(bar) => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
                *bar = Some(new_bar(self.task, name, total));
            }
            Inner::Lines(lines) => {
                lines.close(self.task);
                *lines = Lines { stage: name.to_string(), total, done: 0, written: Some((Instant::now(), 0)) };
                match total {
                    Some(t) => tracing::info!("{}: {name}: {t} to do", self.task),
                    None => tracing::info!("{}: {name}", self.task),
                }
            }
        }
    }

    fn advance(&self, n: u64) {
        match &mut *self.inner.borrow_mut() {
            Inner::Bar(bar) => {
                if let Some(b) = bar {
                    b.inc(n);
                }
            }
            Inner::Lines(lines) => {
                lines.done += n;
                let now = Instant::now();
                if line_due(lines.done, lines.total, lines.written.map(|(at, _)| at), now) {
                    lines.write(self.task, now);
                }
            }
        }
    }
}

impl Lines {
    fn write(&mut self, task: &str, now: Instant) {
        let (stage, done) = (&self.stage, self.done);
        match self.total {
            Some(t) if t > 0 => tracing::info!("{task}: {stage}: {done} of {t} ({}%)", done * 100 / t),
            _ => tracing::info!("{task}: {stage}: {done} done"),
        }
        self.written = Some((now, done));
    }

    /// The stage ends: its final count, unless the last line already said it.
    fn close(&mut self, task: &str) {
        let said = self.written.map(|(_, d)| d);
        if !self.stage.is_empty() && said != Some(self.done) {
            self.write(task, Instant::now());
        }
        self.stage.clear();
    }
}

/// Whether a plain line is due after a step: at the end of a stage whose size is known, or when
/// [`EVERY`] has passed since the last line.
pub fn line_due(done: u64, total: Option<u64>, last: Option<Instant>, now: Instant) -> bool {
    total == Some(done) || last.is_none_or(|at| now.duration_since(at) >= EVERY)
}

fn new_bar(task: &str, stage: &str, total: Option<u64>) -> ProgressBar {
    let target = ProgressDrawTarget::stderr();
    let bar = match total {
        Some(t) => ProgressBar::with_draw_target(Some(t), target).with_style(
            ProgressStyle::with_template("{prefix}: {msg} [{bar:30}] {pos}/{len} ({eta} left)")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        ),
        None => {
            let b = ProgressBar::with_draw_target(None, target).with_style(
                ProgressStyle::with_template("{prefix}: {msg} {spinner} {pos}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            b.enable_steady_tick(Duration::from_millis(150));
            b
        }
    };
    bar.set_prefix(task.to_string());
    bar.set_message(stage.to_string());
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_at_the_end_of_a_stage_and_every_few_seconds() {
        let start = Instant::now();
        // The end of a stage of known size: always.
        assert!(line_due(12, Some(12), Some(start), start));
        // Within the interval: no line; at the interval and after: a line.
        assert!(!line_due(3, Some(12), Some(start), start + Duration::from_secs(1)));
        assert!(line_due(3, Some(12), Some(start), start + EVERY));
        assert!(line_due(3, None, Some(start), start + EVERY + Duration::from_secs(1)));
        assert!(!line_due(3, None, Some(start), start + Duration::from_millis(10)));
        // Nothing written yet: a line.
        assert!(line_due(1, None, None, start));
    }
}
