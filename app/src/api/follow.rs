//! Following a request: the lookup by CPF and number (which grants a short session in an
//! HttpOnly cookie), the list of that person's requests (same CPF and same e-mail), and
//! one request's history. The
//! citizen's answers to a finalized request (reopen, rate, close) are plain HTML form
//! posts handled by the server, so they work without JavaScript.

use super::forms::Ticked;
use super::AppError;
use crate::domain::lifecycle::{EventKind, Status};
use crate::domain::settings::AttachmentLimits;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// The lookup form's fields, as named in the page and in the server's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupField {
    Cpf,
    Numero,
    Captcha,
}

impl LookupField {
    pub fn id(self) -> &'static str {
        match self {
            LookupField::Cpf => "cpf",
            LookupField::Numero => "numero",
            LookupField::Captcha => "captcha",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LookupField::Cpf => "CPF",
            LookupField::Numero => "Nº da solicitação",
            LookupField::Captcha => "Verificação anti-robô",
        }
    }

    pub fn error_id(self) -> String {
        format!("{}-erro", self.id())
    }
}

/// The one answer for a pair that does not match, whichever half is wrong.
pub const NO_MATCH: &str =
    "Não encontramos solicitação com este CPF e este número. Confira os dois dados e tente novamente.";

/// The lookup's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum LookupOutcome {
    /// The pair matched: the session cookie is set; show the list.
    Found { redirect: String },
    /// Malformed fields (nothing was looked up).
    Invalid { errors: Vec<(LookupField, String)> },
    /// The pair does not match, or the lookup was refused (limits); the message says which
    /// of those two, never which half of the pair was wrong.
    Refused { message: String },
}

/// One line of the list of a CPF's requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub number: String,
    pub system_name: String,
    pub status: Status,
    /// `DD-MM-AAAA`, Brasília.
    pub opened_on: String,
}

/// The requests of the session's person (same CPF and e-mail as its anchor), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestList {
    /// `***.982.247-**`
    pub masked_cpf: String,
    pub requests: Vec<RequestSummary>,
    /// Every request of the person (a session from an e-mail link); `false`: only the
    /// one looked up, and the page offers the whole list by e-mail.
    pub whole: bool,
}

/// One card of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub kind: EventKind,
    /// "Abertura - CNES - Nível 01"
    pub title: String,
    pub body: String,
    /// `DD-MM-AAAA HH:MM`, Brasília.
    pub created_at: String,
}

/// A file the citizen sent, downloadable inside the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLink {
    pub file_name: String,
    /// "340 KB"
    pub size: String,
    pub url: String,
}

/// Where the request stands for the citizen's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answerable {
    /// Not finalized: nothing to answer yet.
    No,
    /// Finalized, window open: "Sua solicitação foi atendida?"
    AwaitingAnswer,
    /// The window closed (accepted): rating only.
    RatingOnly,
    /// Rated or closed: final.
    Final,
}

/// A request's page: its timeline, files and what the citizen may do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub number: String,
    pub system_name: String,
    pub status: Status,
    pub closed: bool,
    pub answerable: Answerable,
    /// `DD/MM/AAAA`, the last day to contest, while the window is open.
    pub contest_until: Option<String>,
    /// The evaluation given, if any ("Muito satisfeito").
    pub rating: Option<String>,
    pub entries: Vec<TimelineEntry>,
    pub attachments: Vec<AttachmentLink>,
    /// While the request is being worked on, the citizen may complement it: the
    /// attachment limits in force for its images. `None` once it is finalized.
    pub complement: Option<AttachmentLimits>,
}

/// The fields of the history page's "Complementar solicitação" form (a multipart post to
/// `/acompanhar/{número}/complemento`).
pub const COMPLEMENT_TEXT: &str = "complemento";
pub const COMPLEMENT_FILES: &str = "anexos";
/// The history page's query after a complement was sent (`?complemento=enviado`).
pub const COMPLEMENT_SENT: &str = "enviado";

/// A refused complement, as the page shows it again (see [`super::forms::Feedback`]): the
/// text as typed. Files cannot be given back; the page asks for them again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplementPost {
    pub text: String,
    pub had_files: bool,
}

/// Looks up `numero` for `cpf` after checking the captcha. On a match the answer sets
/// the session cookie. POST: never cached, and it spends the captcha.
#[server(endpoint = "acompanhar")]
pub async fn lookup_requests(cpf: String, numero: String, captcha: String) -> Result<LookupOutcome, AppError> {
    let ports = crate::ports::from_context()?;
    let parts = use_context::<http::request::Parts>();
    // It sets the session cookie: a post started by another site must not plant one.
    if !parts.as_ref().is_some_and(|p| crate::request_context::same_origin(&p.headers)) {
        return Ok(LookupOutcome::Refused { message: "Origem não permitida.".to_owned() });
    }
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    let answer = ports.follow.lookup(&cpf, &numero, &captcha, client).await?;
    if let Some(cookie) = &answer.set_cookie {
        crate::request_context::set_cookie(cookie);
    }
    Ok(answer.outcome)
}

/// The requests of the session's person, or `None` without a valid session.
#[server(endpoint = "minhas-solicitacoes", input = GetUrl)]
pub async fn load_my_requests() -> Result<Option<RequestList>, AppError> {
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::session_cookie();
    ports.follow.my_requests(session.as_deref()).await
}

/// One request's history, or `NotFound` (no session, another CPF's number, no such number).
#[server(endpoint = "historico", input = GetUrl)]
pub async fn load_history(numero: String) -> Result<History, AppError> {
    let number = crate::domain::protocol::ProtocolNumber::parse(&numero).ok_or(AppError::NotFound)?;
    let ports = crate::ports::from_context()?;
    let session = crate::request_context::session_cookie();
    ports.follow.history(session.as_deref(), &number).await?.ok_or(AppError::NotFound)
}

/// When the server refuses a citizen's answer posted from the history page, it renders
/// the page again with this in the context: the message beside the right field and what
/// was typed, so nothing is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFeedback {
    /// The HTTP status of the page: 422 a field, 409 a refused step, 503 the database.
    pub status: u16,
    /// The step to show again: `nao` (reason) or `avaliar` (rating); empty for the page top.
    pub step: String,
    /// The HTML name of the field at fault (`motivo`, `nota`, `comentario`), if one is.
    pub field: Option<String>,
    pub message: String,
    pub reason: String,
    pub comment: String,
    pub score: Option<u8>,
}

crate::form_actions! {
    /// The citizen's answers to a finalized request on the history page.
    pub enum AnswerAction {
        /// "Não": the answer did not solve it (with the reason).
        Contest = "reabrir",
        Rate = "avaliar",
        Close = "fechar",
    }
}

/// The fields of the answer forms on the history page (`POST /acompanhar/{número}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerPost {
    pub acao: AnswerAction,
    #[serde(default)]
    pub motivo: String,
    #[serde(default)]
    pub nota: String,
    #[serde(default)]
    pub comentario: String,
    /// Ticked by Fechar's confirmation step: closing cannot be undone, so the server does
    /// not close without it.
    #[serde(default)]
    pub confirmado: Ticked,
}

/// When the lookup form (a plain HTML form posted to `/acompanhar`) is refused, the server
/// renders the page again with this in the context: each message beside its field, the
/// general one above the button, and what was typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupFeedback {
    pub status: u16,
    pub cpf: String,
    pub numero: String,
    pub errors: Vec<(LookupField, String)>,
    pub message: Option<String>,
}
