//! PNG: a signature, then chunks of (length, type, data, CRC) from IHDR to IEND. What survives is the
//! critical chunks and the few ancillary ones that change how the pixels look while holding only numbers.

use super::ImageError;

pub(super) const SIGNATURE: [u8; 8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

/// The chunks that survive. Dropped with everything else: text (tEXt, zTXt, iTXt), eXIf, time, iCCP (a
/// compressed profile that can hold any bytes; without it the pixels are read as sRGB, a slight shift at
/// worst), bKGD (browsers ignore it), the APNG chunks (acTL, fcTL, fdAT: what remains is the still default
/// image) and any chunk we do not know.
const KEPT: [[u8; 4]; 10] =
    [*b"IHDR", *b"PLTE", *b"IDAT", *b"IEND", *b"tRNS", *b"gAMA", *b"cHRM", *b"sRGB", *b"sBIT", *b"pHYs"];

/// The length an ancillary chunk must have to mean what the format says; any other length is dropped,
/// so that no extra bytes ride along. tRNS and sBIT vary with the colour type and are bounded instead.
fn well_formed(chunk_type: [u8; 4], length: usize) -> bool {
    match &chunk_type {
        b"gAMA" => length == 4,
        b"cHRM" => length == 32,
        b"sRGB" => length == 1,
        b"pHYs" => length == 9,
        b"sBIT" => (1..=4).contains(&length),
        b"tRNS" => length <= 256,
        _ => true,
    }
}

/// The PNG's kept chunks up to IEND, each ancillary one once, and nothing after IEND.
pub(super) fn strip(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&SIGNATURE);
    let mut seen: Vec<[u8; 4]> = Vec::new();
    let mut pos = SIGNATURE.len();
    loop {
        let header = bytes.get(pos..).and_then(|rest| rest.first_chunk::<8>()).ok_or(ImageError::Corrupt)?;
        let [l0, l1, l2, l3, t0, t1, t2, t3] = *header;
        let length = u32::from_be_bytes([l0, l1, l2, l3]);
        let chunk_type = [t0, t1, t2, t3];
        // The format caps chunk lengths at 2^31 - 1, and chunk types are four ASCII letters.
        if length > 0x7FFF_FFFF || !chunk_type.iter().all(u8::is_ascii_alphabetic) {
            return Err(ImageError::Corrupt);
        }
        if pos == SIGNATURE.len() && chunk_type != *b"IHDR" {
            return Err(ImageError::Corrupt);
        }
        let length = usize::try_from(length).map_err(|_| ImageError::Corrupt)?;
        // Length and type (8 bytes), the data, then the CRC (4 bytes).
        let end = length.checked_add(12).and_then(|size| size.checked_add(pos)).ok_or(ImageError::Corrupt)?;
        let chunk = bytes.get(pos..end).ok_or(ImageError::Corrupt)?;
        // Critical chunks have an uppercase first letter; IDAT comes in many, the others once.
        let ancillary = chunk_type[0].is_ascii_lowercase();
        let repeated = ancillary && seen.contains(&chunk_type);
        if KEPT.contains(&chunk_type) && well_formed(chunk_type, length) && !repeated {
            out.extend_from_slice(chunk);
            if ancillary {
                seen.push(chunk_type);
            }
        }
        if chunk_type == *b"IEND" {
            return Ok(out);
        }
        pos = end;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::test_support::{contains, find, png, png_chunk, zlib_stored};
    use super::super::{clean, ImageError, ImageKind};
    use super::*;
    use image::ImageFormat;

    /// Offset of the IDAT chunk (its length field) and the length of its data.
    fn idat(png: &[u8]) -> (usize, usize) {
        let start = find(png, b"IDAT").unwrap() - 4;
        let length = u32::from_be_bytes(png[start..start + 4].try_into().unwrap());
        (start, usize::try_from(length).unwrap())
    }

    /// Where chunks may be planted: after the signature (8 bytes) and IHDR (25), before PLTE and IDAT.
    const AFTER_IHDR: usize = 33;

    #[test]
    fn png_loses_exif_and_text_and_still_decodes() {
        let original = png(5, 3);
        let (idat_start, _) = idat(&original);
        let mut tampered = original[..idat_start].to_vec();
        tampered.extend(png_chunk(b"eXIf", b"MM\x00\x2A\x00\x00\x00\x08GPSLatitude -15.7939"));
        tampered.extend(png_chunk(b"tEXt", b"Author\0Maria da Silva"));
        tampered.extend_from_slice(&original[idat_start..]);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Png).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.kind, ImageKind::Png);
        let gone: [&[u8]; 4] = [b"eXIf", b"GPSLatitude", b"tEXt", b"Maria da Silva"];
        for needle in gone {
            assert!(!contains(&cleaned.bytes, needle));
        }
        assert_eq!((cleaned.width, cleaned.height), (5, 3));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (5, 3));
    }

    #[test]
    fn png_iccp_text_does_not_survive() {
        let original = png(5, 3);
        // Profile name, its terminator, compression method 0, then a zlib stream that stays readable.
        let mut profile = b"PLANTED-ICCP\0\0".to_vec();
        profile.extend(zlib_stored(b"PLANTED-ICCP-PROFILE arbitrary bytes"));
        let mut tampered = original[..AFTER_IHDR].to_vec();
        tampered.extend(png_chunk(b"iCCP", &profile));
        tampered.extend_from_slice(&original[AFTER_IHDR..]);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Png).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"PLANTED"));
        assert!(!contains(&cleaned.bytes, b"iCCP"));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (5, 3));
    }

    #[test]
    fn png_unknown_animation_and_oversized_chunks_do_not_survive() {
        let original = png(4, 4);
        let mut tampered = original[..AFTER_IHDR].to_vec();
        tampered.extend(png_chunk(b"acTL", &[0, 0, 0, 1, 0, 0, 0, 0]));
        tampered.extend(png_chunk(b"bKGD", b"PLANTED-BKGD"));
        tampered.extend(png_chunk(b"prVt", b"PLANTED-PRIVATE"));
        tampered.extend(png_chunk(b"gAMA", b"PLANTED-GAMA"));
        tampered.extend_from_slice(&original[AFTER_IHDR..]);

        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"PLANTED"));
        assert!(!contains(&cleaned.bytes, b"acTL"));
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn png_keeps_the_chunks_that_say_how_pixels_look_once_each() {
        let original = png(4, 4);
        let gamma = png_chunk(b"gAMA", &45_455_u32.to_be_bytes());
        let srgb = png_chunk(b"sRGB", &[0]);
        let mut tampered = original[..AFTER_IHDR].to_vec();
        for chunk in [&gamma, &srgb, &gamma] {
            tampered.extend_from_slice(chunk);
        }
        tampered.extend_from_slice(&original[AFTER_IHDR..]);

        let cleaned = clean(&tampered).unwrap();
        let mut expected = original[..AFTER_IHDR].to_vec();
        expected.extend_from_slice(&gamma);
        expected.extend_from_slice(&srgb);
        expected.extend_from_slice(&original[AFTER_IHDR..]);
        assert_eq!(cleaned.bytes, expected);
    }

    #[test]
    fn png_loses_what_follows_iend() {
        let mut tampered = png(4, 4);
        tampered.extend_from_slice(b"PK\x03\x04hidden.zip");
        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"hidden.zip"));
        assert!(cleaned.bytes.ends_with(&png_chunk(b"IEND", &[])));
    }

    #[test]
    fn png_cut_in_the_middle_of_idat_is_corrupt() {
        let original = png(32, 32);
        let (idat_start, length) = idat(&original);
        let cut = &original[..idat_start + 8 + length / 2];
        assert_eq!(clean(cut).err(), Some(ImageError::Corrupt));
    }

    #[test]
    fn png_whose_idat_is_short_but_well_framed_is_corrupt() {
        let original = png(32, 32);
        let (idat_start, length) = idat(&original);
        let data = &original[idat_start + 8..idat_start + 8 + length];
        let mut tampered = original[..idat_start].to_vec();
        tampered.extend(png_chunk(b"IDAT", &data[..length / 2]));
        tampered.extend_from_slice(&original[idat_start + 12 + length..]);
        assert_eq!(clean(&tampered).err(), Some(ImageError::Corrupt));
    }

    #[test]
    fn png_not_starting_with_ihdr_is_corrupt() {
        let original = png(4, 4);
        let mut tampered = SIGNATURE.to_vec();
        tampered.extend(png_chunk(b"tEXt", b"Comment\0first"));
        tampered.extend_from_slice(&original[SIGNATURE.len()..]);
        assert_eq!(clean(&tampered).err(), Some(ImageError::Corrupt));
    }

    #[test]
    fn png_claiming_huge_dimensions_is_refused() {
        let mut header = 100_000_u32.to_be_bytes().to_vec();
        header.extend_from_slice(&100_000_u32.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut huge = SIGNATURE.to_vec();
        huge.extend(png_chunk(b"IHDR", &header));
        huge.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        huge.extend(png_chunk(b"IEND", &[]));
        let refused = clean(&huge).err();
        assert!(matches!(refused, Some(ImageError::TooLarge | ImageError::Corrupt)), "{refused:?}");
    }
}
