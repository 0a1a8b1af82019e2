//! HEIC/HEIF (and AVIF) stills through the system libheif. libheif applies the
//! container's rotation and mirroring itself, so sizes here are as displayed.

use crate::MediaError;
use libheif_rs::{ColorSpace, HeifContext, ImageHandle, RgbChroma};

fn corrupt(err: libheif_rs::HeifError) -> MediaError {
    tracing::debug!("libheif: {err}");
    MediaError::permanent(
        "corrupt_file",
        "the HEIC photo is damaged, incomplete or of a kind we cannot read; send it again, or as a JPEG",
    )
}

fn primary(data: &[u8]) -> Result<(HeifContext, ImageHandle), MediaError> {
    let ctx = HeifContext::read_from_bytes(data).map_err(corrupt)?;
    let handle = ctx.primary_image_handle().map_err(corrupt)?;
    Ok((ctx, handle))
}

/// Displayed width and height of the primary image; parses the boxes, decodes nothing.
pub(crate) fn size(data: &[u8]) -> Result<(u32, u32), MediaError> {
    let (_ctx, handle) = primary(data)?;
    Ok((handle.width(), handle.height()))
}

/// Decoded 8-bit pixels of the primary image: (width, height, channels, pixels, ICC profile).
/// The caller has checked [`size`] against the limits.
pub(crate) fn decode(data: &[u8]) -> Result<(u32, u32, usize, Vec<u8>, Option<Vec<u8>>), MediaError> {
    let (_ctx, handle) = primary(data)?;
    let alpha = handle.has_alpha_channel();
    let (chroma, channels) = if alpha { (RgbChroma::Rgba, 4) } else { (RgbChroma::Rgb, 3) };
    let image = handle.decode(ColorSpace::Rgb(chroma), None).map_err(corrupt)?;
    let planes = image.planes();
    let plane = planes.interleaved.ok_or_else(|| {
        MediaError::permanent("corrupt_file", "the HEIC photo decoded into an unexpected pixel layout")
    })?;
    let (width, height) = (plane.width, plane.height);
    let row = width as usize * channels;
    let mut pixels = Vec::with_capacity(row * height as usize);
    for y in 0..height as usize {
        let start = y * plane.stride;
        pixels.extend_from_slice(&plane.data[start..start + row]);
    }
    let icc = handle.color_profile_raw().map(|p| p.data);
    Ok((width, height, channels, pixels, icc))
}

/// The EXIF (as a TIFF structure) and whether XMP sits beside the primary image. A block
/// that cannot be read is skipped: it must not sink an otherwise good photo.
pub(crate) fn metadata(data: &[u8]) -> crate::privacy::HeifMetadata {
    let mut out = crate::privacy::HeifMetadata::default();
    let Ok((_ctx, handle)) = primary(data) else { return out };
    // Every block, whatever its type (a zero type code means "no filter").
    let mut ids = [0; 16];
    let count = handle.metadata_block_ids(&mut ids, &[0u8; 4][..]);
    for &id in &ids[..count.min(ids.len())] {
        match handle.metadata_type(id) {
            Some("Exif") if out.exif.is_none() => {
                // HEIF's EXIF block starts with the offset of the TIFF header after it.
                out.exif = handle.metadata(id).ok().and_then(|block| {
                    let skip = u32::from_be_bytes(block.get(..4)?.try_into().ok()?) as usize;
                    block.get(4usize.checked_add(skip)?..).map(<[u8]>::to_vec)
                });
            }
            Some("mime") if handle.metadata_content_type(id) == Some("application/rdf+xml") => out.xmp = true,
            _ => {}
        }
    }
    out
}
