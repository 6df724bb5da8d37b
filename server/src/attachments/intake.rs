//! Taking files in from a citizen's form (the request form, a complement): the count,
//! each name, size and content checked against the limits in force, the images cleaned,
//! then put in the store, all or none.

use super::image_check::{self, CleanImage};
use super::store::{self, AttachmentStore};
use super::Upload;
use crate::db::entities::attachment;
use app::domain::request_form;
use app::domain::settings::AttachmentLimits;
use chrono::{DateTime, Utc};
use sea_orm::Set;

/// An attachment already cleaned and put in the store, waiting for its database record.
#[derive(Debug, Clone)]
pub struct StoredAttachment {
    pub id: String,
    pub file_name: String,
    pub content_type: &'static str,
    pub size: usize,
}

impl StoredAttachment {
    /// Its database record, once it belongs to request `request_id`.
    pub fn record(&self, request_id: i32, now: DateTime<Utc>) -> attachment::ActiveModel {
        attachment::ActiveModel {
            id: Set(self.id.clone()),
            request_id: Set(request_id),
            file_name: Set(self.file_name.clone()),
            content_type: Set(self.content_type.to_owned()),
            size_bytes: Set(i64::try_from(self.size).unwrap_or(i64::MAX)),
            created_at: Set(now),
        }
    }
}

/// Checks every file (count, name, size, content) and cleans the images; the first
/// problem is reported with the file's name and the rule.
pub async fn check_uploads(
    uploads: Vec<Upload>,
    limits: AttachmentLimits,
) -> Result<Vec<(String, CleanImage)>, String> {
    if uploads.len() > limits.max_files() {
        return Err(limits.too_many_sent());
    }
    let mut cleaned = Vec::with_capacity(uploads.len());
    for upload in uploads {
        let name = if upload.name.is_empty() { "sem nome".to_owned() } else { upload.name };
        if upload.too_large {
            return Err(limits.too_large(&name));
        }
        if !request_form::allowed_image_name(&name) {
            return Err(format!("O arquivo “{name}” não é permitido: envie imagens jpg, jpeg, gif ou png."));
        }
        // Decoding is CPU and memory work: off the threads that serve other requests, and
        // a few at a time whatever the number of uploads in flight.
        let bytes = upload.bytes;
        let Ok(_permit) = image_check::DECODES.acquire().await else {
            return Err(format!("O arquivo “{name}” não pôde ser verificado agora. Tente novamente."));
        };
        match tokio::task::spawn_blocking(move || image_check::clean(&bytes)).await {
            Ok(Ok(image)) => cleaned.push((name, image)),
            Ok(Err(error)) => return Err(error.refusal(&name)),
            Err(_) => return Err(image_check::ImageError::Corrupt.refusal(&name)),
        }
    }
    Ok(cleaned)
}

/// Puts the cleaned images in the store; on a failure, what was put is deleted again.
pub async fn put_files(
    store: &dyn AttachmentStore,
    images: Vec<(String, CleanImage)>,
) -> std::io::Result<Vec<StoredAttachment>> {
    let mut stored: Vec<StoredAttachment> = Vec::with_capacity(images.len());
    for (file_name, image) in images {
        let id = store::new_id();
        if let Err(error) = store.put(&id, &image.bytes).await {
            for done in &stored {
                let _ = store.delete(&done.id).await;
            }
            return Err(error);
        }
        stored.push(StoredAttachment { id, file_name, content_type: image.kind.mime(), size: image.bytes.len() });
    }
    Ok(stored)
}
