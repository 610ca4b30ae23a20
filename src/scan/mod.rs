//! Reading scans, with no database and no web: what a file is (`sniff`), its pages as grey
//! images (`raster` for pictures, `pdf_images` for scanned PDFs), the QR codes on each page
//! (`qr`) and its JPEG previews (`preview`). The services decide what the codes mean and where
//! the previews are kept.

pub mod pdf_images;
pub mod preview;
pub mod qr;
pub mod raster;
pub mod sniff;

pub use preview::Previews;
pub use raster::PageError;
pub use sniff::ScanKind;

use image::GrayImage;

/// What was read from one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRead {
    /// The page was decoded: its size in pixels and the QR code texts found on it (often none).
    Decoded { width: u32, height: u32, codes: Vec<String> },
    /// The page is kept but could not be decoded: why.
    Unreadable(String),
}

/// Why a whole scan is refused (nothing is stored).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// A page larger than the limit (a decompression bomb).
    #[error("{0}")]
    TooLarge(String),
    /// The file is not one PleaDesk can open (a damaged or encrypted PDF).
    #[error("{0}")]
    Unreadable(String),
}

/// Reads every page of a scan: decodes it (one page in memory at a time), reads its QR codes and
/// hands `previews` the page's number (from 1) and its previews, made from the decoded page before
/// the next is decoded. A page that cannot be decoded has no previews.
pub fn read_pages(
    bytes: &[u8],
    kind: ScanKind,
    previews: &mut dyn FnMut(u32, Previews),
) -> Result<Vec<PageRead>, ScanError> {
    let mut out = Vec::new();
    each_page(bytes, kind, &mut |number, page| match page {
        Ok(img) => {
            make_previews(number, &img, previews);
            let (width, height) = img.dimensions();
            out.push(PageRead::Decoded { width, height, codes: qr::read(&img) });
        }
        Err(why) => out.push(PageRead::Unreadable(why)),
    })?;
    Ok(out)
}

/// The previews of every page that can be decoded, without reading codes (for previews made again
/// from a stored scan); returns the number of pages.
pub fn preview_pages(bytes: &[u8], kind: ScanKind, previews: &mut dyn FnMut(u32, Previews)) -> Result<u32, ScanError> {
    let mut pages = 0;
    each_page(bytes, kind, &mut |number, page| {
        pages = number;
        if let Ok(img) = page {
            make_previews(number, &img, previews);
        }
    })?;
    Ok(pages)
}

fn make_previews(number: u32, img: &GrayImage, previews: &mut dyn FnMut(u32, Previews)) {
    match preview::previews(img) {
        Ok(p) => previews(number, p),
        // Not expected (the sizes are bounded); the page is still read, only without an image.
        Err(e) => tracing::warn!(page = number, error = %e, "no preview for a scanned page"),
    }
}

/// Decodes every page in order, handing `visit` its number (from 1) and its image, or why it could
/// not be decoded. A page over the pixel limit refuses the whole file.
fn each_page(
    bytes: &[u8],
    kind: ScanKind,
    visit: &mut dyn FnMut(u32, Result<GrayImage, String>),
) -> Result<(), ScanError> {
    let mut count = 0;
    let mut too_large = None;
    let mut step = |page: Result<GrayImage, PageError>| -> bool {
        count += 1;
        match page {
            Ok(img) => visit(count, Ok(img)),
            Err(PageError::Unreadable(why)) => visit(count, Err(why)),
            Err(e @ PageError::TooLarge { .. }) => {
                too_large = Some(e.to_string());
                return false;
            }
        }
        true
    };
    match kind {
        ScanKind::Png | ScanKind::Jpeg => {
            let format = if kind == ScanKind::Png { image::ImageFormat::Png } else { image::ImageFormat::Jpeg };
            step(raster::decode_picture(bytes, format));
        }
        ScanKind::Tiff => {
            if let Err(e) = raster::tiff_pages(bytes, &mut step) {
                step(Err(e));
            }
        }
        ScanKind::Pdf => {
            let doc = pdf_images::open(bytes).map_err(ScanError::Unreadable)?;
            pdf_images::pages(&doc, &mut step);
        }
    }
    if let Some(why) = too_large {
        return Err(ScanError::TooLarge(why));
    }
    if count == 0 {
        return Err(ScanError::Unreadable("the file has no pages".into()));
    }
    Ok(())
}
