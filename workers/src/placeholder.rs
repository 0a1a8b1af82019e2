//! The tiny stand-ins shown while a photo loads: a ThumbHash (about 25 bytes, base64)
//! and the average colour, both computed from a thumbnail of at most 100x100 pixels.

/// The ThumbHash of an RGBA thumbnail (at most 100x100), in standard base64.
pub(crate) fn thumbhash_base64(width: usize, height: usize, rgba: &[u8]) -> String {
    base64(&thumbhash::rgba_to_thumb_hash(width, height, rgba))
}

/// Average colour of an RGBA thumbnail over a white page, as `#rrggbb`.
pub(crate) fn average_colour(rgba: &[u8]) -> String {
    let mut sum = [0u64; 3];
    let mut n = 0u64;
    for p in rgba.chunks_exact(4) {
        let a = u64::from(p[3]);
        for c in 0..3 {
            sum[c] += (u64::from(p[c]) * a + 255 * (255 - a)) / 255;
        }
        n += 1;
    }
    let n = n.max(1);
    format!("#{:02x}{:02x}{:02x}", sum[0] / n, sum[1] / n, sum[2] / n)
}

/// The picture a ThumbHash stands for (about 32 pixels on its longer side), as a PNG
/// `data:` address a page can show while the photo loads; None for a hash that is not one.
pub fn thumbhash_png_data_url(hash_base64: &str) -> Option<String> {
    let hash = unbase64(hash_base64)?;
    let (w, h, rgba) = thumbhash::thumb_hash_to_rgba(&hash).ok()?;
    let picture = image::RgbaImage::from_raw(u32::try_from(w).ok()?, u32::try_from(h).ok()?, rgba)?;
    let mut png = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).ok()?;
    Some(format!("data:image/png;base64,{}", base64(&png)))
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .trim_end_matches('=')
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for group in digits.chunks(4) {
        let n = group.iter().enumerate().fold(0u32, |n, (i, d)| n | u32::from(*d) << (18 - 6 * i));
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Some(out)
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= group.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(&[0xFB, 0xFF]), "+/8=");
    }

    #[test]
    fn a_thumbhash_becomes_a_small_png_again() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foobar", &[0xFB, 0xFF]] {
            assert_eq!(unbase64(&base64(bytes)).as_deref(), Some(bytes));
        }
        let mut rgba = Vec::new();
        for y in 0..60u8 {
            for x in 0..80u8 {
                rgba.extend_from_slice(&[x * 3, y * 4, 128, 255]);
            }
        }
        let url = thumbhash_png_data_url(&thumbhash_base64(80, 60, &rgba)).unwrap();
        let png = unbase64(url.strip_prefix("data:image/png;base64,").unwrap()).unwrap();
        let picture = image::load_from_memory(&png).unwrap();
        assert!(picture.width() > picture.height() && picture.width() <= 32, "{}x{}", picture.width(), picture.height());
        assert!(thumbhash_png_data_url("not base64!").is_none());
    }

    #[test]
    fn average_colour_flattens_transparency_on_white() {
        assert_eq!(average_colour(&[255, 0, 0, 255, 0, 0, 255, 255]), "#7f007f");
        assert_eq!(average_colour(&[0, 0, 0, 0]), "#ffffff");
    }
}
