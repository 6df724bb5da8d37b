//! The FAQ search box: an island, the only part of the FAQ page that runs in the
//! browser. Without JavaScript it is a plain GET form (`?q=`) that the server answers
//! with the same filtering; with it, the list filters as one types.

use crate::domain::search;
use leptos::prelude::*;

#[island]
pub fn FaqSearch(
    /// The query the page was rendered with (`?q=`).
    query: String,
    /// How many entries the server left visible for that query.
    shown: usize,
) -> impl IntoView {
    let message = RwSignal::new(search::result_message(&query, shown));
    // Set once the island runs in the browser; tests and styles can tell it is live.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let count = filter_list(&value);
        message.set(search::result_message(&value, count));
    };
    view! {
        <form
            class="faq-search"
            role="search"
            method="get"
            data-hydrated=move || hydrated.get().then_some("true")
            on:submit=|ev| ev.prevent_default()
        >
            <label for="faq-busca">"Buscar nas perguntas frequentes"</label>
            <div class="faq-search__row">
                <input
                    id="faq-busca"
                    type="search"
                    name="q"
                    value=query
                    maxlength=search::MAX_QUERY_CHARS
                    autocomplete="off"
                    aria-describedby="faq-resultado"
                    on:input=on_input
                />
                <button type="submit" class="br-button secondary">"Buscar"</button>
            </div>
            <p id="faq-resultado" class="faq-search__result" role="status">{move || message.get()}</p>
        </form>
    }
}

/// Shows the entries of `#faq-list` that match `query`, hides the others, and returns
/// how many are shown. The entries are server-rendered HTML, read from the page rather
/// than shipped a second time as data.
#[cfg(feature = "hydrate")]
fn filter_list(query: &str) -> usize {
    use wasm_bindgen::JsCast;

    let terms = search::terms(query);
    let Some(items) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector_all("#faq-list > li").ok())
    else {
        return 0;
    };
    let mut shown = 0;
    for index in 0..items.length() {
        let Some(item) = items.item(index).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) else {
            continue;
        };
        let hit = search::matches(&terms, &item.text_content().unwrap_or_default());
        item.set_hidden(!hit);
        shown += usize::from(hit);
    }
    shown
}

/// On the server nothing is typed; the page is filtered by `?q=` instead.
#[cfg(not(feature = "hydrate"))]
fn filter_list(_query: &str) -> usize {
    0
}
