//! Reading scans, with no database and no web: what a file is (`sniff`), its pages as grey
//! images (`raster` for pictures, `pdf_images` for scanned PDFs) and the QR codes on each page
//! (`qr`). The services decide what the codes mean.

pub mod pdf_images;
pub mod qr;
pub mod raster;
pub mod sniff;

pub use raster::PageError;
pub use sniff::ScanKind;

/// What was read from one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRead {
    /// The page was decoded; these QR code texts were found on it (often none).
    Codes(Vec<String>),
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

/// Reads every page of a scan: decodes it (one page in memory at a time) and reads its QR codes.
pub fn read_pages(bytes: &[u8], kind: ScanKind) -> Result<Vec<PageRead>, ScanError> {
    let mut out = Vec::new();
    let mut too_large = None;
    let mut visit = |page: Result<image::GrayImage, PageError>| -> bool {
        match page {
            Ok(img) => out.push(PageRead::Codes(qr::read(&img))),
            Err(PageError::Unreadable(why)) => out.push(PageRead::Unreadable(why)),
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
            visit(raster::decode_picture(bytes, format));
        }
        ScanKind::Tiff => {
            if let Err(e) = raster::tiff_pages(bytes, &mut visit) {
                visit(Err(e));
            }
        }
        ScanKind::Pdf => {
            let doc = pdf_images::open(bytes).map_err(ScanError::Unreadable)?;
            pdf_images::pages(&doc, &mut visit);
        }
    }
    if let Some(why) = too_large {
        return Err(ScanError::TooLarge(why));
    }
    if out.is_empty() {
        return Err(ScanError::Unreadable("the file has no pages".into()));
    }
    Ok(out)
}
