//! Streaming PDF merger for the daily mail run.
//!
//! [`PdfMerger`] appends the pages of many small PDFs to one output PDF. Every input
//! is parsed with lopdf, the objects reachable from its pages are renumbered and
//! written out immediately as classic `N 0 obj … endobj` objects, and the parsed
//! document is dropped again. The merger itself retains only what the final cross
//! reference table and page tree need: one byte offset per written object and one
//! object id per output page (plus the last page's MediaBox for blank pages).
//!
//! Output object 1 is the single `/Pages` node (written by [`PdfMerger::finish`]),
//! object 2 is the Info dictionary, the catalog is the last object.

use std::collections::{HashMap, HashSet};
use std::io::{self, BufWriter, Write};

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};

/// Output object id of the single page tree node.
const PAGES_ID: u32 = 1;
/// Output object id of the Info dictionary.
const INFO_ID: u32 = 2;
/// Page attributes that may be inherited from `/Pages` nodes (ISO 32000-1, 7.7.3.4).
const INHERITABLE: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];
/// MediaBox of a blank page if the previous page had none (cannot happen for valid input).
const A4: [f32; 4] = [0.0, 0.0, 595.28, 841.89];
/// Object types of an input that are never copied (references to them become `null`).
const SKIPPED_TYPES: [&[u8]; 4] = [b"Pages", b"Catalog", b"XRef", b"ObjStm"];

/// Summary of a finished merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeSummary {
    /// Number of documents appended.
    pub documents: u32,
    /// Total pages in the output, blank pages included.
    pub pages: u32,
    /// Blank pages inserted so that every document starts on an odd page.
    pub blank_pages: u32,
}

/// Errors of the merger. `index` is the 1-based number of the [`PdfMerger::add`] call.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Writing the output failed.
    #[error("writing the merged PDF failed: {0}")]
    Io(#[from] io::Error),
    /// An input could not be parsed as a PDF.
    #[error("document {index} cannot be parsed as PDF: {source}")]
    Parse { index: u32, source: lopdf::Error },
    /// An input parsed but has no pages.
    #[error("document {index} has no pages")]
    NoPages { index: u32 },
}

/// Counts the bytes that pass through to the inner writer.
struct Counting<W: Write> {
    inner: W,
    written: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Streaming merger; see the module documentation.
pub struct PdfMerger<W: Write> {
    out: Counting<BufWriter<W>>,
    /// Byte offset of output object `n` at index `n - 1` (index 0, the Pages node, is
    /// filled in by `finish`).
    offsets: Vec<u64>,
    /// Output object ids of all pages in order: the `/Kids` of the Pages node.
    page_ids: Vec<u32>,
    /// MediaBox of the last page written, used for blank pages.
    last_media_box: Option<Object>,
    /// Number of `add` calls so far (for error messages).
    calls: u32,
    documents: u32,
    blank_pages: u32,
}

impl<W: Write> PdfMerger<W> {
    /// Writes the PDF header at once. `title` goes in the output's Info dictionary (/Title).
    pub fn new(out: W, title: &str) -> Result<Self, MergeError> {
        let mut merger = PdfMerger {
            out: Counting { inner: BufWriter::with_capacity(64 * 1024, out), written: 0 },
            offsets: vec![0], // slot of the Pages node, written last
            page_ids: Vec::new(),
            last_media_box: None,
            calls: 0,
            documents: 0,
            blank_pages: 0,
        };
        merger.out.write_all(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
        let info = dictionary! {
            "Title" => lopdf::text_string(title),
            "Producer" => Object::string_literal("PleaDesk"),
        };
        let id = merger.write_object(&Object::Dictionary(info))?;
        debug_assert_eq!(id, INFO_ID);
        Ok(merger)
    }

    /// Appends every page of one PDF (given as bytes). Each document starts on an ODD page of the
    /// output (for duplex printing): before appending, if the output so far has an odd number of
    /// pages, first append one blank page of the same MediaBox as the previous page.
    /// Returns the number of pages this document contributed (without the blank page).
    ///
    /// A parse error or a document without pages is reported before anything is written, so
    /// the merger stays consistent after such an error. After an I/O error the output is
    /// incomplete and should be discarded.
    pub fn add(&mut self, pdf: &[u8]) -> Result<u32, MergeError> {
        self.calls += 1;
        let index = self.calls;
        let parsed = Document::load_mem(pdf);
        let mut doc = parsed.map_err(|source| MergeError::Parse { index, source })?;
        let pages: Vec<ObjectId> = doc.page_iter().collect();
        let Some(&last_page) = pages.last() else {
            return Err(MergeError::NoPages { index });
        };
        for &page in &pages {
            inherit_attributes(&mut doc, page);
        }
        let media_box = media_box(&doc, last_page);

        if self.page_ids.len() % 2 == 1 {
            self.write_blank_page()?;
        }

        // Assign output ids in traversal order, then write the objects in that same order.
        let order = reachable_objects(&doc, &pages);
        let base = self.next_id();
        let ids: HashMap<ObjectId, u32> = order.iter().copied().zip(base..).collect();
        let page_set: HashSet<ObjectId> = pages.iter().copied().collect();
        for old in &order {
            // Every id in `order` exists; `Null` would merely keep the numbering in step.
            let mut object = doc.objects.remove(old).unwrap_or(Object::Null);
            renumber(&mut object, &ids);
            match &mut object {
                Object::Dictionary(dict) if page_set.contains(old) => {
                    dict.set("Parent", Object::Reference((PAGES_ID, 0)));
                }
                Object::Stream(stream) => {
                    let length = stream.content.len() as i64;
                    stream.dict.set("Length", length);
                }
                _ => {}
            }
            let written = self.write_object(&object)?;
            debug_assert_eq!(Some(&written), ids.get(old));
        }
        // `ids` holds every page: page_iter only yields existing /Type /Page dictionaries.
        let kids = pages.iter().filter_map(|p| ids.get(p));
        self.page_ids.extend(kids);
        self.last_media_box = media_box;
        self.documents += 1;
        Ok(pages.len() as u32)
    }

    /// Writes the page tree, catalog, info, xref table and trailer; returns the summary and the writer.
    pub fn finish(mut self) -> Result<(MergeSummary, W), MergeError> {
        self.offsets[0] = self.out.written;
        let count = self.page_ids.len();
        write!(self.out, "{PAGES_ID} 0 obj\n<< /Type /Pages /Count {count} /Kids [")?;
        for id in &self.page_ids {
            write!(self.out, "{id} 0 R ")?;
        }
        self.out.write_all(b"] >>\nendobj\n")?;
        let catalog = dictionary! { "Type" => "Catalog", "Pages" => Object::Reference((PAGES_ID, 0)) };
        let catalog_id = self.write_object(&Object::Dictionary(catalog))?;

        let xref_start = self.out.written;
        let size = self.offsets.len() + 1;
        write!(self.out, "xref\n0 {size}\n0000000000 65535 f \n")?;
        for offset in &self.offsets {
            writeln!(self.out, "{offset:010} 00000 n ")?;
        }
        write!(
            self.out,
            "trailer\n<< /Size {size} /Root {catalog_id} 0 R /Info {INFO_ID} 0 R >>\nstartxref\n{xref_start}\n%%EOF\n"
        )?;
        self.out.flush()?;
        let summary = MergeSummary { documents: self.documents, pages: count as u32, blank_pages: self.blank_pages };
        let writer = self.out.inner.into_inner().map_err(|e| e.into_error())?;
        Ok((summary, writer))
    }

    /// Sizes of the state retained between documents: (object offsets, page ids). Tests use it
    /// to show that nothing per document is kept but these.
    pub fn retained(&self) -> (usize, usize) {
        (self.offsets.len(), self.page_ids.len())
    }

    /// The id the next written object gets.
    fn next_id(&self) -> u32 {
        self.offsets.len() as u32 + 1
    }

    /// Writes `object` as the next indirect object, recording its offset; returns its id.
    fn write_object(&mut self, object: &Object) -> io::Result<u32> {
        let id = self.next_id();
        self.offsets.push(self.out.written);
        writeln!(self.out, "{id} 0 obj")?;
        write_direct(&mut self.out, object)?;
        self.out.write_all(b"\nendobj\n")?;
        Ok(id)
    }

    /// Appends an empty page with the MediaBox of the previous page.
    fn write_blank_page(&mut self) -> io::Result<()> {
        let a4 = || Object::Array(A4.into_iter().map(Object::Real).collect());
        let media_box = self.last_media_box.clone().unwrap_or_else(a4);
        let page = dictionary! {
            "Type" => "Page",
            "Parent" => Object::Reference((PAGES_ID, 0)),
            "MediaBox" => media_box,
            "Resources" => Dictionary::new(),
        };
        let id = self.write_object(&Object::Dictionary(page))?;
        self.page_ids.push(id);
        self.blank_pages += 1;
        Ok(())
    }
}

/// Copies inheritable attributes found on the page's ancestors onto the page itself.
fn inherit_attributes(doc: &mut Document, page: ObjectId) {
    let Ok(dict) = doc.get_dictionary(page) else {
        return;
    };
    let mut missing: Vec<&[u8]> = INHERITABLE.into_iter().filter(|k| !dict.has(k)).collect();
    let mut parent = dict.get(b"Parent").and_then(Object::as_reference).ok();
    let mut found = Vec::new();
    let mut depth = 0;
    while let Some(node_id) = parent {
        let Ok(node) = doc.get_dictionary(node_id) else {
            break;
        };
        missing.retain(|key| match node.get(key) {
            Ok(value) => {
                found.push((key.to_vec(), value.clone()));
                false
            }
            Err(_) => true,
        });
        depth += 1;
        if missing.is_empty() || depth > 256 {
            break; // done, or a cycle in the page tree
        }
        parent = node.get(b"Parent").and_then(Object::as_reference).ok();
    }
    if let Ok(dict) = doc.get_dictionary_mut(page) {
        for (key, value) in found {
            dict.set(key, value);
        }
    }
}

/// The page's MediaBox with indirect values resolved, if it has a usable one.
fn media_box(doc: &Document, page: ObjectId) -> Option<Object> {
    let dict = doc.get_dictionary(page).ok()?;
    let array = dict.get_deref(b"MediaBox", doc).ok()?.as_array().ok()?;
    let values: Option<Vec<Object>> = array.iter().map(|v| doc.dereference(v).ok().map(|(_, v)| v.clone())).collect();
    values.filter(|v| v.len() == 4).map(Object::Array)
}

/// Ids of the pages and of every object they reference (transitively), pages first.
/// Page tree nodes, catalogs, xref and object streams are not followed.
fn reachable_objects(doc: &Document, pages: &[ObjectId]) -> Vec<ObjectId> {
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut order: Vec<ObjectId> = pages.iter().copied().filter(|p| seen.insert(*p)).collect();
    let mut next = 0;
    while let Some(&id) = order.get(next) {
        next += 1;
        if let Some(object) = doc.objects.get(&id) {
            for_each_reference(object, &mut |target| {
                if is_copyable(doc, target) && seen.insert(target) {
                    order.push(target);
                }
            });
        }
    }
    order
}

/// Whether the object exists and is not of a type that must not be copied.
fn is_copyable(doc: &Document, id: ObjectId) -> bool {
    match doc.objects.get(&id) {
        None => false,
        Some(Object::Dictionary(dict) | Object::Stream(Stream { dict, .. })) => {
            !dict.get_type().is_ok_and(|t| SKIPPED_TYPES.contains(&t))
        }
        Some(_) => true,
    }
}

/// Calls `f` for every reference directly contained in `object`.
fn for_each_reference(object: &Object, f: &mut impl FnMut(ObjectId)) {
    match object {
        Object::Reference(id) => f(*id),
        Object::Array(items) => items.iter().for_each(|o| for_each_reference(o, f)),
        Object::Dictionary(dict) | Object::Stream(Stream { dict, .. }) => {
            dict.iter().for_each(|(_, o)| for_each_reference(o, f))
        }
        _ => {}
    }
}

/// Rewrites references through `ids`; references to objects not copied become `null`.
fn renumber(object: &mut Object, ids: &HashMap<ObjectId, u32>) {
    match object {
        Object::Reference(id) => *object = ids.get(id).map_or(Object::Null, |&n| (n, 0).into()),
        Object::Array(items) => items.iter_mut().for_each(|o| renumber(o, ids)),
        Object::Dictionary(dict) | Object::Stream(Stream { dict, .. }) => {
            dict.iter_mut().for_each(|(_, o)| renumber(o, ids))
        }
        _ => {}
    }
}

/// Serialises one direct object (lopdf 0.44 keeps its own object writer private).
/// Tokens are always separated by a space, so no delimiter analysis is needed.
fn write_direct(w: &mut impl Write, object: &Object) -> io::Result<()> {
    match object {
        Object::Null => w.write_all(b"null"),
        Object::Boolean(b) => w.write_all(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => write!(w, "{i}"),
        // Display for f32 never uses exponent notation; PDF has no NaN/infinity.
        Object::Real(r) if r.is_finite() => write!(w, "{r}"),
        Object::Real(_) => w.write_all(b"0"),
        Object::Name(name) => write_name(w, name),
        Object::String(bytes, StringFormat::Literal) => {
            w.write_all(b"(")?;
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => w.write_all(&[b'\\', b])?,
                    b'\r' => w.write_all(b"\\r")?,
                    b'\n' => w.write_all(b"\\n")?,
                    _ => w.write_all(&[b])?,
                }
            }
            w.write_all(b")")
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            w.write_all(b"<")?;
            for b in bytes {
                write!(w, "{b:02X}")?;
            }
            w.write_all(b">")
        }
        Object::Array(items) => {
            w.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    w.write_all(b" ")?;
                }
                write_direct(w, item)?;
            }
            w.write_all(b"]")
        }
        Object::Dictionary(dict) => write_dictionary(w, dict),
        Object::Stream(stream) => {
            write_dictionary(w, &stream.dict)?;
            w.write_all(b"\nstream\n")?;
            w.write_all(&stream.content)?;
            w.write_all(b"\nendstream")
        }
        Object::Reference((id, generation)) => write!(w, "{id} {generation} R"),
    }
}

fn write_dictionary(w: &mut impl Write, dict: &Dictionary) -> io::Result<()> {
    w.write_all(b"<<")?;
    for (key, value) in dict.iter() {
        w.write_all(b" ")?;
        write_name(w, key)?;
        w.write_all(b" ")?;
        write_direct(w, value)?;
    }
    w.write_all(b" >>")
}

/// Writes `/name`, escaping delimiters, whitespace, `#` and non-printable bytes as `#XX`.
fn write_name(w: &mut impl Write, name: &[u8]) -> io::Result<()> {
    w.write_all(b"/")?;
    for &b in name {
        if (b'!'..=b'~').contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            w.write_all(&[b])?;
        } else {
            write!(w, "#{b:02X}")?;
        }
    }
    Ok(())
}
