//! "Copiar número": an island that puts a text on the clipboard and says so. Without
//! JavaScript the button is not shown; the number stays selectable on the page.

use leptos::prelude::*;

#[island]
pub fn CopyButton(text: String) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let on_click = move |_| {
        let text = text.clone();
        copy(text, message);
    };
    view! {
        <p class="copy" data-hydrated=move || hydrated.get().then_some("true")>
            <button type="button" class="br-button secondary" hidden=move || !hydrated.get() on:click=on_click>
                "Copiar número"
            </button>
            <span class="copy__status" role="status">{move || message.get()}</span>
        </p>
    }
}

#[cfg(feature = "hydrate")]
fn copy(text: String, message: RwSignal<String>) {
    let Some(window) = web_sys::window() else { return };
    let promise = window.navigator().clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => message.set("Número copiado.".into()),
            Err(_) => message.set("Não foi possível copiar; selecione o número e copie manualmente.".into()),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn copy(_text: String, _message: RwSignal<String>) {}
