//! Builders the image checks' tests share: small pictures in each format, and the bytes of the
//! chunks, segments and sub-blocks a test plants in them by hand.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use image::codecs::gif::{GifEncoder, Repeat};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

pub fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| Rgb([((x * 37) % 256) as u8, ((y * 53) % 256) as u8, 128]))
}

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(picture(width, height).as_raw(), width, height, ExtendedColorType::Rgb8)
        .unwrap();
    out
}

pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    jpeg_of(&picture(width, height))
}

pub fn jpeg_of(picture: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 95)
        .write_image(picture.as_raw(), picture.width(), picture.height(), ExtendedColorType::Rgb8)
        .unwrap();
    out
}

pub fn gif(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut out);
        encoder.set_repeat(Repeat::Infinite).unwrap();
        encoder.encode(picture(width, height).as_raw(), width, height, ExtendedColorType::Rgb8).unwrap();
        // Dropping the encoder writes the trailer.
    }
    out
}

/// An animated GIF: `frames` copies of one `width` × `height` frame of a single colour, on a screen of that size.
pub fn gif_animation(width: u32, height: u32, frames: usize) -> Vec<u8> {
    let still = RgbImage::from_pixel(width, height, Rgb([10, 200, 30]));
    let mut one = Vec::new();
    {
        let mut encoder = GifEncoder::new(&mut one);
        encoder.encode(still.as_raw(), width, height, ExtendedColorType::Rgb8).unwrap();
    }
    let blocks = gif_blocks_start(&one);
    let frame = &one[blocks..one.len() - 1];
    let mut out = one[..blocks].to_vec();
    for _ in 0..frames {
        out.extend_from_slice(frame);
    }
    out.push(0x3B);
    out
}

/// Where the blocks of a GIF begin, after its header, screen descriptor and global colour table.
pub fn gif_blocks_start(gif: &[u8]) -> usize {
    13 + super::gif::color_table_len(gif[10])
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
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

pub fn png_chunk(chunk_type: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(chunk_type);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1_u32, 0_u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

/// A zlib stream holding `data` in one stored (uncompressed) block, so that planted text stays readable.
pub fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let length = u16::try_from(data.len()).unwrap();
    let mut out = vec![0x78, 0x01, 0x01];
    out.extend_from_slice(&length.to_le_bytes());
    out.extend_from_slice(&(!length).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

pub fn jpeg_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut segment = vec![0xFF, marker];
    segment.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    segment.extend_from_slice(payload);
    segment
}

/// `jpeg` with `segments` inserted after its JFIF APP0 (SOI is 2 bytes, the encoder's APP0 18).
pub fn with_segments(jpeg: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut tampered = jpeg[..20].to_vec();
    for segment in segments {
        tampered.extend_from_slice(segment);
    }
    tampered.extend_from_slice(&jpeg[20..]);
    tampered
}
