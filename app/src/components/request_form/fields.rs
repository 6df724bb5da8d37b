//! The request form's fields: label and asterisk, the error slot, text inputs, selects,
//! the description with its counter, the attachments with previews, and the captcha box;
//! each bound to the form's state and showing its first value in the server's markup.

use super::{browser, FormState, PickedFile};
use crate::components::captcha::{CaptchaBox, CaptchaState};
use crate::components::escape::textarea_text;
use crate::domain::pt_br::{count, size as human_size};
use crate::domain::request_form::{self, Field};
use leptos::prelude::*;

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
pub(super) fn TextInput(
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
                // The value as first shown, in the markup (a page shown again after a plain
                // post keeps what was typed); the property follows the state from then on.
                value=state.values.with_untracked(|d| d.get(field).to_owned())
                prop:value=move || state.values.with(|d| d.get(field).to_owned())
                on:input=move |ev| state.typed(field, event_target_value(&ev))
                on:blur=move |_| state.check(field)
            />
            <FieldError state field />
        </div>
    }
}

#[component]
pub(super) fn SelectInput(state: FormState, field: Field, children: Children) -> impl IntoView {
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
pub(super) fn Description(state: FormState) -> impl IntoView {
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
                // The text as first shown, escaped (see `escape`): the browser keeps it on
                // hydration, then the property follows the state.
                inner_html=textarea_text(&state.values.with_untracked(|d| d.descricao.clone()))
                prop:value=move || state.values.with(|d| d.descricao.clone())
                on:input=move |ev| state.typed(field, event_target_value(&ev))
                on:blur=move |_| state.check(field)
            ></textarea>
            <p class="field-counter" aria-hidden="true">{move || format!("{} / 5.000", count())}</p>
            <FieldError state field />
        </div>
    }
}

/// The file area. Before the wasm arrives it is the browser's own file input (the plain
/// post sends it); once the island runs, the input is operated by a pt-BR button, with
/// the count of chosen images beside it, and images may be dropped onto the area.
#[component]
pub(super) fn Attachments(state: FormState, files: RwSignal<Vec<PickedFile>>, live: RwSignal<bool>) -> impl IntoView {
    let field = Field::Anexos;
    let on_change = move |ev: leptos::ev::Event| browser::pick_files(&ev, state, files);
    let dragging = RwSignal::new(false);
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        browser::drop_files(&ev, state, files);
    };
    let chosen = move || match files.with(Vec::len) {
        0 => "Nenhum arquivo escolhido".to_owned(),
        n => count(n, "arquivo escolhido", "arquivos escolhidos"),
    };
    view! {
        <div
            class="form-field form-field--anexos"
            class:attachments--dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <FieldLabel field />
            <input
                id=field.name()
                name=field.name()
                type="file"
                multiple
                accept=request_form::ACCEPTED_IMAGES
                class:visually-hidden=move || live.get()
                tabindex=move || live.get().then_some("-1")
                aria-invalid=move || state.error_of(field).is_some().then_some("true")
                aria-describedby=described_by(field, true)
                on:change=on_change
            />
            {move || live.get().then(|| view! {
                <p class="attachments__picker">
                    <button
                        type="button"
                        class="br-button secondary small"
                        aria-describedby=described_by(field, true)
                        on:click=move |_| browser::open_picker(field.name())
                    >
                        "Escolher arquivos"
                    </button>
                    <span class="attachments__count">{chosen}</span>
                    <span class="attachments__drop">" ou arraste as imagens para esta área"</span>
                </p>
            })}
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
pub(super) fn Captcha(state: FormState, captcha: RwSignal<CaptchaState>) -> impl IntoView {
    let field = Field::Captcha;
    view! { <CaptchaBox captcha error=Signal::derive(move || state.error_of(field)) error_id=field.error_id() /> }
}
