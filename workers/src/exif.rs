//! A small, bounded reader of TIFF-structured data: the EXIF block of a photo and the
//! first directory of a TIFF file. It reads only the first directory (IFD0), never
//! follows chains of offsets and never allocates, so hostile metadata cannot make it
//! loop, recurse or ask for memory.

/// Most entries a first directory may have before the rest is ignored.
const MAX_ENTRIES: usize = 512;

const TAG_IMAGE_WIDTH: u16 = 256;
const TAG_IMAGE_LENGTH: u16 = 257;
const TAG_ORIENTATION: u16 = 274;

#[derive(Clone, Copy)]
enum Endian {
    Little,
    Big,
}

struct Ifd0<'a> {
    data: &'a [u8],
    endian: Endian,
    entries: usize,
    start: usize,
}

impl<'a> Ifd0<'a> {
    fn parse(data: &'a [u8]) -> Option<Self> {
        let endian = match data.get(0..4)? {
            b"II*\0" => Endian::Little,
            b"MM\0*" => Endian::Big,
            _ => return None,
        };
        let mut ifd = Ifd0 { data, endian, entries: 0, start: 0 };
        let offset = ifd.u32_at(4)? as usize;
        let count = usize::from(ifd.u16_at(offset)?);
        ifd.start = offset.checked_add(2)?;
        ifd.entries = count.min(MAX_ENTRIES);
        Some(ifd)
    }

    fn u16_at(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self.endian {
            Endian::Little => u16::from_le_bytes(b),
            Endian::Big => u16::from_be_bytes(b),
        })
    }

    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self.endian {
            Endian::Little => u32::from_le_bytes(b),
            Endian::Big => u32::from_be_bytes(b),
        })
    }

    /// The value of a single SHORT or LONG entry stored inline.
    fn integer(&self, tag: u16) -> Option<u32> {
        for i in 0..self.entries {
            let entry = self.start.checked_add(i.checked_mul(12)?)?;
            // A directory cut short ends the search rather than failing the photo.
            let found = self.u16_at(entry)?;
            if found != tag {
                continue;
            }
            let kind = self.u16_at(entry + 2)?;
            let count = self.u32_at(entry + 4)?;
            if count != 1 {
                return None;
            }
            return match kind {
                3 => self.u16_at(entry + 8).map(u32::from),
                4 => self.u32_at(entry + 8),
                _ => None,
            };
        }
        None
    }
}

/// The orientation (1-8) stated by a TIFF-structured EXIF block (without the `Exif\0\0`
/// prefix), or `None` when it is absent or makes no sense.
pub(crate) fn orientation(tiff: &[u8]) -> Option<u8> {
    let value = Ifd0::parse(tiff)?.integer(TAG_ORIENTATION)?;
    (1..=8).contains(&value).then_some(value as u8)
}

/// The same, from an EXIF block that may still carry the `Exif\0\0` prefix (WebP and
/// PNG writers disagree on whether to keep it).
pub(crate) fn orientation_from_exif(exif: &[u8]) -> Option<u8> {
    orientation(exif.strip_prefix(b"Exif\0\0").unwrap_or(exif))
}

/// Width and height from a TIFF file's first directory.
pub(crate) fn tiff_size(tiff: &[u8]) -> Option<(u32, u32)> {
    let ifd = Ifd0::parse(tiff)?;
    Some((ifd.integer(TAG_IMAGE_WIDTH)?, ifd.integer(TAG_IMAGE_LENGTH)?))
}

#[cfg(test)]
pub(crate) fn build(big_endian: bool, entries: &[(u16, u16, u32)]) -> Vec<u8> {
    let mut out = Vec::new();
    let u16b = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let u32b = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    out.extend_from_slice(if big_endian { b"MM\0*" } else { b"II*\0" });
    out.extend_from_slice(&u32b(8));
    out.extend_from_slice(&u16b(entries.len() as u16));
    for &(tag, kind, value) in entries {
        out.extend_from_slice(&u16b(tag));
        out.extend_from_slice(&u16b(kind));
        out.extend_from_slice(&u32b(1));
        if kind == 3 {
            out.extend_from_slice(&u16b(value as u16));
            out.extend_from_slice(&[0, 0]);
        } else {
            out.extend_from_slice(&u32b(value));
        }
    }
    out.extend_from_slice(&u32b(0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_orientation_in_both_byte_orders() {
        for big in [false, true] {
            let exif = build(big, &[(0x010F, 3, 7), (TAG_ORIENTATION, 3, 6)]);
            assert_eq!(orientation(&exif), Some(6));
        }
        let mut prefixed = b"Exif\0\0".to_vec();
        prefixed.extend(build(false, &[(TAG_ORIENTATION, 3, 8)]));
        assert_eq!(orientation_from_exif(&prefixed), Some(8));
    }

    #[test]
    fn broken_or_hostile_exif_yields_nothing_without_panicking() {
        assert_eq!(orientation(b""), None);
        assert_eq!(orientation(b"II*\0\xff\xff\xff\xff"), None);
        assert_eq!(orientation(&build(false, &[(TAG_ORIENTATION, 3, 9)])), None);
        assert_eq!(orientation(&build(false, &[(TAG_ORIENTATION, 3, 0)])), None);
        let mut cut = build(true, &[(0x010F, 3, 1), (TAG_ORIENTATION, 3, 3)]);
        cut.truncate(20);
        assert_eq!(orientation(&cut), None);
        // A directory claiming 65535 entries in a few bytes is read only as far as it goes.
        let mut huge = b"II*\0\x08\0\0\0\xff\xff".to_vec();
        huge.extend_from_slice(&[0; 30]);
        assert_eq!(orientation(&huge), None);
        for len in 0..40 {
            let exif = build(false, &[(TAG_ORIENTATION, 3, 5)]);
            let _ = orientation(&exif[..len.min(exif.len())]);
        }
    }

    #[test]
    fn reads_tiff_dimensions_of_either_integer_type() {
        let tiff = build(false, &[(TAG_IMAGE_WIDTH, 4, 100_000), (TAG_IMAGE_LENGTH, 3, 300)]);
        assert_eq!(tiff_size(&tiff), Some((100_000, 300)));
    }
}
