//! Builds small input PDFs with lopdf for the merger tests.
#![allow(dead_code)]

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, SaveOptions, Stream};

/// How one test document is built.
#[derive(Clone, Debug)]
pub struct DocSpec {
    /// Text drawn on each page (one entry per page).
    pub texts: Vec<String>,
    pub media_box: [i64; 4],
    /// Put Resources on the root Pages node, MediaBox/CropBox/Rotate on an
    /// intermediate Pages node, nothing of that on the pages themselves.
    pub inherit: bool,
    /// Flate-compress the content streams.
    pub compress: bool,
    /// Save with object streams and a cross-reference stream.
    pub object_streams: bool,
    /// Extra entries put on the first page dictionary (for serialiser round trips).
    pub extra: Vec<(Vec<u8>, Object)>,
}

impl DocSpec {
    pub fn new(texts: Vec<String>, media_box: [i64; 4]) -> Self {
        DocSpec { texts, media_box, inherit: false, compress: false, object_streams: false, extra: vec![] }
    }
}

/// Marker text for page `page` (1-based) of document `doc` (1-based).
pub fn marker(doc: usize, page: usize) -> String {
    format!("[Letter {doc} page {page}]")
}

pub fn build_pdf(spec: &DocSpec) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let root_id = doc.new_object_id();
    let middle_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let media_box: Vec<Object> = spec.media_box.iter().map(|&v| v.into()).collect();

    let parent = if spec.inherit { middle_id } else { root_id };
    let mut kids = Vec::new();
    for (i, text) in spec.texts.iter().enumerate() {
        // Some repetitive ruling so that Flate compression pays off.
        let mut operations: Vec<Operation> = (0..20)
            .flat_map(|k| {
                let y = Object::Integer(100 + 10 * k);
                [
                    Operation::new("m", vec![72.into(), y.clone()]),
                    Operation::new("l", vec![500.into(), y]),
                    Operation::new("S", vec![]),
                ]
            })
            .collect();
        operations.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![72.into(), 500.into()]),
            Operation::new("Tj", vec![Object::string_literal(text.as_str())]),
            Operation::new("ET", vec![]),
        ]);
        let content = Content { operations };
        let mut stream = Stream::new(dictionary! {}, content.encode().unwrap());
        if spec.compress {
            stream.compress().unwrap();
            assert!(stream.dict.has(b"Filter"), "content stream should be compressed");
        }
        let content_id = doc.add_object(stream);
        let mut page = dictionary! { "Type" => "Page", "Parent" => parent, "Contents" => content_id };
        if !spec.inherit {
            page.set("Resources", resources_id);
            page.set("MediaBox", media_box.clone());
        }
        if i == 0 {
            for (key, value) in &spec.extra {
                page.set(key.clone(), value.clone());
            }
        }
        kids.push(Object::Reference(doc.add_object(page)));
    }

    let count = kids.len() as i64;
    if spec.inherit {
        doc.objects.insert(
            middle_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Parent" => root_id, "Kids" => kids, "Count" => count,
                "MediaBox" => media_box.clone(), "CropBox" => media_box, "Rotate" => 90,
            }),
        );
        doc.objects.insert(
            root_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![Object::Reference(middle_id)], "Count" => count,
                "Resources" => resources_id,
            }),
        );
    } else {
        doc.objects
            .insert(root_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    }
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => root_id });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! { "Title" => Object::string_literal("input") });
    doc.trailer.set("Info", info_id);

    let mut bytes = Vec::new();
    if spec.object_streams {
        let options = SaveOptions::builder().use_object_streams(true).use_xref_streams(true).build();
        doc.save_with_options(&mut bytes, options).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/ObjStm"), "input should contain an object stream");
        assert!(text.contains("/XRef"), "input should contain an xref stream");
    } else {
        doc.save_to(&mut bytes).unwrap();
    }
    bytes
}

/// Expected output layout: `None` for a blank page, `Some((doc, page))` (1-based) otherwise.
/// Computed independently of the merger: a document always starts on an odd page.
pub fn expected_layout(page_counts: &[usize]) -> Vec<Option<(usize, usize)>> {
    let mut layout = Vec::new();
    for (d, &n) in page_counts.iter().enumerate() {
        if layout.len() % 2 == 1 {
            layout.push(None);
        }
        layout.extend((1..=n).map(|p| Some((d + 1, p))));
    }
    layout
}
