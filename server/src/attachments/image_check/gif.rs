//! GIF: header, logical screen descriptor, optional global colour table, then blocks until the trailer. Image
//! data and extension data are sequences of sub-blocks (a size byte, then that many bytes) ended by size 0.
//! What survives is the images and, rebuilt with only their fields, their graphic controls and the loop
//! count; every frame is counted first, so that a small file cannot make a viewer draw billions of pixels.

use super::ImageError;

const EXTENSION: u8 = 0x21;
const IMAGE: u8 = 0x2C;
const TRAILER: u8 = 0x3B;
const PLAIN_TEXT: u8 = 0x01;
const GRAPHIC_CONTROL: u8 = 0xF9;
const APPLICATION: u8 = 0xFF;

/// Most frames an animation may have: ten seconds of a screen recording at ten frames a second.
pub const MAX_FRAMES: usize = 100;
/// Most pixels a viewer may have to draw over all the frames: each frame counts at least the whole screen,
/// since browsers compose every frame on a canvas of that size. A still image may have about as many.
pub const MAX_ANIMATION_PIXELS: u64 = 100_000_000;

/// The GIF up to its trailer with images, graphic controls and one loop count only: comments, plain text,
/// and application extensions (XMP lives in one) are dropped; the looping one (NETSCAPE2.0 or ANIMEXTS1.0)
/// is written anew with nothing but its count. An animation over [`MAX_FRAMES`] or [`MAX_ANIMATION_PIXELS`]
/// is refused while walking the blocks, before any frame is decoded.
pub(super) fn strip(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    // Header (6 bytes) and logical screen descriptor (7), whose packed field tells of a global colour table.
    let screen = bytes.first_chunk::<13>().ok_or(ImageError::Corrupt)?;
    let screen_area = area(screen[6], screen[7], screen[8], screen[9]);
    let start = screen.len() + color_table_len(screen[10]);
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(bytes.get(..start).ok_or(ImageError::Corrupt)?);
    let (mut frames, mut pixels) = (0_usize, 0_u64);
    let mut looping_kept = false;
    let mut pos = start;
    // A graphic control extension applies to the next image: it is written just before that image, and
    // dropped with a plain text extension it belonged to.
    let mut pending_control: Option<[u8; 8]> = None;
    loop {
        match *bytes.get(pos).ok_or(ImageError::Corrupt)? {
            IMAGE => {
                // Separator and descriptor (10 bytes), local colour table, LZW minimum code size, data sub-blocks.
                let descriptor =
                    bytes.get(pos..).and_then(|rest| rest.first_chunk::<10>()).ok_or(ImageError::Corrupt)?;
                frames += 1;
                pixels += screen_area.max(area(descriptor[5], descriptor[6], descriptor[7], descriptor[8]));
                if frames > MAX_FRAMES || pixels > MAX_ANIMATION_PIXELS {
                    return Err(ImageError::AnimationTooLarge);
                }
                let code_size = pos + descriptor.len() + color_table_len(descriptor[9]);
                let end = skip_sub_blocks(bytes, code_size + 1)?;
                if let Some(control) = pending_control.take() {
                    out.extend_from_slice(&control);
                }
                out.extend_from_slice(bytes.get(pos..end).ok_or(ImageError::Corrupt)?);
                pos = end;
            }
            EXTENSION => {
                let label = *bytes.get(pos + 1).ok_or(ImageError::Corrupt)?;
                let (first, second, end) = first_sub_blocks(bytes, pos + 2)?;
                match label {
                    GRAPHIC_CONTROL => pending_control = canonical_control(first),
                    APPLICATION if !looping_kept => {
                        if let Some(looping) = canonical_looping(first, second) {
                            out.extend_from_slice(&looping);
                            looping_kept = true;
                        }
                    }
                    PLAIN_TEXT => pending_control = None,
                    _ => {}
                }
                pos = end;
            }
            TRAILER => {
                out.push(TRAILER);
                return Ok(out);
            }
            _ => return Err(ImageError::Corrupt),
        }
    }
}

/// Width × height from their little-endian bytes.
fn area(width_low: u8, width_high: u8, height_low: u8, height_high: u8) -> u64 {
    u64::from(u16::from_le_bytes([width_low, width_high])) * u64::from(u16::from_le_bytes([height_low, height_high]))
}

/// Size in bytes of the colour table a packed field announces (its high bit says whether there is one).
pub(super) fn color_table_len(packed: u8) -> usize {
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

/// The first two sub-blocks starting at `pos` (empty when there are fewer), and the position after them all.
fn first_sub_blocks(bytes: &[u8], pos: usize) -> Result<(&[u8], &[u8], usize), ImageError> {
    let end = skip_sub_blocks(bytes, pos)?;
    let first = sub_block(bytes, pos);
    let second = if first.is_empty() { &[][..] } else { sub_block(bytes, pos + 1 + first.len()) };
    Ok((first, second, end))
}

/// The data of the sub-block at `at` (empty for the terminator), once [`skip_sub_blocks`] has checked the frame.
fn sub_block(bytes: &[u8], at: usize) -> &[u8] {
    let size = bytes.get(at).map_or(0, |&size| usize::from(size));
    bytes.get(at + 1..at + 1 + size).unwrap_or_default()
}

/// A graphic control extension rebuilt from its 4 data bytes: disposal, user input and transparency flags
/// (the 3 reserved bits cleared), delay, transparent colour index. `None` for a malformed one.
fn canonical_control(data: &[u8]) -> Option<[u8; 8]> {
    let [packed, delay_low, delay_high, transparent] = *data.first_chunk::<4>()?;
    Some([EXTENSION, GRAPHIC_CONTROL, 4, packed & 0x1F, delay_low, delay_high, transparent, 0])
}

/// A looping application extension rebuilt with nothing but its loop count, from the identifier (first
/// sub-block) and the loop sub-block (1, then the count on two bytes). `None` for any other extension.
fn canonical_looping(identifier: &[u8], data: &[u8]) -> Option<[u8; 19]> {
    if identifier != b"NETSCAPE2.0" && identifier != b"ANIMEXTS1.0" {
        return None;
    }
    let [1, count_low, count_high] = *data.first_chunk::<3>()? else { return None };
    let mut block = [0; 19];
    block[..3].copy_from_slice(&[EXTENSION, APPLICATION, 11]);
    block[3..14].copy_from_slice(b"NETSCAPE2.0");
    block[14..].copy_from_slice(&[3, 1, count_low, count_high, 0]);
    Some(block)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::test_support::{contains, find, gif, gif_animation, gif_blocks_start};
    use super::super::{clean, ImageKind};
    use super::*;
    use image::{AnimationDecoder, ImageFormat};
    use std::io::Cursor;

    #[test]
    fn gif_loses_comment_and_xmp_and_keeps_looping() {
        let original = gif(6, 4);
        assert!(contains(&original, b"NETSCAPE2.0"));
        let blocks = gif_blocks_start(&original);
        let mut tampered = original[..blocks].to_vec();
        let comment = b"Foto tirada na casa da Maria";
        tampered.extend_from_slice(&[EXTENSION, 0xFE, u8::try_from(comment.len()).unwrap()]);
        tampered.extend_from_slice(comment);
        tampered.push(0);
        let xmp = b"<x:xmpmeta><exif:GPSLatitude>15,47S</exif:GPSLatitude></x:xmpmeta>";
        tampered.extend_from_slice(&[EXTENSION, APPLICATION, 11]);
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
        assert_eq!(cleaned.bytes.last(), Some(&TRAILER));
        assert_eq!(cleaned.bytes, original);
        assert_eq!((cleaned.width, cleaned.height), (6, 4));
        let decoded = image::load_from_memory_with_format(&cleaned.bytes, ImageFormat::Gif).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (6, 4));
    }

    #[test]
    fn gif_netscape_extension_data_does_not_survive() {
        let original = gif(6, 4);
        let netscape = find(&original, b"\x21\xFF\x0BNETSCAPE2.0").unwrap();
        // Introducer and label, identifier (12 bytes with its size), loop sub-block (4), terminator.
        let after = netscape + 2 + 12 + 4 + 1;
        let mut tampered = original[..netscape].to_vec();
        tampered.extend_from_slice(b"\x21\xFF\x0BNETSCAPE2.0");
        // A loop sub-block longer than its 3 bytes, then a sub-block of its own.
        tampered.extend_from_slice(&[15, 1, 0, 0]);
        tampered.extend_from_slice(b"PLANTED-LOOP");
        tampered.push(16);
        tampered.extend_from_slice(b"PLANTED-NETSCAPE");
        tampered.push(0);
        tampered.extend_from_slice(b"\x21\xFF\x0BANIMEXTS1.0\x03\x01\x00\x00\x0APLANTED-AN\x00");
        tampered.extend_from_slice(&original[after..]);
        assert!(image::load_from_memory_with_format(&tampered, ImageFormat::Gif).is_ok());

        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"PLANTED"));
        assert!(!contains(&cleaned.bytes, b"ANIMEXTS"));
        // The loop count alone survives, as the encoder wrote it.
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn gif_plain_text_goes_with_its_graphic_control() {
        let original = gif(4, 4);
        let blocks = gif_blocks_start(&original);
        let mut tampered = original[..blocks].to_vec();
        tampered.extend_from_slice(&[EXTENSION, GRAPHIC_CONTROL, 4, 0, 10, 0, 0, 0]);
        tampered.extend_from_slice(&[EXTENSION, PLAIN_TEXT, 12, 0, 0, 0, 0, 4, 0, 4, 0, 1, 1, 0, 0]);
        tampered.push(5);
        tampered.extend_from_slice(b"Maria");
        tampered.push(0);
        tampered.extend_from_slice(&original[blocks..]);

        let cleaned = clean(&tampered).unwrap();
        assert_eq!(cleaned.bytes, original);
    }

    #[test]
    fn gif_graphic_control_keeps_only_its_fields() {
        let original = gif_animation(4, 4, 1);
        let blocks = gif_blocks_start(&original);
        let mut tampered = original[..blocks].to_vec();
        // Reserved bits set in the packed field, and a second sub-block: neither survives.
        tampered.extend_from_slice(&[EXTENSION, GRAPHIC_CONTROL, 4, 0xE4, 10, 0, 0]);
        tampered.push(7);
        tampered.extend_from_slice(b"PLANTED");
        tampered.push(0);
        let image_start = blocks + find(&original[blocks..], &[IMAGE]).unwrap();
        tampered.extend_from_slice(&original[image_start..]);

        let cleaned = clean(&tampered).unwrap();
        assert!(!contains(&cleaned.bytes, b"PLANTED"));
        assert!(contains(&cleaned.bytes, &[EXTENSION, GRAPHIC_CONTROL, 4, 0x04, 10, 0, 0, 0, IMAGE]));
    }

    #[test]
    fn gif_with_too_many_frames_is_refused() {
        let bomb = gif_animation(2, 2, MAX_FRAMES + 1);
        assert!(image::load_from_memory_with_format(&bomb, ImageFormat::Gif).is_ok());
        assert_eq!(clean(&bomb).err(), Some(ImageError::AnimationTooLarge));
    }

    #[test]
    fn gif_whose_frames_add_up_to_too_many_pixels_is_refused() {
        // 26 frames of 2000 × 2000: 104 million pixels to draw, in a few kilobytes.
        let bomb = gif_animation(2000, 2000, 26);
        assert!(bomb.len() < 1_000_000, "{}", bomb.len());
        assert_eq!(clean(&bomb).err(), Some(ImageError::AnimationTooLarge));
    }

    #[test]
    fn gif_small_frames_on_a_large_screen_count_the_whole_screen() {
        // One 1 × 1 frame, then frames placed on a 5000 × 5000 screen: each costs a viewer the whole canvas.
        let mut bomb = gif_animation(1, 1, 5);
        bomb[6..10].copy_from_slice(&[0x88, 0x13, 0x88, 0x13]);
        assert_eq!(clean(&bomb).err(), Some(ImageError::AnimationTooLarge));
    }

    #[test]
    fn gif_animation_within_the_caps_keeps_its_frames() {
        let animation = gif_animation(6, 4, 3);
        let cleaned = clean(&animation).unwrap();
        assert_eq!(cleaned.bytes, animation);
        let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(&cleaned.bytes)).unwrap();
        assert_eq!(decoder.into_frames().count(), 3);
        assert_eq!((cleaned.width, cleaned.height), (6, 4));
    }

    #[test]
    fn gif_cut_short_is_corrupt() {
        let original = gif(8, 8);
        assert_eq!(clean(&original[..original.len() / 2]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(&original[..original.len() - 1]).err(), Some(ImageError::Corrupt));
        assert_eq!(clean(b"GIF89a\x04\x00").err(), Some(ImageError::Corrupt));
    }
}
