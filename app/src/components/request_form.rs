//! The request form: an island, because its rules run as the citizen types (the same
//! `domain::request_form` rules the server applies again), attachments are checked and
//! previewed before upload, the anti-robot proof of work is solved here, and the upload
//! shows its progress. The server answers with the same per-field messages, shown in
//! the same places; typed values stay in the fields whatever happens.

use super::captcha::{solve as solve_captcha, CaptchaBox, CaptchaState};
use crate::api::request::{FuncionalidadeOption, SubmitOutcome};
use crate::domain::request_form::{check_field, validate, Draft, Field, HONEYPOT_FIELD};
use crate::domain::settings::AttachmentLimits;
use crate::domain::uf::Uf;
use leptos::prelude::*;

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
    let state = FormState {
        values: RwSignal::new(Draft::default()),
        errors: RwSignal::new(Vec::new()),
        allowed: StoredValue::new(funcionalidades.iter().map(|f| f.id).collect()),
        limits,
    };
    let general = RwSignal::new(None::<String>);
    let files = RwSignal::new(Vec::<PickedFile>::new());
    let captcha = RwSignal::new(CaptchaState::Idle);
    let progress = RwSignal::new(None::<u32>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        solve_captcha(captcha);
    });

    let submit_url = format!("/api/chamados/{system}");
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
                    if list.iter().any(|(f, _)| *f == Field::Captcha) {
                        solve_captcha(captcha);
                    }
                    if let Some((first, _)) = list.first() {
                        browser::focus(first.name());
                    }
                    state.errors.set(list);
                    general.set(Some(message));
                }
                Ok(SubmitOutcome::Refused { message }) | Err(message) => general.set(Some(message)),
            }
            progress.set(None);
        };
        browser::send(&submit_url, &draft, solution.unwrap_or_default(), progress, on_done);
    };

    let ufs = Uf::all_by_name();
    view! {
        <form
            class="request-form"
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
                        .map(|uf| view! { <option value=uf.acronym>{format!("{} - {}", uf.acronym, uf.name)}</option> })
                        .collect_view()}
                </SelectInput>
                <SelectInput state field=Field::Funcionalidade>
                    {funcionalidades
                        .into_iter()
                        .map(|f| view! { <option value=f.id.to_string()>{f.name}</option> })
                        .collect_view()}
                </SelectInput>
            </div>
            <Description state />
            <Attachments state files />
            // Invisible to people (and to assistive technology); robots fill it in.
            <div class="request-form__trap" aria-hidden="true">
                <label for=HONEYPOT_FIELD>"Não preencha este campo"</label>
                <input id=HONEYPOT_FIELD name=HONEYPOT_FIELD type="text" tabindex="-1" autocomplete="off" />
            </div>
            <Captcha state captcha />
            <div class="request-form__send">
                <p class="request-form__general" role="alert">{move || general.get()}</p>
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

/// The label and, outside it, the asterisk: the label's text stays exactly the real
/// system's wording (tools find fields by it), and screen readers announce
/// `aria-required` instead of reading a star.
#[component]
fn FieldLabel(field: Field) -> impl IntoView {
    view! {
        <div class="field-label">
            <label for=field.name()>{field.label()}</label>
            {field.required().then(|| view! { <span class="required" aria-hidden="true">"*"</span> })}
        </div>
    }
}

/// The error slot beside a field, referenced by its `aria-describedby`.
#[component]
fn FieldError(state: FormState, field: Field) -> impl IntoView {
    view! {
        <p id=field.error_id() class="field-error">
            {move || state.error_of(field)}
        </p>
    }
}

fn described_by(field: Field, hint: bool) -> String {
    if hint {
        format!("{}-ajuda {}", field.name(), field.error_id())
    } else {
        field.error_id()
    }
}

#[component]
fn TextInput(
    state: FormState,
    field: Field,
    kind: &'static str,
    autocomplete: &'static str,
    maxlength: usize,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class=format!("form-field form-field--{}", field.name())>
            <FieldLabel field />
            {hint.map(|h| view! { <p id=format!("{}-ajuda", field.name()) class="field-hint">{h}</p> })}
            <input
                id=field.name()
                name=field.name()
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                aria-required=field.required().then_some("true")
                aria-invalid=move || state.error_of(field).is_some().then_some("true")
                aria-describedby=described_by(field, hint.is_some())
                prop:value=move || state.values.with(|d| d.get(field).to_owned())
                on:input=move |ev| state.typed(field, event_target_value(&ev))
                on:blur=move |_| state.check(field)
            />
            <FieldError state field />
        </div>
    }
}

#[component]
fn SelectInput(state: FormState, field: Field, children: Children) -> impl IntoView {
    view! {
        <div class=format!("form-field form-field--{}", field.name())>
            <FieldLabel field />
            <select
                id=field.name()
                name=field.name()
                aria-required="true"
                aria-invalid=move || state.error_of(field).is_some().then_some("true")
                aria-describedby=field.error_id()
                on:change=move |ev| {
                    state.values.update(|d| {
                        d.set(field, event_target_value(&ev));
                    });
                    state.check(field);
                }
            >
                <option value="">"Selecione"</option>
                {children()}
            </select>
            <FieldError state field />
        </div>
    }
}

#[component]
fn Description(state: FormState) -> impl IntoView {
    let field = Field::Descricao;
    let count = move || state.values.with(|d| d.descricao.chars().count());
    view! {
        <div class="form-field form-field--descricao">
            <FieldLabel field />
            <p id="descricao-ajuda" class="field-hint">
                "Conte o que aconteceu, em que tela e o que você esperava (de 20 a 5.000 caracteres)."
            </p>
            <textarea
                id=field.name()
                name=field.name()
                rows="6"
                maxlength="5000"
                aria-required="true"
                aria-invalid=move || state.error_of(field).is_some().then_some("true")
                aria-describedby=described_by(field, true)
                prop:value=move || state.values.with(|d| d.descricao.clone())
                on:input=move |ev| state.typed(field, event_target_value(&ev))
                on:blur=move |_| state.check(field)
            ></textarea>
            <p class="field-counter" aria-hidden="true">{move || format!("{} / 5.000", count())}</p>
            <FieldError state field />
        </div>
    }
}

#[component]
fn Attachments(state: FormState, files: RwSignal<Vec<PickedFile>>) -> impl IntoView {
    let field = Field::Anexos;
    let on_change = move |ev: leptos::ev::Event| browser::pick_files(&ev, state, files);
    view! {
        <div class="form-field form-field--anexos">
            <FieldLabel field />
            <input
                id=field.name()
                type="file"
                multiple
                accept=".jpg,.jpeg,.gif,.png,image/jpeg,image/gif,image/png"
                aria-invalid=move || state.error_of(field).is_some().then_some("true")
                aria-describedby=described_by(field, true)
                on:change=on_change
            />
            <p id="anexos-ajuda" class="field-hint">{state.limits.hint()}</p>
            <FieldError state field />
            <ul class="attachments" aria-label="Arquivos escolhidos">
                <For each=move || files.get() key=|f| f.id let:file>
                    <li class="attachments__item">
                        <img class="attachments__thumb" src=file.preview.clone() alt="" width="64" height="64" />
                        <span class="attachments__name">{file.name.clone()}</span>
                        <span class="attachments__size">{human_size(file.size)}</span>
                        <button
                            type="button"
                            class="br-button secondary small"
                            aria-label=format!("Remover {}", file.name)
                            on:click=move |_| browser::remove_file(file.id, files, state)
                        >
                            "Remover"
                        </button>
                    </li>
                </For>
            </ul>
        </div>
    }
}

#[component]
fn Captcha(state: FormState, captcha: RwSignal<CaptchaState>) -> impl IntoView {
    let field = Field::Captcha;
    view! { <CaptchaBox captcha error=Signal::derive(move || state.error_of(field)) error_id=field.error_id() /> }
}

/// "340 KB", "1,2 MB": sizes as a Brazilian reader expects them.
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        let tenths = (bytes * 10).div_ceil(1024 * 1024);
        format!("{},{} MB", tenths / 10, tenths % 10)
    }
}

/// What happens only in the browser. The server build gets no-ops: it renders the
/// form, and these run only in response to events.
#[cfg(not(feature = "hydrate"))]
mod browser {
    use super::{FormState, PickedFile};
    use crate::api::request::SubmitOutcome;
    use crate::domain::request_form::Draft;
    use leptos::prelude::*;

    pub fn focus(_id: &str) {}
    pub fn go_to(_url: &str) {}
    pub fn send(
        _url: &str,
        _draft: &Draft,
        _captcha: String,
        _progress: RwSignal<Option<u32>>,
        _done: impl FnOnce(Result<SubmitOutcome, String>) + 'static,
    ) {
    }
    pub fn pick_files(_ev: &leptos::ev::Event, _state: FormState, _files: RwSignal<Vec<PickedFile>>) {}
    pub fn remove_file(_id: u32, _files: RwSignal<Vec<PickedFile>>, _state: FormState) {}
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{FormState, PickedFile};
    use crate::api::request::SubmitOutcome;
    use crate::domain::request_form::{allowed_image_name, Draft, Field, HONEYPOT_FIELD};
    use leptos::prelude::*;
    use std::cell::RefCell;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    const NETWORK_ERROR: &str =
        "Não foi possível enviar: verifique a sua conexão e tente novamente. Os dados digitados foram mantidos.";

    /// The chosen files themselves (browser objects, not reactive data), by id.
    struct Chosen {
        id: u32,
        file: web_sys::File,
        _preview: gloo_file::ObjectUrl,
    }

    thread_local! {
        static CHOSEN: RefCell<Vec<Chosen>> = const { RefCell::new(Vec::new()) };
        static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
    }

    fn document() -> Option<web_sys::Document> {
        web_sys::window().and_then(|w| w.document())
    }

    pub fn focus(id: &str) {
        if let Some(element) =
            document().and_then(|d| d.get_element_by_id(id)).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    }

    pub fn go_to(url: &str) {
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign(url);
        }
    }

    fn sniff(head: &[u8]) -> bool {
        head.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a])
            || head.starts_with(&[0xff, 0xd8, 0xff])
            || head.starts_with(b"GIF87a")
            || head.starts_with(b"GIF89a")
    }

    pub fn pick_files(ev: &leptos::ev::Event, state: FormState, files: RwSignal<Vec<PickedFile>>) {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let mut picked = Vec::new();
        if let Some(list) = input.files() {
            for index in 0..list.length() {
                if let Some(file) = list.get(index) {
                    picked.push(file);
                }
            }
        }
        // Cleared so the same file can be chosen again after removing it.
        input.set_value("");
        leptos::task::spawn_local(async move {
            let mut problem = None;
            for file in picked {
                let name = file.name();
                let size = file.size() as u64;
                if files.with_untracked(Vec::len) >= state.limits.max_files() {
                    problem = Some(state.limits.too_many(&name));
                    break;
                }
                if size > state.limits.max_bytes() {
                    problem = Some(state.limits.too_large(&name));
                    continue;
                }
                let blob = gloo_file::Blob::from(web_sys::Blob::from(file.clone()));
                let head = gloo_file::futures::read_as_bytes(&blob.slice(0, 16)).await.unwrap_or_default();
                if !allowed_image_name(&name) || !sniff(&head) {
                    problem = Some(format!("O arquivo “{name}” não é permitido: envie imagens jpg, jpeg, gif ou png."));
                    continue;
                }
                let preview = gloo_file::ObjectUrl::from(blob);
                let id = NEXT_ID.with(|n| {
                    let id = *n.borrow();
                    *n.borrow_mut() += 1;
                    id
                });
                let url = preview.to_string();
                CHOSEN.with(|c| c.borrow_mut().push(Chosen { id, file, _preview: preview }));
                files.update(|list| list.push(PickedFile { id, name, size, preview: url }));
            }
            state.set_error(Field::Anexos, problem);
        });
    }

    pub fn remove_file(id: u32, files: RwSignal<Vec<PickedFile>>, state: FormState) {
        // Dropping the ObjectUrl revokes the preview.
        CHOSEN.with(|c| c.borrow_mut().retain(|chosen| chosen.id != id));
        files.update(|list| list.retain(|f| f.id != id));
        state.set_error(Field::Anexos, None);
        focus(Field::Anexos.name());
    }

    fn honeypot() -> String {
        document()
            .and_then(|d| d.get_element_by_id(HONEYPOT_FIELD))
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|i| i.value())
            .unwrap_or_default()
    }

    fn form_data(draft: &Draft, captcha: &str) -> Result<web_sys::FormData, wasm_bindgen::JsValue> {
        let data = web_sys::FormData::new()?;
        for field in Field::ALL {
            if !matches!(field, Field::Anexos | Field::Captcha) {
                data.append_with_str(field.name(), draft.get(field))?;
            }
        }
        data.append_with_str(HONEYPOT_FIELD, &honeypot())?;
        data.append_with_str(Field::Captcha.name(), captcha)?;
        CHOSEN.with(|chosen| {
            chosen
                .borrow()
                .iter()
                .try_for_each(|c| data.append_with_blob_and_filename(Field::Anexos.name(), &c.file, &c.file.name()))
        })?;
        Ok(data)
    }

    /// Sends with XMLHttpRequest (fetch cannot report upload progress).
    pub fn send(
        url: &str,
        draft: &Draft,
        captcha: String,
        progress: RwSignal<Option<u32>>,
        done: impl FnOnce(Result<SubmitOutcome, String>) + 'static,
    ) {
        let done = std::rc::Rc::new(RefCell::new(Some(done)));
        let finish = move |result: Result<SubmitOutcome, String>| {
            if let Some(done) = done.borrow_mut().take() {
                done(result);
            }
        };
        let (Ok(request), Ok(data)) = (web_sys::XmlHttpRequest::new(), form_data(draft, &captcha)) else {
            finish(Err(NETWORK_ERROR.into()));
            return;
        };
        if request.open("POST", url).is_err() || request.set_request_header("Accept", "application/json").is_err() {
            finish(Err(NETWORK_ERROR.into()));
            return;
        }
        if let Ok(upload) = request.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |ev: web_sys::ProgressEvent| {
                if ev.length_computable() && ev.total() > 0.0 {
                    let percent = (ev.loaded() / ev.total() * 100.0).clamp(0.0, 100.0) as u32;
                    progress.set(Some(percent));
                }
            });
            upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            // Lives as long as the request; one small closure per submission.
            on_progress.forget();
        }
        let finish = std::rc::Rc::new(RefCell::new(Some(finish)));
        let on_load = {
            let request = request.clone();
            let finish = finish.clone();
            Closure::<dyn FnMut()>::new(move || {
                let text = request.response_text().ok().flatten().unwrap_or_default();
                let outcome = serde_json::from_str::<SubmitOutcome>(&text).map_err(|_| {
                    "Não foi possível registrar a solicitação agora. Tente novamente em alguns minutos; os dados digitados foram mantidos.".to_owned()
                });
                if let Some(finish) = finish.borrow_mut().take() {
                    finish(outcome);
                }
            })
        };
        let on_error = Closure::<dyn FnMut()>::new(move || {
            if let Some(finish) = finish.borrow_mut().take() {
                finish(Err(NETWORK_ERROR.into()));
            }
        });
        request.set_onload(Some(on_load.as_ref().unchecked_ref()));
        request.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_load.forget();
        on_error.forget();
        if request.send_with_opt_form_data(Some(&data)).is_err() {
            progress.set(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_brazilians_write_them() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(340 * 1024), "340 KB");
        assert_eq!(human_size(1024 * 1024 + 200 * 1024), "1,2 MB");
        assert_eq!(human_size(3 * 1024 * 1024), "3,0 MB");
    }
}
