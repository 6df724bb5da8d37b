//! Writes `.br` and `.gz` beside the site's static files at the highest levels, once,
//! so that the wasm, JS and CSS citizens download every visit are as small as they can
//! be without spending CPU per request (`ServeDir` serves the precompressed variant).
//! Runs in the background at start-up; until it finishes, responses are compressed on
//! the fly. Files are written to a temporary name and renamed, so a concurrent reader
//! never sees half a file.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

const COMPRESSIBLE: &[&str] = &["wasm", "js", "css", "svg", "ico", "json", "txt", "html", "xml"];
/// Larger files (unoptimised debug wasm) get a faster level: quality 11 on 40 MB takes minutes.
const BEST_QUALITY_LIMIT: u64 = 4 * 1024 * 1024;

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub written: usize,
    pub up_to_date: usize,
}

/// Precompresses every compressible file under `root`.
pub fn site(root: &Path) -> io::Result<Summary> {
    let mut summary = Summary::default();
    for file in files(root)? {
        let size = fs::metadata(&file)?.len();
        for (suffix, compress) in [("br", brotli_file as fn(&[u8], u64) -> io::Result<Vec<u8>>), ("gz", gzip_file)] {
            let target = with_suffix(&file, suffix);
            if is_fresh(&file, &target) {
                summary.up_to_date += 1;
                continue;
            }
            let bytes = fs::read(&file)?;
            let compressed = compress(&bytes, size)?;
            let temporary = with_suffix(&file, &format!("{suffix}.tmp{}", std::process::id()));
            fs::write(&temporary, compressed)?;
            fs::rename(&temporary, &target)?;
            summary.written += 1;
        }
    }
    Ok(summary)
}

fn files(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e)) {
                found.push(path);
            }
        }
    }
    Ok(found)
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

fn is_fresh(source: &Path, target: &Path) -> bool {
    match (fs::metadata(source).and_then(|m| m.modified()), fs::metadata(target).and_then(|m| m.modified())) {
        (Ok(source), Ok(target)) => target >= source,
        _ => false,
    }
}

fn brotli_file(bytes: &[u8], size: u64) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: if size <= BEST_QUALITY_LIMIT { 11 } else { 5 },
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3);
    brotli::BrotliCompress(&mut io::Cursor::new(bytes), &mut out, &params)?;
    Ok(out)
}

fn gzip_file(bytes: &[u8], size: u64) -> io::Result<Vec<u8>> {
    let level = if size <= BEST_QUALITY_LIMIT { 9 } else { 6 };
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::new(level));
    encoder.write_all(bytes)?;
    encoder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_smaller_variants_once() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let pkg = dir.path().join("pkg");
        fs::create_dir_all(&pkg)?;
        let js = pkg.join("app.js");
        fs::write(&js, "export function hydrate() { return 42; }\n".repeat(200))?;
        fs::write(pkg.join("photo.png"), [0u8; 64])?;

        let first = site(dir.path())?;
        assert_eq!(first, Summary { written: 2, up_to_date: 0 });
        let original = fs::metadata(&js)?.len();
        assert!(fs::metadata(with_suffix(&js, "br"))?.len() < original / 10);
        assert!(fs::metadata(with_suffix(&js, "gz"))?.len() < original / 10);
        assert!(!with_suffix(&pkg.join("photo.png"), "br").exists(), "images are not recompressed");

        let second = site(dir.path())?;
        assert_eq!(second, Summary { written: 0, up_to_date: 2 });
        Ok(())
    }
}
