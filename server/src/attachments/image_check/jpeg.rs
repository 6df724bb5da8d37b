//! JPEG: markers (0xFF, code), most followed by a big-endian length that counts itself; after a scan header
//! (SOS) comes entropy-coded data, where a 0xFF data byte is always followed by 0x00. What survives is the
//! segments a decoder needs to draw the pixels, each cut to the length its own fields announce, plus a
//! rebuilt JFIF header and Adobe colour transform; the EXIF orientation is read on the way, then dropped.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::DynamicImage;

use super::ImageError;

const TEM: u8 = 0x01;
pub(super) const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const DQT: u8 = 0xDB;
const DRI: u8 = 0xDD;
const DHT: u8 = 0xC4;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;

/// Quality of a photo encoded again after being turned upright: high enough that the loss does not show.
const UPRIGHT_QUALITY: u8 = 90;

/// The JPEG from SOI to EOI with only: frame headers for the Huffman-coded kinds browsers draw (SOF0 to SOF2),
/// Huffman and quantization tables, restart interval, scans with their data, a JFIF header without thumbnail
/// and an Adobe header reduced to its colour transform (it says whether the channels are RGB, YCbCr, CMYK or
/// YCCK). Everything else is dropped: APP1 to APP15 (EXIF with its GPS position and thumbnail, XMP, ICC, IPTC,
/// maker notes...), comments, JPG0 to JPG13, reserved markers, and anything after EOI (some phones append a
/// video there). Also returns the orientation the EXIF asked for, so that the caller can turn the pixels.
pub(super) fn strip(bytes: &[u8]) -> Result<(Vec<u8>, Orientation), ImageError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut orientation = None;
    let (mut jfif_kept, mut adobe_kept) = (false, false);
    let mut pos = 2;
    loop {
        if bytes.get(pos) != Some(&0xFF) {
            return Err(ImageError::Corrupt);
        }
        // Any number of 0xFF fill bytes may come before the marker code.
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let marker = *bytes.get(pos).ok_or(ImageError::Corrupt)?;
        pos += 1;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                return Ok((out, orientation.unwrap_or(Orientation::NoTransforms)));
            }
            // Restart markers belong inside scan data (copied with it); here, like TEM, they mean nothing.
            0xD0..=0xD7 | TEM => {}
            // 0x00 is byte stuffing, never a marker, and a second SOI makes no sense here.
            0x00 | SOI => return Err(ImageError::Corrupt),
            _ => {
                let length = bytes
                    .get(pos..)
                    .and_then(|rest| rest.first_chunk::<2>())
                    .map(|length| usize::from(u16::from_be_bytes(*length)))
                    .ok_or(ImageError::Corrupt)?;
                // The length counts its own two bytes, then the payload.
                let payload = length
                    .checked_sub(2)
                    .and_then(|size| bytes.get(pos + 2..pos + 2 + size))
                    .ok_or(ImageError::Corrupt)?;
                pos += length;
                match marker {
                    APP0 if !jfif_kept => {
                        if let Some(jfif) = canonical_jfif(payload) {
                            write_segment(&mut out, APP0, &jfif);
                            jfif_kept = true;
                        }
                    }
                    APP1 if orientation.is_none() => orientation = exif_orientation(payload),
                    APP14 if !adobe_kept => {
                        if let Some(adobe) = canonical_adobe(payload) {
                            write_segment(&mut out, APP14, &adobe);
                            adobe_kept = true;
                        }
                    }
                    0xC0..=0xC2 | DHT | DQT | DRI | SOS => {
                        let used = announced_length(marker, payload)?;
                        write_segment(&mut out, marker, payload.get(..used).ok_or(ImageError::Corrupt)?);
                    }
                    _ => {}
                }
                if marker == SOS {
                    let scan_end = entropy_coded_end(bytes, pos)?;
                    out.extend_from_slice(bytes.get(pos..scan_end).ok_or(ImageError::Corrupt)?);
                    pos = scan_end;
                }
            }
        }
    }
}

fn write_segment(out: &mut Vec<u8>, marker: u8, payload: &[u8]) {
    // Payloads come from a segment whose length fit in two bytes, and only ever shrink.
    let length = u16::try_from(payload.len() + 2).unwrap_or(u16::MAX);
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(payload);
}

/// How many bytes of a kept segment's payload its own fields account for: whatever follows them is slack a
/// decoder skips, and so a place to hide bytes. A segment too short for what it announces is corrupt.
fn announced_length(marker: u8, payload: &[u8]) -> Result<usize, ImageError> {
    let byte = |at: usize| payload.get(at).copied().map(usize::from).ok_or(ImageError::Corrupt);
    let used = match marker {
        // Precision, height, width (5 bytes), component count, then 3 bytes per component.
        0xC0..=0xC2 => 6 + 3 * byte(5)?,
        // Component count, 2 bytes per component, then spectral selection and approximation (3 bytes).
        SOS => 1 + 2 * byte(0)? + 3,
        DRI => 2,
        // Tables one after the other, filling the segment.
        DQT | DHT => {
            let mut at = 0;
            while at < payload.len() {
                let table = if marker == DQT {
                    // Precision and id, then 64 values of 1 byte (precision 0) or 2 (precision 1).
                    match byte(at)? >> 4 {
                        0 => 65,
                        1 => 129,
                        _ => return Err(ImageError::Corrupt),
                    }
                } else {
                    // Class and id, 16 counts of codes per length, then that many symbols.
                    let counts = payload.get(at + 1..at + 17).ok_or(ImageError::Corrupt)?;
                    17 + counts.iter().map(|&count| usize::from(count)).sum::<usize>()
                };
                at += table;
            }
            at
        }
        _ => payload.len(),
    };
    if used > payload.len() {
        return Err(ImageError::Corrupt);
    }
    Ok(used)
}

/// Where the entropy-coded data starting at `pos` ends: at the 0xFF of the first marker that is neither byte
/// stuffing (FF 00) nor a restart marker (FF D0 to FF D7). Running out of bytes first means a truncated file.
fn entropy_coded_end(bytes: &[u8], mut pos: usize) -> Result<usize, ImageError> {
    loop {
        let rest = bytes.get(pos..).ok_or(ImageError::Corrupt)?;
        let marker_start = pos + rest.iter().position(|&byte| byte == 0xFF).ok_or(ImageError::Corrupt)?;
        let mut code = marker_start + 1;
        while bytes.get(code) == Some(&0xFF) {
            code += 1;
        }
        match bytes.get(code) {
            None => return Err(ImageError::Corrupt),
            Some(0x00 | 0xD0..=0xD7) => pos = code + 1,
            Some(_) => return Ok(marker_start),
        }
    }
}

/// The 14-byte JFIF header of an APP0 payload: version 1.00 to 1.02 (else 1.02), density unit 0 to 2
/// (else 0) and densities as they were, with the thumbnail size set to 0x0 (the thumbnail pixels that
/// followed are left out: a thumbnail can show the picture as it was before it was cropped). `None` for any
/// other APP0 payload, such as a JFXX extension, which only carries thumbnails.
fn canonical_jfif(payload: &[u8]) -> Option<[u8; 14]> {
    let header = payload.first_chunk::<14>()?;
    if !header.starts_with(b"JFIF\0") {
        return None;
    }
    let mut kept = *header;
    if kept[5] != 1 || kept[6] > 2 {
        kept[5] = 1;
        kept[6] = 2;
    }
    if kept[7] > 2 {
        kept[7] = 0;
    }
    kept[12] = 0;
    kept[13] = 0;
    Some(kept)
}

/// An Adobe APP14 payload rebuilt with nothing but its colour transform (0: RGB or CMYK, 1: YCbCr, 2: YCCK),
/// which decoders need to draw the colours right; version 100, no flags. `None` if it is not a valid one.
fn canonical_adobe(payload: &[u8]) -> Option<[u8; 12]> {
    let header = payload.first_chunk::<12>()?;
    let transform = header[11];
    if !header.starts_with(b"Adobe") || transform > 2 {
        return None;
    }
    Some([b'A', b'd', b'o', b'b', b'e', 0, 100, 0, 0, 0, 0, transform])
}

/// The orientation an EXIF APP1 payload ("Exif\0\0", then a TIFF structure) gives; `None` for other APP1
/// payloads (XMP) and for EXIF without a valid orientation.
fn exif_orientation(payload: &[u8]) -> Option<Orientation> {
    let tiff = payload.strip_prefix(b"Exif\0\0")?;
    Orientation::from_exif_chunk(tiff)
}

/// A decoded photo encoded again as a JPEG that passes [`strip`]: grey stays grey, anything else is RGB.
pub(super) fn encode(picture: &DynamicImage) -> Result<Vec<u8>, ImageError> {
    let mut out = Cursor::new(Vec::new());
    let encoder = JpegEncoder::new_with_quality(&mut out, UPRIGHT_QUALITY);
    let written = match picture {
        DynamicImage::ImageLuma8(grey) => grey.write_with_encoder(encoder),
        DynamicImage::ImageRgb8(colour) => colour.write_with_encoder(encoder),
        other => other.to_rgb8().write_with_encoder(encoder),
    };
    written.map_err(|_| ImageError::Corrupt)?;
    // Our encoder writes nothing but JFIF and the image, but what is stored always goes through the allow-list.
    strip(&out.into_inner()).map(|(bytes, _)| bytes)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::test_support::{contains, jpeg, jpeg_of, jpeg_segment, with_segments};
    use super::super::{clean, ImageKind};
    use super::*;
    use image::{ImageFormat, Rgb, RgbImage};

    const COM: u8 = 0xFE;

    #[test]
    fn jpeg_loses_exif_and_comment_and_keeps_jfif() {
        let original = jpeg(16, 8);
        assert_eq!(original[..4], [0xFF, SOI, 0xFF, APP0]);
        let mut exif = b"Exif\0\0MM\x00\x2A\x00\x00\x00\x08".to_vec();
        exif.extend_from_slice(b"GPSLatitude -15.7939 GPSLongitude -47.8828");
        let mut tampered = original[..2].to_vec();
        tampered.extend(jpeg_segment(APP1, &exif));
        tampered.extend(jpeg_segment(COM, b"Foto tirada na casa da Maria"));
        tampered.extend_from_slice(&original[2..]);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Jpeg).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.kind, ImageKind::Jpeg);
        let gone: [&[u8]; 3] = [b"Exif", b"GPSLatitude", b"casa da Maria"];
        for needle in gone {
            assert!(!contains(&cleaned.bytes, needle));
        }
        assert_eq!(cleaned.bytes[..4], [0xFF, SOI, 0xFF, APP0]);
        assert!(contains(&cleaned.bytes, b"JFIF\0"));
        // Nothing but the injected segments was taken out.
        assert_eq!(cleaned.bytes, original);
        assert_eq!((cleaned.width, cleaned.height), (16, 8));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (16, 8));
    }

    #[test]
    fn jpeg_loses_its_jfif_thumbnail_and_what_follows_eoi() {
        let original = jpeg(8, 8);
        // The encoder's APP0: FF E0, length 16, then the 14-byte JFIF header with no thumbnail.
        let jfif_header = &original[6..20];
        assert!(jfif_header.starts_with(b"JFIF\0"));
        let mut with_thumbnail = jfif_header.to_vec();
        with_thumbnail[12] = 1;
        with_thumbnail[13] = 1;
        with_thumbnail.extend_from_slice(&[0x12, 0x34, 0x56]);
        let mut tampered = original[..2].to_vec();
        tampered.extend(jpeg_segment(APP0, &with_thumbnail));
        tampered.extend(jpeg_segment(APP0, b"JFXX\0\x10thumbnail"));
        tampered.extend_from_slice(&original[20..]);
        tampered.extend_from_slice(b"\x00\x00\x00\x18ftypmp42 video of the street");

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn jpeg_app14_and_jpgn_text_does_not_survive() {
        // "Adobe", version 100, flags carrying planted letters, transform 1 (YCbCr), then more planted text.
        let mut adobe = b"Adobe\x00\x64PLAN".to_vec();
        adobe.push(1);
        adobe.extend_from_slice(b"PLANTED-APP14");
        let segments = [
            jpeg_segment(APP14, &adobe),
            jpeg_segment(0xF0, b"PLANTED-JPG0"),
            jpeg_segment(0xF5, b"PLANTED-JPG5"),
            jpeg_segment(0xFD, b"PLANTED-JPG13"),
        ];
        let tampered = with_segments(&jpeg(16, 8), &segments);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Jpeg).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"PLAN"));
        // The colour transform survives, in a segment of its own fixed size.
        assert!(contains(&cleaned.bytes, &[0xFF, APP14, 0, 14, b'A', b'd', b'o', b'b', b'e', 0, 100, 0, 0, 0, 0, 1]));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (16, 8));
    }

    #[test]
    fn jpeg_slack_after_a_kept_segment_does_not_survive() {
        let original = jpeg(8, 8);
        // A restart interval is 2 bytes; what a longer segment carries after them is no part of the image
        // (some decoders skip it, others refuse the file: either way it is not stored).
        let mut restart = vec![0, 0];
        restart.extend_from_slice(b"PLANTED-DRI");
        let (kept, _) = strip(&with_segments(&original, &[jpeg_segment(DRI, &restart)])).unwrap();
        assert_eq!(kept, with_segments(&original, &[jpeg_segment(DRI, &[0, 0])]));
        let decoded = image::load_from_memory_with_format(&kept, ImageFormat::Jpeg).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (8, 8));
    }

    #[test]
    fn jpeg_exif_orientation_is_applied_to_the_pixels_then_dropped() {
        // A 16 × 8 picture, dark on top and light below, that its EXIF says to turn 90° clockwise (orientation 6).
        let picture = RgbImage::from_fn(16, 8, |_, y| if y < 4 { Rgb([0, 0, 0]) } else { Rgb([255, 255, 255]) });
        let mut exif = b"Exif\0\0MM\x00\x2A\x00\x00\x00\x08".to_vec();
        // One IFD entry: tag 0x0112 (Orientation), type SHORT, count 1, value 6; then no next IFD.
        exif.extend_from_slice(&[0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0x00, 0x06, 0, 0, 0, 0, 0, 0]);
        exif.extend_from_slice(b"GPSLatitude -15.7939");
        let tampered = with_segments(&jpeg_of(&picture), &[jpeg_segment(APP1, &exif)]);
        assert_eq!(exif_orientation(&exif), Some(Orientation::Rotate90));

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.kind, ImageKind::Jpeg);
        assert!(!contains(&cleaned.bytes, b"Exif"));
        assert!(!contains(&cleaned.bytes, b"GPSLatitude"));
        assert_eq!((cleaned.width, cleaned.height), (8, 16));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Jpeg).unwrap().to_luma8();
        assert_eq!((decoded.width(), decoded.height()), (8, 16));
        // Turned clockwise, the dark top is now on the right and the light bottom on the left.
        assert!(decoded.get_pixel(1, 8).0[0] > 200, "{:?}", decoded.get_pixel(1, 8));
        assert!(decoded.get_pixel(6, 8).0[0] < 55, "{:?}", decoded.get_pixel(6, 8));
    }

    #[test]
    fn jpeg_upright_already_is_not_encoded_again() {
        let original = jpeg(8, 8);
        let mut exif = b"Exif\0\0II\x2A\x00\x08\x00\x00\x00".to_vec();
        exif.extend_from_slice(&[0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 1, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0]);
        let cleaned = clean(&with_segments(&original, &[jpeg_segment(APP1, &exif)])).unwrap();
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn jpeg_cut_before_eoi_is_corrupt() {
        let original = jpeg(16, 16);
        assert_eq!(clean(&original[..original.len() - 10]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..original.len() - 2]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..4]).err(), Some(ImageError::Corrupt));
    }
}
