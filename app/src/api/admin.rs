//! Administration (`/admin`), read side: the team (agents, their levels, systems and
//! invitations) and the audit log. Every server function here asks the server's admin
//! port, which refuses anyone but a signed-in administrator. Changes are plain HTML form
//! posts handled by the server, with the session's CSRF token, like the console's.

use super::console::{AgentView, Choice};
use super::forms::Ticked;
use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One member of the team in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRow {
    pub id: i32,
    pub name: String,
    pub email: String,
    pub level: i16,
    pub is_admin: bool,
    /// "Ativo", "Convite pendente" or "Desativado".
    pub state: String,
    /// "CNES, SAPS".
    pub systems: String,
}

/// `/admin/atendentes`: the team and the invitation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPage {
    pub admin: AgentView,
    pub agents: Vec<AgentRow>,
    pub systems: Vec<Choice>,
}

/// `/admin/atendentes/{id}`: one member, to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentEdit {
    pub admin: AgentView,
    pub id: i32,
    pub name: String,
    pub email: String,
    pub level: i16,
    pub is_admin: bool,
    pub is_data_officer: bool,
    pub active: bool,
    pub pending_invite: bool,
    /// The systems, each with whether the agent serves it.
    pub systems: Vec<(Choice, bool)>,
}

/// `POST /admin/atendentes`: a new member. A refused one comes back as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePost {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub nivel: String,
    /// The ids of the systems ticked.
    #[serde(default)]
    pub sistemas: Vec<i32>,
    #[serde(default)]
    pub administrador: Ticked,
}

crate::form_actions! {
    /// The forms of `/admin/atendentes/{id}`.
    pub enum MemberAction {
        Save = "salvar",
        Reinvite = "convite",
    }
}

/// `POST /admin/atendentes/{id}`: save a member's settings, or invite them again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberPost {
    #[serde(default)]
    pub csrf: String,
    pub acao: MemberAction,
    #[serde(default)]
    pub nivel: String,
    #[serde(default)]
    pub sistemas: Vec<i32>,
    #[serde(default)]
    pub administrador: Ticked,
    /// The data-protection officer ("Encarregado"): may answer the data subjects.
    #[serde(default)]
    pub encarregado: Ticked,
    #[serde(default)]
    pub ativo: Ticked,
    /// Revoking a member's access asks first (see [`super::forms::Confirmation`]).
    #[serde(default)]
    pub confirmado: Ticked,
}

/// `POST /atendimento/convite/{token}`: the invited member's new password (the link's
/// token is the proof; there is no session). Nothing of it is kept after a refusal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordPost {
    #[serde(default)]
    pub nova: String,
    #[serde(default)]
    pub confirmacao: String,
}

crate::form_actions! {
    /// The forms of `/admin/calendario`.
    pub enum CalendarAction {
        Add = "adicionar",
        Remove = "remover",
    }
}

/// `POST /admin/calendario`: add or remove a ponto facultativo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPost {
    #[serde(default)]
    pub csrf: String,
    pub acao: CalendarAction,
    /// `AAAA-MM-DD`.
    #[serde(default)]
    pub data: String,
    #[serde(default)]
    pub descricao: String,
    /// Removing a day asks first.
    #[serde(default)]
    pub confirmado: Ticked,
}

/// The audit log's filters, as the query string of `/admin/auditoria` carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub agent: Option<i32>,
    pub action: Option<String>,
    /// A request's protocol number.
    pub number: Option<String>,
    /// `AAAA-MM-DD`, Brasília, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// `DD-MM-AAAA HH:MM:SS`, Brasília.
    pub at: String,
    /// The agent's name, or "Linha de comando".
    pub who: String,
    /// The action's label ("Revelou o CPF").
    pub action: String,
    pub number: Option<String>,
    pub detail: String,
    pub ip: String,
}

/// `/admin/auditoria`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub admin: AgentView,
    pub filter: AuditFilter,
    pub rows: Vec<AuditRow>,
    pub total: u64,
    pub page_size: u32,
    pub agents: Vec<Choice>,
    pub actions: Vec<Choice>,
}

/// The invitation page (`/atendimento/convite/{token}`): whose it is, if it still works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub name: String,
    pub email: String,
}

/// One ponto facultativo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    /// `AAAA-MM-DD`
    pub iso: String,
    /// `DD/MM/AAAA (segunda-feira)`
    pub shown: String,
    pub description: String,
}

/// `/admin/calendario?ano=…`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarPage {
    pub admin: AgentView,
    pub year: i32,
    pub days: Vec<CalendarDay>,
    /// The national holidays of the year, `DD/MM`.
    pub holidays: Vec<String>,
}

/// The signed-in administrator (the admin home page).
#[server(endpoint = "admin/inicio")]
pub async fn load_admin_home() -> Result<AgentView, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.admin.admin(session.as_deref()).await
}

#[server(endpoint = "admin/equipe")]
pub async fn load_team() -> Result<TeamPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.admin.team(session.as_deref()).await
}

#[server(endpoint = "admin/atendente")]
pub async fn load_agent_edit(id: i32) -> Result<AgentEdit, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.admin.agent(session.as_deref(), id).await
}

#[server(endpoint = "admin/auditoria")]
pub async fn load_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.admin.audit(session.as_deref(), &filter).await
}

/// The pontos facultativos of `year` (this year in Brasília when `None`).
#[server(endpoint = "admin/calendario")]
pub async fn load_calendar_admin(year: Option<i32>) -> Result<CalendarPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.admin.calendar(session.as_deref(), year).await
}

/// Whose invitation `token` is, or `NotFound` when it is unknown, used or expired.
#[server(endpoint = "atendimento/convite")]
pub async fn load_invite(token: String) -> Result<InviteView, AppError> {
    let ports = crate::ports::from_context()?;
    ports.admin.invite(&token).await?.ok_or(AppError::NotFound)
}
