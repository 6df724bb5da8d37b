//! Where attachment bytes live: behind a trait, so that the local folder (the embedded
//! default, here) and an S3-compatible bucket (`super::bucket`) serve the same request
//! code; ids are 128 random bits in hex, the only handle to a file.

use crate::durable::{self, Folders};
use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use std::path::PathBuf;

/// The bytes of a file read from the disk at a time (as the bucket's client sends them
/// as they arrive).
const CHUNK: usize = 64 * 1024;

/// A stored file on its way out: its length, and its bytes as they arrive from the disk
/// or the bucket. A download holds a chunk in memory, not the file.
pub struct Stored {
    pub size: u64,
    pub bytes: BoxStream<'static, std::io::Result<Bytes>>,
}

#[async_trait]
pub trait AttachmentStore: Send + Sync + std::fmt::Debug {
    async fn put(&self, id: &str, bytes: &[u8]) -> std::io::Result<()>;
    /// The file `id`, to be read as it arrives. A file that is not there is
    /// `ErrorKind::NotFound`; any other error is the store failing.
    async fn open(&self, id: &str) -> std::io::Result<Stored>;
    /// The whole file `id`, for those who need it at once (a GIF's preview, the export).
    async fn get(&self, id: &str) -> std::io::Result<Vec<u8>> {
        let stored = self.open(id).await?;
        let capacity = usize::try_from(stored.size).unwrap_or(0);
        stored
            .bytes
            .try_fold(Vec::with_capacity(capacity), |mut all, chunk| async move {
                all.extend_from_slice(&chunk);
                Ok(all)
            })
            .await
    }
    /// Best effort: used to clean up after a request that failed to store.
    async fn delete(&self, id: &str) -> std::io::Result<()>;
    /// Whether files can be stored now (`/readyz`).
    async fn ready(&self) -> std::io::Result<()>;
}

/// A new unguessable attachment id.
pub fn new_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub(crate) fn valid_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Files under one folder, fanned out by the first two hex digits of the id.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    root: PathBuf,
    /// The fan-out folders already created and flushed by this process.
    folders: Folders,
}

impl LocalFolder {
    pub fn new(root: PathBuf) -> LocalFolder {
        LocalFolder { root, folders: Folders::default() }
    }

    fn path(&self, id: &str) -> std::io::Result<PathBuf> {
        if !valid_id(id) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an attachment id"));
        }
        Ok(self.root.join(&id[..2]).join(id))
    }
}

#[async_trait]
impl AttachmentStore for LocalFolder {
    async fn put(&self, id: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(id)?;
        let dir = path.parent().map(PathBuf::from).unwrap_or_else(|| self.root.clone());
        // Written under a temporary name and renamed, so that a crash never leaves a
        // half-written file under the real id; file and folder flushed before returning,
        // because the request's record, committed next, must never point at a file that
        // a power cut took away. The flushes block: one trip to a blocking thread for all.
        let temporary = dir.join(format!(".{id}.tmp"));
        let folders = self.folders.clone();
        let bytes = bytes.to_vec();
        tokio::task::spawn_blocking(move || {
            folders.ensure(&dir)?;
            durable::write_file(&temporary, &path, &bytes)
        })
        .await
        .map_err(std::io::Error::other)?
    }

    async fn open(&self, id: &str) -> std::io::Result<Stored> {
        let file = tokio::fs::File::open(self.path(id)?).await?;
        let size = file.metadata().await?.len();
        Ok(Stored { size, bytes: tokio_util::io::ReaderStream::with_capacity(file, CHUNK).boxed() })
    }

    async fn delete(&self, id: &str) -> std::io::Result<()> {
        tokio::fs::remove_file(self.path(id)?).await
    }

    /// The folder exists (start-up makes it; a shared mount that went away is not made
    /// again here, where it would hide the outage) and can be written.
    async fn ready(&self) -> std::io::Result<()> {
        let metadata = tokio::fs::metadata(&self.root).await?;
        if !metadata.is_dir() || metadata.permissions().readonly() {
            return Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, "the folder cannot be written"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_reads_and_deletes_by_id_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = LocalFolder::new(dir.path().to_path_buf());
        let id = new_id();
        store.put(&id, b"png bytes").await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.get(&id).await.unwrap_or_default(), b"png bytes");
        assert!(store.get("../../etc/passwd").await.is_err());
        assert!(store.put("ABC", b"x").await.is_err());
        let fan_out = dir.path().join(&id[..2]);
        let names: Vec<_> = std::fs::read_dir(&fan_out).unwrap_or_else(|e| panic!("{e}")).flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
        store.delete(&id).await.unwrap_or_else(|e| panic!("{e}"));
        let gone = store.get(&id).await.err().map(|e| e.kind());
        assert_eq!(gone, Some(std::io::ErrorKind::NotFound));
    }

    #[tokio::test]
    async fn a_file_is_read_out_a_chunk_at_a_time() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = LocalFolder::new(dir.path().to_path_buf());
        let id = new_id();
        let file: Vec<u8> = (0..CHUNK * 3 + 100).map(|i| (i % 251) as u8).collect();
        store.put(&id, &file).await.unwrap_or_else(|e| panic!("{e}"));
        let stored = store.open(&id).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored.size, file.len() as u64);
        let chunks: Vec<Bytes> = stored.bytes.try_collect().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(chunks.len(), 4, "no chunk larger than {CHUNK} bytes");
        assert!(chunks.iter().all(|chunk| chunk.len() <= CHUNK));
        assert_eq!(chunks.concat(), file);
    }
}
