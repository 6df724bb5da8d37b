//! Administration of what citizens read and choose: the systems, each system's FAQ
//! (Markdown, rendered to safe HTML by the server), its "funcionalidades" and the agents'
//! canned replies. Read through these server functions (administrators only); changed by
//! plain form posts with the session's CSRF token. Nothing is cached: a change shows on
//! the citizens' pages at the next request.

use super::console::AgentView;
use super::forms::Ticked;
use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One system in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemRow {
    pub slug: String,
    pub name: String,
    pub full_name: String,
    pub active: bool,
    /// Published entries / all entries.
    pub faq_published: u64,
    pub faq_total: u64,
}

/// `/admin/sistemas`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemsPage {
    pub admin: AgentView,
    pub systems: Vec<SystemRow>,
}

/// A FAQ entry as the administrator edits it, with its answer as citizens will see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqAdminEntry {
    pub id: i32,
    pub question: String,
    pub answer_md: String,
    /// Rendered by the server's Markdown renderer (no raw HTML, no `javascript:` links).
    pub answer_html: String,
    pub published: bool,
    /// "Esta resposta resolveu minha dúvida?": Sim and Não, on the FAQ page and in the
    /// request form's suggestions.
    pub helpful: u64,
    pub not_helpful: u64,
}

/// A "funcionalidade" of the request form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncionalidadeAdmin {
    pub id: i32,
    pub name: String,
    pub active: bool,
}

/// A canned reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedAdmin {
    pub id: i32,
    pub title: String,
    pub body: String,
}

/// `/admin/sistemas/{slug}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemAdminPage {
    pub admin: AgentView,
    pub slug: String,
    pub name: String,
    pub full_name: String,
    pub description: String,
    pub active: bool,
    /// Business days a request may wait in the queue before it is marked late.
    pub wait_target_days: i16,
    /// The logo citizens see (an uploaded one, or a bundled one for seeded systems).
    pub logo_path: Option<String>,
    /// In display order.
    pub faq: Vec<FaqAdminEntry>,
    /// In display order ("Outros assuntos" is always shown last to citizens).
    pub funcionalidades: Vec<FuncionalidadeAdmin>,
    pub canned: Vec<CannedAdmin>,
}

/// `POST /admin/sistemas`: a new system. A refused one comes back as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSystemPost {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub sigla: String,
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub nome_completo: String,
    #[serde(default)]
    pub descricao: String,
}

crate::form_actions! {
    /// The forms of `/admin/sistemas/{slug}`: one per list item and per "new" box.
    pub enum SystemAction {
        SaveSystem = "salvar_sistema",
        NewQuestion = "nova_pergunta",
        SaveQuestion = "salvar_pergunta",
        DeleteQuestion = "excluir_pergunta",
        QuestionUp = "subir_pergunta",
        QuestionDown = "descer_pergunta",
        NewFuncionalidade = "nova_funcionalidade",
        SaveFuncionalidade = "salvar_funcionalidade",
        FuncionalidadeUp = "subir_funcionalidade",
        NewCanned = "nova_resposta",
        SaveCanned = "salvar_resposta",
        DeleteCanned = "excluir_resposta",
    }
}

/// `POST /admin/sistemas/{slug}`: every field any form of the system's page posts (each
/// form sends some of them). A refused one comes back as typed, to the form it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemPost {
    #[serde(default)]
    pub csrf: String,
    pub acao: SystemAction,
    /// The list item the form edits (a question, a funcionalidade, a canned reply).
    #[serde(default)]
    pub id: Option<i32>,
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub nome_completo: String,
    #[serde(default)]
    pub descricao: String,
    #[serde(default)]
    pub ativo: Ticked,
    /// Business days a request may wait in the queue (the system's data).
    #[serde(default)]
    pub prazo_espera: String,
    #[serde(default)]
    pub pergunta: String,
    #[serde(default)]
    pub resposta: String,
    #[serde(default)]
    pub publicada: Ticked,
    #[serde(default)]
    pub ativa: Ticked,
    #[serde(default)]
    pub titulo: String,
    #[serde(default)]
    pub texto: String,
    /// Deleting a question or a canned reply asks first.
    #[serde(default)]
    pub confirmado: Ticked,
}

crate::form_actions! {
    /// The logo's two forms on the system's page (a multipart upload, read by hand).
    pub enum LogoAction {
        Upload = "enviar",
        Remove = "remover",
    }
}

#[server(endpoint = "admin/sistemas")]
pub async fn load_systems_admin() -> Result<SystemsPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.catalog_admin.systems(session.as_deref()).await
}

#[server(endpoint = "admin/sistema")]
pub async fn load_system_admin(slug: String) -> Result<SystemAdminPage, AppError> {
    if !crate::domain::slug::is_valid(&slug) {
        return Err(AppError::NotFound);
    }
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    ports.catalog_admin.system(session.as_deref(), &slug).await
}
