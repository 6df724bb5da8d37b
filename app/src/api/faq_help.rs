//! The FAQ's answers where they help: the Sim/Não under each answer and the counts of
//! what citizens did with them, for the administrators. (The request form's suggestions
//! are plain posts answered with HTML: see the server's `web::faq_help`.)

use crate::domain::faq_help::{FaqEvent, HelpfulAnswer};
use serde::{Deserialize, Serialize};

/// `POST /api/sugestoes`: what the request form's island sends after a pause in the typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionsPost {
    pub sistema: String,
    #[serde(default)]
    pub descricao: String,
    /// The form's idempotency key (its events are tied to it).
    #[serde(default)]
    pub chave: String,
}

/// `POST /api/sugestoes/evento`: a suggestion opened, or answered Sim/Não.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionEventPost {
    pub sistema: String,
    pub entrada: i32,
    pub evento: FaqEvent,
    #[serde(default)]
    pub chave: String,
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
