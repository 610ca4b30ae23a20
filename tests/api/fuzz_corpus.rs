//! Every checked-in fuzz seed and every input of a crash the fuzzer once found
//! (`fuzz/seeds/TARGET/`, `fuzz/regressions/TARGET/`) run through the fuzz harness — the very
//! functions `scripts/fuzz` fuzzes — so a fixed crash stays fixed without building the fuzzer.

#[path = "../../fuzz/src/lib.rs"]
mod harness;

use std::path::Path;

/// The files of `fuzz/{kind}/{target}/`, sorted (none when the folder does not exist).
fn inputs(kind: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let mut files: Vec<_> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    files.sort();
    files
}

#[test]
fn every_seed_and_regression_input_runs_clean() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (target, run) in harness::TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "fuzz/seeds/{target}/ has no seed");
        for file in seeds.iter().chain(&inputs("regressions", target)) {
            let data = std::fs::read(file).unwrap();
            ran += 1;
            if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
                let why = e.downcast_ref::<String>().cloned().or(e.downcast_ref::<&str>().map(|s| s.to_string()));
                failures.push(format!("{target}: {}: {}", file.display(), why.unwrap_or_default()));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {ran} inputs failed:\n{}", failures.len(), failures.join("\n"));
}
