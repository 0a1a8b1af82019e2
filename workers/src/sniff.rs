//! Content sniffing. The name and the declared type of an upload are ignored: only these
//! signatures decide which decoder or demuxer may ever see the bytes.

/// What the first bytes of a file say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    Gif,
    WebP,
    /// TIFF, either byte order.
    Tiff,
    /// Windows bitmap.
    Bmp,
    /// ISO base media (MP4, MOV, 3GP) with a video brand.
    IsoMedia,
    /// HEIF/HEIC/AVIF stills: ISO base media, but not a film.
    Heif,
    /// Matroska or WebM (EBML header).
    Matroska,
    Avi,
    Ogg,
    Unknown,
}

/// How many leading bytes [`sniff`] needs to decide.
pub const SNIFF_LEN: usize = 32;

impl Sniffed {
    pub fn is_photo(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Gif | Self::WebP | Self::Tiff | Self::Bmp | Self::Heif)
    }

    pub fn is_film(self) -> bool {
        matches!(self, Self::IsoMedia | Self::Matroska | Self::Avi | Self::Ogg)
    }

    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Gif => "image/gif",
            Self::WebP => "image/webp",
            Self::Tiff => "image/tiff",
            Self::Bmp => "image/bmp",
            Self::IsoMedia => "video/mp4",
            Self::Heif => "image/heif",
            Self::Matroska => "video/x-matroska",
            Self::Avi => "video/x-msvideo",
            Self::Ogg => "video/ogg",
            Self::Unknown => "application/octet-stream",
        }
    }
}

/// Classifies a file by its leading bytes (at least [`SNIFF_LEN`] when the file has them).
pub fn sniff(head: &[u8]) -> Sniffed {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if at(0, &[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if at(0, b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Sniffed::Gif
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Sniffed::WebP
    } else if at(0, b"II*\0") || at(0, b"MM\0*") {
        Sniffed::Tiff
    } else if at(0, b"BM") && is_bmp_info_header(head) {
        Sniffed::Bmp
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Sniffed::Avi
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        Sniffed::Matroska
    } else if at(0, b"OggS") {
        Sniffed::Ogg
    } else if at(4, b"ftyp") {
        match head.get(8..12) {
            Some(b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"mif1" | b"msf1" | b"avif") => {
                Sniffed::Heif
            }
            Some(_) => Sniffed::IsoMedia,
            None => Sniffed::Unknown,
        }
    } else if at(4, b"moov") || at(4, b"mdat") || at(4, b"wide") || at(4, b"free") {
        // QuickTime files from older cameras start with an atom other than `ftyp`.
        Sniffed::IsoMedia
    } else {
        Sniffed::Unknown
    }
}

/// "BM" alone is too weak a signature (text can start so): the bitmap info header that
/// follows must have one of the sizes its versions define.
fn is_bmp_info_header(head: &[u8]) -> bool {
    match head.get(14..18) {
        Some(b) => matches!(u32::from_le_bytes([b[0], b[1], b[2], b[3]]), 12 | 40 | 52 | 56 | 64 | 108 | 124),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_signatures_and_ignores_text_pretending_to_be_media() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), Sniffed::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Sniffed::Png);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::WebP);
        assert_eq!(sniff(b"\0\0\0\x20ftypisom\0\0\x02\0"), Sniffed::IsoMedia);
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Sniffed::Heif);
        assert_eq!(sniff(b"II*\0\x08\0\0\0"), Sniffed::Tiff);
        assert_eq!(sniff(b"MM\0*\0\0\0\x08"), Sniffed::Tiff);
        assert_eq!(sniff(b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0"), Sniffed::Bmp);
        assert_eq!(sniff(b"BMW is a car brand, not a bitmap"), Sniffed::Unknown);
        assert_eq!(sniff(b"#EXTM3U\n#EXT-X-VERSION:3\n"), Sniffed::Unknown);
        assert_eq!(sniff(b"ffconcat version 1.0\n"), Sniffed::Unknown);
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\">"), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
    }
}
