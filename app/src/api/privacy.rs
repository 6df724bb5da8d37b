//! `/admin/titulares`: the data subject's rights handled by administrators (LGPD art.
//! 18): find a person by CPF (audited), export, correct, anonymise. The CPF is typed and
//! posted, never put in an address; each post renders the page again for that CPF.

use super::console::AgentView;
use super::forms::Ticked;
use super::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

crate::form_actions! {
    /// What a post of `/admin/titulares` does.
    pub enum SubjectAction {
        Search = "buscar",
        Export = "exportar",
        Correct = "corrigir",
        Anonymise = "anonimizar",
    }
}

/// `POST /admin/titulares`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectPost {
    #[serde(default)]
    pub csrf: String,
    pub acao: SubjectAction,
    #[serde(default)]
    pub cpf: String,
    #[serde(default)]
    pub nome: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub telefone: String,
    /// The numbers of the requests shown, space-separated: what "Anonimizar" takes (after
    /// it, the CPF finds nothing, so a second post is told by these).
    #[serde(default)]
    pub numeros: String,
    /// "Os textos livres não contêm dados pessoais": keep them when anonymising.
    #[serde(default)]
    pub textos: Ticked,
    #[serde(default)]
    pub confirmado: Ticked,
}

/// Put in the context by the server's handler of a checked post: the CPF the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectLookup(pub String);

/// Put in the context after a done action: what the page confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectDone(pub String);

/// One request of the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectRequest {
    pub number: String,
    pub system: String,
    pub status: String,
    /// `DD-MM-AAAA HH:MM`.
    pub opened_at: String,
    pub anonymised: bool,
}

/// What the portal holds about one CPF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The digits, as typed (the page posts them back for the next action).
    pub cpf: String,
    pub cpf_masked: String,
    /// The latest request's name, e-mail and phone (what "Corrigir" starts from).
    pub name: String,
    pub email: String,
    pub phone: String,
    pub requests: Vec<SubjectRequest>,
}

impl Subject {
    /// Whether every request is anonymised already.
    pub fn anonymised(&self) -> bool {
        self.requests.iter().all(|r| r.anonymised)
    }
}

/// The page: the search form, and what was found for the CPF posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectPage {
    pub admin: AgentView,
    /// `None` before a search; `Some(None)` for a CPF with no request.
    pub found: Option<Option<Subject>>,
}

#[server(endpoint = "admin/titulares")]
pub async fn load_subject() -> Result<SubjectPage, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(super::console::AGENT_COOKIE);
    let lookup = use_context::<SubjectLookup>().map(|l| l.0);
    let parts = use_context::<http::request::Parts>();
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    ports.privacy.subject(session.as_deref(), lookup.as_deref(), client).await
}
