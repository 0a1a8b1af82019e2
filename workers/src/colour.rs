//! Colour management: every derivative is plain sRGB, so pixels described by an embedded
//! ICC profile (Display P3 from phones, Adobe RGB from cameras, press CMYK) are converted
//! through that profile. A profile that cannot be read is ignored rather than failing the
//! photo: the pixels are then taken as sRGB, which is what a browser would do.

use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};

/// Rows converted per batch: bounds the scratch buffer whatever the photo's size.
const ROWS_PER_BATCH: usize = 64;

fn profile(icc: &[u8]) -> Option<ColorProfile> {
    ColorProfile::new_from_slice(icc).ok()
}

/// Converts interleaved RGB (3 channels) or RGBA (4) pixels described by `icc` to sRGB in
/// place. Returns whether a conversion happened (false for non-RGB or unreadable profiles).
pub(crate) fn rgb_to_srgb(pixels: &mut [u8], width: usize, channels: usize, icc: &[u8]) -> bool {
    let Some(source) = profile(icc) else { return false };
    if source.color_space != DataColorSpace::Rgb {
        return false;
    }
    let layout = if channels == 4 { Layout::Rgba } else { Layout::Rgb };
    let Ok(transform) =
        source.create_transform_8bit(layout, &ColorProfile::new_srgb(), layout, TransformOptions::default())
    else {
        return false;
    };
    let stride = width * channels;
    let mut scratch = vec![0u8; stride * ROWS_PER_BATCH];
    for rows in pixels.chunks_mut(stride * ROWS_PER_BATCH) {
        let out = &mut scratch[..rows.len()];
        if transform.transform(rows, out).is_err() {
            return false;
        }
        rows.copy_from_slice(out);
    }
    true
}

/// Converts CMYK samples as stored in a JPEG to RGB. Adobe's applications (and nearly
/// every other writer) store CMYK inverted, 255 meaning no ink. With a CMYK profile the
/// conversion goes through it; without one, the naive complement is used.
pub(crate) fn cmyk_to_srgb(cmyk: &[u8], icc: Option<&[u8]>) -> Vec<u8> {
    let pixels = cmyk.len() / 4;
    if let Some(converted) = icc.and_then(|icc| cmyk_through_profile(cmyk, icc)) {
        return converted;
    }
    let mut rgb = Vec::with_capacity(pixels * 3);
    for p in cmyk.chunks_exact(4) {
        let k = u16::from(p[3]);
        for &c in &p[..3] {
            rgb.push(((u16::from(c) * k + 127) / 255) as u8);
        }
    }
    rgb
}

fn cmyk_through_profile(cmyk: &[u8], icc: &[u8]) -> Option<Vec<u8>> {
    let source = profile(icc)?;
    if source.color_space != DataColorSpace::Cmyk {
        return None;
    }
    let transform = source
        .create_transform_8bit(Layout::Rgba, &ColorProfile::new_srgb(), Layout::Rgb, TransformOptions::default())
        .ok()?;
    let pixels = cmyk.len() / 4;
    let mut rgb = vec![0u8; pixels * 3];
    let batch = 4096;
    let mut inks = vec![0u8; batch * 4];
    for (src, dst) in cmyk.chunks(batch * 4).zip(rgb.chunks_mut(batch * 3)) {
        let inks = &mut inks[..src.len()];
        // ICC profiles expect ink amounts; the JPEG holds their complement.
        for (i, s) in inks.iter_mut().zip(src) {
            *i = 255 - s;
        }
        transform.transform(inks, dst).ok()?;
    }
    Some(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_profile_leaves_pixels_alone() {
        let mut px = vec![10u8, 20, 30, 40, 50, 60];
        assert!(!rgb_to_srgb(&mut px, 2, 3, b"not a profile at all"));
        assert_eq!(px, [10, 20, 30, 40, 50, 60]);
    }

    #[test]
    fn naive_cmyk_inverts_adobe_samples() {
        // Stored inverted: pure cyan ink is C=0 (255-255), no other ink.
        let rgb = cmyk_to_srgb(&[0, 255, 255, 255, 255, 255, 255, 0], None);
        assert_eq!(rgb, [0, 255, 255, 0, 0, 0]);
    }

    #[test]
    fn srgb_profile_roundtrip_is_near_identity() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let mut px: Vec<u8> = (0..=255).flat_map(|v| [v, 255 - v, v / 2]).collect();
        let before = px.clone();
        assert!(rgb_to_srgb(&mut px, 256, 3, &srgb));
        for (a, b) in px.iter().zip(&before) {
            assert!(a.abs_diff(*b) <= 2, "{a} vs {b}");
        }
    }
}
