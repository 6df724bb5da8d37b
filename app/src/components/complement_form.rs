//! The history page's "Complementar solicitação": while the request is being worked on,
//! the citizen sends what the support team asked for, or what was missing, as text and
//! images. A plain multipart form, so it works before the wasm arrives and without
//! JavaScript; a refused one comes back with the message beside its field and the text
//! kept (files cannot be given back: the page says to choose them again).

use crate::api::follow::{ComplementPost, COMPLEMENT_FILES, COMPLEMENT_TEXT};
use crate::components::escape::textarea_text;
use crate::components::refused::{field_error, form_error, refused};
use crate::domain::citizen_text::{COMPLEMENT_HINT, COMPLEMENT_MAX_CHARS};
use crate::domain::request_form::ACCEPTED_IMAGES;
use crate::domain::settings::AttachmentLimits;
use leptos::prelude::*;

#[component]
pub fn ComplementForm(number: String, limits: AttachmentLimits) -> impl IntoView {
    let feedback = refused::<ComplementPost>();
    let text_error = field_error(&feedback, COMPLEMENT_TEXT);
    let files_error = field_error(&feedback, COMPLEMENT_FILES);
    let general = form_error(&feedback);
    let kept = feedback.map(|f| f.form).unwrap_or_default();
    let choose_again = (kept.had_files && files_error.is_none())
        .then_some("Os arquivos escolhidos não foram enviados: escolha-os novamente.");
    view! {
        <section class="complement" aria-labelledby="complemento-titulo">
            <h2 id="complemento-titulo" class="history__subtitle">"Complementar solicitação"</h2>
            <p>"Envie o que a equipe de atendimento pediu ou o que faltou na abertura. A equipe vê o complemento na hora."</p>
            {general.map(|text| view! { <p class="answer__alert" role="alert">{text}</p> })}
            <form
                method="post"
                action=format!("/acompanhar/{number}/complemento")
                enctype="multipart/form-data"
                class="complement__form"
                novalidate
            >
                <div class="form-field">
                    <label for="complemento">"Complemento"</label>
                    <p id="complemento-ajuda" class="field-hint">{COMPLEMENT_HINT}</p>
                    <textarea
                        id="complemento"
                        name=COMPLEMENT_TEXT
                        rows="5"
                        maxlength=COMPLEMENT_MAX_CHARS.to_string()
                        required
                        aria-required="true"
                        aria-describedby="complemento-ajuda complemento-erro"
                        aria-invalid=text_error.is_some().then_some("true")
                        autofocus=text_error.is_some()
                    >
                        {textarea_text(&kept.text)}
                    </textarea>
                    <p id="complemento-erro" class="field-error">{text_error.clone()}</p>
                </div>
                <div class="form-field">
                    <label for="complemento-anexos">"Adicionar arquivo"</label>
                    <p id="complemento-anexos-ajuda" class="field-hint">{limits.hint()}</p>
                    <input
                        id="complemento-anexos"
                        name=COMPLEMENT_FILES
                        type="file"
                        multiple
                        accept=ACCEPTED_IMAGES
                        aria-describedby="complemento-anexos-ajuda complemento-anexos-erro"
                        aria-invalid=files_error.is_some().then_some("true")
                        autofocus=text_error.is_none() && files_error.is_some()
                    />
                    <p id="complemento-anexos-erro" class="field-error">{files_error.or(choose_again.map(str::to_owned))}</p>
                </div>
                <button type="submit" class="br-button primary">"Enviar complemento"</button>
            </form>
        </section>
    }
}

/// A complement refused because the request was finalized meanwhile (the form is gone
/// from the page): the reason, and the text as typed, so that it is not lost.
#[component]
pub fn ComplementTooLate() -> impl IntoView {
    refused::<ComplementPost>().map(|feedback| {
        let kept = feedback.form.text;
        view! {
            <section class="complement" aria-labelledby="complemento-titulo">
                <h2 id="complemento-titulo" class="history__subtitle">"Complementar solicitação"</h2>
                <p class="answer__alert" role="alert">{feedback.message}</p>
                {(!kept.is_empty()).then(|| view! {
                    <p>"O texto que você escreveu, para copiar:"</p>
                    <blockquote class="timeline__body">{kept}</blockquote>
                })}
            </section>
        }
    })
}
