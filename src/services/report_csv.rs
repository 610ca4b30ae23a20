//! The reports summary as CSV (`GET /api/v1/reports/summary.csv`, the console's download): one
//! tidy table `measure,key,value`, a row per number, so that a spreadsheet's filter or pivot
//! table takes any measure apart without reshaping. RFC 4180 (CRLF, quotes where needed); money
//! in dollars with two decimals (`…_dollars`), counts as whole numbers; no cell starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return (a spreadsheet would run it as a formula).

use super::reports::{Counted, Summary};

/// `cents` as dollars for a spreadsheet: `1234.50` (no `$`, no thousands separator).
fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// A cell a spreadsheet shows as text, never runs: one starting with a formula character gets
/// an apostrophe in front (OWASP's advice for CSV injection). A negative amount is not written
/// here (none is: counts and balances are never below zero), so numbers pass unchanged.
pub fn safe_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

/// The rows of the summary: (measure, key, value).
fn rows(s: &Summary) -> Vec<(String, String, String)> {
    let mut rows = Vec::new();
    let mut push = |m: &str, k: &str, v: String| rows.push((m.to_string(), k.to_string(), v));
    push("range", "from", s.from.to_string());
    push("range", "to", s.to.to_string());
    push("range", "time_zone", s.time_zone.clone());
    push("range", "as_of", s.as_of.to_string());
    let mut counts = |m: &str, list: &[Counted]| {
        for c in list {
            push(m, &c.key, c.count.to_string());
        }
    };
    counts("cases_by_status", &s.cases_by_status);
    counts("open_cases_by_age_days", &s.ageing);
    counts("pleas_by_channel", &s.pleas_by_channel);
    counts("offers_made_by_status", &s.offers.by_status);
    for w in &s.pleas_by_week {
        let week = w.week_start.to_string();
        for (channel, n) in [("online", w.online), ("mail", w.mail), ("counter", w.counter), ("total", w.total)] {
            push(&format!("pleas_by_week_{channel}"), &week, n.to_string());
        }
    }
    push("offers", "made", s.offers.made.to_string());
    push("offers", "accepted", s.offers.accepted.to_string());
    push("money", "due_dollars", dollars(s.money.due_cents));
    push("money", "cases_owing", s.money.cases_owing.to_string());
    push("money", "collected_dollars", dollars(s.money.collected_cents));
    push("money", "payments", s.money.payments.to_string());
    for m in &s.money.collected_by_method {
        push("collected_dollars_by_method", &m.method, dollars(m.cents));
        push("payments_by_method", &m.method, m.payments.to_string());
    }
    let w = &s.without_appearance;
    push("decided", "resolved", w.resolved.to_string());
    push("decided", "hearing_set", w.hearing_set.to_string());
    push("decided", "default", w.default.to_string());
    push("decided", "total", w.decided.to_string());
    push(
        "decided",
        "share_resolved_without_appearance_percent",
        w.share_percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
    );
    rows
}

/// The summary as CSV text.
pub fn write(s: &Summary) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    out.write_record(["measure", "key", "value"])?;
    for (m, k, v) in rows(s) {
        out.write_record([safe_cell(&m), safe_cell(&k), safe_cell(&v)])?;
    }
    let bytes = out.into_inner().map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The file name of a download: `pleadesk-report-2026-09-01-to-2026-11-29.csv`.
pub fn file_name(s: &Summary) -> String {
    format!("pleadesk-report-{}-to-{}.csv", s.from, s.to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_text() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_cell(bad).starts_with('\''), "{bad:?}");
        }
        for fine in ["open", "0-30", "2026-11-02", "135.00", "", "America/Denver"] {
            assert_eq!(safe_cell(fine), fine);
        }
    }

    #[test]
    fn dollars_for_a_spreadsheet() {
        assert_eq!(dollars(0), "0.00");
        assert_eq!(dollars(13_550), "135.50");
        assert_eq!(dollars(123_456_789), "1234567.89");
        assert_eq!(dollars(-5), "-0.05");
    }
}
