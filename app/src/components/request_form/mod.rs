//! The request form: an island, because its rules run as the citizen types (the same
//! `domain::request_form` rules the server applies again), attachments are checked and
//! previewed before upload, the anti-robot proof of work is solved here, and the upload
//! shows its progress. The server answers with the same per-field messages, shown in
//! the same places; typed values stay in the fields whatever happens.

mod browser;
mod fields;
mod suggestions;

use super::captcha::{solve as solve_captcha, CaptchaState};
use crate::api::request::{FuncionalidadeOption, SubmitOutcome};
use crate::domain::request_form::{check_field, validate, Draft, Field, HONEYPOT_FIELD, IDEMPOTENCY_FIELD};
use crate::domain::settings::AttachmentLimits;
use crate::domain::uf::Uf;
use fields::{Attachments, Captcha, Description, SelectInput, TextInput};
use leptos::prelude::*;
use suggestions::Suggestions;

/// A chosen image, shown with its thumbnail until it is sent or removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedFile {
    pub id: u32,
    pub name: String,
    pub size: u64,
    /// A `blob:` URL of the file itself (revoked when it is removed).
    pub preview: String,
}

/// Shared reactive state of the form.
#[derive(Clone, Copy)]
struct FormState {
    values: RwSignal<Draft>,
    errors: RwSignal<Vec<(Field, String)>>,
    allowed: StoredValue<Vec<i32>>,
    /// The administrator's current limits, checked before anything is uploaded.
    limits: AttachmentLimits,
}

impl FormState {
    fn error_of(self, field: Field) -> Option<String> {
        self.errors.with(|list| list.iter().find(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    }

    fn set_error(self, field: Field, message: Option<String>) {
        self.errors.update(|list| {
            list.retain(|(f, _)| *f != field);
            if let Some(message) = message {
                list.push((field, message));
                list.sort_by_key(|(f, _)| position(*f));
            }
        });
    }

    /// Keeps what was typed; a field already showing an error is checked again at once,
    /// so the message goes away as soon as the value is right.
    fn typed(self, field: Field, value: String) {
        self.values.update(|d| {
            d.set(field, value);
        });
        if self.error_of(field).is_some() {
            self.check(field);
        }
    }

    /// Checks one field (on leaving it, or while typing once it shows an error).
    fn check(self, field: Field) {
        let value = self.values.with_untracked(|d| d.get(field).to_owned());
        let message = self.allowed.with_value(|allowed| check_field(field, &value, allowed));
        if message.is_none() {
            if let Some(canonical) = Draft::canonical(field, &value) {
                self.values.update(|d| {
                    d.set(field, canonical);
                });
            }
        }
        self.set_error(field, message);
    }
}

/// The id of the form's general message (above "Enviar").
const GENERAL_ID: &str = "envio-mensagem";

/// What the form shows when it is first rendered or taken over.
#[derive(Clone, Default)]
struct Shown {
    typed: Draft,
    errors: Vec<(Field, String)>,
    message: Option<String>,
    /// The idempotency key the form already carries (a refused post shown again).
    key: Option<String>,
}

impl Shown {
    /// On the server: a refused plain post's feedback (and its status), or nothing.
    #[cfg(not(feature = "hydrate"))]
    fn at_start() -> Shown {
        let issued = use_context::<crate::api::request::FormKey>().map(|key| key.0);
        let Some(feedback) = use_context::<crate::api::request::RequestFeedback>() else {
            return Shown { key: issued, ..Shown::default() };
        };
        super::error_view::set_status(feedback.status);
        let key = feedback.key.or(issued);
        Shown { typed: feedback.typed, errors: feedback.errors, message: feedback.message, key }
    }

    /// In the browser: what the server-rendered fields hold now.
    #[cfg(feature = "hydrate")]
    fn at_start() -> Shown {
        browser::adopt()
    }
}

fn position(field: Field) -> usize {
    Field::ALL.iter().position(|f| *f == field).unwrap_or(usize::MAX)
}

#[island]
pub fn RequestForm(
    /// The system's slug (the submission goes to `/api/chamados/{system}`).
    system: String,
    /// The options of the "Funcionalidade" select, "Outros assuntos" last.
    funcionalidades: Vec<FuncionalidadeOption>,
    /// How many images (the administrator's setting; the server holds the submission to it).
    max_files: u8,
    /// How large each image may be, in MB. Two plain numbers rather than an
    /// `AttachmentLimits` prop: a struct's deserializer would add to every citizen's wasm.
    max_mb: u8,
) -> impl IntoView {
    let limits = AttachmentLimits { max_files, max_mb };
    // What the page shows at first: on the server, a refused plain post's values and
    // messages; in the browser, whatever the fields hold when the island takes over (the
    // citizen may have typed before the wasm arrived), so hydration never wipes them.
    let shown = Shown::at_start();
    let state = FormState {
        values: RwSignal::new(shown.typed.clone()),
        errors: RwSignal::new(shown.errors.clone()),
        allowed: StoredValue::new(funcionalidades.iter().map(|f| f.id).collect()),
        limits,
    };
    let general = RwSignal::new(shown.message.clone());
    // This copy of the form's key (sent with it, so a resubmission finds the first request).
    let chave = StoredValue::new(shown.key.clone().unwrap_or_default());
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let captcha = RwSignal::new(CaptchaState::Idle);
    let progress = RwSignal::new(None::<u32>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        browser::adopt_files(state, files);
        solve_captcha(captcha);
    });

    let submit_url = format!("/api/chamados/{system}");
    let page_url = format!("/faq/{system}/chamado");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if progress.get_untracked().is_some() {
            return; // already sending
        }
        general.set(None);
        let draft = state.values.get_untracked();
        // A refused file was never added, so its message does not hold the form back.
        let mut errors = state.allowed.with_value(|allowed| validate(&draft, allowed)).err().unwrap_or_default();
        let solution = match captcha.get_untracked() {
            CaptchaState::Solved(solution) => Some(solution),
            CaptchaState::Failed => {
                errors.push((Field::Captcha, "A verificação anti-robô falhou. Use “Tentar novamente”.".into()));
                None
            }
            CaptchaState::Idle | CaptchaState::Working => {
                errors.push((
                    Field::Captcha,
                    "Aguarde a verificação anti-robô terminar (“Verificado”) e envie novamente.".into(),
                ));
                None
            }
        };
        errors.sort_by_key(|(f, _)| position(*f));
        if let Some((first, _)) = errors.first() {
            browser::focus(first.name());
            state.errors.set(errors);
            return;
        }
        state.errors.set(Vec::new());
        progress.set(Some(0));
        let on_done = move |outcome: Result<SubmitOutcome, String>| {
            match outcome {
                Ok(SubmitOutcome::Created { redirect, .. }) => {
                    browser::go_to(&redirect);
                    return; // keep the progress shown while the next page loads
                }
                Ok(SubmitOutcome::Invalid { message, errors }) => {
                    let list: Vec<(Field, String)> = errors.into_iter().map(|e| (e.field, e.message)).collect();
                    if let Some((first, _)) = list.first() {
                        browser::focus(first.name());
                    }
                    state.errors.set(list);
                    general.set(Some(message));
                }
                Ok(SubmitOutcome::Refused { message }) | Err(message) => general.set(Some(message)),
            }
            // The server spends the captcha of every refused submission: solve a fresh
            // one for the next try while the citizen reads the messages.
            solve_captcha(captcha);
            progress.set(None);
        };
        browser::send(&submit_url, &draft, &chave.get_value(), solution.unwrap_or_default(), progress, on_done);
    };

    let ufs = Uf::all_by_name();
    view! {
        // A real form post too: sent before the wasm arrives (or without JavaScript), it
        // reaches the server, which shows the page again with what was typed. No personal
        // data ever goes into the address.
        <form
            class="request-form"
            aria-label="Abertura de solicitação"
            method="post"
            enctype="multipart/form-data"
            action=page_url
            novalidate
            data-hydrated=move || hydrated.get().then_some("true")
            on:submit=on_submit
            aria-describedby="form-obrigatorio"
        >
            <noscript>
                <p class="request-form__noscript">
                    "Para enviar a solicitação é preciso ativar o JavaScript: a verificação anti-robô é feita pelo próprio navegador, sem imagens para ler."
                </p>
            </noscript>
            <input type="hidden" id=IDEMPOTENCY_FIELD name=IDEMPOTENCY_FIELD value=chave.get_value() />
            <div class="request-form__grid">
                <TextInput state field=Field::Email kind="email" autocomplete="email" maxlength=254 />
                <TextInput state field=Field::Nome kind="text" autocomplete="name" maxlength=120 />
                <TextInput
                    state
                    field=Field::Cpf
                    kind="text"
                    autocomplete="off"
                    inputmode="numeric"
                    maxlength=14
                    hint="Somente números ou no formato 000.000.000-00."
                />
                <TextInput
                    state
                    field=Field::Cns
                    kind="text"
                    autocomplete="off"
                    inputmode="numeric"
                    maxlength=18
                    hint="Cartão Nacional de Saúde, 15 dígitos (opcional)."
                />
                <TextInput
                    state
                    field=Field::Telefone
                    kind="tel"
                    autocomplete="tel-national"
                    inputmode="tel"
                    maxlength=16
                    hint="Com DDD, por exemplo (61) 99999-8888."
                />
                <SelectInput state field=Field::Uf>
                    {ufs
                        .into_iter()
                        .map(|uf| {
                            let selected = shown.typed.uf == uf.acronym;
                            view! { <option value=uf.acronym selected=selected>{format!("{} - {}", uf.acronym, uf.name)}</option> }
                        })
                        .collect_view()}
                </SelectInput>
                <SelectInput state field=Field::Funcionalidade>
                    {funcionalidades
                        .into_iter()
                        .map(|f| {
                            let value = f.id.to_string();
                            let selected = shown.typed.funcionalidade == value;
                            view! { <option value=value selected=selected>{f.name}</option> }
                        })
                        .collect_view()}
                </SelectInput>
            </div>
            <Description state />
            <Suggestions state system=system.clone() key=chave />
            <Attachments state files live=hydrated />
            // Invisible to people (and to assistive technology); robots fill it in.
            <div class="request-form__trap" aria-hidden="true">
                <label for=HONEYPOT_FIELD>"Não preencha este campo"</label>
                <input id=HONEYPOT_FIELD name=HONEYPOT_FIELD type="text" tabindex="-1" autocomplete="off" />
            </div>
            <Captcha state captcha />
            <div class="request-form__send">
                <p id=GENERAL_ID class="request-form__general" role="alert">{move || general.get()}</p>
                {move || {
                    progress
                        .get()
                        .map(|p| {
                            view! {
                                <div class="request-form__progress">
                                    <label for="envio-progresso">{format!("Enviando… {p}%")}</label>
                                    <progress id="envio-progresso" max="100" value=p.to_string()></progress>
                                </div>
                            }
                        })
                }}
                <button type="submit" class="br-button primary" aria-disabled=move || progress.get().is_some().then_some("true")>
                    "Enviar"
                </button>
            </div>
        </form>
    }
}
