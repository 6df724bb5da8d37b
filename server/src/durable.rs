//! Writing files that survive a power cut, not only a crash of the process. A file the
//! portal has acknowledged (an attachment of a request whose number the citizen got, an
//! e-mail marked sent) must be on the disk, under its name, before the acknowledgement:
//! written under a temporary name, flushed, renamed, and its folder flushed, because the
//! rename (and a folder's own entry in its parent) lives in the folder, not in the file.
//! These calls block: run them with `tokio::task::spawn_blocking`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// Where the flushes go; tests record them (the order is the point, and nothing else can
/// observe an fsync).
trait Disk {
    fn sync_file(&mut self, file: &File, path: &Path) -> io::Result<()>;
    fn sync_dir(&mut self, dir: &Path) -> io::Result<()>;
}

struct RealDisk;

impl Disk for RealDisk {
    fn sync_file(&mut self, file: &File, _path: &Path) -> io::Result<()> {
        file.sync_all()
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        sync_dir(dir)
    }
}

/// Flushes a folder's entries (names created, renamed or removed in it).
#[cfg(unix)]
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Elsewhere a folder cannot be opened as a file; renames there are durable or not at
/// the file system's discretion.
#[cfg(not(unix))]
pub fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Writes `bytes` under `temporary`, flushes it, renames it to `target` (same folder) and
/// flushes the folder. A crash or power cut leaves either no `target` or the whole new
/// one. On failure the temporary file is removed (best effort).
pub fn write_file(temporary: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file_on(&mut RealDisk, temporary, target, bytes, true)
}

/// [`write_file`] without any flush, for a writer of many files in one folder that
/// flushes them all at once ([`sync_filesystem`]) before relying on any of them: one
/// flush per batch instead of two per file.
pub fn write_file_in_batch(temporary: &Path, target: &Path, bytes: &[u8]) -> io::Result<()> {
    write_file_on(&mut NoFlush, temporary, target, bytes, false)
}

/// Flushes everything written to the filesystem that holds `dir` (Linux `syncfs`; a
/// flush of `dir` itself elsewhere).
pub fn sync_filesystem(dir: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let folder = File::open(dir)?;
        rustix::fs::syncfs(&folder).map_err(io::Error::from)
    }
    #[cfg(not(target_os = "linux"))]
    {
        sync_dir(dir)
    }
}

/// Writes without flushing (the caller flushes the whole batch).
struct NoFlush;

impl Disk for NoFlush {
    fn sync_file(&mut self, _file: &File, _path: &Path) -> io::Result<()> {
        Ok(())
    }

    fn sync_dir(&mut self, _dir: &Path) -> io::Result<()> {
        Ok(())
    }
}

fn write_file_on(
    disk: &mut impl Disk,
    temporary: &Path,
    target: &Path,
    bytes: &[u8],
    flush_folder: bool,
) -> io::Result<()> {
    let written = (|| {
        let mut file = File::create(temporary)?;
        file.write_all(bytes)?;
        disk.sync_file(&file, temporary)?;
        drop(file);
        std::fs::rename(temporary, target)?;
        if flush_folder {
            disk.sync_dir(target.parent().unwrap_or(Path::new(".")))?;
        }
        Ok(())
    })();
    if written.is_err() {
        // Already renamed when only the last flush failed: then this finds nothing.
        let _ = std::fs::remove_file(temporary);
    }
    written
}

/// Creates `dir` and its missing parents, and flushes the parent of each level created
/// (the new name is an entry there), and always `dir`'s own parent: a process killed
/// between creating and flushing it left a folder that looks done but may not be.
fn create_dir_all_on(disk: &mut impl Disk, dir: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut level = Some(dir);
    while let Some(path) = level.filter(|p| !p.as_os_str().is_empty() && !p.is_dir()) {
        missing.push(path);
        level = path.parent();
    }
    std::fs::create_dir_all(dir)?;
    let mut parents: Vec<&Path> = missing.iter().rev().filter_map(|p| p.parent()).collect();
    if missing.is_empty() {
        parents.extend(dir.parent());
    }
    for parent in parents {
        disk.sync_dir(if parent.as_os_str().is_empty() { Path::new(".") } else { parent })?;
    }
    Ok(())
}

/// The folders this process has created durably. The first use of a folder pays for
/// its flushes; later ones find it here (unless it has gone since). One creation at a time, so that a second
/// writer cannot see a folder that exists but is not flushed yet and skip the flush.
#[derive(Debug, Clone, Default)]
pub struct Folders(Arc<Mutex<HashSet<PathBuf>>>);

impl Folders {
    /// Makes sure `dir` exists durably (see above).
    pub fn ensure(&self, dir: &Path) -> io::Result<()> {
        self.ensure_on(&mut RealDisk, dir)
    }

    fn ensure_on(&self, disk: &mut impl Disk, dir: &Path) -> io::Result<()> {
        // A panic elsewhere while holding the lock leaves the set as valid as before.
        let mut known = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked on disk too (a stat, no flush): a folder removed by hand comes back.
        if !(known.contains(dir) && dir.is_dir()) {
            create_dir_all_on(disk, dir)?;
            known.insert(dir.to_path_buf());
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Records each flush (path relative to `root`), checking what is on disk meanwhile.
    struct Recorder {
        root: PathBuf,
        log: Vec<String>,
    }

    impl Recorder {
        fn name(&self, path: &Path) -> String {
            path.strip_prefix(&self.root).unwrap().display().to_string()
        }
    }

    impl Disk for Recorder {
        fn sync_file(&mut self, file: &File, path: &Path) -> io::Result<()> {
            assert!(path.is_file(), "the file must be flushed before its rename");
            self.log.push(format!("file {}", self.name(path)));
            file.sync_all()
        }

        fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
            let pending = std::fs::read_dir(dir)?.flatten().any(|e| e.file_name().to_string_lossy().ends_with(".tmp"));
            assert!(!pending, "the folder must be flushed after the rename");
            self.log.push(format!("dir {}", self.name(dir)));
            sync_dir(dir)
        }
    }

    #[test]
    fn a_file_is_flushed_before_its_rename_and_its_folder_after() {
        let root = tempfile::tempdir().unwrap();
        let mut disk = Recorder { root: root.path().to_path_buf(), log: Vec::new() };
        let temporary = root.path().join(".a.tmp");
        let target = root.path().join("a");
        write_file_on(&mut disk, &temporary, &target, b"one", true).unwrap();
        assert_eq!(disk.log, ["file .a.tmp", "dir "]);
        assert_eq!(std::fs::read(&target).unwrap(), b"one");
        assert!(!temporary.exists());

        // Replacing keeps one whole file.
        write_file_on(&mut disk, &temporary, &target, b"two", true).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"two");
    }

    #[test]
    fn a_failed_write_leaves_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let temporary = root.path().join(".a.tmp");
        // The target is a non-empty folder: the rename fails.
        let target = root.path().join("taken");
        std::fs::create_dir_all(target.join("inside")).unwrap();
        assert!(write_file(&temporary, &target, b"x").is_err());
        assert!(!temporary.exists());
    }

    #[test]
    fn each_created_folder_is_flushed_in_its_parent_once() {
        let root = tempfile::tempdir().unwrap();
        let mut disk = Recorder { root: root.path().to_path_buf(), log: Vec::new() };
        let folders = Folders::default();
        let deep = root.path().join("data").join("attachments").join("ab");
        folders.ensure_on(&mut disk, &deep).unwrap();
        assert!(deep.is_dir());
        assert_eq!(disk.log, ["dir ", "dir data", "dir data/attachments"]);

        // Known now: no flush. A sibling: only the parent that gains an entry.
        folders.ensure_on(&mut disk, &deep).unwrap();
        let sibling = root.path().join("data").join("attachments").join("cd");
        folders.ensure_on(&mut disk, &sibling).unwrap();
        assert_eq!(disk.log[3..], ["dir data/attachments"]);

        // Found existing by a new process: its parent is flushed all the same.
        Folders::default().ensure_on(&mut disk, &sibling).unwrap();
        assert_eq!(disk.log[4..], ["dir data/attachments"]);
    }
}
