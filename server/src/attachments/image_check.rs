//! Uploaded images come from anyone and are untrusted: their own bytes decide what they are, never the
//! file name or the Content-Type the browser sent, and metadata a citizen may not know is there (EXIF GPS
//! location, camera serial numbers, XMP, comments, embedded thumbnails) is removed before anything is stored.
//!
//! Removal works on the container structure (PNG chunks, JPEG segments, GIF blocks), so the pixels are never
//! re-encoded and nothing is lost in quality; the result is then fully decoded, under size limits, to prove
//! that what we keep really is an image.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// Widest or tallest image accepted, in pixels.
const MAX_SIDE: u32 = 10_000;
/// Most memory the decoder may take to prove an image decodes.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Images decoded at once, server-wide (each decode may hold up to [`MAX_ALLOC`]):
/// citizens' attachments and administrators' logos alike.
pub static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
}

impl ImageKind {
    /// The kind the leading magic bytes announce, whatever the file was called.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(&PNG_SIGNATURE) {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, SOI, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else {
            None
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::Gif => ImageFormat::Gif,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("não é uma imagem GIF, JPEG ou PNG")]
    NotAnImage,
    #[error("a imagem está corrompida ou não pôde ser lida")]
    Corrupt,
    #[error("a imagem tem dimensões grandes demais")]
    TooLarge,
}

/// An image that is safe to store: its kind comes from its bytes, its metadata is gone and it decodes.
#[derive(Debug, Clone)]
pub struct CleanImage {
    pub kind: ImageKind,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Sniffs, strips metadata, then fully decodes the stripped bytes with limits to prove it is an image.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, ImageError> {
    let kind = ImageKind::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let stripped = match kind {
        ImageKind::Png => strip_png(bytes)?,
        ImageKind::Jpeg => strip_jpeg(bytes)?,
        ImageKind::Gif => strip_gif(bytes)?,
    };
    let decoded = decode(&stripped, kind)?;
    let (width, height) = (decoded.width(), decoded.height());
    Ok(CleanImage { kind, bytes: stripped, width, height })
}

/// Decodes the whole image (for an animated GIF, its first frame) under the size and
/// memory limits; an empty picture is as corrupt as an unreadable one.
fn decode(bytes: &[u8], kind: ImageKind) -> Result<image::DynamicImage, ImageError> {
    let mut limits = Limits::no_limits();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    reader.limits(limits);
    match reader.decode() {
        Ok(decoded) if decoded.width() > 0 && decoded.height() > 0 => Ok(decoded),
        Ok(_) => Err(ImageError::Corrupt),
        Err(image::ImageError::Limits(_)) => Err(ImageError::TooLarge),
        Err(_) => Err(ImageError::Corrupt),
    }
}

// ---------------------------------------------------------------------------------------------------------
// PNG: a signature, then chunks of (length, type, data, CRC) from IHDR to IEND.

const PNG_SIGNATURE: [u8; 8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

/// The critical chunks, and the ancillary ones that change how the picture looks (colour, transparency,
/// aspect, APNG animation). Everything else, text, time, eXIf and chunks we do not know, is dropped.
const PNG_KEPT_CHUNKS: [[u8; 4]; 15] = [
    *b"IHDR", *b"PLTE", *b"IDAT", *b"IEND", *b"tRNS", *b"gAMA", *b"cHRM", *b"sRGB", *b"iCCP", *b"sBIT", *b"pHYs",
    *b"bKGD", *b"acTL", *b"fcTL", *b"fdAT",
];

/// The PNG's chunks up to IEND, without the ones not in [`PNG_KEPT_CHUNKS`] and without anything after IEND.
fn strip_png(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&PNG_SIGNATURE);
    let mut pos = PNG_SIGNATURE.len();
    loop {
        let header = bytes.get(pos..).and_then(|rest| rest.first_chunk::<8>()).ok_or(ImageError::Corrupt)?;
        let [l0, l1, l2, l3, t0, t1, t2, t3] = *header;
        let length = u32::from_be_bytes([l0, l1, l2, l3]);
        let chunk_type = [t0, t1, t2, t3];
        // The format caps chunk lengths at 2^31 - 1, and chunk types are four ASCII letters.
        if length > 0x7FFF_FFFF || !chunk_type.iter().all(u8::is_ascii_alphabetic) {
            return Err(ImageError::Corrupt);
        }
        if pos == PNG_SIGNATURE.len() && chunk_type != *b"IHDR" {
            return Err(ImageError::Corrupt);
        }
        // Length and type (8 bytes), the data, then the CRC (4 bytes).
        let end = usize::try_from(length)
            .ok()
            .and_then(|length| length.checked_add(12))
            .and_then(|size| size.checked_add(pos))
            .ok_or(ImageError::Corrupt)?;
        let chunk = bytes.get(pos..end).ok_or(ImageError::Corrupt)?;
        if PNG_KEPT_CHUNKS.contains(&chunk_type) {
            out.extend_from_slice(chunk);
        }
        if chunk_type == *b"IEND" {
            return Ok(out);
        }
        pos = end;
    }
}

// ---------------------------------------------------------------------------------------------------------
// JPEG: markers (0xFF, code), most followed by a big-endian length that counts itself; after a scan header
// (SOS) comes entropy-coded data, where a 0xFF data byte is always followed by 0x00.

const TEM: u8 = 0x01;
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const COM: u8 = 0xFE;

/// The JPEG from SOI to EOI without comments and without application segments APP1 to APP13 and APP15
/// (EXIF with its GPS position and thumbnail, XMP, ICC, IPTC, maker notes...). APP14 (Adobe) stays, as it says
/// how to convert the colours; APP0 stays only as a JFIF header, with no thumbnail. Anything after EOI (some
/// phones append a video there) is dropped.
fn strip_jpeg(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
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
                return Ok(out);
            }
            // Restart markers and TEM stand alone, with no length.
            0xD0..=0xD7 | TEM => out.extend_from_slice(&[0xFF, marker]),
            // 0x00 is byte stuffing, never a marker, and a second SOI makes no sense here.
            0x00 | SOI => return Err(ImageError::Corrupt),
            _ => {
                let length = bytes
                    .get(pos..)
                    .and_then(|rest| rest.first_chunk::<2>())
                    .map(|length| usize::from(u16::from_be_bytes(*length)))
                    .ok_or(ImageError::Corrupt)?;
                if length < 2 {
                    return Err(ImageError::Corrupt);
                }
                let end = pos.checked_add(length).ok_or(ImageError::Corrupt)?;
                // The two length bytes, then the payload.
                let segment = bytes.get(pos..end).ok_or(ImageError::Corrupt)?;
                match marker {
                    APP0 => {
                        if let Some(jfif) = jfif_without_thumbnail(segment.get(2..).unwrap_or_default()) {
                            out.extend_from_slice(&[0xFF, APP0, 0x00, 0x10]);
                            out.extend_from_slice(&jfif);
                        }
                    }
                    // APP1 to APP13, APP15 and comments.
                    0xE1..=0xED | 0xEF | COM => {}
                    _ => {
                        out.extend_from_slice(&[0xFF, marker]);
                        out.extend_from_slice(segment);
                    }
                }
                pos = end;
                if marker == SOS {
                    let scan_end = entropy_coded_end(bytes, pos)?;
                    out.extend_from_slice(bytes.get(pos..scan_end).ok_or(ImageError::Corrupt)?);
                    pos = scan_end;
                }
            }
        }
    }
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

/// The 14-byte JFIF header of an APP0 payload with its thumbnail size set to 0x0 (the thumbnail pixels that
/// followed are left out: a thumbnail can show the picture as it was before it was cropped). `None` for any
/// other APP0 payload, such as a JFXX extension, which only carries thumbnails.
fn jfif_without_thumbnail(payload: &[u8]) -> Option<[u8; 14]> {
    let header = payload.first_chunk::<14>()?;
    if !header.starts_with(b"JFIF\0") {
        return None;
    }
    let mut kept = *header;
    kept[12] = 0;
    kept[13] = 0;
    Some(kept)
}

// ---------------------------------------------------------------------------------------------------------
// GIF: header, logical screen descriptor, optional global colour table, then blocks until the trailer. Image
// data and extension data are sequences of sub-blocks (a size byte, then that many bytes) ended by size 0.

const GIF_EXTENSION: u8 = 0x21;
const GIF_IMAGE: u8 = 0x2C;
const GIF_TRAILER: u8 = 0x3B;
const GIF_PLAIN_TEXT: u8 = 0x01;
const GIF_GRAPHIC_CONTROL: u8 = 0xF9;
const GIF_APPLICATION: u8 = 0xFF;

/// The GIF up to its trailer with images, graphic control extensions and looping application extensions only:
/// comments, plain text and other application extensions (XMP lives in one) are dropped.
fn strip_gif(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    // Header (6 bytes) and logical screen descriptor (7), whose packed field tells of a global colour table.
    let screen = bytes.first_chunk::<13>().ok_or(ImageError::Corrupt)?;
    let start = screen.len() + color_table_len(screen[10]);
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..start).ok_or(ImageError::Corrupt)?);
    let mut pos = start;
    // A graphic control extension applies to the next image: it is written just before that image, and
    // dropped with a plain text extension it belonged to.
    let mut pending_control: Option<&[u8]> = None;
    loop {
        match *bytes.get(pos).ok_or(ImageError::Corrupt)? {
            GIF_IMAGE => {
                // Separator and descriptor (10 bytes), local colour table, LZW minimum code size, data sub-blocks.
                let descriptor =
                    bytes.get(pos..).and_then(|rest| rest.first_chunk::<10>()).ok_or(ImageError::Corrupt)?;
                let code_size = pos + descriptor.len() + color_table_len(descriptor[9]);
                let end = skip_sub_blocks(bytes, code_size + 1)?;
                if let Some(control) = pending_control.take() {
                    out.extend_from_slice(control);
                }
                out.extend_from_slice(bytes.get(pos..end).ok_or(ImageError::Corrupt)?);
                pos = end;
            }
            GIF_EXTENSION => {
                let label = *bytes.get(pos + 1).ok_or(ImageError::Corrupt)?;
                let end = skip_sub_blocks(bytes, pos + 2)?;
                let block = bytes.get(pos..end).ok_or(ImageError::Corrupt)?;
                match label {
                    GIF_GRAPHIC_CONTROL => pending_control = Some(block),
                    GIF_APPLICATION if is_looping_extension(block.get(2..).unwrap_or_default()) => {
                        out.extend_from_slice(block);
                    }
                    GIF_PLAIN_TEXT => pending_control = None,
                    _ => {}
                }
                pos = end;
            }
            GIF_TRAILER => {
                out.push(GIF_TRAILER);
                return Ok(out);
            }
            _ => return Err(ImageError::Corrupt),
        }
    }
}

/// Size in bytes of the colour table a packed field announces (its high bit says whether there is one).
fn color_table_len(packed: u8) -> usize {
    if (packed & 0x80) == 0 {
        return 0;
    }
    3 * (1usize << ((packed & 0x07) + 1))
}

/// Position just after the sub-blocks starting at `pos` and their 0 terminator.
fn skip_sub_blocks(bytes: &[u8], mut pos: usize) -> Result<usize, ImageError> {
    loop {
        let size = usize::from(*bytes.get(pos).ok_or(ImageError::Corrupt)?);
        pos += 1;
        if size == 0 {
            return Ok(pos);
        }
        pos = pos.checked_add(size).filter(|&end| end <= bytes.len()).ok_or(ImageError::Corrupt)?;
    }
}

/// Whether an application extension's sub-blocks begin with the identifier of a looping extension.
fn is_looping_extension(sub_blocks: &[u8]) -> bool {
    matches!(sub_blocks.get(..12), Some([11, id @ ..]) if id == b"NETSCAPE2.0" || id == b"ANIMEXTS1.0")
}

/// A system's logo as the portal serves it: any accepted image, decoded under the same
/// limits, scaled down to fit `side` × `side` (never up) and encoded again as PNG. Encoding
/// anew keeps nothing of the upload but its pixels: no metadata, no trailing data.
pub fn logo_png(bytes: &[u8], side: u32) -> Result<Vec<u8>, ImageError> {
    let kind = ImageKind::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let decoded = decode(bytes, kind)?;
    let fitted = if decoded.width() > side || decoded.height() > side {
        decoded.resize(side, side, image::imageops::FilterType::Lanczos3)
    } else {
        decoded
    };
    let mut out = Cursor::new(Vec::new());
    fitted.to_rgba8().write_to(&mut out, ImageFormat::Png).map_err(|_| ImageError::Corrupt)?;
    Ok(out.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use image::codecs::gif::{GifEncoder, Repeat};
    use image::codecs::jpeg::JpegEncoder;
    use image::codecs::png::PngEncoder;
    use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

    fn picture(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| Rgb([((x * 37) % 256) as u8, ((y * 53) % 256) as u8, 128]))
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(picture(width, height).as_raw(), width, height, ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        JpegEncoder::new(&mut out)
            .write_image(picture(width, height).as_raw(), width, height, ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    fn gif(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut encoder = GifEncoder::new(&mut out);
            encoder.set_repeat(Repeat::Infinite).unwrap();
            encoder.encode(picture(width, height).as_raw(), width, height, ExtendedColorType::Rgb8).unwrap();
            // Dropping the encoder writes the trailer.
        }
        out
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|window| window == needle)
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        find(haystack, needle).is_some()
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFF_u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                let mask = (crc & 1).wrapping_neg();
                crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
            }
        }
        !crc
    }

    fn png_chunk(chunk_type: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        chunk.extend_from_slice(chunk_type);
        chunk.extend_from_slice(data);
        let crc = crc32(&chunk[4..]);
        chunk.extend_from_slice(&crc.to_be_bytes());
        chunk
    }

    fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut segment = vec![0xFF, marker];
        segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        segment.extend_from_slice(payload);
        segment
    }

    /// Where the blocks of a GIF begin, after its header, screen descriptor and global colour table.
    fn gif_blocks_start(gif: &[u8]) -> usize {
        13 + color_table_len(gif[10])
    }

    /// Offset of the IDAT chunk (its length field) and the length of its data.
    fn idat(png: &[u8]) -> (usize, usize) {
        let start = find(png, b"IDAT").unwrap() - 4;
        let length = u32::from_be_bytes(png[start..start + 4].try_into().unwrap());
        (start, usize::try_from(length).unwrap())
    }

    #[test]
    fn sniffs_each_kind_by_its_magic_bytes() {
        assert_eq!(ImageKind::sniff(&png(2, 2)), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(&jpeg(2, 2)), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(&gif(2, 2)), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(&[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), Some(ImageKind::Png));
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8, 0xFF]), Some(ImageKind::Jpeg));
        assert_eq!(ImageKind::sniff(b"GIF87a"), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"GIF89a"), Some(ImageKind::Gif));
        assert_eq!(ImageKind::sniff(b"GIF88a"), None);
        assert_eq!(ImageKind::sniff(&[0x89, 0x50, 0x4E, 0x47]), None);
        assert_eq!(ImageKind::sniff(&[0xFF, 0xD8]), None);
        assert_eq!(ImageKind::sniff(b""), None);
        assert_eq!(ImageKind::sniff(b"MZ\x90\x00\x03\x00\x00\x00"), None);
    }

    #[test]
    fn kinds_have_their_mime_type_and_extension() {
        assert_eq!(ImageKind::Png.mime(), "image/png");
        assert_eq!(ImageKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(ImageKind::Gif.mime(), "image/gif");
        assert_eq!(ImageKind::Png.extension(), "png");
        assert_eq!(ImageKind::Jpeg.extension(), "jpg");
        assert_eq!(ImageKind::Gif.extension(), "gif");
    }

    #[test]
    fn files_that_are_not_images_are_refused_whatever_their_name() {
        let executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00This program cannot be run";
        assert_eq!(clean(executable).err(), Some(ImageError::NotAnImage));
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(clean(svg).err(), Some(ImageError::NotAnImage));
        assert_eq!(clean(b"").err(), Some(ImageError::NotAnImage));
    }

    #[test]
    fn logos_are_scaled_down_to_fit_and_encoded_again_as_png() {
        let wide = logo_png(&jpeg(600, 300), 256).unwrap();
        let decoded = image::load_from_memory(&wide).unwrap();
        assert!(wide.starts_with(&PNG_SIGNATURE));
        assert_eq!((decoded.width(), decoded.height()), (256, 128));
        // A small logo is never enlarged.
        let small = image::load_from_memory(&logo_png(&png(40, 30), 256).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (40, 30));
        assert_eq!(logo_png(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 256), Err(ImageError::NotAnImage));
        assert_eq!(logo_png(&png(40, 30)[..60], 256), Err(ImageError::Corrupt));
    }

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
        let mut tampered = PNG_SIGNATURE.to_vec();
        tampered.extend(png_chunk(b"tEXt", b"Comment\0first"));
        tampered.extend_from_slice(&original[PNG_SIGNATURE.len()..]);
        assert_eq!(clean(&tampered).err(), Some(ImageError::Corrupt));
    }

    #[test]
    fn png_claiming_huge_dimensions_is_refused() {
        let mut header = 100_000_u32.to_be_bytes().to_vec();
        header.extend_from_slice(&100_000_u32.to_be_bytes());
        header.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut huge = PNG_SIGNATURE.to_vec();
        huge.extend(png_chunk(b"IHDR", &header));
        huge.extend(png_chunk(b"IDAT", &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        huge.extend(png_chunk(b"IEND", &[]));
        let refused = clean(&huge).err();
        assert!(matches!(refused, Some(ImageError::TooLarge | ImageError::Corrupt)), "{refused:?}");
    }

    #[test]
    fn jpeg_loses_exif_and_comment_and_keeps_jfif() {
        let original = jpeg(16, 8);
        assert_eq!(original[..4], [0xFF, SOI, 0xFF, APP0]);
        let mut exif = b"Exif\0\0MM\x00\x2A\x00\x00\x00\x08".to_vec();
        exif.extend_from_slice(b"GPSLatitude -15.7939 GPSLongitude -47.8828");
        let mut tampered = original[..2].to_vec();
        tampered.extend(jpeg_segment(0xE1, &exif));
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
    fn jpeg_cut_before_eoi_is_corrupt() {
        let original = jpeg(16, 16);
        assert_eq!(clean(&original[..original.len() - 10]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..original.len() - 2]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..4]).err(), Some(ImageError::Corrupt));
    }

    #[test]
    fn gif_loses_comment_and_xmp_and_keeps_looping() {
        let original = gif(6, 4);
        assert!(contains(&original, b"NETSCAPE2.0"));
        let blocks = gif_blocks_start(&original);
        let mut tampered = original[..blocks].to_vec();
        let comment = b"Foto tirada na casa da Maria";
        tampered.extend_from_slice(&[GIF_EXTENSION, 0xFE, u8::try_from(comment.len()).unwrap()]);
        tampered.extend_from_slice(comment);
        tampered.push(0);
        let xmp = b"<x:xmpmeta><exif:GPSLatitude>15,47S</exif:GPSLatitude></x:xmpmeta>";
        tampered.extend_from_slice(&[GIF_EXTENSION, GIF_APPLICATION, 11]);
        tampered.extend_from_slice(b"XMP DataXMP");
        tampered.push(u8::try_from(xmp.len()).unwrap());
        tampered.extend_from_slice(xmp);
        tampered.push(0);
        tampered.extend_from_slice(&original[blocks..]);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Gif).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.kind, ImageKind::Gif);
        let gone: [&[u8]; 3] = [b"XMP DataXMP", b"GPSLatitude", b"casa da Maria"];
        for needle in gone {
            assert!(!contains(&cleaned.bytes, needle));
        }
        assert!(contains(&cleaned.bytes, b"NETSCAPE2.0"));
        assert_eq!(cleaned.bytes.last(), Some(&GIF_TRAILER));
        assert_eq!(cleaned.bytes, original);
        assert_eq!((cleaned.width, cleaned.height), (6, 4));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Gif).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (6, 4));
    }

    #[test]
    fn gif_plain_text_goes_with_its_graphic_control() {
        let original = gif(4, 4);
        let blocks = gif_blocks_start(&original);
        let mut tampered = original[..blocks].to_vec();
        tampered.extend_from_slice(&[GIF_EXTENSION, GIF_GRAPHIC_CONTROL, 4, 0, 10, 0, 0, 0]);
        tampered.extend_from_slice(&[GIF_EXTENSION, GIF_PLAIN_TEXT, 12, 0, 0, 0, 0, 4, 0, 4, 0, 1, 1, 0, 0]);
        tampered.push(5);
        tampered.extend_from_slice(b"Maria");
        tampered.push(0);
        tampered.extend_from_slice(&original[blocks..]);

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn gif_cut_short_is_corrupt() {
        let original = gif(8, 8);
        assert_eq!(clean(&original[..original.len() / 2]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..original.len() - 1]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(b"GIF89a\x04\x00").err(), Some(ImageError::Corrupt));
    }
}
