//! The request form's FAQ suggestions as the server sends them, already rendered (see
//! `request_form::suggestions`, which puts this HTML in its box and reads the `data-`
//! attributes on clicks): the browser decodes nothing, so the citizens' wasm stays small.

use crate::domain::faq_help::{FaqEvent, HELPFUL_QUESTION};
use leptos::prelude::*;

/// One suggested FAQ entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub id: i32,
    pub question: String,
    /// Produced on the server from Markdown with raw HTML and unsafe links removed.
    pub answer_html: String,
}

#[component]
pub fn SuggestionList(suggestions: Vec<Suggestion>) -> impl IntoView {
    let helpful = FaqEvent::Helpful.value();
    let not_helpful = FaqEvent::NotHelpful.value();
    view! {
        <h2 id="sugestoes-titulo" class="suggestions__title">"Estas respostas podem ajudar"</h2>
        {suggestions
            .into_iter()
            .map(|s| {
                view! {
                    <details class="suggestions__item faq__item" data-entrada=s.id.to_string()>
                        <summary>{s.question}</summary>
                        <div class="faq__answer" inner_html=s.answer_html></div>
                        <p class="faq__helpful" data-pergunta="">
                            <span class="faq__helpful-question">{HELPFUL_QUESTION}</span>
                            <button type="button" class="br-button secondary small" data-resposta=helpful>"Sim"</button>
                            <button type="button" class="br-button secondary small" data-resposta=not_helpful>"Não"</button>
                        </p>
                        <p class="faq__helpful" role="status" hidden data-apos=helpful>
                            "Que bom! Se a dúvida foi resolvida, não é preciso enviar a solicitação."
                        </p>
                        <p class="faq__helpful" role="status" hidden data-apos=not_helpful>
                            "Obrigado. Continue a preencher o formulário."
                        </p>
                    </details>
                }
            })
            .collect_view()}
    }
}
