//! The lookup form ("Acompanhar solicitação"): CPF, number and the anti-robot check. A
//! plain HTML form posted to `/acompanhar`, checked on the server, which answers with
//! the list (and the session cookie) or with the same page, the messages beside the
//! fields and the values kept. Only the anti-robot check runs in the browser, as the
//! small `CaptchaField` island, so this page adds almost nothing to the wasm every
//! page downloads.

use super::captcha::{solve as solve_captcha, CaptchaBox, CaptchaState};
use crate::api::follow::{LookupFeedback, LookupField};
use crate::components::error_view::set_status;
use leptos::prelude::*;

#[component]
pub fn LookupForm(
    /// Pre-filled number (from the success page's "Acompanhar solicitação" link).
    numero: String,
) -> impl IntoView {
    let feedback = use_context::<LookupFeedback>().unwrap_or_default();
    if feedback.status != 0 {
        set_status(feedback.status);
    }
    let error_of = |field: LookupField| feedback.errors.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone());
    let first_error = feedback.errors.first().map(|(f, _)| *f);
    let numero = if feedback.numero.is_empty() { numero } else { feedback.numero.clone() };
    let input = |field: LookupField, value: String, hint: &'static str, maxlength: &'static str| {
        let id = field.id();
        let error = error_of(field);
        view! {
            <div class="form-field">
                <div class="field-label">
                    <label for=id>{field.label()}</label>
                    <span class="required" aria-hidden="true">"*"</span>
                </div>
                <p id=format!("{id}-ajuda") class="field-hint">{hint}</p>
                <input
                    id=id
                    name=id
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    maxlength=maxlength
                    value=value
                    aria-required="true"
                    aria-invalid=error.as_ref().map(|_| "true")
                    aria-describedby=format!("{id}-ajuda {}", field.error_id())
                    autofocus=first_error == Some(field)
                />
                <p id=field.error_id() class="field-error">{error}</p>
            </div>
        }
    };
    view! {
        <form class="lookup-form" method="post" action="/acompanhar" novalidate aria-describedby="lookup-obrigatorio">
            <noscript>
                <p class="request-form__noscript">
                    "Para pesquisar é preciso ativar o JavaScript: a verificação anti-robô é feita pelo próprio navegador."
                </p>
            </noscript>
            <p id="lookup-obrigatorio" class="request__required">
                <span class="required" aria-hidden="true">"* "</span>
                "Obrigatório"
            </p>
            {input(LookupField::Cpf, feedback.cpf.clone(), "Somente números ou no formato 000.000.000-00.", "14")}
            {input(LookupField::Numero, numero, "Os 12 dígitos recebidos ao abrir a solicitação.", "12")}
            <CaptchaField error=error_of(LookupField::Captcha).unwrap_or_default() />
            <p class="request-form__general" role="alert">{feedback.message.clone()}</p>
            <button type="submit" class="br-button primary">"Pesquisar"</button>
        </form>
    }
}

/// The anti-robot check of a plain form: solved in the browser, its solution in a hidden
/// `captcha` field that the form posts.
#[island]
pub fn CaptchaField(
    /// The server's message about the previous attempt, if any.
    error: String,
) -> impl IntoView {
    let captcha = RwSignal::new(CaptchaState::Idle);
    Effect::new(move |_| solve_captcha(captcha));
    let error = (!error.is_empty()).then_some(error);
    let solution = move || match captcha.get() {
        CaptchaState::Solved(solution) => solution,
        _ => String::new(),
    };
    view! {
        <div class="captcha-field">
            <CaptchaBox captcha error=Signal::derive(move || error.clone()) error_id=LookupField::Captcha.error_id() />
            <input type="hidden" name="captcha" prop:value=solution />
        </div>
    }
}
