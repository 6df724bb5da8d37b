//! Files citizens attach to their requests: checked, cleaned and kept through a storage interface.

pub mod bucket;
pub mod image_check;
pub mod intake;
pub mod store;

use crate::db::entities::attachment;

/// A file as a form sent it, before any check.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Over the limit: its bytes were read and dropped.
    pub too_large: bool,
}

/// A stored attachment as the handlers serve it: the key of its bytes in the store, the
/// name the citizen gave it and its checked type. (Handlers never read database rows.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedFile {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
}

impl From<attachment::Model> for AttachedFile {
    fn from(row: attachment::Model) -> Self {
        AttachedFile { id: row.id, file_name: row.file_name, content_type: row.content_type }
    }
}
