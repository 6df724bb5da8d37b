//! Attachments in an S3-compatible bucket (through the `object_store` crate), so that
//! several instances share them. Keys are the local folder's layout under a prefix:
//! `anexos/ab/ab12…`. A store that is down or refuses is an error the caller turns into
//! a 503, after a short, bounded retry: a citizen is never kept waiting for minutes.

use super::store::{valid_id, AttachmentStore, Stored};
use crate::config::S3Settings;
use async_trait::async_trait;
use futures_util::stream::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, PutPayload, RetryConfig};
use std::sync::Arc;
use std::time::Duration;

/// How long one call to the store may take, retries included.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, Clone)]
pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl Bucket {
    /// The bucket `settings` name; nothing is contacted until the first call.
    pub fn new(settings: &S3Settings) -> object_store::Result<Bucket> {
        let mut builder = match &settings.credentials {
            Some((key, secret)) => AmazonS3Builder::new().with_access_key_id(key).with_secret_access_key(secret),
            None => AmazonS3Builder::from_env(),
        };
        builder = builder
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_virtual_hosted_style_request(!settings.path_style)
            .with_client_options(
                ClientOptions::new()
                    .with_connect_timeout(Duration::from_secs(3))
                    .with_timeout(Duration::from_secs(10))
                    .with_allow_http(settings.endpoint.as_deref().is_some_and(|e| e.starts_with("http://"))),
            )
            .with_retry(RetryConfig { backoff: BackoffConfig::default(), max_retries: 2, retry_timeout: CALL_TIMEOUT });
        if let Some(endpoint) = &settings.endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        Ok(Bucket { store: Arc::new(builder.build()?), prefix: Path::from(settings.prefix.as_str()) })
    }

    fn key(&self, id: &str) -> std::io::Result<Path> {
        if !valid_id(id) {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an attachment id"));
        }
        Ok(self.prefix.child(&id[..2]).child(id))
    }

    /// Written at start-up and read by `/readyz`: proves the bucket can be reached, read
    /// and written with the credentials given, without listing it.
    fn probe(&self) -> Path {
        self.prefix.child(".pronto")
    }
}

/// The store's errors as I/O errors: a missing object stays "not found" (a 404 for the
/// download), everything else is a failure of the store.
fn io_error(error: object_store::Error) -> std::io::Error {
    match error {
        object_store::Error::NotFound { .. } => std::io::Error::new(std::io::ErrorKind::NotFound, error),
        other => std::io::Error::other(other),
    }
}

#[async_trait]
impl AttachmentStore for Bucket {
    /// One PUT: the object appears whole or not at all.
    async fn put(&self, id: &str, bytes: &[u8]) -> std::io::Result<()> {
        let key = self.key(id)?;
        self.store.put(&key, PutPayload::from(bytes.to_vec())).await.map(|_| ()).map_err(io_error)
    }

    /// The object's body as the bucket sends it: its length is known before the first byte.
    async fn open(&self, id: &str) -> std::io::Result<Stored> {
        let key = self.key(id)?;
        let found = self.store.get(&key).await.map_err(io_error)?;
        let size = found.meta.size;
        Ok(Stored { size, bytes: found.into_stream().map(|chunk| chunk.map_err(io_error)).boxed() })
    }

    async fn delete(&self, id: &str) -> std::io::Result<()> {
        let key = self.key(id)?;
        self.store.delete(&key).await.map_err(io_error)
    }

    async fn ready(&self) -> std::io::Result<()> {
        match self.store.head(&self.probe()).await {
            Ok(_) => Ok(()),
            Err(object_store::Error::NotFound { .. }) => {
                self.store.put(&self.probe(), PutPayload::from_static(b"ok")).await.map(|_| ()).map_err(io_error)
            }
            Err(error) => Err(io_error(error)),
        }
    }
}
