//! Uploaded images come from anyone and are untrusted: their own bytes decide what they are, never the
//! file name or the Content-Type the browser sent, and metadata a citizen may not know is there (EXIF GPS
//! location, camera serial numbers, XMP, ICC profiles, comments, embedded thumbnails) is removed before
//! anything is stored.
//!
//! What survives is an allow-list, not a deny-list: the pixels and the few PNG chunks, JPEG segments and GIF
//! blocks needed to show them, cut to the length their own fields announce or rebuilt in canonical form;
//! anything else, known or not, is dropped. The pixels are not re-encoded, so nothing is lost in quality,
//! except for a photo whose EXIF says to turn it: it is turned and encoded again, since the EXIF that said so
//! does not survive. Animations are counted (frames, pixels to draw) before anything is decoded. The result
//! is then fully decoded, under size limits, to prove that what we keep really is an image.

mod gif;
mod jpeg;
mod png;
#[cfg(test)]
mod test_support;

use std::io::Cursor;

use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

pub use gif::{MAX_ANIMATION_PIXELS, MAX_FRAMES};

/// Widest or tallest image accepted, in pixels.
const MAX_SIDE: u32 = 10_000;
/// Most memory the decoder may take to prove an image decodes.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Side of the box the console's still preview of an animation fits in.
pub const PREVIEW_SIDE: u32 = 800;

/// Images decoded at once, server-wide (each decode may hold up to [`MAX_ALLOC`]):
/// citizens' attachments, the console's previews and administrators' logos alike.
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
        if bytes.starts_with(&png::SIGNATURE) {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, jpeg::SOI, 0xFF]) {
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
    /// More frames than [`MAX_FRAMES`], or more than [`MAX_ANIMATION_PIXELS`] to draw over all of them.
    #[error("a animação tem quadros demais")]
    AnimationTooLarge,
}

impl ImageError {
    /// What the person who sent the file `name` is told (the citizen's form, the logo's).
    pub fn refusal(&self, name: &str) -> String {
        match self {
            ImageError::NotAnImage => {
                format!("O arquivo “{name}” não é uma imagem jpg, jpeg, gif ou png (o conteúdo foi verificado).")
            }
            ImageError::TooLarge => format!("A imagem “{name}” tem dimensões grandes demais."),
            ImageError::AnimationTooLarge => format!(
                "A animação “{name}” é longa ou grande demais: envie até {MAX_FRAMES} quadros ou uma imagem parada."
            ),
            ImageError::Corrupt => format!("O arquivo “{name}” está corrompido ou não pôde ser lido como imagem."),
        }
    }
}

/// An image that is safe to store: its kind comes from its bytes, its metadata is gone and it decodes.
#[derive(Debug, Clone)]
pub struct CleanImage {
    pub kind: ImageKind,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Sniffs, keeps only what the allow-list lets through, turns a photo upright if its EXIF asked for it,
/// then fully decodes the result with limits to prove it is an image.
pub fn clean(bytes: &[u8]) -> Result<CleanImage, ImageError> {
    let kind = ImageKind::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let (kept, orientation) = match kind {
        ImageKind::Png => (png::strip(bytes)?, Orientation::NoTransforms),
        ImageKind::Jpeg => jpeg::strip(bytes)?,
        ImageKind::Gif => (gif::strip(bytes)?, Orientation::NoTransforms),
    };
    let mut decoded = decode(&kept, kind)?;
    if orientation == Orientation::NoTransforms {
        return Ok(CleanImage { kind, bytes: kept, width: decoded.width(), height: decoded.height() });
    }
    // Turning by a quarter briefly holds a second copy of the pixels, within twice MAX_ALLOC.
    decoded.apply_orientation(orientation);
    let upright = jpeg::encode(&decoded)?;
    Ok(CleanImage { kind, bytes: upright, width: decoded.width(), height: decoded.height() })
}

/// Decodes the whole image (for an animated GIF, its first frame) under the size and
/// memory limits; an empty picture is as corrupt as an unreadable one.
fn decode(bytes: &[u8], kind: ImageKind) -> Result<DynamicImage, ImageError> {
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

/// A system's logo as the portal serves it: any accepted image, decoded under the same
/// limits, scaled down to fit `side` × `side` (never up) and encoded again as PNG. Encoding
/// anew keeps nothing of the upload but its pixels: no metadata, no trailing data.
pub fn logo_png(bytes: &[u8], side: u32) -> Result<Vec<u8>, ImageError> {
    still_png(bytes, side, FilterType::Lanczos3)
}

/// What the console shows inline for a stored animation: its first frame only, as a PNG that fits
/// [`PREVIEW_SIDE`], so that opening a request never makes an agent's browser play every frame.
pub fn preview_png(bytes: &[u8]) -> Result<Vec<u8>, ImageError> {
    // A preview is looked at once, quickly: a cheaper filter than the logos' will do.
    still_png(bytes, PREVIEW_SIDE, FilterType::Triangle)
}

/// The image's first frame, scaled down to fit `side` × `side` (never up), as PNG.
fn still_png(bytes: &[u8], side: u32, filter: FilterType) -> Result<Vec<u8>, ImageError> {
    let kind = ImageKind::sniff(bytes).ok_or(ImageError::NotAnImage)?;
    let decoded = decode(bytes, kind)?;
    let fitted =
        if decoded.width() > side || decoded.height() > side { decoded.resize(side, side, filter) } else { decoded };
    let mut out = Cursor::new(Vec::new());
    fitted.to_rgba8().write_to(&mut out, ImageFormat::Png).map_err(|_| ImageError::Corrupt)?;
    Ok(out.into_inner())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::test_support::{gif, gif_animation, jpeg, png};
    use super::*;

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
        assert!(wide.starts_with(&png::SIGNATURE));
        assert_eq!((decoded.width(), decoded.height()), (256, 128));
        // A small logo is never enlarged.
        let small = image::load_from_memory(&logo_png(&png(40, 30), 256).unwrap()).unwrap();
        assert_eq!((small.width(), small.height()), (40, 30));
        assert_eq!(logo_png(b"<svg xmlns='http://www.w3.org/2000/svg'/>", 256), Err(ImageError::NotAnImage));
        assert_eq!(logo_png(&png(40, 30)[..60], 256), Err(ImageError::Corrupt));
    }

    #[test]
    fn the_preview_of_an_animation_is_its_first_frame_as_a_still_png() {
        let preview = preview_png(&gif_animation(1000, 500, 3)).unwrap();
        assert!(preview.starts_with(&png::SIGNATURE));
        assert!(!preview.windows(4).any(|chunk| chunk == b"acTL"));
        let decoded = image::load_from_memory_with_format(&preview, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (PREVIEW_SIDE, PREVIEW_SIDE / 2));
    }
}
