// Lets the integration tests know at compile time which external parts are present, so that a
// test needing a missing one shows as "ignored" with the reason instead of silently passing:
//   pg_tests      PLEADESK_TEST_PG names a PostgreSQL server
//   has_poppler   pdftotext / pdftoppm / pdfinfo (Debian: poppler-utils)
//   has_zbar      zbarimg (Debian: zbar-tools)
//   has_smtp_sink python3 with aiosmtpd (PyPI: aiosmtpd)
//   can_mount     run as root, so a test can mount a small file system (a full disk)
// PLEADESK_TEST_TOOLS=all (set by scripts/test) turns them all on, so a missing tool fails loudly.
use std::process::{Command, Stdio};

fn runs(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

fn main() {
    for cfg in ["pg_tests", "has_poppler", "has_zbar", "has_smtp_sink", "can_mount"] {
        println!("cargo:rustc-check-cfg=cfg({cfg})");
    }
    println!("cargo:rerun-if-env-changed=PLEADESK_TEST_PG");
    println!("cargo:rerun-if-env-changed=PLEADESK_TEST_TOOLS");
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PLEADESK_TEST_PG").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo:rustc-cfg=pg_tests");
    }
    let all = std::env::var("PLEADESK_TEST_TOOLS").is_ok_and(|v| v == "all");
    if all || (runs("pdftotext", &["-v"]) && runs("pdftoppm", &["-v"]) && runs("pdfinfo", &["-v"])) {
        println!("cargo:rustc-cfg=has_poppler");
    }
    if all || runs("zbarimg", &["--version"]) {
        println!("cargo:rustc-cfg=has_zbar");
    }
    if all || runs("python3", &["-c", "import aiosmtpd"]) {
        println!("cargo:rustc-cfg=has_smtp_sink");
    }
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    if all || root {
        println!("cargo:rustc-cfg=can_mount");
    }
}
