//! The seams between the pages and the server's implementations (server build only).
//! The server puts a [`Ports`] into the Leptos context of every request; server
//! functions take what they need from it. Tests can supply their own.

use crate::api::catalog::SystemCard;
use crate::api::request::RequestFormInfo;
use crate::api::AppError;
use crate::domain::pow::Challenge;
use async_trait::async_trait;
use std::sync::Arc;

/// Why a port could not answer. The implementation logs the cause with its context
/// before returning; the variant only decides what the citizen is told.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The database (or another dependency) did not answer.
    #[error("dependency unavailable: {0}")]
    Unavailable(String),
    /// A bug or inconsistent data.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<PortError> for AppError {
    fn from(value: PortError) -> Self {
        match value {
            PortError::Unavailable(_) => AppError::Unavailable,
            PortError::Internal(_) => AppError::Internal,
        }
    }
}

/// A FAQ entry as stored, with its answer rendered for display and as plain text for search.
#[derive(Debug, Clone)]
pub struct FaqItem {
    pub id: i64,
    pub question: String,
    pub answer_html: String,
    pub answer_text: String,
}

/// Read access to systems and their FAQs.
#[async_trait]
pub trait Catalog: Send + Sync {
    async fn active_systems(&self) -> Result<Vec<SystemCard>, PortError>;
    /// The active system with this slug and its published entries in order, or `None`.
    async fn system_faq(&self, slug: &str) -> Result<Option<(SystemCard, Vec<FaqItem>)>, PortError>;
}

/// The request form's side of the server: form data, captcha challenges, and the
/// signature that lets a browser see the success page of the request it just opened.
#[async_trait]
pub trait RequestDesk: Send + Sync {
    /// The active system with this slug and its options, or `None`.
    async fn form(&self, slug: &str) -> Result<Option<RequestFormInfo>, PortError>;
    fn challenge(&self) -> Challenge;
    fn created_token_valid(&self, number: &str, token: &str) -> bool;
}

/// Everything the server functions may call.
#[derive(Clone)]
pub struct Ports {
    pub catalog: Arc<dyn Catalog>,
    pub requests: Arc<dyn RequestDesk>,
}

/// The ports of the current request.
pub fn from_context() -> Result<Ports, AppError> {
    leptos::prelude::use_context::<Ports>().ok_or_else(|| {
        tracing::error!("server function called without Ports in the Leptos context");
        AppError::Internal
    })
}
