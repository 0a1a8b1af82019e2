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
    fn average_colour_flattens_transparency_on_white() {
        assert_eq!(average_colour(&[255, 0, 0, 255, 0, 0, 255, 255]), "#7f007f");
        assert_eq!(average_colour(&[0, 0, 0, 0]), "#ffffff");
    }
}
