//! FAQ answers that may already solve the problem, suggested while the citizen describes
//! it: after a pause in the typing, once the description has three words, the server
//! matches it against the system's published answers (`api::faq_help::suggest_faq`) and up
//! to three are shown under the field, each opening in place, each with "Esta resposta
//! resolveu minha dúvida?". What the citizen does with them is counted for the reports.
//! Only in the browser: without JavaScript the FAQ page is one link away.

use super::FormState;
use crate::api::faq_help::{note_suggestion, suggest_faq, Suggestion};
use crate::domain::faq_help::{FaqEvent, HELPFUL_QUESTION};
use crate::domain::suggest::enough_words;
use leptos::prelude::*;
use std::time::Duration;

/// The pause in the typing after which the server is asked.
const PAUSE: Duration = Duration::from_millis(700);

#[component]
pub(super) fn Suggestions(state: FormState, system: String, key: StoredValue<String>) -> impl IntoView {
    let system = StoredValue::new(system);
    let found = RwSignal::new(Vec::<Suggestion>::new());
    let asked = StoredValue::new(String::new());
    let typing = StoredValue::new(0u32);
    Effect::new(move |_| {
        let text = state.values.with(|draft| draft.descricao.as_str().trim().to_owned());
        let turn = typing.get_value().wrapping_add(1);
        typing.set_value(turn);
        if !enough_words(&text) {
            found.set(Vec::new());
            return;
        }
        set_timeout(
            move || {
                // Typed again meanwhile, or asked already for this very text.
                if typing.get_value() != turn || asked.with_value(|last| *last == text) {
                    return;
                }
                asked.set_value(text.clone());
                leptos::task::spawn_local(async move {
                    let answer = suggest_faq(system.get_value(), text, key.get_value()).await;
                    if typing.get_value() == turn {
                        found.set(answer.unwrap_or_default());
                    }
                });
            },
            PAUSE,
        );
    });
    let count = move || match found.with(Vec::len) {
        0 => String::new(),
        1 => "Uma resposta das perguntas frequentes pode ajudar: veja abaixo da descrição.".to_owned(),
        n => format!("{n} respostas das perguntas frequentes podem ajudar: veja abaixo da descrição."),
    };
    view! {
        <p class="visually-hidden" role="status">{count}</p>
        <Show when=move || found.with(|list| !list.is_empty())>
            <aside class="suggestions" aria-labelledby="sugestoes-titulo">
                <h2 id="sugestoes-titulo" class="suggestions__title">"Estas respostas podem ajudar"</h2>
                <For each=move || found.get() key=|s| s.id let:suggestion>
                    <Suggested suggestion system key />
                </For>
            </aside>
        </Show>
    }
}

#[component]
fn Suggested(suggestion: Suggestion, system: StoredValue<String>, key: StoredValue<String>) -> impl IntoView {
    let entry = suggestion.id;
    let opened = StoredValue::new(false);
    let answered = RwSignal::new(None::<bool>);
    let tell = move |event: FaqEvent| {
        leptos::task::spawn_local(async move {
            // A count that does not arrive changes nothing for the citizen.
            let _ = note_suggestion(system.get_value(), entry, event, key.get_value()).await;
        });
    };
    let on_toggle = move |_| {
        if !opened.get_value() {
            opened.set_value(true);
            tell(FaqEvent::Opened);
        }
    };
    let answer = move |helpful: bool| {
        answered.set(Some(helpful));
        tell(if helpful { FaqEvent::Helpful } else { FaqEvent::NotHelpful });
    };
    view! {
        <details class="suggestions__item faq__item" on:toggle=on_toggle>
            <summary>{suggestion.question}</summary>
            <div class="faq__answer" inner_html=suggestion.answer_html></div>
            {move || match answered.get() {
                None => view! {
                    <p class="faq__helpful">
                        <span class="faq__helpful-question">{HELPFUL_QUESTION}</span>
                        <button type="button" class="br-button secondary small" on:click=move |_| answer(true)>"Sim"</button>
                        <button type="button" class="br-button secondary small" on:click=move |_| answer(false)>"Não"</button>
                    </p>
                }.into_any(),
                Some(true) => view! {
                    <p class="faq__helpful" role="status">
                        "Que bom! Se a dúvida foi resolvida, não é preciso enviar a solicitação."
                    </p>
                }.into_any(),
                Some(false) => view! {
                    <p class="faq__helpful" role="status">"Obrigado. Continue a preencher o formulário."</p>
                }.into_any(),
            }}
        </details>
    }
}
