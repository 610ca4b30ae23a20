use std::io::Write;
use std::process::Command;

use super::merge_inputs::{build_pdf, expected_layout, marker, DocSpec};
use lopdf::{dictionary, Dictionary, Document, Object, StringFormat};
use pleadesk::letters::merge::{MergeError, MergeSummary, PdfMerger};

const A4: [i64; 4] = [0, 0, 595, 842];
const LETTER: [i64; 4] = [0, 0, 612, 792];
const ODD: [i64; 4] = [0, 0, 500, 700];
const TITLE: &str = "Mail run 2024-05-01 — Überblick";

fn texts(doc: usize, pages: usize) -> Vec<String> {
    (1..=pages).map(|p| marker(doc, p)).collect()
}

/// The test documents: 1, 2, 3, 1, 2 pages with mixed storage options.
fn mixed_specs() -> Vec<DocSpec> {
    let plain = DocSpec::new(texts(1, 1), A4);
    let inherited = DocSpec { inherit: true, compress: true, ..DocSpec::new(texts(2, 2), LETTER) };
    let objstm = DocSpec { object_streams: true, compress: true, ..DocSpec::new(texts(3, 3), ODD) };
    let single = DocSpec::new(texts(4, 1), A4);
    let both = DocSpec { inherit: true, object_streams: true, ..DocSpec::new(texts(5, 2), A4) };
    vec![plain, inherited, objstm, single, both]
}

fn merge(inputs: &[Vec<u8>]) -> (MergeSummary, Vec<u8>) {
    let mut merger = PdfMerger::new(Vec::new(), TITLE).unwrap();
    for input in inputs {
        merger.add(input).unwrap();
    }
    merger.finish().unwrap()
}

fn page_dict(doc: &Document, page_no: u32) -> &Dictionary {
    let id = doc.get_pages()[&page_no];
    doc.get_dictionary(id).unwrap()
}

#[test]
fn merges_mixed_documents_in_order() {
    let specs = mixed_specs();
    let inputs: Vec<Vec<u8>> = specs.iter().map(build_pdf).collect();
    let layout = expected_layout(&specs.iter().map(|s| s.texts.len()).collect::<Vec<_>>());
    assert_eq!(layout.len(), 12, "layout sanity: 1 + b + 2 + 3 + b + 1 + b + 2");

    let mut merger = PdfMerger::new(Vec::new(), TITLE).unwrap();
    for (input, spec) in inputs.iter().zip(&specs) {
        assert_eq!(merger.add(input).unwrap() as usize, spec.texts.len());
    }
    let (summary, out) = merger.finish().unwrap();
    let blanks = layout.iter().filter(|p| p.is_none()).count() as u32;
    assert_eq!(summary, MergeSummary { documents: 5, pages: layout.len() as u32, blank_pages: blanks });
    assert_eq!(blanks, 3);

    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), layout.len());
    let root = doc.catalog().unwrap().get(b"Pages").unwrap().as_reference().unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    let title = doc.get_dictionary(info).unwrap().get(b"Title").unwrap();
    assert_eq!(lopdf::decode_text_string(title).unwrap(), TITLE);

    for (i, slot) in layout.iter().enumerate() {
        let page_no = i as u32 + 1;
        let page = page_dict(&doc, page_no);
        assert_eq!(page.get(b"Parent").unwrap().as_reference().unwrap(), root);
        let media_box = page.get(b"MediaBox").expect("MediaBox on the page itself");
        let text = doc.extract_text(&[page_no]).unwrap();
        match slot {
            None => {
                assert!(!page.has(b"Contents"), "blank page {page_no} has contents");
                assert!(text.trim().is_empty(), "blank page {page_no} has text {text:?}");
                let previous = page_dict(&doc, page_no - 1).get(b"MediaBox").unwrap();
                assert_eq!(media_box, previous, "blank page {page_no} MediaBox");
            }
            Some((d, p)) => {
                let spec = &specs[d - 1];
                assert!(text.contains(&marker(*d, *p)), "page {page_no}: {text:?}");
                assert!(page.has(b"Resources"), "page {page_no} lost its Resources");
                let expected: Vec<Object> = spec.media_box.iter().map(|&v| v.into()).collect();
                assert_eq!(media_box, &Object::Array(expected), "page {page_no} MediaBox");
                if spec.inherit {
                    assert_eq!(page.get(b"Rotate").unwrap().as_i64().unwrap(), 90);
                    assert!(page.has(b"CropBox"), "page {page_no} lost its CropBox");
                }
            }
        }
    }

    // Only the output's own catalog and page tree; no copied xref or object streams.
    let types: Vec<&[u8]> = doc
        .objects
        .values()
        .filter_map(|o| match o {
            Object::Dictionary(d) => d.get_type().ok(),
            Object::Stream(s) => s.dict.get_type().ok(),
            _ => None,
        })
        .collect();
    for (kind, count) in [(&b"Pages"[..], 1), (b"Catalog", 1), (b"ObjStm", 0), (b"XRef", 0)] {
        let found = types.iter().filter(|t| **t == kind).count();
        assert_eq!(found, count, "objects of /Type /{}", String::from_utf8_lossy(kind));
    }
    // Compressed content streams were copied as they were.
    assert!(String::from_utf8_lossy(&out).contains("/FlateDecode"));

    check_xref_offsets(&out);
}

/// Every entry of the (single, classic) xref table points at `N 0 obj` for its own N,
/// and `startxref` points at the table.
fn check_xref_offsets(pdf: &[u8]) {
    let text = String::from_utf8_lossy(pdf).into_owned();
    assert!(text.ends_with("%%EOF\n"));
    let start: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
    let xref = &pdf[start..];
    assert!(xref.starts_with(b"xref\n0 "), "startxref does not point at an xref table");
    let mut lines = std::str::from_utf8(xref).unwrap().lines().skip(1);
    let size: usize = lines.next().unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    assert_eq!(lines.next().unwrap(), "0000000000 65535 f ");
    for id in 1..size {
        let entry = lines.next().unwrap();
        assert_eq!(entry.len(), 19, "entry {entry:?} (20 bytes with the newline)");
        assert!(entry.ends_with(" 00000 n "), "entry {id}: {entry:?}");
        let offset: usize = entry[..10].parse().unwrap();
        let header = format!("{id} 0 obj\n");
        assert!(pdf[offset..].starts_with(header.as_bytes()), "xref entry {id} -> {offset}");
    }
    assert_eq!(lines.next().unwrap(), "trailer");
}

/// Checks page count (pdfinfo) and per-page text (pdftotext, pages separated by form feeds).
fn check_with_poppler(pdf: &[u8], layout: &[Option<(usize, usize)>]) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let info = Command::new("pdfinfo").arg(file.path()).output().unwrap();
    assert!(info.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&info.stderr));
    assert!(info.stderr.is_empty(), "pdfinfo complained: {}", String::from_utf8_lossy(&info.stderr));
    let info = String::from_utf8_lossy(&info.stdout);
    let pages_line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    assert_eq!(pages_line.split_whitespace().nth(1).unwrap(), layout.len().to_string());
    assert!(info.contains(TITLE), "pdfinfo title: {info}");

    let text = Command::new("pdftotext").arg(file.path()).arg("-").output().unwrap();
    assert!(text.status.success());
    assert!(text.stderr.is_empty(), "pdftotext complained: {}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text.split('\x0c').collect();
    assert!(pages.len() > layout.len(), "pdftotext pages: {}", pages.len());
    for (i, slot) in layout.iter().enumerate() {
        match slot {
            None => assert!(pages[i].trim().is_empty(), "blank page {} has {:?}", i + 1, pages[i]),
            Some((d, p)) => assert_eq!(pages[i].trim(), marker(*d, *p), "page {}", i + 1),
        }
    }
}

#[test]
fn serialiser_round_trips_awkward_objects() {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let value = Object::Array(vec![
        Object::String(all_bytes.clone(), StringFormat::Literal),
        Object::String(b"a(b\\c)\r\n)(".to_vec(), StringFormat::Literal),
        Object::String(all_bytes, StringFormat::Hexadecimal),
        Object::String(vec![], StringFormat::Literal),
        Object::Real(1.5),
        Object::Real(-0.25),
        Object::Integer(-3),
        Object::Boolean(true),
        Object::Boolean(false),
        Object::Null,
        Object::Name(b"A B#C/\xE9(".to_vec()),
        Object::Array(vec![]),
        Object::Dictionary(dictionary! { "Nested" => vec![Object::Integer(1)], "Empty" => Dictionary::new() }),
    ]);
    let key = b"PleaDesk Key#1/(x)".to_vec();
    let spec = DocSpec { extra: vec![(key.clone(), value.clone())], ..DocSpec::new(texts(2, 1), A4) };
    let (_, out) = merge(&[build_pdf(&DocSpec::new(texts(1, 1), A4)), build_pdf(&spec)]);
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(page_dict(&doc, 3).get(&key).unwrap(), &value);
    check_with_poppler(&out, &expected_layout(&[1, 1]));
}

#[test]
fn bad_inputs_are_reported_by_index_and_leave_merger_consistent() {
    let good = build_pdf(&DocSpec::new(texts(1, 1), A4));
    let mut empty = Document::with_version("1.5");
    let pages_id = empty.add_object(dictionary! { "Type" => "Pages", "Kids" => vec![], "Count" => 0 });
    let catalog_id = empty.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    empty.trailer.set("Root", catalog_id);
    let mut empty_bytes = Vec::new();
    empty.save_to(&mut empty_bytes).unwrap();

    let mut merger = PdfMerger::new(Vec::new(), "errors").unwrap();
    assert_eq!(merger.add(&good).unwrap(), 1);
    let err = merger.add(b"this is not a PDF at all").unwrap_err();
    assert!(matches!(err, MergeError::Parse { index: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("document 2"), "{err}");
    let err = merger.add(&empty_bytes).unwrap_err();
    assert!(matches!(err, MergeError::NoPages { index: 3 }), "{err:?}");
    assert_eq!(err.to_string(), "document 3 has no pages");

    // Nothing was written for the rejected inputs: the merger is still consistent.
    let other = build_pdf(&DocSpec::new(texts(4, 1), A4));
    assert_eq!(merger.add(&other).unwrap(), 1);
    let (summary, out) = merger.finish().unwrap();
    assert_eq!(summary, MergeSummary { documents: 2, pages: 3, blank_pages: 1 });
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    assert!(doc.extract_text(&[3]).unwrap().contains(&marker(4, 1)));
}

#[test]
fn empty_merge_is_a_valid_pdf() {
    let (summary, out) = merge(&[]);
    assert_eq!(summary, MergeSummary { documents: 0, pages: 0, blank_pages: 0 });
    let doc = Document::load_mem(&out).unwrap();
    assert_eq!(doc.get_pages().len(), 0);
}

/// The same mixed merge read back by an independent reader: poppler's pdfinfo and pdftotext.
#[test]
#[cfg_attr(not(has_poppler), ignore = "install poppler-utils (pdfinfo, pdftotext) to run this")]
fn merged_output_reads_in_poppler() {
    let specs = mixed_specs();
    let inputs: Vec<Vec<u8>> = specs.iter().map(build_pdf).collect();
    let layout = expected_layout(&specs.iter().map(|s| s.texts.len()).collect::<Vec<_>>());
    let out = merge(&inputs).1;
    check_with_poppler(&out, &layout);
}

/// Streaming: after 2,000 documents the merger holds one offset per written object and one id
/// per page, and nothing else that grows with the documents.
#[test]
fn only_offsets_and_page_ids_are_retained() {
    const DOCS: usize = 2_000;
    let spec = DocSpec {
        texts: vec![marker(1, 1)],
        media_box: [0, 0, 612, 792],
        inherit: false,
        compress: true,
        object_streams: false,
        extra: Vec::new(),
    };
    let pdf = build_pdf(&spec);
    let objects_per_doc = {
        let mut m = PdfMerger::new(Vec::new(), TITLE).unwrap();
        let before = m.retained().0;
        m.add(&pdf).unwrap();
        m.retained().0 - before
    };
    let mut merger = PdfMerger::new(std::io::sink(), TITLE).unwrap();
    for _ in 0..DOCS {
        assert_eq!(merger.add(&pdf).unwrap(), 1);
    }
    let blanks = DOCS - 1;
    assert_eq!(merger.retained(), (2 + objects_per_doc * DOCS + blanks, DOCS + blanks));
    let (summary, _) = merger.finish().unwrap();
    assert_eq!(
        (summary.documents, summary.pages, summary.blank_pages),
        (DOCS as u32, (2 * DOCS - 1) as u32, blanks as u32)
    );
}
