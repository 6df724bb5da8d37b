//! `/admin/configuracoes`: what the page shows. Changed by a plain form post with the
//! session's CSRF token (see the server's `web::settings`).

use super::console::AgentView;
use super::AppError;
use crate::domain::settings::PortalSettings;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub admin: AgentView,
    pub settings: PortalSettings,
}

#[server(endpoint = "admin/configuracoes")]
pub async fn load_settings_admin() -> Result<SettingsPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.settings.settings(session.as_deref()).await
}

/// `POST /admin/configuracoes`: the values as typed (checked by the server, kept after a
/// refusal).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPost {
    #[serde(default)]
    pub csrf: String,
    /// The business days to contest an answer.
    #[serde(default)]
    pub prazo: String,
    /// Attachments per request.
    #[serde(default)]
    pub arquivos: String,
    /// Megabytes per attachment.
    #[serde(default)]
    pub tamanho: String,
    /// Months a request's personal data is kept after it ended.
    #[serde(default)]
    pub retencao: String,
    /// Months an audit entry is kept.
    #[serde(default)]
    pub retencao_auditoria: String,
}
