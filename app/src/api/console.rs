//! The support team's console: who is signed in, the queue, and one request as an agent
//! sees it. Pages read through these server functions; every one of them asks the
//! server's console port, which checks the agent's session, level and systems before
//! answering. Changes (replies, escalations, claims, sign-in) are plain HTML form posts
//! handled by the server, each carrying the session's CSRF token, so the console ships
//! no code to the browser and works without JavaScript.

use super::forms::Ticked;
use super::AppError;
use crate::domain::lifecycle::Status;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The name of the agent's session cookie (HttpOnly, SameSite=Strict).
pub const AGENT_COOKIE: &str = "wa_agente";
/// The name of the cookie that pairs the sign-in form with its post (login CSRF).
pub const SIGN_IN_COOKIE: &str = "wa_entrada";

/// The signed-in agent, as the console's pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: i32,
    pub name: String,
    pub level: i16,
    pub is_admin: bool,
    /// The data-protection officer ("Encarregado"), who answers the data subjects.
    pub is_data_officer: bool,
    /// The token every form of this session must carry.
    pub csrf: String,
}

/// The sign-in form's hidden token (its cookie is set on the same response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInForm {
    pub token: String,
    /// Already signed in: the page offers the queue instead.
    pub signed_in_as: Option<String>,
}

/// The queue's filters, as the query string of `/atendimento` carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// A status code (`recebido`, …); `None`: the open ones (Recebido, Em análise, Reaberto).
    pub status: Option<String>,
    /// A system's slug.
    pub system: Option<String>,
    pub uf: Option<String>,
    pub funcionalidade: Option<i32>,
    /// At least this many business days since the last activity.
    pub min_days: Option<u32>,
    /// Administrators only (agents see their own level).
    pub level: Option<i16>,
    /// `antigas` (oldest waiting first) or the default, newest activity first.
    pub order: Option<String>,
    /// Who holds the requests: one of [`HOLDERS`]' values (`minhas`, `livres`, ...).
    pub holder: Option<String>,
    /// 1-based.
    pub page: Option<u32>,
    /// What was typed in the search box. Never read from the address: names, e-mails and
    /// CPFs must stay out of URLs, so a search arrives in a post ([`QueueSearchPost`]).
    pub search: Option<String>,
}

/// The queue's "Responsável" filter: its values and labels.
pub const HOLDERS: [(&str, &str); 4] = [
    (MINE_OR_FREE, "Minhas e sem responsável"),
    ("minhas", "Atribuídas a mim"),
    ("livres", "Sem responsável"),
    ("todas", "Todas"),
];
pub const MINE_OR_FREE: &str = "minhas-livres";
/// The names of the queue's filters in its address (the page aside).
pub const QUEUE_FILTERS: [&str; 8] =
    ["situacao", "sistema", "uf", "funcionalidade", "dias", "nivel", "ordem", "responsavel"];
/// The "Situação" filter's value for every status (what a search looks in by default).
pub const ALL_STATUSES: &str = "todas";

impl QueueFilter {
    /// An agent's queue opens on their own work, what they hold or nobody does, oldest
    /// waiting first, until they choose otherwise; an administrator's opens on everything.
    pub fn effective(&self, is_admin: bool) -> QueueFilter {
        let mut filter = self.clone();
        if filter.searching() {
            // A search looks for a request wherever it is: closed ones and colleagues' too.
            filter.status.get_or_insert_with(|| ALL_STATUSES.to_owned());
            return filter;
        }
        if !is_admin && filter.holder.is_none() && filter.order.is_none() {
            filter.holder = Some(MINE_OR_FREE.to_owned());
            filter.order = Some("antigas".to_owned());
        }
        filter
    }

    /// Whether something was typed in the search box.
    pub fn searching(&self) -> bool {
        self.search.as_deref().is_some_and(|typed| !typed.trim().is_empty())
    }

    /// Whether the oldest-waiting order was chosen.
    pub fn oldest_first(&self) -> bool {
        self.order.as_deref() == Some("antigas")
    }
}

/// One line of the queue. No personal data: the queue is read often and audited never.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub number: String,
    pub system_name: String,
    pub funcionalidade: String,
    pub uf: String,
    pub status: Status,
    pub level: i16,
    pub holder: Option<String>,
    /// Business days since the last activity.
    pub waiting_days: u32,
    /// Waiting longer than its system's target.
    pub late: bool,
    /// `DD-MM-AAAA HH:MM`, Brasília.
    pub last_activity: String,
}

/// A choice of a filter's select.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The queue page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub agent: AgentView,
    pub filter: QueueFilter,
    /// Requests per status within the agent's systems and level (the filters aside).
    pub counts: Vec<(Status, u64)>,
    pub rows: Vec<QueueRow>,
    /// Rows matching the filters, over all pages (up to the server's count cap).
    pub total: u64,
    /// More rows match than `total` says: the count stopped at its cap.
    pub more: bool,
    pub page_size: u32,
    pub systems: Vec<Choice>,
    pub funcionalidades: Vec<Choice>,
}

/// An agent who may hold a request (serves its system at its level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub id: i32,
    pub name: String,
}

/// One timeline entry in the console, internal notes included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleEntry {
    pub title: String,
    pub body: String,
    pub public: bool,
    /// The agent who wrote it; `None` for the citizen and the system.
    pub author: Option<String>,
    /// `DD-MM-AAAA HH:MM`, Brasília.
    pub created_at: String,
}

/// A file the citizen sent, as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleFile {
    pub file_name: String,
    pub size: String,
    pub url: String,
}

/// A canned reply of the request's system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedReply {
    pub id: i32,
    pub title: String,
    pub body: String,
}

/// One request as an agent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleRequest {
    pub agent: AgentView,
    pub number: String,
    pub system_name: String,
    pub funcionalidade: String,
    pub status: Status,
    pub level: i16,
    /// Sent back with every action: a change made meanwhile is a conflict, not lost.
    pub version: i32,
    pub name: String,
    pub email: String,
    /// `***.982.247-**`, or the full CPF once the agent chose to reveal it (audited).
    pub cpf: String,
    pub cpf_revealed: bool,
    pub cns: Option<String>,
    pub phone: String,
    pub uf: String,
    pub description: String,
    pub opened_at: String,
    pub holder: Option<Colleague>,
    pub colleagues: Vec<Colleague>,
    pub files: Vec<ConsoleFile>,
    pub entries: Vec<ConsoleEntry>,
    pub canned: Vec<CannedReply>,
    /// Whether "Finalizar" and a public reply are possible in this status.
    pub open: bool,
    /// The citizen's evaluation, if given ("Muito satisfeito"), and its comment.
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    /// Business days the citizen will have to contest a finalization made now.
    pub acceptance_days: u8,
}

crate::form_actions! {
    /// What a form of the console's request page asks for: its `acao`. The page posts
    /// [`RequestAction::value`] and the server reads the same names into [`RequestActionForm`].
    pub enum RequestAction {
        Reply = "responder",
        Note = "nota",
        Escalate = "encaminhar",
        Finalize = "finalizar",
        Claim = "assumir",
        Assign = "atribuir",
        RevealCpf = "cpf",
    }
}

/// Every field any form of the request page posts (each form sends some of them). The
/// composer posts one text for all four of its modes: reply, note, forward (the text is
/// the reason) and finalize (the text is the final answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestActionForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub versao: String,
    pub acao: RequestAction,
    #[serde(default)]
    pub texto: String,
    #[serde(default)]
    pub nivel: String,
    #[serde(default)]
    pub atendente: String,
    /// Finalizing asks first: the composer's post shows the final text with "Confirmar e
    /// finalizar", whose post ticks this.
    #[serde(default)]
    pub confirmado: Ticked,
    /// "Voltar e editar" on that confirmation: the composer again, with the text.
    #[serde(default)]
    pub editar: Ticked,
}

/// Put in the context by the server's handler when a finalization awaits confirmation:
/// the final text, shown before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalizeConfirmation {
    pub text: String,
}

/// `POST /atendimento/entrar`. A refused one comes back with the e-mail kept and the
/// password emptied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInPost {
    /// The token that pairs the form with this browser (there is no session yet).
    #[serde(default)]
    pub token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub senha: String,
}

/// `POST /atendimento/senha`. Nothing of it is kept after a refusal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPost {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub atual: String,
    #[serde(default)]
    pub nova: String,
    #[serde(default)]
    pub confirmacao: String,
}

/// The sign-in form's token (and the agent already signed in, if any).
#[server(endpoint = "atendimento/entrada")]
pub async fn load_sign_in_form() -> Result<SignInForm, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(AGENT_COOKIE);
    let signed_in_as = ports.console.agent(session.as_deref()).await?.map(|agent| agent.name);
    let (token, cookie) = ports.console.sign_in_token();
    crate::request_context::set_cookie(&cookie);
    Ok(SignInForm { token, signed_in_as })
}

/// The signed-in agent (for pages that show only the agent's own things).
#[server(endpoint = "atendimento/agente")]
pub async fn load_agent() -> Result<AgentView, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::cookie(AGENT_COOKIE);
    ports.console.agent(session.as_deref()).await?.ok_or(AppError::SignInRequired)
}

/// The queue of the signed-in agent.
#[server(endpoint = "atendimento/fila")]
pub async fn load_queue(filter: QueueFilter) -> Result<Queue, AppError> {
    let mut filter = filter;
    filter.search = use_context::<QueueSearchTyped>().map(|typed| typed.0);
    let ports = crate::ports::from_context()?;
    let parts = use_context::<http::request::Parts>();
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    let session = crate::request_context::cookie(AGENT_COOKIE);
    ports.console.queue(session.as_deref(), &filter, client).await
}

/// Put in the context by the server's handler of the queue's search (a post checked for
/// its origin and CSRF token): what was typed, which the queue then looks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueSearchTyped(pub String);

/// `POST /atendimento`: the queue's search, with the filters and page it applies to
/// (the same names as the queue's address, which the search never goes into).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSearchPost {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub busca: String,
    #[serde(default)]
    pub situacao: String,
    #[serde(default)]
    pub sistema: String,
    #[serde(default)]
    pub uf: String,
    #[serde(default)]
    pub funcionalidade: String,
    #[serde(default)]
    pub dias: String,
    #[serde(default)]
    pub nivel: String,
    #[serde(default)]
    pub ordem: String,
    #[serde(default)]
    pub responsavel: String,
    #[serde(default)]
    pub pagina: String,
}

impl QueueSearchPost {
    /// The filters and page as the queue's address carries them (`uf=SP&pagina=2`).
    pub fn filters(&self) -> Vec<(&'static str, &str)> {
        [
            ("situacao", &self.situacao),
            ("sistema", &self.sistema),
            ("uf", &self.uf),
            ("funcionalidade", &self.funcionalidade),
            ("dias", &self.dias),
            ("nivel", &self.nivel),
            ("ordem", &self.ordem),
            ("responsavel", &self.responsavel),
            ("pagina", &self.pagina),
        ]
        .into_iter()
        .map(|(key, value)| (key, value.trim()))
        .filter(|(_, value)| !value.is_empty())
        .collect()
    }
}

/// Put in the context by the server's handler of "Mostrar CPF completo" (a post checked
/// for its origin and CSRF token) and by nothing else: only then is the full CPF shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RevealCpf;

/// One request, if the signed-in agent may see it. The full CPF only within the page
/// rendered for a checked "Mostrar CPF completo" post ([`RevealCpf`]); the reading is
/// written to the audit log either way.
#[server(endpoint = "atendimento/solicitacao")]
pub async fn load_console_request(number: String) -> Result<ConsoleRequest, AppError> {
    let reveal_cpf = use_context::<RevealCpf>().is_some();
    let number = crate::domain::protocol::ProtocolNumber::parse(&number).ok_or(AppError::NotFound)?;
    let ports = crate::ports::from_context()?;
    let parts = use_context::<http::request::Parts>();
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    let session = crate::request_context::cookie(AGENT_COOKIE);
    ports.console.request(session.as_deref(), &number, reveal_cpf, client).await
}
