//! What an uploaded scan is, decided from its first bytes (never from its name or the type the
//! client claims).

/// The kinds of scan PleaDesk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    Pdf,
    Png,
    Jpeg,
    Tiff,
}

impl ScanKind {
    /// Reads the magic number at the start of `bytes`; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<ScanKind> {
        // A PDF may have a few bytes of junk before its header (PDF 1.7 §7.5.2 allows it; some
        // scanners write a BOM or a blank line).
        let head = &bytes[..bytes.len().min(1024)];
        if head.windows(5).any(|w| w == b"%PDF-") {
            return Some(ScanKind::Pdf);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(ScanKind::Png);
        }
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            return Some(ScanKind::Jpeg);
        }
        if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            return Some(ScanKind::Tiff);
        }
        None
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ScanKind::Pdf => "application/pdf",
            ScanKind::Png => "image/png",
            ScanKind::Jpeg => "image/jpeg",
            ScanKind::Tiff => "image/tiff",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ScanKind::Pdf => "pdf",
            ScanKind::Png => "png",
            ScanKind::Jpeg => "jpg",
            ScanKind::Tiff => "tif",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide() {
        assert_eq!(ScanKind::sniff(b"%PDF-1.7\n"), Some(ScanKind::Pdf));
        assert_eq!(ScanKind::sniff(b"\n\n%PDF-1.4"), Some(ScanKind::Pdf));
        assert_eq!(ScanKind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ScanKind::Png));
        assert_eq!(ScanKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ScanKind::Jpeg));
        assert_eq!(ScanKind::sniff(b"II*\0\x08\0\0\0"), Some(ScanKind::Tiff));
        assert_eq!(ScanKind::sniff(b"MM\0*"), Some(ScanKind::Tiff));
        assert_eq!(ScanKind::sniff(b"\x7fELF\x02\x01\x01"), None);
        assert_eq!(ScanKind::sniff(b"MZ\x90\0"), None);
        assert_eq!(ScanKind::sniff(b""), None);
    }
}
