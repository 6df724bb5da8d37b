//! The FAQ's answers where they help: suggestions while the citizen describes the problem
//! (server functions the request form's island calls, debounced), the Sim/Não under each
//! answer, and the counts of what citizens did with them, for the administrators.

use super::AppError;
use crate::domain::faq_help::{FaqEvent, HelpfulAnswer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One suggested FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: i32,
    pub question: String,
    /// Produced on the server from Markdown with raw HTML and unsafe links removed.
    pub answer_html: String,
}

/// `POST /faq/{system}/util`: the FAQ page's Sim/Não under an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpfulPost {
    pub pergunta: i32,
    pub resposta: HelpfulAnswer,
}

/// A system's FAQ deflection over a period, for the reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deflection {
    pub system: String,
    /// Suggestions shown on the request form.
    pub shown: u64,
    /// Suggestions opened.
    pub opened: u64,
    /// Suggestions answered "Sim" on the form.
    pub resolved: u64,
    /// Forms given up (never sent) after a suggestion was opened.
    pub abandoned: u64,
    /// "Sim" and "Não" under the FAQ page's answers.
    pub faq_helpful: u64,
    pub faq_not_helpful: u64,
}

/// Up to three published answers of `system` that speak of what `description` says;
/// none before three words. `key` is the form's idempotency key (its events are tied to it).
#[server(endpoint = "sugestoes")]
pub async fn suggest_faq(system: String, description: String, key: String) -> Result<Vec<Suggestion>, AppError> {
    let ports = crate::ports::from_context()?;
    let parts = use_context::<http::request::Parts>();
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    ports.faq_help.suggest(&system, &description, &key, client).await
}

/// What the citizen did with a suggestion: opened it, or answered Sim/Não.
#[server(endpoint = "sugestoes/evento")]
pub async fn note_suggestion(system: String, entry: i32, event: FaqEvent, key: String) -> Result<(), AppError> {
    let ports = crate::ports::from_context()?;
    let parts = use_context::<http::request::Parts>();
    let client = parts.as_ref().and_then(crate::request_context::client_ip);
    ports.faq_help.form_event(&system, entry, event, &key, client).await
}
