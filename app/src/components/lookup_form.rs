//! The lookup form ("Acompanhar solicitação"): CPF, number and the anti-robot check. An
//! island because the check is solved in the browser; the fields are checked here with
//! the same rules the server applies again. A match sets the session cookie and the
//! page reloads into the list of the CPF's requests.

use super::captcha::{solve as solve_captcha, CaptchaBox, CaptchaState};
use crate::api::follow::{lookup_requests, LookupField, LookupOutcome};
use crate::domain::cpf::Cpf;
use crate::domain::request_form::is_protocol_number;
use leptos::prelude::*;

fn check(field: LookupField, value: &str) -> Option<String> {
    match field {
        LookupField::Cpf => Cpf::parse(value).err().map(|e| e.to_string()),
        LookupField::Numero if value.trim().is_empty() => Some("Informe o número da solicitação.".into()),
        LookupField::Numero if !is_protocol_number(value.trim()) => {
            Some("O número da solicitação tem 12 dígitos, como 202600000123.".into())
        }
        _ => None,
    }
}

#[island]
pub fn LookupForm(
    /// Pre-filled number (from the success page's "Acompanhar solicitação" link).
    numero: String,
) -> impl IntoView {
    let cpf = RwSignal::new(String::new());
    let number = RwSignal::new(numero);
    let errors = RwSignal::new(Vec::<(LookupField, String)>::new());
    let general = RwSignal::new(None::<String>);
    let captcha = RwSignal::new(CaptchaState::Idle);
    let sending = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        solve_captcha(captcha);
    });
    let error_of =
        move |field: LookupField| errors.with(|list| list.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()));
    let set_error = move |field: LookupField, message: Option<String>| {
        errors.update(|list| {
            list.retain(|(f, _)| *f != field);
            if let Some(message) = message {
                list.push((field, message));
            }
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        general.set(None);
        let mut found = Vec::new();
        for (field, value) in [(LookupField::Cpf, cpf.get_untracked()), (LookupField::Numero, number.get_untracked())] {
            if let Some(message) = check(field, &value) {
                found.push((field, message));
            }
        }
        let solution = captcha.with_untracked(CaptchaState::solution);
        if let Err(message) = &solution {
            found.push((LookupField::Captcha, (*message).to_owned()));
        }
        if let Some((first, _)) = found.first() {
            browser::focus(first.id());
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        sending.set(true);
        let (cpf_value, number_value) = (cpf.get_untracked(), number.get_untracked().trim().to_owned());
        leptos::task::spawn_local(async move {
            let outcome = lookup_requests(cpf_value, number_value, solution.unwrap_or_default()).await;
            sending.set(false);
            match outcome {
                Ok(LookupOutcome::Found { redirect }) => browser::go_to(&redirect),
                Ok(LookupOutcome::Invalid { errors: list }) => {
                    if let Some((first, _)) = list.first() {
                        browser::focus(first.id());
                    }
                    errors.set(list);
                    solve_captcha(captcha);
                }
                Ok(LookupOutcome::Refused { message }) => {
                    general.set(Some(message));
                    solve_captcha(captcha);
                }
                Err(_) => {
                    general.set(Some(
                        "Não foi possível pesquisar agora. Verifique a sua conexão e tente novamente.".into(),
                    ));
                    solve_captcha(captcha);
                }
            }
        });
    };

    let input = move |field: LookupField, value: RwSignal<String>, hint: &'static str| {
        let id = field.id();
        let described = format!("{id}-ajuda {}", field.error_id());
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
                    maxlength=if field == LookupField::Cpf { "14" } else { "12" }
                    aria-required="true"
                    aria-invalid=move || error_of(field).map(|_| "true")
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        if error_of(field).is_some() {
                            set_error(field, check(field, &value.get_untracked()));
                        }
                    }
                    on:blur=move |_| {
                        let typed = value.get_untracked();
                        let message = check(field, &typed);
                        if message.is_none() && field == LookupField::Cpf {
                            if let Ok(valid) = Cpf::parse(&typed) {
                                value.set(valid.formatted());
                            }
                        }
                        if !typed.trim().is_empty() || message.is_none() {
                            set_error(field, message);
                        }
                    }
                />
                <p id=field.error_id() class="field-error">{move || error_of(field)}</p>
            </div>
        }
    };

    view! {
        <form
            class="lookup-form"
            novalidate
            data-hydrated=move || hydrated.get().then_some("true")
            on:submit=on_submit
            aria-describedby="lookup-obrigatorio"
        >
            <noscript>
                <p class="request-form__noscript">
                    "Para pesquisar é preciso ativar o JavaScript: a verificação anti-robô é feita pelo próprio navegador."
                </p>
            </noscript>
            <p id="lookup-obrigatorio" class="request__required">
                <span class="required" aria-hidden="true">"* "</span>
                "Obrigatório"
            </p>
            {input(LookupField::Cpf, cpf, "Somente números ou no formato 000.000.000-00.")}
            {input(LookupField::Numero, number, "Os 12 dígitos recebidos ao abrir a solicitação.")}
            <CaptchaBox
                captcha
                error=Signal::derive(move || error_of(LookupField::Captcha))
                error_id=LookupField::Captcha.error_id()
            />
            <p class="request-form__general" role="alert">{move || general.get()}</p>
            <button type="submit" class="br-button primary" aria-disabled=move || sending.get().then_some("true")>
                "Pesquisar"
            </button>
        </form>
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn focus(_id: &str) {}
    pub fn go_to(_url: &str) {}
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;

    pub fn focus(id: &str) {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }

    pub fn go_to(url: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().replace(url);
        }
    }
}
