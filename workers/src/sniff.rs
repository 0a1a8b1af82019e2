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
    /// MPEG audio (MP3): an ID3v2 tag or an MPEG audio frame header.
    Mp3,
    /// AAC in ADTS frames.
    Adts,
    /// RIFF WAVE.
    Wav,
    Flac,
    /// AMR narrow- or wideband (`#!AMR`), as phones record voice memos.
    Amr,
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

    /// May hold a sound work: the audio formats, and the containers shared with films
    /// (ISO media, Matroska, Ogg), where the streams decide (`sound::is_sound_only`).
    pub fn is_audio(self) -> bool {
        self.is_audio_format() || matches!(self, Self::IsoMedia | Self::Matroska | Self::Ogg)
    }

    /// A format that holds only sound.
    pub fn is_audio_format(self) -> bool {
        matches!(self, Self::Mp3 | Self::Adts | Self::Wav | Self::Flac | Self::Amr)
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
            Self::Mp3 => "audio/mpeg",
            Self::Adts => "audio/aac",
            Self::Wav => "audio/wav",
            Self::Flac => "audio/flac",
            Self::Amr => "audio/amr",
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
    } else if at(0, b"RIFF") && at(8, b"WAVE") {
        Sniffed::Wav
    } else if at(0, b"fLaC") {
        Sniffed::Flac
    } else if at(0, b"#!AMR\n") || at(0, b"#!AMR-WB\n") {
        Sniffed::Amr
    } else if at(0, b"ID3") && head.get(3).is_some_and(|v| (2..=4).contains(v)) {
        Sniffed::Mp3
    } else if is_adts(head) {
        Sniffed::Adts
    } else if is_mpeg_audio(head) {
        Sniffed::Mp3
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

/// An ADTS header: 12 sync bits, layer 0, and a sampling frequency index that exists.
fn is_adts(head: &[u8]) -> bool {
    match head {
        [0xFF, b1, b2, ..] => b1 & 0xF6 == 0xF0 && (b2 >> 2) & 0x0F < 13,
        _ => false,
    }
}

/// An MPEG audio frame header: 11 sync bits, a version and layer that exist, and a bit
/// rate and sample rate index that are not the forbidden ones.
fn is_mpeg_audio(head: &[u8]) -> bool {
    match head {
        [0xFF, b1, b2, ..] => {
            let version = (b1 >> 3) & 0x3;
            let layer = (b1 >> 1) & 0x3;
            b1 & 0xE0 == 0xE0 && version != 1 && layer != 0 && b2 >> 4 != 0xF && (b2 >> 2) & 0x3 != 3
        }
        _ => false,
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

    #[test]
    fn recognises_audio_signatures_and_shares_containers_with_films() {
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\x01\x00TIT2"), Sniffed::Mp3);
        assert_eq!(sniff(b"\xFF\xFB\x90\x64\0\0\0\0"), Sniffed::Mp3, "MPEG-1 layer III");
        assert_eq!(sniff(b"\xFF\xF1\x50\x80\x02\x1F\xFC"), Sniffed::Adts);
        assert_eq!(sniff(b"RIFF\x24\x08\0\0WAVEfmt "), Sniffed::Wav);
        assert_eq!(sniff(b"fLaC\0\0\0\x22"), Sniffed::Flac);
        assert_eq!(sniff(b"#!AMR\n\x3C"), Sniffed::Amr);
        assert_eq!(sniff(b"#!AMR-WB\n"), Sniffed::Amr);
        assert_eq!(sniff(b"\0\0\0\x20ftypM4A \0\0\x02\0"), Sniffed::IsoMedia, "streams decide");
        // A forbidden bit rate index, a reserved version: not audio.
        assert_eq!(sniff(b"\xFF\xFB\xF0\x64"), Sniffed::Unknown);
        assert_eq!(sniff(b"\xFF\xEB\x90\x64"), Sniffed::Unknown);
        for audio in [Sniffed::Mp3, Sniffed::Adts, Sniffed::Wav, Sniffed::Flac, Sniffed::Amr] {
            assert!(audio.is_audio() && audio.is_audio_format() && !audio.is_film() && !audio.is_photo(), "{audio:?}");
        }
        for shared in [Sniffed::IsoMedia, Sniffed::Matroska, Sniffed::Ogg] {
            assert!(shared.is_audio() && shared.is_film() && !shared.is_audio_format(), "{shared:?}");
        }
        assert!(!Sniffed::Avi.is_audio() && !Sniffed::Jpeg.is_audio());
    }
}
