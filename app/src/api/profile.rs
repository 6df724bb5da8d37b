//! The agent's own profile (`/atendimento/perfil`): who they are in the team, and how
//! they are told of work arriving in their queues ("Avisos por e-mail").

use super::console::AgentView;
use super::AppError;
use crate::domain::team_notices::NoticeChoice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The profile page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub agent: AgentView,
    pub email: String,
    /// The names of the systems served ("Todos" for an administrator).
    pub systems: Vec<String>,
    pub notify: NoticeChoice,
    /// The daily summary's hour, Brasília time.
    pub digest_hour: i16,
}

/// `POST /atendimento/perfil`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePost {
    #[serde(default)]
    pub csrf: String,
    /// A [`NoticeChoice`] value.
    #[serde(default)]
    pub avisos: String,
    /// The summary's hour (`0`–`23`).
    #[serde(default)]
    pub hora: String,
}

/// The signed-in agent's profile.
#[server(endpoint = "atendimento/perfil")]
pub async fn load_profile() -> Result<Profile, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.console.profile(session.as_deref()).await
}
