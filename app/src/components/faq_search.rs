//! The FAQ search box: a plain GET form (`?q=`) that the server answers by filtering the
//! list (`SystemFaq::shown`). It runs nothing in the browser, so the FAQ page ships no
//! wasm at all (see `shell::runs_islands`): the most read page of the portal stays light
//! on a municipal connection.

use crate::domain::search;
use leptos::prelude::*;

#[component]
pub fn FaqSearch(
    /// The query the page was rendered with (`?q=`).
    query: String,
    /// How many entries the server left visible for that query.
    shown: usize,
) -> impl IntoView {
    let message = search::result_message(&query, shown);
    view! {
        <form class="faq-search" role="search" method="get">
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
                />
                <button type="submit" class="br-button secondary">"Buscar"</button>
            </div>
            <p id="faq-resultado" class="faq-search__result" role="status">{message}</p>
        </form>
    }
}
