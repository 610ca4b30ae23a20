//! Reading an archive into a staging folder that `serve` never reads, checking every entry
//! against the manifest: nothing is placed until the whole archive has been read and every
//! checksum matched. A damaged, cut-short or foreign file is an error that says so.

use super::files::{self, DATA};
use super::manifest::{self, Manifest};
use crate::progress::Progress;
use crate::storage::chunks::Hashing;
use flate2::read::GzDecoder;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

/// The manifest is small; anything larger is not one.
const MANIFEST_LIMIT: u64 = 256 * 1024 * 1024;

/// Unpacks `archive` into `staging` (an empty folder) and returns its manifest, once every entry
/// it lists is there with its checksum and size, and nothing else is.
pub fn unpack(archive: &Path, staging: &Path, progress: &dyn Progress) -> anyhow::Result<Manifest> {
    let file = File::open(archive).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", archive.display()))?;
    progress.stage("reading the archive (bytes)", Some(file.metadata()?.len()));
    let counted = Counted { inner: file, progress };
    let mut tar = tar::Archive::new(GzDecoder::new(BufReader::new(counted)));
    let damaged = |e: io::Error| {
        anyhow::anyhow!(
            "{} is damaged, cut short or not a PleaDesk backup ({e}); nothing was restored",
            archive.display()
        )
    };
    let mut seen: BTreeMap<String, (String, u64)> = BTreeMap::new();
    let mut manifest_bytes = None;
    for entry in tar.entries().map_err(damaged)? {
        let mut entry = entry.map_err(damaged)?;
        let name = entry.path().map_err(damaged)?.to_str().map(str::to_string).unwrap_or_default();
        let known = name == manifest::NAME || name.starts_with("database/") || name.starts_with(DATA);
        if entry.header().entry_type() != tar::EntryType::Regular || !files::is_plain(&name) || !known {
            anyhow::bail!(
                "{} holds an entry '{name}' that no PleaDesk backup has; nothing was restored",
                archive.display()
            );
        }
        if seen.contains_key(&name) || (name == manifest::NAME && manifest_bytes.is_some()) {
            anyhow::bail!("{} holds '{name}' twice; nothing was restored", archive.display());
        }
        if name == manifest::NAME {
            let mut bytes = Vec::new();
            (&mut entry).take(MANIFEST_LIMIT).read_to_end(&mut bytes).map_err(damaged)?;
            manifest_bytes = Some(bytes);
            continue;
        }
        let dest = staging.join(&name);
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut out = Hashing::new(File::create(&dest)?);
        io::copy(&mut entry, &mut out).map_err(damaged)?;
        let (sha, size, file) = out.finish();
        file.sync_all()?;
        seen.insert(name, (sha, size));
    }
    // The tar ends before gzip's trailer: read it too, so that its checksum is checked.
    io::copy(&mut tar.into_inner(), &mut io::sink()).map_err(damaged)?;

    let bytes = manifest_bytes.ok_or_else(|| {
        anyhow::anyhow!(
            "{} has no manifest: it is cut short or not a PleaDesk backup; nothing was restored",
            archive.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow::anyhow!("the manifest of {} cannot be read ({e}); nothing was restored", archive.display())
    })?;
    if manifest.format != manifest::FORMAT {
        anyhow::bail!(
            "{} is in backup format {}, which this pleadesk ({}) does not read; nothing was restored",
            archive.display(),
            manifest.format,
            env!("CARGO_PKG_VERSION")
        );
    }
    check(&manifest, seen).map_err(|e| anyhow::anyhow!("{}: {e}; nothing was restored", archive.display()))?;
    Ok(manifest)
}

/// Every entry of the manifest present with its checksum and size, and no other.
fn check(manifest: &Manifest, mut seen: BTreeMap<String, (String, u64)>) -> Result<(), String> {
    for e in manifest.entries() {
        match seen.remove(&e.path) {
            None => return Err(format!("{} is listed in the manifest but not in the archive", e.path)),
            Some((sha, size)) if sha != e.sha256 || size != e.size => {
                return Err(format!("{} does not match its checksum in the manifest: the archive is damaged", e.path))
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = seen.keys().next() {
        return Err(format!("{extra} is in the archive but not in its manifest"));
    }
    if let Some(m) = manifest.missing.iter().find(|m| !m.path.starts_with(DATA) || !files::is_plain(&m.path)) {
        return Err(format!("the manifest names a place '{}' outside the data folder", m.path));
    }
    let listed: std::collections::BTreeSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    match manifest.references.iter().find(|r| !listed.contains(r.path.as_str())) {
        Some(r) => Err(format!("the manifest names {} for {} {} but does not list it", r.path, r.table, r.id)),
        None => Ok(()),
    }
}

/// Reports the compressed bytes read as progress.
struct Counted<'a> {
    inner: File,
    progress: &'a dyn Progress,
}

impl Read for Counted<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}
