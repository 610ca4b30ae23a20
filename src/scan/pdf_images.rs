//! The page images of a scanned PDF, read the way scanners write them: one image XObject per
//! page, compressed as JPEG (DCTDecode), Flate (raw or with PNG/TIFF predictors) or CCITT fax
//! (Group 4, or Group 3 one-dimensional). Vector pages (a PDF made on a computer) have no image
//! and are reported as unreadable pages, as are encodings PleaDesk does not read (JBIG2, JPEG 2000).

use super::raster::{check_size, decode_picture, luma, PageError, MAX_PIXELS};
use image::GrayImage;
use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use std::io::Read;

fn unreadable(e: impl std::fmt::Display) -> PageError {
    PageError::Unreadable(e.to_string())
}

/// The most one object stream or cross-reference stream may inflate to as the PDF is opened.
/// They hold only the file's small dictionaries (a scan's page tree is a few kilobytes a page), so
/// more is a decompression bomb: such a stream is left out, and what was in it is missing.
pub const MAX_INFLATED_OBJECTS: usize = 16 * 1024 * 1024;

/// The largest colour palette: 256 entries of at most 4 components.
const MAX_PALETTE: usize = 256 * 4;

/// Opens a PDF; `Err` when it is not one PleaDesk can read at all (damaged, encrypted).
pub fn open(bytes: &[u8]) -> Result<Document, String> {
    let options = LoadOptions { max_decompressed_size: Some(MAX_INFLATED_OBJECTS), ..LoadOptions::default() };
    let doc = Document::load_mem_with_options(bytes, options).map_err(|e| format!("the PDF could not be read: {e}"))?;
    if doc.is_encrypted() {
        return Err("the PDF is encrypted; scan without a password".into());
    }
    Ok(doc)
}

/// Decodes the image of every page in order, handing each to `visit` (which returns `false` to
/// stop). Returns how many pages the PDF has.
pub fn pages(doc: &Document, visit: &mut dyn FnMut(Result<GrayImage, PageError>) -> bool) -> u32 {
    let pages = doc.get_pages();
    for id in pages.values() {
        if !visit(page_image(doc, *id)) {
            break;
        }
    }
    pages.len() as u32
}

fn page_image(doc: &Document, page: ObjectId) -> Result<GrayImage, PageError> {
    let (direct, inherited) = doc.get_page_resources(page).map_err(unreadable)?;
    let mut dicts: Vec<&Dictionary> = direct.into_iter().collect();
    dicts.extend(inherited.iter().filter_map(|id| doc.get_dictionary(*id).ok()));
    // The largest image on the page is the scan (a scanner may add a small logo or none).
    let mut best: Option<(u64, &lopdf::Stream)> = None;
    for resources in dicts {
        let Ok(xobjects) = resources.get(b"XObject").and_then(|o| doc.dereference(o)).and_then(|(_, o)| o.as_dict())
        else {
            continue;
        };
        for (_, value) in xobjects.iter() {
            let Ok((_, Object::Stream(stream))) = doc.dereference(value) else { continue };
            if !matches!(stream.dict.get(b"Subtype").and_then(Object::as_name), Ok(b"Image")) {
                continue;
            }
            // A negative or absurd size is refused when the image is decoded; here it only must
            // not overflow.
            let side = |key: &[u8]| int(doc, &stream.dict, key).unwrap_or(0).max(0) as u64;
            let area = side(b"Width").saturating_mul(side(b"Height"));
            if best.is_none_or(|(best_area, _)| area > best_area) {
                best = Some((area, stream));
            }
        }
    }
    let (_, stream) = best.ok_or_else(|| unreadable("the page has no scanned image"))?;
    decode_image(doc, stream)
}

fn int(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<i64> {
    dict.get(key).ok().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_i64().ok())
}

fn names(doc: &Document, obj: Option<&Object>) -> Vec<Vec<u8>> {
    let Some(obj) = obj.and_then(|o| doc.dereference(o).ok()).map(|(_, o)| o) else { return vec![] };
    match obj {
        Object::Name(n) => vec![n.clone()],
        Object::Array(items) => items.iter().filter_map(|o| o.as_name().ok().map(<[u8]>::to_vec)).collect(),
        _ => vec![],
    }
}

/// The decode parameters of the last filter (the one that yields pixels).
fn parms<'a>(doc: &'a Document, dict: &'a Dictionary) -> Option<&'a Dictionary> {
    let obj = dict.get(b"DecodeParms").or_else(|_| dict.get(b"DP")).ok()?;
    match doc.dereference(obj).ok()?.1 {
        Object::Dictionary(d) => Some(d),
        Object::Array(items) => items.last().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_dict().ok()),
        _ => None,
    }
}

fn decode_image(doc: &Document, stream: &lopdf::Stream) -> Result<GrayImage, PageError> {
    let dict = &stream.dict;
    let (w, h) = (int(doc, dict, b"Width").unwrap_or(0), int(doc, dict, b"Height").unwrap_or(0));
    if w <= 0 || h <= 0 {
        return Err(unreadable("the page image has no size"));
    }
    check_size(w as u64, h as u64)?;
    let (w, h) = (w as u32, h as u32);
    let filters = names(doc, dict.get(b"Filter").or_else(|_| dict.get(b"F")).ok());
    let filters: Vec<&[u8]> = filters.iter().map(Vec::as_slice).collect();
    let mut page = match filters.as_slice() {
        [b"DCTDecode"] => decode_picture(&stream.content, image::ImageFormat::Jpeg)?,
        [b"FlateDecode", b"DCTDecode"] => {
            decode_picture(&inflate(&stream.content, MAX_PIXELS as usize * 4)?, image::ImageFormat::Jpeg)?
        }
        [b"CCITTFaxDecode"] => fax(&stream.content, w, h, parms(doc, dict))?,
        [b"FlateDecode"] => raw(doc, dict, &stream.content, w, h, true)?,
        [] => raw(doc, dict, &stream.content, w, h, false)?,
        other => {
            let list: Vec<String> = other.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
            return Err(PageError::Unreadable(format!("images compressed with {} are not read", list.join(" + "))));
        }
    };
    if page.dimensions() != (w, h) {
        return Err(unreadable("the page image's size differs from what the PDF says"));
    }
    // A /Decode [1 0] array inverts grey and 1-bit images.
    if let Ok(Object::Array(d)) = dict.get(b"Decode").and_then(|o| doc.dereference(o)).map(|(_, o)| o) {
        let first = d.first().and_then(|o| o.as_float().ok().or_else(|| o.as_i64().ok().map(|v| v as f32)));
        if first.is_some_and(|v| v > 0.5) {
            image::imageops::invert(&mut page);
        }
    }
    Ok(page)
}

/// Inflates at most `limit` bytes (a stream that inflates to more is a bomb, or damaged).
fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, PageError> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::ZlibDecoder::new(data).take(limit as u64 + 1);
    if let Err(e) = decoder.read_to_end(&mut out) {
        // A scanner that cut the stream short still leaves the rows before the cut.
        if out.is_empty() {
            return Err(unreadable(format!("the page image cannot be inflated: {e}")));
        }
    }
    if out.len() > limit {
        return Err(PageError::TooLarge { width: 0, height: 0 });
    }
    Ok(out)
}

/// A palette of grey levels, for an /Indexed colour space.
type Palette = Vec<u8>;

/// Colour space → (components, palette for /Indexed).
fn color_space(doc: &Document, dict: &Dictionary) -> Result<(usize, Option<Palette>), PageError> {
    let Ok((_, cs)) = dict.get(b"ColorSpace").and_then(|o| doc.dereference(o)) else {
        return Ok((1, None)); // an image mask or a bare 1-bit image
    };
    let named = |n: &[u8]| -> Option<usize> {
        match n {
            b"DeviceGray" | b"CalGray" | b"G" => Some(1),
            b"DeviceRGB" | b"CalRGB" | b"RGB" => Some(3),
            b"DeviceCMYK" | b"CMYK" => Some(4),
            _ => None,
        }
    };
    let unsupported = || unreadable("the page image's colour space is not read");
    match cs {
        Object::Name(n) => named(n).map(|c| (c, None)).ok_or_else(unsupported),
        Object::Array(a) => match a.first().and_then(|o| o.as_name().ok()) {
            Some(b"ICCBased") => {
                let stream = a.get(1).and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_stream().ok());
                // An ICC profile has 1, 3 or 4 components; any other count would size the rows
                // of samples from a number the file chose.
                match stream.and_then(|s| int(doc, &s.dict, b"N")).unwrap_or(3) {
                    n @ (1 | 3 | 4) => Ok((n as usize, None)),
                    _ => Err(unsupported()),
                }
            }
            Some(b"CalGray" | b"CalRGB") => {
                named(a[0].as_name().unwrap_or(b"")).map(|c| (c, None)).ok_or_else(unsupported)
            }
            Some(b"Indexed" | b"I") => {
                let base = a.get(1).and_then(|o| doc.dereference(o).ok()).map(|(_, o)| o);
                let base_n = match base {
                    Some(Object::Name(n)) => named(n).ok_or_else(unsupported)?,
                    Some(Object::Array(b)) if b.first().and_then(|o| o.as_name().ok()) == Some(b"ICCBased") => 3,
                    _ => return Err(unsupported()),
                };
                let lookup = match a.get(3).and_then(|o| doc.dereference(o).ok()).map(|(_, o)| o) {
                    Some(Object::String(s, _)) => s.clone(),
                    Some(Object::Stream(s)) => {
                        s.decompressed_content_with_limit(MAX_PALETTE).map_err(|_| unsupported())?
                    }
                    _ => return Err(unsupported()),
                };
                let palette = lookup.chunks(base_n).map(|c| grey_of(c, base_n)).collect();
                Ok((1, Some(palette)))
            }
            _ => Err(unsupported()),
        },
        _ => Err(unsupported()),
    }
}

fn grey_of(px: &[u8], components: usize) -> u8 {
    match (components, px) {
        (3, [r, g, b, ..]) => luma(*r, *g, *b),
        (4, [c, m, y, k, ..]) => {
            let ink = (u32::from(*c) * 3 + u32::from(*m) * 6 + u32::from(*y)) / 10 + u32::from(*k);
            255u32.saturating_sub(ink) as u8
        }
        (_, [g, ..]) => *g,
        _ => 255,
    }
}

/// Uncompressed or Flate samples (with the PNG or TIFF predictor undone) → grey.
fn raw(doc: &Document, dict: &Dictionary, data: &[u8], w: u32, h: u32, flate: bool) -> Result<GrayImage, PageError> {
    let bpc = int(doc, dict, b"BitsPerComponent").unwrap_or(1) as usize;
    if !matches!(bpc, 1 | 2 | 4 | 8 | 16) {
        return Err(unreadable("the page image's bits per component is not read"));
    }
    let (n, palette) = color_space(doc, dict)?;
    let (wu, hu) = (w as usize, h as usize);
    let row = (wu * n * bpc).div_ceil(8);
    let p = parms(doc, dict);
    let predictor = p.and_then(|p| int(doc, p, b"Predictor")).unwrap_or(1);
    let mut samples = if flate {
        let extra = if predictor >= 10 { hu } else { 0 };
        inflate(data, row * hu + extra)?
    } else {
        data.to_vec()
    };
    if predictor >= 10 {
        samples = unpredict_png(&samples, row, (n * bpc).div_ceil(8).max(1))?;
    } else if predictor == 2 && bpc == 8 {
        for line in samples.chunks_mut(row) {
            for i in n..line.len() {
                line[i] = line[i].wrapping_add(line[i - n]);
            }
        }
    }
    if samples.len() < row * hu {
        samples.resize(row * hu, 0xFF); // rows cut short stay white: the page is still kept
    }
    let mut grey = Vec::with_capacity(wu * hu);
    let max = (1u32 << bpc.min(8)) - 1;
    for line in samples.chunks(row).take(hu) {
        for x in 0..wu {
            let mut px = [0u8; 4];
            for (c, slot) in px.iter_mut().enumerate().take(n.min(4)) {
                let idx = x * n + c;
                *slot = match bpc {
                    8 => line[idx],
                    16 => line[idx * 2],
                    _ => {
                        let bit = idx * bpc;
                        let v = (line[bit / 8] >> (8 - bpc - bit % 8)) as u32 & max;
                        if palette.is_some() {
                            v as u8
                        } else {
                            (v * 255 / max) as u8
                        }
                    }
                };
            }
            grey.push(match &palette {
                Some(pal) => pal.get(px[0] as usize).copied().unwrap_or(255),
                None => grey_of(&px[..n.min(4)], n),
            });
        }
    }
    GrayImage::from_raw(w, h, grey).ok_or_else(|| unreadable("the page image is shorter than its size"))
}

/// Undoes the PNG row filters (PDF predictors 10–15: each row starts with its filter type).
pub fn unpredict_png(data: &[u8], row: usize, bpp: usize) -> Result<Vec<u8>, PageError> {
    let mut out = Vec::with_capacity(data.len());
    let mut prior = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let (kind, src) = (chunk[0], &chunk[1..]);
        let mut cur = src.to_vec();
        cur.resize(row, 0);
        for i in 0..row {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prior[i];
            let c = if i >= bpp { prior[i - bpp] } else { 0 };
            cur[i] = cur[i].wrapping_add(match kind {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => paeth(a, b, c),
                _ => return Err(unreadable("the page image has an unknown PNG filter")),
            });
        }
        out.extend_from_slice(&cur);
        prior = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = ((p - i16::from(a)).abs(), (p - i16::from(b)).abs(), (p - i16::from(c)).abs());
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// CCITT fax data (`K` < 0: Group 4; `K` = 0: Group 3 one-dimensional) → grey.
fn fax(data: &[u8], w: u32, h: u32, p: Option<&Dictionary>) -> Result<GrayImage, PageError> {
    let get = |key: &[u8]| p.and_then(|d| d.get(key).ok()).and_then(|o| o.as_i64().ok());
    let k = get(b"K").unwrap_or(0);
    let columns = get(b"Columns").unwrap_or(1728);
    let black_is_1 = p.and_then(|d| d.get(b"BlackIs1").ok()).and_then(|o| o.as_bool().ok()).unwrap_or(false);
    if columns != i64::from(w) || w > u32::from(u16::MAX) || h > u32::from(u16::MAX) {
        return Err(unreadable("the fax image's width does not match the page image"));
    }
    // The filter yields 0 for black unless BlackIs1; a DeviceGray sample of 0 is black.
    let (black, white) = if black_is_1 { (255u8, 0u8) } else { (0u8, 255u8) };
    let mut grey = Vec::with_capacity((w * h) as usize);
    let mut line = |transitions: &[u16]| {
        if grey.len() < (w * h) as usize {
            grey.extend(fax::decoder::pels(transitions, w as u16).map(|c| match c {
                fax::Color::Black => black,
                fax::Color::White => white,
            }));
        }
    };
    let done = if k < 0 {
        fax::decoder::decode_g4(data.iter().copied(), w as u16, Some(h as u16), &mut line)
    } else if k == 0 {
        fax::decoder::decode_g3(data.iter().copied(), &mut line)
    } else {
        return Err(unreadable("two-dimensional Group 3 fax images are not read"));
    };
    if done.is_none() && grey.is_empty() {
        return Err(unreadable("the fax image is damaged"));
    }
    grey.resize((w * h) as usize, white);
    GrayImage::from_raw(w, h, grey).ok_or_else(|| unreadable("the fax image is shorter than its size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_predictors_are_undone() {
        // Two rows of 3 bytes: "Sub" then "Up".
        let data = [1, 10, 5, 5, 2, 1, 1, 1];
        assert_eq!(unpredict_png(&data, 3, 1).unwrap(), vec![10, 15, 20, 11, 16, 21]);
        assert!(unpredict_png(&[9, 0, 0, 0], 3, 1).is_err());
    }

    /// What `read_pages` makes of an input the fuzzer keeps as a regression (`fuzz/regressions/scan/`).
    fn read_regression(name: &str) -> Result<Vec<crate::scan::PageRead>, crate::scan::ScanError> {
        let bytes = std::fs::read(format!("{}/fuzz/regressions/scan/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        crate::scan::read_pages(&bytes, crate::scan::ScanKind::Pdf, &mut |_, _| {})
    }

    #[test]
    fn streams_that_inflate_past_their_limits_are_not_inflated() {
        // Its page tree is in an object stream followed by 64 MB of blanks (1.6 KB, deflated
        // twice): the stream is left out, so the file has no pages.
        assert_eq!(
            read_regression("objstm-bomb.pdf"),
            Err(crate::scan::ScanError::Unreadable("the file has no pages".into()))
        );
        // A palette of 64 MB: the page is kept, unread.
        let pages = read_regression("palette-bomb.pdf").unwrap();
        assert!(
            matches!(&pages[..], [crate::scan::PageRead::Unreadable(why)] if why.contains("colour space")),
            "{pages:?}"
        );
    }

    #[test]
    fn a_cmyk_or_rgb_pixel_becomes_grey() {
        assert_eq!(grey_of(&[255, 255, 255], 3), 255);
        assert_eq!(grey_of(&[0, 0, 0, 255], 4), 0);
        assert_eq!(grey_of(&[0, 0, 0, 0], 4), 255);
    }
}
