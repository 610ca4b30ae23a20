//! The static files under `/static/…` (`PLEADESK_STATIC_DIR`: the vendored design system and
//! PleaDesk's stylesheet and icons), prepared once, on first use, for phones on slow networks:
//!
//! - the design system's stylesheet keeps only the rules whose classes the page templates use
//!   (the court's edited templates included, see [`css::trim`]);
//! - every file also answers under a content-hashed name (`pleadesk.css` →
//!   `pleadesk.3f2a9c01b2d4.css`), cached for a year as immutable; templates link to it with
//!   `{{ asset("pleadesk.css") }}`, and stylesheets' `url(…)`s are rewritten to the hashed names
//!   (so a changed font changes the stylesheet's name too). The plain name still works but is
//!   revalidated on every use (`no-cache` with an ETag);
//! - text files are compressed with gzip and brotli at their best settings once (the first time
//!   a browser accepts them) and kept; each answer is the smallest encoding the browser accepts,
//!   with `Vary: Accept-Encoding`. The best settings are slow in an unoptimised build, which is
//!   why nothing is compressed before it is asked for (a test server never pays for it).
//!
//! Files are read once per process: after changing one, restart the server.

pub mod css;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Where the files are served.
pub const PREFIX: &str = "/static/";
/// For content-hashed names: a year, never revalidated.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For plain names: may be stored, but checked (cheaply, by ETag) before each use.
pub const REVALIDATE: &str = "public, no-cache";
/// Stylesheets under this folder are trimmed to the classes the templates use.
const DESIGN_SYSTEM: &str = "uswds/";

/// One file, in each encoding worth keeping.
#[derive(Debug)]
pub struct Asset {
    /// The name as in the folder, with `/` separators: `uswds/css/uswds.min.css`.
    pub name: String,
    /// The content-hashed name: `uswds/css/uswds.min.1a2b3c4d5e6f.css`.
    pub hashed: String,
    pub content_type: &'static str,
    /// Hex SHA-256 of the identity bytes (the ETag, and the source of the hashed name).
    pub sha256: String,
    pub identity: Bytes,
    /// Whether the type is worth compressing (text; not fonts or images).
    pub compressible: bool,
    /// (gzip, brotli), made at the first request that accepts either and kept; `None` where
    /// compressing does not make the file smaller.
    compressed: OnceLock<(Option<Bytes>, Option<Bytes>)>,
}

impl Asset {
    /// The gzip and brotli bodies (compressed once, on first use, at the best settings).
    pub fn compressed(&self) -> (Option<Bytes>, Option<Bytes>) {
        if !self.compressible {
            return (None, None);
        }
        self.compressed
            .get_or_init(|| {
                let bytes = &self.identity;
                let smaller = |c: Vec<u8>| (c.len() < bytes.len()).then(|| Bytes::from(c));
                (smaller(gzip(bytes)), smaller(brotli(bytes)))
            })
            .clone()
    }
}

/// The static files of a folder, prepared on first use (the first page or file served; tests
/// that never show a page never pay for it) and kept for the life of the process.
#[derive(Debug)]
pub struct StaticFiles {
    dir: PathBuf,
    used: css::UsedClasses,
    assets: OnceLock<Assets>,
}

impl StaticFiles {
    pub fn new(dir: PathBuf, used: css::UsedClasses) -> StaticFiles {
        StaticFiles { dir, used, assets: OnceLock::new() }
    }

    pub fn get(&self) -> &Assets {
        self.assets.get_or_init(|| {
            Assets::load(&self.dir, &self.used).unwrap_or_else(|e| {
                tracing::warn!(dir = %self.dir.display(), error = %e, "PLEADESK_STATIC_DIR cannot be read: pages are served without styles");
                Assets::default()
            })
        })
    }
}

/// Every static file, by its plain and its hashed name.
#[derive(Debug, Default)]
pub struct Assets {
    by_path: HashMap<String, (Arc<Asset>, bool)>,
}

impl Assets {
    /// Reads every file under `dir` and prepares it; `used` decides what the design system's
    /// stylesheets keep.
    pub fn load(dir: &Path, used: &css::UsedClasses) -> std::io::Result<Assets> {
        let mut files = Vec::new();
        walk(dir, dir, &mut files)?;
        files.sort();
        // Stylesheets last: their url()s need the hashed names of the fonts and images.
        let (styles, others): (Vec<_>, Vec<_>) = files.into_iter().partition(|(name, _)| name.ends_with(".css"));
        let mut assets = Assets::default();
        for (name, path) in others {
            assets.insert(name, std::fs::read(path)?);
        }
        for (name, path) in styles {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: not UTF-8 text: {e}", path.display())))?;
            let text = if name.starts_with(DESIGN_SYSTEM) { css::trim(&text, used) } else { text };
            let text = css::rewrite_urls(&text, |target| {
                let resolved = resolve(&name, target)?;
                assets.by_path.get(&resolved).map(|(a, _)| format!("{PREFIX}{}", a.hashed))
            });
            assets.insert(name, text.into_bytes());
        }
        Ok(assets)
    }

    fn insert(&mut self, name: String, bytes: Vec<u8>) {
        let asset = Arc::new(prepare(name, bytes));
        self.by_path.insert(asset.hashed.clone(), (asset.clone(), true));
        self.by_path.insert(asset.name.clone(), (asset, false));
    }

    /// The address to link to: the hashed name when the file exists, else the plain one.
    pub fn url(&self, name: &str) -> String {
        let name = name.trim_start_matches('/').trim_start_matches("static/");
        match self.by_path.get(name) {
            Some((a, _)) => format!("{PREFIX}{}", a.hashed),
            None => format!("{PREFIX}{name}"),
        }
    }

    /// The file at a path under `/static/`, and whether the path was its hashed name.
    pub fn get(&self, path: &str) -> Option<(&Asset, bool)> {
        self.by_path.get(path).map(|(a, hashed)| (a.as_ref(), *hashed))
    }

    pub fn len(&self) -> usize {
        self.by_path.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    /// The answer to a GET or HEAD of `/static/{path}`.
    pub fn respond(&self, req: &HttpRequest, path: &str) -> Option<HttpResponse> {
        let (asset, hashed) = self.get(path)?;
        let wanted = choose_encoding(req);
        let (gzip, brotli) = if wanted == Encoding::Identity { (None, None) } else { asset.compressed() };
        let (body, encoding) = match (wanted, gzip, brotli) {
            (Encoding::Brotli, _, Some(br)) => (Some(br), Some("br")),
            (Encoding::Brotli | Encoding::Gzip, Some(gz), _) => (Some(gz), Some("gzip")),
            _ => (None, None),
        };
        let body = body.unwrap_or_else(|| asset.identity.clone());
        let etag = format!("\"{}{}\"", &asset.sha256[..32], encoding.map(|e| format!("-{e}")).unwrap_or_default());
        let fresh = req
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
        let mut resp = HttpResponse::build(if fresh { StatusCode::NOT_MODIFIED } else { StatusCode::OK });
        resp.insert_header((header::CACHE_CONTROL, if hashed { IMMUTABLE } else { REVALIDATE }))
            .insert_header((header::ETAG, etag));
        if asset.compressible {
            resp.insert_header((header::VARY, "Accept-Encoding"));
        }
        if fresh {
            return Some(resp.finish());
        }
        resp.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)));
        if let Some(e) = encoding {
            resp.insert_header((header::CONTENT_ENCODING, e));
        }
        Some(resp.body(body))
    }
}

/// `name` of the file a stylesheet at `from` refers to as `target` (`../fonts/x.woff2`).
fn resolve(from: &str, target: &str) -> Option<String> {
    let target = target.split(['?', '#']).next()?;
    if target.contains("://") || target.starts_with("//") {
        return None;
    }
    let mut parts: Vec<&str> = match target.strip_prefix(PREFIX) {
        Some(abs) => return Some(abs.to_string()),
        None if target.starts_with('/') => return None,
        None => from.split('/').collect(),
    };
    parts.pop(); // the stylesheet's own file name
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_name = entry.file_name();
        if file_name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type()?.is_dir() {
            walk(root, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(root) {
            let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            out.push((name, path));
        }
    }
    Ok(())
}

fn prepare(name: String, bytes: Vec<u8>) -> Asset {
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let hashed = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => format!("{stem}.{}.{ext}", &sha256[..12]),
        _ => format!("{name}.{}", &sha256[..12]),
    };
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let (content_type, compressible) = content_type(&ext);
    Asset {
        name,
        hashed,
        content_type,
        sha256,
        compressible: compressible && bytes.len() > 256,
        identity: Bytes::from(bytes),
        compressed: OnceLock::new(),
    }
}

/// The media type for a file extension, and whether compressing it is worth it (fonts, images
/// and archives are compressed already).
fn content_type(ext: &str) -> (&'static str, bool) {
    match ext {
        "css" => ("text/css; charset=utf-8", true),
        "js" => ("text/javascript; charset=utf-8", true),
        "svg" => ("image/svg+xml", true),
        "ico" => ("image/x-icon", true),
        "json" => ("application/json", true),
        "txt" | "md" => ("text/plain; charset=utf-8", true),
        "html" => ("text/html; charset=utf-8", true),
        "woff2" => ("font/woff2", false),
        "woff" => ("font/woff", false),
        "ttf" => ("font/ttf", true),
        "png" => ("image/png", false),
        "jpg" | "jpeg" => ("image/jpeg", false),
        "gif" => ("image/gif", false),
        "webp" => ("image/webp", false),
        "pdf" => ("application/pdf", false),
        _ => ("application/octet-stream", false),
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    // A window no larger than the file: the best setting stays fast for small files.
    let lgwin = (usize::BITS - bytes.len().leading_zeros()).clamp(10, 22);
    let mut out = Vec::new();
    {
        let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 11, lgwin);
        let _ = enc.write_all(bytes);
    }
    out
}

#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The best encoding the request accepts (`br` over `gzip`; `q=0` refuses one).
fn choose_encoding(req: &HttpRequest) -> Encoding {
    let mut br = false;
    let mut gz = false;
    for value in req.headers().get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
            });
            match coding.as_str() {
                "br" => br = !refused,
                "gzip" | "x-gzip" => gz = !refused,
                "*" if !refused => {
                    br = true;
                    gz = true;
                }
                _ => {}
            }
        }
    }
    if br {
        Encoding::Brotli
    } else if gz {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn references_resolve_relative_to_the_stylesheet() {
        assert_eq!(resolve("uswds/css/uswds.min.css", "../fonts/a/b.woff2").as_deref(), Some("uswds/fonts/a/b.woff2"));
        assert_eq!(resolve("pleadesk.css", "favicon.svg?v=1").as_deref(), Some("favicon.svg"));
        assert_eq!(resolve("pleadesk.css", "/static/uswds/img/x.svg").as_deref(), Some("uswds/img/x.svg"));
        assert_eq!(resolve("pleadesk.css", "../../etc/passwd"), None);
        assert_eq!(resolve("pleadesk.css", "https://example.org/x.css"), None);
    }

    #[test]
    fn hashed_names_keep_the_extension_and_change_with_the_content() {
        let a = prepare("uswds/css/uswds.min.css".into(), b"a{}".to_vec());
        let b = prepare("uswds/css/uswds.min.css".into(), b"b{}".to_vec());
        assert!(a.hashed.starts_with("uswds/css/uswds.min.") && a.hashed.ends_with(".css"), "{}", a.hashed);
        assert_ne!(a.hashed, b.hashed);
        assert_eq!(prepare("LICENSE".into(), vec![]).hashed.len(), "LICENSE.".len() + 12);
    }

    #[test]
    fn the_smallest_accepted_encoding_is_chosen() {
        let enc =
            |v: &str| choose_encoding(&TestRequest::default().insert_header(("accept-encoding", v)).to_http_request());
        assert_eq!(enc("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(enc("gzip, br;q=0"), Encoding::Gzip);
        assert_eq!(enc("identity"), Encoding::Identity);
        assert_eq!(enc("*"), Encoding::Brotli);
        assert_eq!(choose_encoding(&TestRequest::default().to_http_request()), Encoding::Identity);
    }

    #[test]
    fn text_is_compressed_and_fonts_are_not() {
        let text = "body{margin:0}\n".repeat(100).into_bytes();
        let css = prepare("a.css".into(), text.clone());
        let (gz, br) = css.compressed();
        let (gz, br) = (gz.unwrap(), br.unwrap());
        assert!(br.len() < gz.len() && gz.len() < text.len());
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut brotli::Decompressor::new(&br[..], 4096), &mut back).unwrap();
        assert_eq!(back, text);
        let font = prepare("a.woff2".into(), text);
        assert_eq!(font.compressed(), (None, None));
    }
}
