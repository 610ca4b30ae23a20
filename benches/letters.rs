//! Letter throughput: renders N acknowledgement letters (default 10,000) on one thread, then
//! writes them as one mail run with the streaming merger. `cargo bench --bench letters`
//! (`BENCH_LETTERS=N` to change the count). Reports letters/s, bytes per letter, the mail run's
//! time and size, and the process's peak memory (VmHWM).

use pleadesk::domain::{Language, LetterType};
use pleadesk::letters::{self, merge::PdfMerger, templates::Templates, PageSetup};
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn main() {
    let n: i64 = std::env::var("BENCH_LETTERS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let templates = Templates::load(std::path::Path::new("templates")).expect("templates");
    let setup = PageSetup::default();
    let dir = tempfile::tempdir().unwrap();

    // Rendering, timed alone (the figure the target is about); each letter is then stored as a
    // file, as the service keeps them, outside the timer.
    let mut render_secs = 0.0;
    let mut bytes = 0usize;
    let mut largest = 0usize;
    let mut paths = Vec::with_capacity(n as usize);
    for id in 1..=n {
        let lang = if id % 3 == 0 { Language::Es } else { Language::En };
        let data = letters::example_data(LetterType::Acknowledgement, lang, id);
        let start = Instant::now();
        let r = letters::render(&data, &templates, &setup).expect("render");
        render_secs += start.elapsed().as_secs_f64();
        bytes += r.pdf.len();
        largest = largest.max(r.pdf.len());
        let path = dir.path().join(format!("{id}.pdf"));
        std::fs::write(&path, &r.pdf).unwrap();
        paths.push(path);
    }
    println!(
        "rendered {n} acknowledgement letters in {render_secs:.2} s = {:.0} letters/s on one thread; {:.1} KB per letter (largest {:.1} KB)",
        n as f64 / render_secs,
        bytes as f64 / n as f64 / 1024.0,
        largest as f64 / 1024.0,
    );
    let rss_after_render = peak_rss_mb();

    // The mail run: stream every stored letter into one PDF.
    let start = Instant::now();
    let out = std::io::BufWriter::new(std::fs::File::create(dir.path().join("mail-run.pdf")).unwrap());
    let mut merger = PdfMerger::new(out, "Mail run").unwrap();
    for path in &paths {
        merger.add(&std::fs::read(path).unwrap()).unwrap();
    }
    let (summary, _) = merger.finish().unwrap();
    let secs = start.elapsed().as_secs_f64();
    let size = std::fs::metadata(dir.path().join("mail-run.pdf")).unwrap().len();
    println!(
        "mail run of {} letters ({} pages, {} blank for duplex) in {secs:.2} s, {:.0} MB; peak RSS {:.0} MB (after rendering: {:.0} MB)",
        summary.documents,
        summary.pages,
        summary.blank_pages,
        size as f64 / 1e6,
        peak_rss_mb(),
        rss_after_render
    );
}
