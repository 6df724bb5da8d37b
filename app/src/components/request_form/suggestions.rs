//! FAQ answers that may already solve the problem, suggested while the citizen describes
//! it: after a pause in the typing, once the description has three words, the server
//! matches it against the system's published answers and answers with the list, already
//! rendered (`components::suggestion_list`); up to three are shown under the field, each
//! opening in place, each with "Esta resposta resolveu minha dúvida?". What the citizen
//! does with them is sent back to be counted. The browser's part is kept small on purpose
//! (no typed decoding, one delegated click handler): every citizen downloads it.

use super::FormState;
use crate::domain::suggest::enough_words;
use leptos::html::Aside;
use leptos::prelude::*;
use std::time::Duration;

/// The pause in the typing after which the server is asked.
const PAUSE: Duration = Duration::from_millis(700);

#[component]
pub(super) fn Suggestions(state: FormState, system: String, key: StoredValue<String>) -> impl IntoView {
    let system = StoredValue::new(system);
    let container = NodeRef::<Aside>::new();
    let shown = RwSignal::new(0u32);
    let asked = StoredValue::new(String::new());
    let typing = StoredValue::new(0u32);
    Effect::new(move |_| {
        let text = state.values.with(|draft| draft.descricao.trim().to_owned());
        let turn = typing.get_value().wrapping_add(1);
        typing.set_value(turn);
        if !enough_words(&text) {
            return;
        }
        set_timeout(
            move || {
                // Typed again meanwhile, or asked already for this very text.
                if typing.get_value() != turn || asked.with_value(|last| *last == text) {
                    return;
                }
                asked.set_value(text.clone());
                let body = browser::encode(&[
                    ("sistema", &system.get_value()),
                    ("descricao", &text),
                    ("chave", &key.get_value()),
                ]);
                browser::post(SUGGESTIONS_URL, body, move |html| {
                    if typing.get_value() == turn {
                        if let Some(aside) = container.get_untracked() {
                            shown.set(browser::show(&aside, &html));
                        }
                    }
                });
            },
            PAUSE,
        );
    });
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some((entry, event)) = browser::clicked(&ev) {
            let body = browser::encode(&[
                ("sistema", &system.get_value()),
                ("entrada", &entry),
                ("evento", event),
                ("chave", &key.get_value()),
            ]);
            browser::post(EVENTS_URL, body, |_| {});
        }
    };
    let count = move || match shown.get() {
        0 => String::new(),
        1 => "Uma resposta das perguntas frequentes pode ajudar: veja abaixo da descrição.".to_owned(),
        n => format!("{n} respostas das perguntas frequentes podem ajudar: veja abaixo da descrição."),
    };
    view! {
        <p class="visually-hidden" role="status">{count}</p>
        <aside
            class="suggestions"
            aria-labelledby="sugestoes-titulo"
            node_ref=container
            hidden=move || shown.get() == 0
            on:click=on_click
        ></aside>
    }
}

/// Where the island asks for suggestions, and tells what was done with them.
pub const SUGGESTIONS_URL: &str = "/api/sugestoes";
pub const EVENTS_URL: &str = "/api/sugestoes/evento";

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn encode(_pairs: &[(&str, &str)]) -> String {
        String::new()
    }
    pub fn post(_url: &str, _body: String, _done: impl FnOnce(String) + 'static) {}
    pub fn show<E>(_aside: &E, _html: &str) -> u32 {
        0
    }
    pub fn clicked(_ev: &leptos::ev::MouseEvent) -> Option<(String, &'static str)> {
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    /// `application/x-www-form-urlencoded`, as a form would send it.
    pub fn encode(pairs: &[(&str, &str)]) -> String {
        let part = |text: &str| String::from(js_sys::encode_uri_component(text));
        pairs.iter().map(|(name, value)| format!("{name}={}", part(value))).collect::<Vec<_>>().join("&")
    }

    /// Posts `body`; `done` gets the answer's text when it is a success (a failure changes
    /// nothing for the citizen: there is simply no suggestion).
    pub fn post(url: &str, body: String, done: impl FnOnce(String) + 'static) {
        let Ok(request) = web_sys::XmlHttpRequest::new() else { return };
        if request.open("POST", url).is_err()
            || request.set_request_header("Content-Type", "application/x-www-form-urlencoded").is_err()
        {
            return;
        }
        let mut done = Some(done);
        let on_load = {
            let request = request.clone();
            Closure::<dyn FnMut()>::new(move || {
                let ok = request.status().is_ok_and(|s| (200..300).contains(&s));
                if let (true, Some(done)) = (ok, done.take()) {
                    done(request.response_text().ok().flatten().unwrap_or_default());
                }
            })
        };
        request.set_onload(Some(on_load.as_ref().unchecked_ref()));
        // Lives as long as the request.
        on_load.forget();
        let _ = request.send_with_opt_str(Some(&body));
    }

    /// Puts the server's list in the box; how many answers it holds.
    pub fn show(aside: &web_sys::HtmlElement, html: &str) -> u32 {
        aside.set_inner_html(html);
        aside.query_selector_all("details").map(|list| list.length()).unwrap_or(0)
    }

    /// A click that opened a suggestion for the first time, or answered Sim/Não: the entry
    /// and the event to count. The answer's buttons give way to the thanks.
    pub fn clicked(ev: &leptos::ev::MouseEvent) -> Option<(String, &'static str)> {
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let item = target.closest("details[data-entrada]").ok()??;
        let entry = item.get_attribute("data-entrada")?;
        if target.closest("summary").ok()?.is_some() {
            if item.has_attribute("data-aberta") {
                return None;
            }
            let _ = item.set_attribute("data-aberta", "");
            return Some((entry, "aberta"));
        }
        let button = target.closest("button[data-resposta]").ok()??;
        let event = match button.get_attribute("data-resposta")?.as_str() {
            "util" => "util",
            _ => "nao_util",
        };
        if let Ok(Some(question)) = item.query_selector("[data-pergunta]") {
            let _ = question.set_attribute("hidden", "");
        }
        if let Ok(Some(thanks)) = item.query_selector(&format!("[data-apos=\"{event}\"]")) {
            let _ = thanks.remove_attribute("hidden");
        }
        Some((entry, event))
    }
}
