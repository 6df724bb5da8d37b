//! The confirmation box of an action that cannot be undone (see
//! [`crate::api::forms::Confirmation`]): plain HTML, so it works without JavaScript.

use crate::api::forms::Confirmation;
use leptos::prelude::*;

/// Shows the pending confirmation, if the server asked for one; nothing otherwise.
#[component]
pub fn ConfirmBox(
    /// Where "Cancelar" leads (the page as it was).
    cancel: String,
) -> impl IntoView {
    use_context::<Confirmation>().map(|pending| {
        view! {
            <section class="console-box confirm" aria-labelledby="confirmar-titulo">
                <h2 id="confirmar-titulo">{pending.question}</h2>
                <p>{pending.consequence}</p>
                <form method="post" action=pending.action class="console-box__actions">
                    {pending
                        .fields
                        .into_iter()
                        .map(|(name, value)| view! { <input type="hidden" name=name value=value /> })
                        .collect_view()}
                    <button type="submit" name="confirmado" value="sim" class="br-button primary">{pending.confirm}</button>
                    <a class="br-button secondary" href=cancel>"Cancelar"</a>
                </form>
            </section>
        }
    })
}
