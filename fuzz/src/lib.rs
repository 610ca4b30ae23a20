//! The fuzz harness: one function per parser of outside input, each calling the function the
//! application calls on that input, then checking what must hold of any answer. A panic (in the
//! parser or in a check here) is a crash. The fuzz targets (`fuzz_targets/`) call these; the
//! integration tests (`tests/api/fuzz_corpus.rs`) include this file and replay every seed and
//! regression input through them, so it uses only crates PleaDesk itself depends on.

use chrono::NaiveDate;
use pleadesk::domain::deadline::{CourtCalendar, ResponseDueRule};
use pleadesk::import::{citations, offenses, rows, ImportRules};
use std::collections::HashSet;
use std::sync::OnceLock;

/// A harness function: runs one input.
pub type Target = fn(&[u8]);

/// Every target by name, as `scripts/fuzz` and the corpus replay know them.
pub const TARGETS: &[(&str, Target)] = &[
    ("citations_csv", citations_csv),
    ("citations_json", citations_json),
    ("offenses_csv", offenses_csv),
    ("scan", scan),
    ("qr_payload", qr_payload),
    ("form_body", form_body),
    ("money", money),
    ("dates", dates),
];

/// The catalog the citation checks look codes up in: the sample catalog's codes and dates.
fn catalog() -> &'static citations::Catalog {
    static CATALOG: OnceLock<citations::Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let csv = include_bytes!("../../samples/offenses.csv");
        let rows = rows::from_csv(csv, offenses::COLUMNS).expect("the sample catalog reads");
        let mut catalog = citations::Catalog::new();
        for row in &rows {
            let o = offenses::parse_row(row).expect("every sample offense is valid");
            catalog.entry(o.code).or_default().push(o.effective_from);
        }
        catalog
    })
}

fn calendar() -> CourtCalendar {
    CourtCalendar::new(["2026-11-26", "2026-12-25", "2027-01-01"].map(date))
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date written here")
}

/// Checks the rows of an import as the import does (everything but the database), and that every
/// row ends up either in a valid citation or rejected with a reason.
fn check_citation_rows(parsed: Result<Vec<rows::RawRow>, rows::FileError>) {
    let Ok(rows) = parsed else { return };
    let lines: HashSet<u64> = rows.iter().map(|r| r.line).collect();
    let rules =
        ImportRules { court_tz: chrono_tz::America::Denver, response_due: ResponseDueRule::BeforeCourtDate(10) };
    let (valid, rejected) = citations::check_rows(rows, catalog(), &rules, &calendar());
    let mut seen: HashSet<u64> = rejected.iter().map(|r| r.line).collect();
    for c in &valid {
        assert!(!c.draft.charges.is_empty(), "a valid citation has a charge");
        let seqs: Vec<i32> = c.draft.charges.iter().map(|ch| ch.seq).collect();
        assert_eq!(seqs, (1..=seqs.len() as i32).collect::<Vec<_>>(), "charges numbered 1..n");
        seen.extend(&c.lines);
    }
    assert_eq!(seen, lines, "every row is imported or rejected, and no other line is named");
}

/// The e-citation CSV (`POST /api/v1/citations/import` as text/csv, `pleadesk import citations`).
pub fn citations_csv(data: &[u8]) {
    check_citation_rows(rows::from_csv(data, citations::COLUMNS));
}

/// The e-citation import as a JSON array of rows (`POST /api/v1/citations/import` as JSON).
pub fn citations_json(data: &[u8]) {
    check_citation_rows(rows::from_json(data, citations::COLUMNS));
}

/// The offense catalog CSV (`pleadesk import offenses`).
pub fn offenses_csv(data: &[u8]) {
    let Ok(rows) = rows::from_csv(data, offenses::COLUMNS) else { return };
    for row in &rows {
        if let Ok(o) = offenses::parse_row(row) {
            assert!(!o.code.is_empty() && o.code.chars().count() <= pleadesk::domain::offense::MAX_CODE_CHARS);
        }
    }
}

/// An uploaded scan: what it is from its first bytes, then every page decoded, its QR codes read
/// and its previews made, under the project's limits — what `POST /api/v1/scans` does with a file.
pub fn scan(data: &[u8]) {
    use pleadesk::scan::{raster::MAX_PIXELS, read_pages, PageRead, ScanKind};
    let Some(kind) = ScanKind::sniff(data) else { return };
    let mut previews = 0u32;
    let Ok(pages) = read_pages(data, kind, &mut |_, _| previews += 1) else { return };
    assert!(!pages.is_empty(), "a scan that reads has a page");
    for page in &pages {
        if let PageRead::Decoded { width, height, .. } = page {
            assert!(u64::from(*width) * u64::from(*height) <= MAX_PIXELS, "a decoded page is within the pixel limit");
        }
    }
    let decoded = pages.iter().filter(|p| matches!(p, PageRead::Decoded { .. })).count();
    assert_eq!(previews as usize, decoded, "every decoded page has its previews");
}

/// The texts of the QR codes found on a batch's pages, one a line: each read as ours or not, then
/// the batch split into envelopes and each envelope linked (`services::scans` minus the database;
/// a letter counts as on file when its id is even).
pub fn qr_payload(data: &[u8]) {
    use pleadesk::domain::envelopes::{link, split, Mark, Page};
    use pleadesk::letters::qr::{parse_payload, payload, SEPARATOR};
    let text = String::from_utf8_lossy(data);
    let mut marks = Vec::new();
    for line in text.split('\n') {
        let mark = if line == SEPARATOR {
            Mark::Separator
        } else if let Some((number, letter_id)) = parse_payload(line) {
            assert_eq!(parse_payload(&payload(&number, letter_id)), Some((number.clone(), letter_id)), "round trip");
            Mark::Letter { letter_id, citation_number: number, on_file: letter_id % 2 == 0 }
        } else {
            Mark::Plain
        };
        marks.push(mark);
    }
    let envelopes = split(&marks);
    let mut placed: Vec<usize> = envelopes.iter().flatten().copied().collect();
    placed.sort_unstable();
    let expected: Vec<usize> = (0..marks.len()).filter(|&i| marks[i] != Mark::Separator).collect();
    assert_eq!(placed, expected, "every page but a separator is in exactly one envelope");
    for members in &envelopes {
        let pages: Vec<Page> =
            members.iter().map(|&i| Page { mark: marks[i].clone(), unreadable: i % 3 == 0 }).collect();
        let linked = link(&pages.iter().collect::<Vec<_>>());
        assert_eq!(linked.page_flags.len(), members.len());
    }
}

/// A page form's body (`web::pages::form::read`), URL-encoded or multipart: the input's first line
/// is the Content-Type header, the rest the body.
pub fn form_body(data: &[u8]) {
    use actix_web::{test::TestRequest, FromRequest};
    use pleadesk::web::pages::form::{self, MAX_FILES, MAX_FILE_BYTES};
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (content_type, body) = (&data[..split], data.get(split + 1..).unwrap_or(&[]));
    let Ok(content_type) = std::str::from_utf8(content_type) else { return };
    let Ok(header) = actix_web::http::header::HeaderValue::from_str(content_type) else { return };
    let (req, mut payload) = TestRequest::post()
        .insert_header((actix_web::http::header::CONTENT_TYPE, header))
        .set_payload(body.to_vec())
        .to_http_parts();
    let payload = ready(actix_web::web::Payload::from_request(&req, &mut payload)).expect("a payload");
    let Ok(form) = ready(form::read(&req, payload, &|_| Ok(()))) else { return };
    assert!(form.uploads.len() <= MAX_FILES, "at most {MAX_FILES} files are kept");
    for upload in &form.uploads {
        assert!(upload.bytes.len() <= MAX_FILE_BYTES);
        assert_eq!(form::sniff(&upload.bytes), Some(upload.content_type), "a file is kept only as what it is");
    }
}

/// Runs a future whose input is all in memory to its end. Nothing will ever wake it, so one that
/// is still waiting after many polls waits for what will never come: a hang, reported as one.
fn ready<F: std::future::Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for _ in 0..1000 {
        if let std::task::Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the form is still being read although the whole body was given: it would never be answered");
}

/// An amount of money as an import file or a clerk writes it (`Cents::parse_dollars`).
pub fn money(data: &[u8]) {
    use pleadesk::domain::{money::MAX_CENTS, Cents};
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Cents::parse_dollars(text) {
        assert!((0..=MAX_CENTS).contains(&c.get()));
        assert_eq!(Cents::parse_dollars(&c.to_string()), Ok(c), "shown as {c}, it reads back the same");
        assert_eq!(Cents::parse_dollars(&format!("{}.{:02}", c.get() / 100, c.get() % 100)), Ok(c));
    }
}

/// A date (`parse_date`, strict YYYY-MM-DD), a date of birth, and a ticket's `issued_at`.
pub fn dates(data: &[u8]) {
    use pleadesk::domain::{citation::parse_issued_at, dates::parse_date, DateOfBirth};
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = parse_date(text, "date") {
        assert_eq!(d.format("%Y-%m-%d").to_string(), text.trim(), "only YYYY-MM-DD is a date");
    }
    let today = date("2026-11-28");
    if let Ok(dob) = DateOfBirth::parse(text, today) {
        assert!(dob.date() <= today);
    }
    let _ = parse_issued_at(text, chrono_tz::America::Denver);
}
