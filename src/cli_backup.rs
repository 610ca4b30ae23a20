//! `pleadesk backup` and `pleadesk restore` for operators: progress on standard error, what was
//! done on standard output; exit 1 when a backup is incomplete.

use crate::backup;
use crate::cli_progress::Shown;
use crate::config::Config;
use std::path::Path;
use std::process::ExitCode;

pub fn backup(config: &Config, out: &Path) -> anyhow::Result<ExitCode> {
    let shown = Shown::on_stderr("backup");
    let made = backup::create(config, out, &shown)?;
    shown.finish();
    let m = &made.manifest;
    let lost: Vec<_> = m.losses().collect();
    println!(
        "backup written to {}: {} database (schema {}), {} files, {} bytes",
        out.display(),
        m.database.backend,
        m.database.schema_version,
        m.files.len(),
        made.bytes
    );
    let gone = m.missing.len() - lost.len();
    if gone > 0 {
        println!("{gone} files deleted with their rows after the snapshot (unattached evidence) were left out");
    }
    for l in &lost {
        println!("not in the backup: {} {}: {} ({})", l.table, l.id, l.why.text(), l.stored_path);
    }
    if !lost.is_empty() {
        eprintln!(
            "error: the backup is incomplete: {} files the database names are missing or damaged (listed above and in its manifest)",
            lost.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn restore(config: &Config, file: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let shown = Shown::on_stderr("restore");
    let done = backup::restore(config, file, force, &shown)?;
    shown.finish();
    let m = &done.manifest;
    println!(
        "restored {} (made {} by pleadesk {}): {} database (schema {}), {} files into {}",
        file.display(),
        m.created_at,
        m.pleadesk,
        m.database.backend,
        m.database.schema_version,
        m.files.len(),
        config.data_dir.display()
    );
    if let Some(old) = &done.set_aside {
        println!("the database that was there is kept as {}", old.display());
    }
    let lost = m.losses().count();
    if lost > 0 {
        println!("{lost} files were already missing when the backup was made (its manifest lists them)");
    }
    println!("next: pleadesk audit verify, then pleadesk serve (it applies any newer migrations)");
    Ok(ExitCode::SUCCESS)
}
