//! Scan intake speed and memory (a report, not a test). `cargo bench --bench qr` (or
//! `scripts/bench-qr`); `BENCH_QR_PAGES=N` pages (default 40). Needs pdftoppm, ImageMagick's
//! convert, img2pdf and zbarimg.
//!
//! 1. QR decoding of N 300-dpi scanned letter pages (rotated, noisy, JPEG quality 50) on one
//!    thread with our decoder (JPEG decode + `scan::qr::read`), then `zbarimg` on the same files
//!    in the same sitting: pages/s of each and the ratio.
//! 2. Reading a 20-page scanned PDF and a 150-page batch (decode + QR of every page + split).
//! 3. Peak memory (VmHWM) of this process while a ~25 MB scanned PDF is read.

use pleadesk::domain::envelopes::{self, Mark};
use pleadesk::domain::{Language, LetterType};
use pleadesk::letters::{self, templates::Templates, PageSetup};
use pleadesk::scan::{self, PageRead, ScanKind};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// Scanned pages of plea forms at 300 dpi: (JPEG path, the payload expected on it).
fn scanned_pages(n: usize, dir: &Path, quality: u32) -> Vec<(PathBuf, String)> {
    let templates = Templates::load(Path::new("templates")).expect("templates");
    let mut out = Vec::new();
    let mut id = 1;
    while out.len() < n {
        let data = letters::example_data(LetterType::PleaForm, Language::En, id);
        let r = letters::render(&data, &templates, &PageSetup::default()).expect("render");
        let pdf = dir.join(format!("l{id}.pdf"));
        std::fs::write(&pdf, &r.pdf).unwrap();
        run(Command::new("pdftoppm")
            .args(["-gray", "-png", "-r", "300", "-f", "1", "-l", "1", "-singlefile"])
            .arg(&pdf)
            .arg(dir.join(format!("l{id}"))));
        let jpg = dir.join(format!("q{quality}-l{id}.jpg"));
        let angle = [-5.0, -2.5, 0.0, 2.5, 5.0][id as usize % 5];
        run(Command::new("convert")
            .arg(dir.join(format!("l{id}.png")))
            .args([
                "-background",
                "white",
                "-rotate",
                &format!("{angle}"),
                "+repage",
                "-attenuate",
                "0.4",
                "+noise",
                "Gaussian",
            ])
            .args(["-colorspace", "Gray", "-quality", &quality.to_string()])
            .arg(&jpg));
        out.push((jpg, letters::qr::payload(&data.citation.number, id)));
        id += 1;
    }
    out
}

fn img2pdf(images: &[&PathBuf], out: &Path) -> Vec<u8> {
    run(Command::new("img2pdf").args(images).arg("-o").arg(out));
    std::fs::read(out).unwrap()
}

fn read_and_split(pdf: &[u8]) -> (usize, usize, usize) {
    // The page images are made as at upload (and dropped here: the server writes each to disk).
    let reads = scan::read_pages(pdf, ScanKind::Pdf, &mut |_, previews| drop(previews)).expect("read");
    let marks: Vec<Mark> = reads
        .iter()
        .map(|r| match r {
            PageRead::Decoded { codes: c, .. } => match c.iter().find_map(|t| letters::qr::parse_payload(t)) {
                Some((number, id)) => Mark::Letter { letter_id: id, citation_number: number, on_file: true },
                None => Mark::Plain,
            },
            PageRead::Unreadable(_) => Mark::Plain,
        })
        .collect();
    let linked = marks.iter().filter(|m| matches!(m, Mark::Letter { .. })).count();
    (reads.len(), envelopes::split(&marks).len(), linked)
}

fn main() {
    let n: usize = std::env::var("BENCH_QR_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let dir = tempfile::tempdir().unwrap();

    // 3 first, while this process has allocated little: a ~25 MB scan (quality 95 pages).
    let heavy = scanned_pages(12, dir.path(), 95);
    let mut list: Vec<&PathBuf> = Vec::new();
    let mut size = 0u64;
    while size < 24 * 1024 * 1024 {
        let p = &heavy[list.len() % heavy.len()].0;
        size += std::fs::metadata(p).unwrap().len();
        list.push(p);
    }
    let big = img2pdf(&list, &dir.path().join("big.pdf"));
    let before = peak_rss_mb();
    let start = Instant::now();
    let (pages, _, linked) = read_and_split(&big);
    println!(
        "25 MB scan: {:.1} MB, {pages} pages ({linked} linked) read in {:.1} s; peak RSS {before:.0} MB before, {:.0} MB after",
        big.len() as f64 / 1048576.0,
        start.elapsed().as_secs_f64(),
        peak_rss_mb()
    );
    drop(big);

    // 1. Our decoder against zbarimg on the same pages.
    let pages = scanned_pages(n, dir.path(), 50);
    let start = Instant::now();
    let mut ours = 0;
    for (path, expected) in &pages {
        let bytes = std::fs::read(path).unwrap();
        let img = scan::raster::decode_picture(&bytes, image::ImageFormat::Jpeg).expect("jpeg");
        ours += usize::from(scan::qr::read(&img).contains(expected));
    }
    let ours_rate = n as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    let out = Command::new("zbarimg")
        .args(["-q", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .args(pages.iter().map(|p| &p.0))
        .output()
        .expect("zbarimg");
    let zbar_rate = n as f64 / start.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&out.stdout);
    let zbar = pages.iter().filter(|(_, e)| text.lines().any(|l| l.trim() == e)).count();
    println!("QR, 300 dpi pages: ours {ours}/{n} decoded, {ours_rate:.2} pages/s; zbarimg {zbar}/{n}, {zbar_rate:.2} pages/s; ratio {:.2}× zbar", ours_rate / zbar_rate);

    // 2. Upload-to-linked, the reading part: 20 pages, and a 150-page batch.
    for count in [20, 150] {
        let list: Vec<&PathBuf> = (0..count).map(|i| &pages[i % pages.len()].0).collect();
        let pdf = img2pdf(&list, &dir.path().join(format!("b{count}.pdf")));
        let start = Instant::now();
        let (p, e, l) = read_and_split(&pdf);
        println!(
            "{count}-page scanned PDF: {p} pages, {e} envelopes, {l} pages linked in {:.2} s",
            start.elapsed().as_secs_f64()
        );
    }
}
