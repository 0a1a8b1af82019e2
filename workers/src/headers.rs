//! Where each photo format states its size, read by hand from the first bytes so limits
//! are enforced before any decoder is constructed, and the JPEG segments (EXIF, ICC,
//! Adobe marker) that the engine needs, found without decoding.

use crate::sniff::Sniffed;

/// What the segments before a JPEG's first scan say.
#[derive(Debug, Default)]
pub(crate) struct JpegHeader {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// TIFF-structured EXIF block (after `Exif\0\0`), the first one only.
    pub exif: Option<Vec<u8>>,
    /// The ICC profile, reassembled from its APP2 chunks.
    pub icc: Option<Vec<u8>>,
    /// The Adobe APP14 colour transform, when present (0: none/CMYK, 1: YCbCr, 2: YCCK).
    pub adobe_transform: Option<u8>,
}

/// Walks the marker segments of a JPEG up to its first scan. `None` when no frame header
/// (SOF) is found in the bytes given.
pub(crate) fn jpeg_header(data: &[u8]) -> Option<JpegHeader> {
    let mut header = JpegHeader::default();
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    let mut found_frame = false;
    let mut pos = 2;
    loop {
        if *data.get(pos)? != 0xFF {
            return None;
        }
        // Any number of 0xFF fill bytes may precede a marker.
        while data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *data.get(pos + 1)?;
        pos += 2;
        match marker {
            0x01 | 0xD0..=0xD8 => continue,
            0xD9 | 0xDA => break,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes(data.get(pos..pos + 2)?.try_into().ok()?));
        if len < 2 {
            return None;
        }
        let segment = data.get(pos + 2..pos + len)?;
        pos += len;
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if segment.len() < 6 || found_frame {
                    continue;
                }
                header.height = u16::from_be_bytes([segment[1], segment[2]]).into();
                header.width = u16::from_be_bytes([segment[3], segment[4]]).into();
                header.components = segment[5];
                found_frame = true;
            }
            0xE1 if header.exif.is_none() => {
                if let Some(exif) = segment.strip_prefix(b"Exif\0\0") {
                    header.exif = Some(exif.to_vec());
                }
            }
            0xE2 => {
                if let Some(rest) = segment.strip_prefix(b"ICC_PROFILE\0") {
                    if rest.len() > 2 {
                        icc_chunks.push((rest[0], &rest[2..]));
                    }
                }
            }
            0xEE => {
                if segment.starts_with(b"Adobe") && segment.len() >= 12 {
                    header.adobe_transform = Some(segment[11]);
                }
            }
            _ => {}
        }
    }
    if !found_frame {
        return None;
    }
    if !icc_chunks.is_empty() {
        icc_chunks.sort_by_key(|(seq, _)| *seq);
        header.icc = Some(icc_chunks.iter().flat_map(|(_, c)| c.iter().copied()).collect());
    }
    Some(header)
}

/// How far a GIF's first frame reaches (left + width, top + height). A frame may be
/// larger than the logical screen it sits on, and decoders allocate for the frame, so a
/// 10x10 screen must not smuggle in a 10000x10000 frame. `None` when the first image
/// descriptor is not within `data`.
pub(crate) fn gif_first_frame_extent(data: &[u8]) -> Option<(u32, u32)> {
    let flags = *data.get(10)?;
    let mut pos = 13;
    if flags & 0x80 != 0 {
        pos += 3 << ((flags & 0x07) + 1);
    }
    loop {
        match *data.get(pos)? {
            0x21 => {
                // Extension: label, then data sub-blocks until a zero-length one.
                pos += 2;
                loop {
                    let len = usize::from(*data.get(pos)?);
                    pos += 1 + len;
                    if len == 0 {
                        break;
                    }
                }
            }
            0x2C => {
                let field = |at: usize| -> Option<u32> {
                    Some(u16::from_le_bytes(data.get(pos + at..pos + at + 2)?.try_into().ok()?).into())
                };
                return Some((field(1)? + field(5)?, field(3)? + field(7)?));
            }
            _ => return None,
        }
    }
}

/// Width and height as the file's header states them, for every format whose header is
/// readable by hand. `None` when the header is missing or cut short.
pub(crate) fn declared_size(format: Sniffed, data: &[u8]) -> Option<(u32, u32)> {
    let u16le = |at: usize| -> Option<u16> { Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?)) };
    let u32le = |at: usize| -> Option<u32> { Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?)) };
    let u32be = |at: usize| -> Option<u32> { Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?)) };
    let u24le = |at: usize| -> Option<u32> {
        let b = data.get(at..at + 3)?;
        Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
    };
    match format {
        Sniffed::Png if data.get(12..16) == Some(b"IHDR") => Some((u32be(16)?, u32be(20)?)),
        Sniffed::Gif => Some((u16le(6)?.into(), u16le(8)?.into())),
        Sniffed::Jpeg => jpeg_header(data).map(|h| (h.width, h.height)),
        Sniffed::WebP => match data.get(12..16)? {
            b"VP8 " => {
                if data.get(23..26)? != [0x9D, 0x01, 0x2A] {
                    return None;
                }
                Some((u32::from(u16le(26)? & 0x3FFF), u32::from(u16le(28)? & 0x3FFF)))
            }
            b"VP8L" => {
                if *data.get(20)? != 0x2F {
                    return None;
                }
                let bits = u32le(21)?;
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            b"VP8X" => Some((u24le(24)? + 1, u24le(27)? + 1)),
            _ => None,
        },
        Sniffed::Tiff => crate::exif::tiff_size(data),
        Sniffed::Bmp => {
            let dib = u32le(14)?;
            if dib == 12 {
                Some((u16le(18)?.into(), u16le(20)?.into()))
            } else {
                let w = i32::from_le_bytes(data.get(18..22)?.try_into().ok()?);
                let h = i32::from_le_bytes(data.get(22..26)?.try_into().ok()?);
                Some((w.unsigned_abs(), h.unsigned_abs()))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jpeg_walk_stops_cleanly_on_cut_or_hostile_segments() {
        assert!(jpeg_header(b"\xFF\xD8").is_none());
        assert!(jpeg_header(b"\xFF\xD8\xFF\xE1\xFF\xFF Exif").is_none());
        assert!(jpeg_header(b"\xFF\xD8\xFF\xE0\x00\x01").is_none());
        let sof = b"\xFF\xD8\xFF\xFF\xC0\x00\x0B\x08\x01\x00\x02\x00\x01\x01\x11\x00\xFF\xDA";
        let h = jpeg_header(sof).unwrap();
        assert_eq!((h.width, h.height, h.components), (512, 256, 1));
    }

    #[test]
    fn webp_headers_of_each_kind_state_their_size() {
        let mut lossy = b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a".to_vec();
        lossy.extend_from_slice(&640u16.to_le_bytes());
        lossy.extend_from_slice(&480u16.to_le_bytes());
        assert_eq!(declared_size(Sniffed::WebP, &lossy), Some((640, 480)));
        let mut extended = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\x10\0\0\0".to_vec();
        extended.extend_from_slice(&[0x9F, 0x86, 0x01, 0x9F, 0x86, 0x01]);
        assert_eq!(declared_size(Sniffed::WebP, &extended), Some((100_000, 100_000)));
    }
}
