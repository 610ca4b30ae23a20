//! Where each stored file lives inside a data folder, and where the file a row names is on this
//! node.
//!
//! A row records the path its writer stored the file at (in that node's data folder). Every path
//! the service makes ends in a tail that names the file by kind and id or checksum
//! (`letters/0001/letter-1042.pdf`, `scans/ab/<sha256>.pdf`, `evidence/ab/<sha256>.png`, or
//! `elsewhere/<table>/<id>/<name>` where a restore puts a file that was outside the data folder),
//! so [`resolve`] reads any row's file by that tail inside this node's data folder: nodes with
//! different data folders read the same rows, and rows written before there were several nodes
//! need no migration.

use std::path::{Component, Path, PathBuf};

/// A letter's PDF, relative to the data folder.
pub fn letter(id: i64) -> PathBuf {
    Path::new("letters").join(format!("{:04}", id / 1000)).join(format!("letter-{id}.pdf"))
}

/// A scan (`scans`) or an evidence file (`evidence`) with checksum `sha256` and extension `ext`,
/// relative to the data folder.
pub fn document(folder: &str, sha256: &str, ext: &str) -> PathBuf {
    Path::new(folder).join(sha256.get(..2).unwrap_or("00")).join(format!("{sha256}.{ext}"))
}

/// Where the file a row records as `recorded` is in the data folder `data_dir`: its place by the
/// layout above when `recorded` ends in one (whatever data folder it was recorded in), else
/// `recorded` inside `data_dir` when relative, else `recorded` itself (an absolute path the service
/// did not make).
pub fn resolve(data_dir: &Path, recorded: &str) -> PathBuf {
    let path = Path::new(recorded);
    match known_tail(path) {
        Some(tail) => data_dir.join(tail),
        None if path.is_relative() => data_dir.join(path),
        None => path.to_path_buf(),
    }
}

/// The end of `path` that names a stored file by the layout: `letters/NNNN/letter-<id>.pdf`,
/// `scans|evidence/xx/<sha256>.<ext>`, or `elsewhere/<table>/<id>/<name>` (where a restore puts a
/// file that was outside the data folder).
fn known_tail(path: &Path) -> Option<PathBuf> {
    let parts: Vec<&str> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect();
    let last = |n: usize| parts.len().checked_sub(n).map(|i| &parts[i..]);
    if let Some([top, table, id, _name]) = last(4) {
        if *top == "elsewhere" && ["letters", "documents"].contains(table) && id.parse::<i64>().is_ok() {
            return Some(last(4)?.iter().collect());
        }
    }
    let [folder, sub, name] = last(3)? else { return None };
    let known = match *folder {
        "letters" => {
            let id = name.strip_prefix("letter-").and_then(|n| n.strip_suffix(".pdf")).and_then(|n| n.parse().ok());
            id.is_some_and(|id: i64| *sub == format!("{:04}", id / 1000))
        }
        "scans" | "evidence" => {
            let stem = name.split_once('.').map_or(*name, |(s, _)| s);
            stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && stem.get(..2) == Some(*sub)
        }
        _ => false,
    };
    known.then(|| last(3).map(|p| p.iter().collect()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_path_is_read_inside_this_nodes_data_folder() {
        let here = Path::new("/srv/b");
        let sha = "ab".repeat(32);
        assert_eq!(resolve(here, "letters/0001/letter-1042.pdf"), here.join("letters/0001/letter-1042.pdf"));
        assert_eq!(resolve(here, "/srv/a/letters/0001/letter-1042.pdf"), here.join(letter(1042)));
        let scan = format!("/var/lib/other/scans/ab/{sha}.pdf");
        assert_eq!(resolve(here, &scan), here.join(document("scans", &sha, "pdf")));
        let evidence = format!("/x/evidence/ab/{sha}.png");
        assert_eq!(resolve(here, &evidence), here.join(document("evidence", &sha, "png")));
        let restored = "/srv/a/elsewhere/letters/7/letter-7.pdf";
        assert_eq!(resolve(here, restored), here.join("elsewhere/letters/7/letter-7.pdf"));
        // Not the layout: a letter in the wrong thousand, a checksum in the wrong folder.
        assert_eq!(
            resolve(here, "/srv/a/letters/0002/letter-1042.pdf"),
            Path::new("/srv/a/letters/0002/letter-1042.pdf")
        );
        let wrong = format!("/srv/a/scans/cd/{sha}.pdf");
        assert_eq!(resolve(here, &wrong), Path::new(&wrong));
        assert_eq!(resolve(here, "print-runs/run.pdf"), here.join("print-runs/run.pdf"));
    }
}
