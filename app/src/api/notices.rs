//! The public notices (`/privacidade`, `/acessibilidade`): read by anyone, edited by
//! administrators at `/admin/avisos` through a plain form post with the session's CSRF
//! token (see the server's `web::notices`).

use super::console::AgentView;
use super::AppError;
use crate::domain::notices::Notice;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// A notice as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePage {
    pub notice: Notice,
    /// Rendered by the server's Markdown renderer (no raw HTML, no `javascript:` links).
    pub html: String,
    /// `DD/MM/AAAA`, when an administrator last saved it; `None` for the default text.
    pub updated_on: Option<String>,
    /// The privacy notice's sentence on how long data is kept, from the settings in force.
    pub retention: Option<String>,
}

/// One notice as the administrator edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeText {
    pub notice: Notice,
    pub markdown: String,
    /// Still the default text: nobody has saved the portal's own.
    pub default: bool,
    pub updated_on: Option<String>,
}

/// `/admin/avisos`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticesPage {
    pub admin: AgentView,
    pub notices: Vec<NoticeText>,
}

/// `POST /admin/avisos`: one notice's new text. A refused one comes back as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticePost {
    #[serde(default)]
    pub csrf: String,
    pub aviso: Notice,
    #[serde(default)]
    pub texto: String,
}

#[server(endpoint = "aviso", input = GetUrl)]
pub async fn load_notice(notice: Notice) -> Result<NoticePage, AppError> {
    let ports = crate::ports::from_context()?;
    ports.notices.notice(notice).await
}

#[server(endpoint = "admin/avisos")]
pub async fn load_notices_admin() -> Result<NoticesPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.notices.notices(session.as_deref()).await
}
