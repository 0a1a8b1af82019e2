//! Colour: what a film's colour description says once completed, whether it is HDR, and
//! the `zscale`/`tonemap` filters and output tags that bring it to BT.709 SDR.

use ffmpeg::ffi as sys;
use ffmpeg::filter;
use ffmpeg::frame;
use ffmpeg_next as ffmpeg;

use super::ffi;

/// Nominal peak luminance (cd/m²) SDR white is mapped to when tone-mapping HDR.
const SDR_PEAK_NITS: u32 = 100;

/// How the colours of the input are brought to BT.709 SDR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tone {
    /// SDR (BT.709, BT.601 or untagged): the pixels only lose bits if they have more than 8.
    Keep,
    /// SDR with BT.2020 primaries: converted to BT.709 primaries.
    Gamut,
    /// PQ or HLG: tone-mapped to BT.709 SDR.
    Hdr,
}

/// The colour description of the input, as FFmpeg's `AVCOL_*` numbers.
#[derive(Debug, Clone, Copy)]
pub(super) struct Colour {
    pub primaries: sys::AVColorPrimaries,
    pub transfer: sys::AVColorTransferCharacteristic,
    pub matrix: sys::AVColorSpace,
    pub range: sys::AVColorRange,
}

impl Colour {
    /// Fills what the frame leaves unspecified from the stream's description.
    fn or(self, other: Colour) -> Colour {
        use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
        Colour {
            primaries: if self.primaries == P::AVCOL_PRI_UNSPECIFIED { other.primaries } else { self.primaries },
            transfer: if self.transfer == T::AVCOL_TRC_UNSPECIFIED { other.transfer } else { self.transfer },
            matrix: if self.matrix == S::AVCOL_SPC_UNSPECIFIED { other.matrix } else { self.matrix },
            range: if self.range == R::AVCOL_RANGE_UNSPECIFIED { other.range } else { self.range },
        }
    }

    /// The description completed for conversion: what the film leaves unspecified (or
    /// states in terms the converter does not know) is derived from what it does say,
    /// the way players and FFmpeg's own conventions read untagged video:
    ///
    /// - a PQ or HLG transfer means BT.2020 (HDR is only ever mastered so);
    /// - a missing matrix follows the primaries (BT.2020 → BT.2020 non-constant,
    ///   BT.709 → BT.709, BT.601 625/525 lines → BT.601); a missing primaries follows
    ///   the matrix the same way back;
    /// - when neither says anything, the size decides, as in mpv and the browsers: HD
    ///   (1280 wide or more, or taller than 576 lines) is BT.709, SD is BT.601
    ///   (SMPTE 170M, whose matrix is also BT.470BG's);
    /// - a missing transfer follows the primaries: BT.2020 → the BT.2020 curve for the
    ///   bit depth (10-bit constants up to 10 bits, 12-bit above; numerically the BT.709
    ///   curve), BT.601 → SMPTE 170M, anything else BT.709;
    /// - a missing range is limited (video), which is what untagged video uses.
    ///
    /// None of this makes a film HDR: only an explicit PQ or HLG transfer does.
    pub(super) fn completed(self, bit_depth: u32, (width, height): (u32, u32)) -> Colour {
        use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
        let known = self.convertible();
        let hdr = matches!(known.transfer, T::AVCOL_TRC_SMPTE2084 | T::AVCOL_TRC_ARIB_STD_B67);
        let sd = width < 1280 && height <= 576;
        let matrix = match known.matrix {
            S::AVCOL_SPC_UNSPECIFIED => match known.primaries {
                _ if hdr => S::AVCOL_SPC_BT2020_NCL,
                P::AVCOL_PRI_BT2020 => S::AVCOL_SPC_BT2020_NCL,
                P::AVCOL_PRI_BT709 => S::AVCOL_SPC_BT709,
                P::AVCOL_PRI_BT470BG => S::AVCOL_SPC_BT470BG,
                P::AVCOL_PRI_SMPTE170M | P::AVCOL_PRI_SMPTE240M | P::AVCOL_PRI_BT470M => S::AVCOL_SPC_SMPTE170M,
                _ if sd => S::AVCOL_SPC_SMPTE170M,
                _ => S::AVCOL_SPC_BT709,
            },
            m => m,
        };
        let primaries = match known.primaries {
            P::AVCOL_PRI_UNSPECIFIED => match matrix {
                _ if hdr => P::AVCOL_PRI_BT2020,
                S::AVCOL_SPC_BT2020_NCL | S::AVCOL_SPC_BT2020_CL => P::AVCOL_PRI_BT2020,
                S::AVCOL_SPC_BT470BG => P::AVCOL_PRI_BT470BG,
                S::AVCOL_SPC_SMPTE170M => P::AVCOL_PRI_SMPTE170M,
                _ => P::AVCOL_PRI_BT709,
            },
            p => p,
        };
        let transfer = match known.transfer {
            T::AVCOL_TRC_UNSPECIFIED => match primaries {
                P::AVCOL_PRI_BT2020 if bit_depth > 10 => T::AVCOL_TRC_BT2020_12,
                P::AVCOL_PRI_BT2020 => T::AVCOL_TRC_BT2020_10,
                P::AVCOL_PRI_BT470BG | P::AVCOL_PRI_SMPTE170M | P::AVCOL_PRI_BT470M => T::AVCOL_TRC_SMPTE170M,
                _ => T::AVCOL_TRC_BT709,
            },
            t => t,
        };
        let range = if known.range == R::AVCOL_RANGE_JPEG { R::AVCOL_RANGE_JPEG } else { R::AVCOL_RANGE_MPEG };
        Colour { primaries, transfer, matrix, range }
    }

    /// The description with what `zscale` cannot convert from marked unspecified.
    fn convertible(self) -> Colour {
        use sys::{AVColorPrimaries as P, AVColorSpace as S, AVColorTransferCharacteristic as T};
        let primaries = match self.primaries {
            p @ (P::AVCOL_PRI_BT709
            | P::AVCOL_PRI_BT470M
            | P::AVCOL_PRI_BT470BG
            | P::AVCOL_PRI_SMPTE170M
            | P::AVCOL_PRI_SMPTE240M
            | P::AVCOL_PRI_FILM
            | P::AVCOL_PRI_BT2020
            | P::AVCOL_PRI_SMPTE428
            | P::AVCOL_PRI_SMPTE431
            | P::AVCOL_PRI_SMPTE432) => p,
            _ => P::AVCOL_PRI_UNSPECIFIED,
        };
        let transfer = match self.transfer {
            t @ (T::AVCOL_TRC_SMPTE2084
            | T::AVCOL_TRC_ARIB_STD_B67
            | T::AVCOL_TRC_BT709
            | T::AVCOL_TRC_SMPTE170M
            | T::AVCOL_TRC_BT2020_10
            | T::AVCOL_TRC_BT2020_12
            | T::AVCOL_TRC_IEC61966_2_1
            | T::AVCOL_TRC_LINEAR) => t,
            _ => T::AVCOL_TRC_UNSPECIFIED,
        };
        let matrix = match self.matrix {
            m @ (S::AVCOL_SPC_BT709
            | S::AVCOL_SPC_BT470BG
            | S::AVCOL_SPC_SMPTE170M
            | S::AVCOL_SPC_BT2020_NCL
            | S::AVCOL_SPC_BT2020_CL) => m,
            _ => S::AVCOL_SPC_UNSPECIFIED,
        };
        Colour { primaries, transfer, matrix, range: self.range }
    }

    pub(super) fn tone(&self) -> Tone {
        use sys::{AVColorPrimaries as P, AVColorSpace as S, AVColorTransferCharacteristic as T};
        match self.transfer {
            T::AVCOL_TRC_SMPTE2084 | T::AVCOL_TRC_ARIB_STD_B67 => Tone::Hdr,
            _ if self.primaries == P::AVCOL_PRI_BT2020
                || matches!(self.matrix, S::AVCOL_SPC_BT2020_NCL | S::AVCOL_SPC_BT2020_CL) =>
            {
                Tone::Gamut
            }
            _ => Tone::Keep,
        }
    }
}

/// The colours of a decoded frame, completed from the stream's description and then
/// from the defaults ([`Colour::completed`]).
pub(super) fn frame_colour(frame: &frame::Video, stream: Colour) -> Colour {
    let format: sys::AVPixelFormat = frame.format().into();
    ffi::frame_colour(frame).or(stream).completed(ffi::pixel_depth(format), (frame.width(), frame.height()))
}

/// Whether this FFmpeg can tone-map HDR films to SDR (it has `zscale` and `tonemap`).
/// Without them, HDR and BT.2020 films are only reduced to 8 bits and keep their tags.
pub fn tone_mapping_available() -> bool {
    super::init();
    filter::find("zscale").is_some() && filter::find("tonemap").is_some()
}

/// `zscale` input options describing `colour`, which is complete ([`Colour::completed`]).
fn zscale_input(colour: Colour) -> String {
    use sys::AVColorRange as R;
    // zscale takes FFmpeg's AVCOL_* numbers.
    let range = if colour.range == R::AVCOL_RANGE_JPEG { "full" } else { "limited" };
    format!(
        "tin={}:pin={}:min={}:rin={range}",
        colour.transfer as i32, colour.primaries as i32, colour.matrix as i32
    )
}

/// Filters (each preceded by a comma) that bring `colour` (complete: see
/// [`Colour::completed`]) to BT.709 SDR, ending with 8-bit limited-range YUV; empty when
/// the colours are kept as they are.
///
/// Every `zscale` states both what it receives and what it makes: left out, an output
/// property is copied from the frame, and a frame that leaves its primaries unspecified
/// would ask zimg to go from stated primaries to unspecified ones, which it cannot
/// ("no path between colorspaces").
pub(super) fn colour_filters(colour: Colour) -> String {
    let tone = colour.tone();
    if tone == Tone::Keep || !tone_mapping_available() {
        return String::new();
    }
    // Work in linear light, in floating point, on BT.709 primaries; then compress the
    // highlights (HDR only: mobius keeps everything below SDR white nearly untouched)
    // and encode with the BT.709 transfer and matrix.
    let tonemap = if tone == Tone::Hdr { ",tonemap=tonemap=mobius:desat=0" } else { "" };
    let primaries = colour.primaries as i32;
    format!(
        ",zscale={}:t=linear:p={primaries}:npl={SDR_PEAK_NITS},format=gbrpf32le,\
         zscale=tin=linear:pin={primaries}:t=linear:p=709:npl={SDR_PEAK_NITS}{tonemap},\
         zscale=tin=linear:pin=709:t=709:p=709:m=709:r=limited,format=yuv420p",
        zscale_input(colour)
    )
}

/// The colour tags the web renditions carry.
pub(super) fn output_colour(colour: Colour) -> Colour {
    use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};
    if colour.tone() != Tone::Keep && tone_mapping_available() {
        Colour {
            primaries: P::AVCOL_PRI_BT709,
            transfer: T::AVCOL_TRC_BT709,
            matrix: S::AVCOL_SPC_BT709,
            range: R::AVCOL_RANGE_MPEG,
        }
    } else {
        // The pixels keep their primaries, transfer and matrix, and so do the tags (an
        // untagged film stays untagged: players fill in the same defaults as
        // `Colour::completed`); the range is made limited.
        Colour { range: R::AVCOL_RANGE_MPEG, ..colour }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sys::{AVColorPrimaries as P, AVColorRange as R, AVColorSpace as S, AVColorTransferCharacteristic as T};

    fn colour(primaries: P, transfer: T, matrix: S) -> Colour {
        Colour { primaries, transfer, matrix, range: R::AVCOL_RANGE_UNSPECIFIED }
    }

    fn untagged() -> Colour {
        colour(P::AVCOL_PRI_UNSPECIFIED, T::AVCOL_TRC_UNSPECIFIED, S::AVCOL_SPC_UNSPECIFIED)
    }

    /// (primaries, transfer, matrix) of a completed description.
    fn described(c: Colour) -> (P, T, S) {
        (c.primaries, c.transfer, c.matrix)
    }

    const SD: (u32, u32) = (426, 240);
    const HD: (u32, u32) = (1920, 1080);

    #[test]
    fn missing_primaries_and_transfer_follow_a_bt2020_matrix_and_the_bit_depth() {
        let issue_9 = Colour { matrix: S::AVCOL_SPC_BT2020_NCL, ..untagged() };
        for (depth, transfer) in [(8, T::AVCOL_TRC_BT2020_10), (10, T::AVCOL_TRC_BT2020_10), (12, T::AVCOL_TRC_BT2020_12)] {
            for size in [SD, HD] {
                let c = issue_9.completed(depth, size);
                assert_eq!(described(c), (P::AVCOL_PRI_BT2020, transfer, S::AVCOL_SPC_BT2020_NCL), "{depth} bits, {size:?}");
                assert_eq!(c.range, R::AVCOL_RANGE_MPEG);
                assert_eq!(c.tone(), Tone::Gamut, "SDR BT.2020 is converted, not tone-mapped");
            }
        }
        let constant = Colour { matrix: S::AVCOL_SPC_BT2020_CL, ..untagged() }.completed(10, HD);
        assert_eq!(described(constant), (P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_CL));
        // And the other way round: BT.2020 primaries alone bring their matrix.
        let primaries = Colour { primaries: P::AVCOL_PRI_BT2020, ..untagged() }.completed(10, SD);
        assert_eq!(described(primaries), (P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_NCL));
    }

    #[test]
    fn missing_primaries_and_transfer_follow_bt709_and_bt601_matrices() {
        for (matrix, primaries, transfer) in [
            (S::AVCOL_SPC_BT709, P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709),
            (S::AVCOL_SPC_SMPTE170M, P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M),
            (S::AVCOL_SPC_BT470BG, P::AVCOL_PRI_BT470BG, T::AVCOL_TRC_SMPTE170M),
        ] {
            // The matrix decides, whatever the size.
            for size in [SD, HD] {
                let c = Colour { matrix, ..untagged() }.completed(8, size);
                assert_eq!(described(c), (primaries, transfer, matrix), "{matrix:?} at {size:?}");
                assert_eq!(c.tone(), Tone::Keep);
            }
        }
    }

    #[test]
    fn untagged_films_are_bt709_when_hd_and_bt601_when_sd() {
        let bt709 = (P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709, S::AVCOL_SPC_BT709);
        let bt601 = (P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M, S::AVCOL_SPC_SMPTE170M);
        for (size, want) in [((1920, 1080), bt709), ((1280, 720), bt709), ((1080, 1920), bt709), ((720, 576), bt601), ((640, 480), bt601), (SD, bt601)] {
            let c = untagged().completed(8, size);
            assert_eq!(described(c), want, "{size:?}");
            assert_eq!(c.tone(), Tone::Keep, "{size:?}");
        }
        // A 10-bit untagged film is still SDR BT.709: bits say nothing of the gamut.
        assert_eq!(described(untagged().completed(10, HD)), bt709);
    }

    #[test]
    fn only_a_pq_or_hlg_transfer_makes_a_film_hdr() {
        for transfer in [T::AVCOL_TRC_SMPTE2084, T::AVCOL_TRC_ARIB_STD_B67] {
            let alone = Colour { transfer, ..untagged() };
            assert_eq!(alone.tone(), Tone::Hdr);
            let c = alone.completed(10, HD);
            assert_eq!(described(c), (P::AVCOL_PRI_BT2020, transfer, S::AVCOL_SPC_BT2020_NCL));
            assert_eq!(c.tone(), Tone::Hdr);
        }
        for c in [
            untagged(),
            Colour { matrix: S::AVCOL_SPC_BT2020_NCL, ..untagged() },
            colour(P::AVCOL_PRI_BT2020, T::AVCOL_TRC_UNSPECIFIED, S::AVCOL_SPC_BT2020_NCL),
            colour(P::AVCOL_PRI_BT2020, T::AVCOL_TRC_BT2020_10, S::AVCOL_SPC_BT2020_NCL),
            colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709, S::AVCOL_SPC_BT709),
        ] {
            for depth in [8, 10, 12] {
                assert_ne!(c.tone(), Tone::Hdr, "{c:?}");
                assert_ne!(c.completed(depth, HD).tone(), Tone::Hdr, "{c:?} at {depth} bits");
                // Completing never changes what is done with the film, only how.
                assert_eq!(c.completed(depth, SD).tone(), c.tone(), "{c:?}");
            }
        }
    }

    #[test]
    fn stated_colours_are_kept_and_unconvertible_ones_replaced() {
        let odd = Colour { range: R::AVCOL_RANGE_JPEG, ..colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_SMPTE170M, S::AVCOL_SPC_BT2020_NCL) };
        let c = odd.completed(10, SD);
        assert_eq!(described(c), described(odd));
        assert_eq!(c.range, R::AVCOL_RANGE_JPEG);
        // A transfer zscale cannot read (gamma 2.2) is derived like a missing one.
        let gamma = colour(P::AVCOL_PRI_BT709, T::AVCOL_TRC_GAMMA22, S::AVCOL_SPC_BT709).completed(8, HD);
        assert_eq!(gamma.transfer, T::AVCOL_TRC_BT709);
    }

    #[test]
    fn sdr_colours_need_no_filters_and_keep_their_tags_in_limited_range() {
        let bt601_full = Colour { range: R::AVCOL_RANGE_JPEG, ..untagged() }.completed(8, SD);
        assert_eq!(bt601_full.tone(), Tone::Keep);
        assert_eq!(colour_filters(bt601_full), "");
        let out = output_colour(bt601_full);
        assert_eq!(described(out), (P::AVCOL_PRI_SMPTE170M, T::AVCOL_TRC_SMPTE170M, S::AVCOL_SPC_SMPTE170M));
        assert_eq!(out.range, R::AVCOL_RANGE_MPEG);
        // An untagged film stays untagged.
        assert_eq!(described(output_colour(untagged())), described(untagged()));
    }

    #[test]
    fn zscale_is_told_the_input_colours_as_ffmpeg_numbers() {
        let pq = Colour { transfer: T::AVCOL_TRC_SMPTE2084, ..untagged() }.completed(10, HD);
        assert_eq!(zscale_input(pq), "tin=16:pin=9:min=9:rin=limited");
        let full = Colour { range: R::AVCOL_RANGE_JPEG, ..untagged() }.completed(8, HD);
        assert_eq!(zscale_input(full), "tin=1:pin=1:min=1:rin=full");
    }

    #[test]
    fn hdr_is_tone_mapped_and_sdr_bt2020_only_converted_both_to_8_bit_bt709() {
        assert!(tone_mapping_available(), "this FFmpeg has no zscale/tonemap");
        let pq = Colour { transfer: T::AVCOL_TRC_SMPTE2084, ..untagged() }.completed(10, HD);
        assert_eq!(
            colour_filters(pq),
            ",zscale=tin=16:pin=9:min=9:rin=limited:t=linear:p=9:npl=100,format=gbrpf32le,\
             zscale=tin=linear:pin=9:t=linear:p=709:npl=100,tonemap=tonemap=mobius:desat=0,\
             zscale=tin=linear:pin=709:t=709:p=709:m=709:r=limited,format=yuv420p"
        );
        let bt2020 = Colour { matrix: S::AVCOL_SPC_BT2020_NCL, ..untagged() }.completed(10, HD);
        assert_eq!(
            colour_filters(bt2020),
            ",zscale=tin=14:pin=9:min=9:rin=limited:t=linear:p=9:npl=100,format=gbrpf32le,\
             zscale=tin=linear:pin=9:t=linear:p=709:npl=100,\
             zscale=tin=linear:pin=709:t=709:p=709:m=709:r=limited,format=yuv420p"
        );
        for converted in [pq, bt2020] {
            let out = output_colour(converted);
            assert_eq!(described(out), (P::AVCOL_PRI_BT709, T::AVCOL_TRC_BT709, S::AVCOL_SPC_BT709));
            assert_eq!(out.range, R::AVCOL_RANGE_MPEG);
        }
    }
}
