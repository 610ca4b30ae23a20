//! Static files for phones on slow networks, through the real server: the pages link to
//! content-hashed names cached for a year, text is served brotli- or gzip-compressed as the
//! browser accepts, and the design system's stylesheet keeps only what the templates use.
//! (No database is involved: these run on SQLite only.)

use crate::helpers::{spawn, Backend, TestApp};
use sha2::{Digest, Sha256};
use std::io::Read;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn header(resp: &reqwest::Response, name: &str) -> String {
    resp.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// The `/static/…` addresses the start page links to.
async fn linked_assets(app: &TestApp, lang: &str) -> Vec<String> {
    let html =
        reqwest::Client::new().get(app.url(&format!("/?lang={lang}"))).send().await.unwrap().text().await.unwrap();
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with("/static/"))
        .map(String::from)
        .collect()
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut req = reqwest::Client::new().get(app.url(path));
    if let Some(e) = accept_encoding {
        req = req.header("accept-encoding", e);
    }
    req.send().await.unwrap()
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).expect("valid brotli");
    out
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("valid gzip");
    out
}

#[actix_web::test]
async fn pages_link_hashed_assets_that_are_compressed_and_cached_for_a_year() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let links = linked_assets(&app, "en").await;
    for wanted in ["/static/uswds/css/uswds.min.", "/static/pleadesk.", "/static/favicon.", "/static/favicon."] {
        assert!(links.iter().any(|l| l.starts_with(wanted)), "the start page links {wanted}…: {links:?}");
    }
    assert_eq!(links.len(), 4, "two stylesheets and two icons: {links:?}");
    assert_eq!(linked_assets(&app, "es").await, links, "the same files in Spanish");
    for link in &links {
        let (stem, ext) = link.rsplit_once('.').unwrap();
        let hash = stem.rsplit_once('.').map(|(_, h)| h).unwrap_or("");
        assert!(hash.len() == 12 && hash.bytes().all(|c| c.is_ascii_hexdigit()), "{link}: a content-hashed name");

        let plain = get(&app, link, None).await;
        assert_eq!(plain.status().as_u16(), 200, "{link}");
        assert_eq!(header(&plain, "cache-control"), IMMUTABLE, "{link}");
        assert_eq!(header(&plain, "content-encoding"), "", "{link}: identity when nothing is accepted");
        let identity = plain.bytes().await.unwrap().to_vec();
        assert_eq!(&hex::encode(Sha256::digest(&identity))[..12], hash, "{link}: the name is the content's hash");
        if ext == "ico" {
            assert_eq!(&identity[..4], &[0, 0, 1, 0], "{link}: an ICO file");
            continue;
        }

        let br = get(&app, link, Some("gzip, deflate, br, zstd")).await;
        assert_eq!(header(&br, "content-encoding"), "br", "{link}");
        assert_eq!(header(&br, "vary"), "Accept-Encoding", "{link}");
        assert_eq!(header(&br, "cache-control"), IMMUTABLE, "{link}");
        let ct = header(&br, "content-type");
        assert!(ct.starts_with(if ext == "css" { "text/css" } else { "image/svg+xml" }), "{link}: {ct}");
        let br = br.bytes().await.unwrap();
        assert!(br.len() < identity.len(), "{link}: compressed {} < {}", br.len(), identity.len());
        assert_eq!(unbrotli(&br), identity, "{link}: brotli decodes to the file");

        let gz = get(&app, link, Some("gzip")).await;
        assert_eq!(header(&gz, "content-encoding"), "gzip", "{link}");
        assert_eq!(gunzip(&gz.bytes().await.unwrap()), identity, "{link}: gzip decodes to the file");
    }
}

#[actix_web::test]
async fn plain_names_still_work_but_are_revalidated() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let resp = get(&app, "/static/pleadesk.css", Some("br")).await;
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(header(&resp, "cache-control"), "public, no-cache");
    let etag = header(&resp, "etag");
    assert!(etag.starts_with('"') && etag.ends_with("-br\""), "an ETag for the brotli body: {etag}");
    let again = reqwest::Client::new()
        .get(app.url("/static/pleadesk.css"))
        .header("accept-encoding", "br")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304, "unchanged: not sent again");
    assert!(again.bytes().await.unwrap().is_empty());
    let ico = get(&app, "/favicon.ico", None).await;
    assert_eq!(ico.status().as_u16(), 200, "/favicon.ico for browsers that ask without a link");
    assert_eq!(header(&ico, "content-type"), "image/x-icon");
}

/// Class names in the `class="…"` attributes of the shipped page templates.
fn template_classes() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/pages");
    let mut classes = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).unwrap();
            for attr in text.split("class=\"").skip(1) {
                let value = attr.split('"').next().unwrap_or("");
                // Drop template expressions: `usa-input{% if w %} usa-input--{{ w }}{% endif %}`.
                let mut plain = String::new();
                let mut rest = value;
                while let Some(at) = rest.find('{') {
                    plain.push_str(&rest[..at]);
                    plain.push(' ');
                    let close = if rest[at..].starts_with("{{") { "}}" } else { "%}" };
                    rest = rest[at..].find(close).map(|e| &rest[at + e + 2..]).unwrap_or("");
                }
                plain.push_str(rest);
                classes.extend(plain.split_whitespace().filter(|c| !c.ends_with('-')).map(String::from));
            }
        }
    }
    classes.sort();
    classes.dedup();
    classes
}

/// Whether a minified stylesheet has a rule for `.class` on its own (a selector that starts with
/// it and names no other element: `.usa-button{`, `.usa-button:hover,`).
fn defines(css: &str, class: &str) -> bool {
    let needle = format!(".{}", class.replace(':', "\\:"));
    css.match_indices(&needle).any(|(at, _)| {
        let before = css[..at].chars().next_back();
        let after = css[at + needle.len()..].chars().next();
        matches!(before, None | Some('}' | '{' | ',' | ';')) && matches!(after, Some('{' | ',' | ':' | '['))
    })
}

#[actix_web::test]
async fn the_design_system_is_trimmed_to_the_classes_the_pages_use() {
    let app = spawn(Backend::Sqlite, &[]).await;
    let full = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/static/uswds/css/uswds.min.css")).unwrap();
    let link = linked_assets(&app, "en").await.into_iter().find(|l| l.contains("uswds")).unwrap();
    let resp = get(&app, &link, Some("br")).await;
    let served = String::from_utf8(unbrotli(&resp.bytes().await.unwrap())).unwrap();
    assert!(served.len() * 4 < full.len(), "trimmed: {} bytes of {}", served.len(), full.len());

    let classes = template_classes();
    assert!(classes.iter().any(|c| c == "usa-button") && classes.len() > 20, "classes found: {classes:?}");
    let missing: Vec<_> = classes.iter().filter(|c| defines(&full, c) && !defines(&served, c)).collect();
    assert!(missing.is_empty(), "classes the templates use but the trimmed stylesheet lost: {missing:?}");
    assert!(defines(&full, "usa-accordion") && !defines(&served, "usa-accordion"), "unused components are left out");
    assert!(served.contains("@font-face"), "the fonts stay declared (a browser fetches only those it uses)");

    // Fonts and images are referenced by hashed names, and served for a year.
    let urls: Vec<&str> = served.split("url(").skip(1).filter_map(|s| s.split(')').next()).collect();
    // Not `url()` (an empty one, in `@supports (mask:url())`) nor inline `data:` images.
    let files: Vec<&str> =
        urls.iter().copied().filter(|u| !u.is_empty() && !u.trim_start_matches('"').starts_with("data:")).collect();
    assert!(files.iter().any(|u| u.ends_with(".woff2")), "fonts are referenced: {files:?}");
    for url in files {
        let url = url.trim_matches(|c| c == '"' || c == '\'');
        assert!(url.starts_with("/static/uswds/"), "{url}: an absolute, hashed address");
        let resp = get(&app, url, Some("br")).await;
        assert_eq!(resp.status().as_u16(), 200, "{url}");
        assert_eq!(header(&resp, "cache-control"), IMMUTABLE, "{url}");
    }
}
