//! Files citizens attach to their requests: checked, cleaned and kept through a storage interface.

pub mod image_check;
pub mod store;
