//! What citizens do with the FAQ's answers, counted per system for the administrators:
//! a suggestion shown or opened while filling in the request form, and the answer to
//! "Esta resposta resolveu minha dúvida?" there or on the FAQ page.

use serde::{Deserialize, Serialize};

/// The question under every answer, on the FAQ page and in the form's suggestions.
pub const HELPFUL_QUESTION: &str = "Esta resposta resolveu minha dúvida?";

crate::form_actions! {
    /// One event, as stored and as the request form's island posts it.
    pub enum FaqEvent {
        /// Suggested on the request form.
        Shown = "exibida",
        /// A suggestion opened to read its answer.
        Opened = "aberta",
        /// "Sim": the answer solved it.
        Helpful = "util",
        /// "Não".
        NotHelpful = "nao_util",
    }
}

/// Where it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FaqPlace {
    /// The request form's suggestions.
    Form,
    /// The FAQ page.
    Faq,
}

impl FaqPlace {
    pub const fn code(self) -> &'static str {
        match self {
            FaqPlace::Form => "formulario",
            FaqPlace::Faq => "faq",
        }
    }
}

crate::form_actions! {
    /// The FAQ page's Sim/Não under an answer (`POST /faq/{system}/util`).
    pub enum HelpfulAnswer {
        Yes = "sim",
        No = "nao",
    }
}

impl HelpfulAnswer {
    pub const fn event(self) -> FaqEvent {
        match self {
            HelpfulAnswer::Yes => FaqEvent::Helpful,
            HelpfulAnswer::No => FaqEvent::NotHelpful,
        }
    }
}
