//! The request page's one composer: a text and what it becomes, chosen in a radio group
//! (a reply the citizen receives by e-mail, an internal note, the reason to forward to
//! another level, or the final answer). Plain HTML, so it works without JavaScript; the
//! chosen mode colours the box and says what happens, so that a note never looks like a
//! reply. Finalizing asks first: the final text is shown with "Confirmar e finalizar".
//! A canned reply fills only the composer's text, with its placeholders filled in.

use crate::api::console::{AgentView, CannedReply, FinalizeConfirmation, RequestAction, RequestActionForm};
use crate::api::forms::Feedback;
use crate::components::escape::textarea_text;
use crate::components::refused::field_error;
use crate::domain::settings::days_short;
use leptos::prelude::*;

/// The modes, as the radio group offers them while the request is open.
const MODES: [(RequestAction, &str, &str); 4] = [
    (RequestAction::Reply, "Resposta ao cidadão", "Enviada por e-mail e mostrada no histórico do cidadão."),
    (RequestAction::Note, "Nota interna", "Só a equipe de suporte vê. O cidadão não recebe nada."),
    (RequestAction::Escalate, "Encaminhar a outro nível", "O texto é o motivo, só a equipe o vê."),
    (
        RequestAction::Finalize,
        "Finalizar",
        "O texto é a resposta final, enviada por e-mail; confirme no passo seguinte.",
    ),
];

/// The hidden fields every action form of the request page carries: the session's CSRF
/// token and the version the agent saw (a change made meanwhile is reported, not
/// overwritten).
#[component]
pub fn Guard(agent: AgentView, version: i32) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=agent.csrf />
        <input type="hidden" name="versao" value=version.to_string() />
    }
}

/// What the composer starts with.
pub struct Draft {
    pub mode: RequestAction,
    pub text: String,
}

/// The page's refusal, if the composer's post was the one refused (not "Assumir" or
/// "Atribuir").
pub fn composed(feedback: Option<Feedback<RequestActionForm>>) -> Option<Feedback<RequestActionForm>> {
    feedback.filter(|f| MODES.iter().any(|(mode, _, _)| *mode == f.form.acao))
}

impl Draft {
    /// A refused composer post's mode and text (see [`composed`]); else a chosen canned
    /// reply (as a reply); else empty.
    pub fn starting(composed: &Option<Feedback<RequestActionForm>>, canned: Option<String>, open: bool) -> Draft {
        match composed.as_ref().map(|f| &f.form) {
            Some(form) => Draft { mode: form.acao, text: form.texto.clone() },
            None if open => Draft { mode: RequestAction::Reply, text: canned.unwrap_or_default() },
            None => Draft { mode: RequestAction::Note, text: String::new() },
        }
    }
}

#[component]
pub fn Composer(
    page: String,
    agent: AgentView,
    version: i32,
    open: bool,
    draft: Draft,
    other_levels: Vec<i16>,
    canned: Vec<CannedReply>,
    canned_id: Option<i32>,
    feedback: Option<Feedback<RequestActionForm>>,
    acceptance_days: u8,
) -> impl IntoView {
    if let Some(confirmation) = use_context::<FinalizeConfirmation>() {
        return view! { <ConfirmFinalize page agent version text=confirmation.text acceptance_days /> }.into_any();
    }
    let text_error = field_error(&feedback, "texto");
    let level_error = field_error(&feedback, "nivel");
    let modes: Vec<_> = MODES.iter().filter(|(mode, _, _)| open || *mode == RequestAction::Note).collect();
    view! {
        <section class="console-box composer" aria-labelledby="compor-titulo">
            <h2 id="compor-titulo">"Escrever"</h2>
            {(open && !canned.is_empty()).then(|| view! {
                <form method="get" action=page.clone() class="console-inline-form">
                    <label for="modelo">"Resposta pronta"</label>
                    <select id="modelo" name="modelo">
                        {canned.iter().map(|c| view! {
                            <option value=c.id.to_string() selected=canned_id == Some(c.id)>{c.title.clone()}</option>
                        }).collect_view()}
                    </select>
                    <button type="submit" class="br-button secondary small">"Usar resposta pronta"</button>
                </form>
            })}
            <form method="post" action=page.clone() class="console-form composer__form">
                <Guard agent version />
                <fieldset class="composer__modes">
                    <legend>"Este texto é"</legend>
                    {modes.into_iter().map(|(mode, label, hint)| {
                        let id = format!("modo-{}", mode.value());
                        view! {
                            <div class=format!("composer__mode composer__mode--{}", mode.value())>
                                <input type="radio" id=id.clone() name="acao" value=mode.value() checked=*mode == draft.mode />
                                <label for=id>
                                    <strong>{*label}</strong>
                                    <span class="composer__mode-hint">{*hint}</span>
                                </label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                {open.then(|| view! {
                    <div class="form-field composer__level">
                        <label for="nivel">"Nível de destino (ao encaminhar)"</label>
                        <select id="nivel" name="nivel" aria-describedby="nivel-erro"
                            aria-invalid=level_error.is_some().then_some("true")>
                            {other_levels.iter().map(|l| view! { <option value=l.to_string()>{format!("Nível {l:02}")}</option> }).collect_view()}
                        </select>
                        <p id="nivel-erro" class="field-error">{level_error.clone()}</p>
                    </div>
                })}
                <div class="form-field">
                    <label for="texto">"Texto"</label>
                    <textarea
                        id="texto"
                        name="texto"
                        rows="8"
                        maxlength="10000"
                        required
                        aria-required="true"
                        aria-describedby="texto-ajuda texto-erro"
                        aria-invalid=text_error.is_some().then_some("true")
                        autofocus=text_error.is_some()
                    >
                        {textarea_text(&draft.text)}
                    </textarea>
                    <p id="texto-ajuda" class="field-hint">
                        {format!(
                            "Até 10.000 caracteres. Numa finalização, o cidadão tem {} para contestar.",
                            days_short(acceptance_days)
                        )}
                    </p>
                    <p id="texto-erro" class="field-error">{text_error}</p>
                </div>
                <button type="submit" class="br-button primary">"Enviar"</button>
            </form>
        </section>
    }
    .into_any()
}

/// Finalizing, second step: the final text as the citizen will receive it, and what
/// cannot be undone.
#[component]
fn ConfirmFinalize(page: String, agent: AgentView, version: i32, text: String, acceptance_days: u8) -> impl IntoView {
    view! {
        <section class="console-box composer composer--confirmar" aria-labelledby="confirmar-titulo">
            <h2 id="confirmar-titulo">"Confirmar a finalização"</h2>
            <p>
                {format!(
                    "O cidadão receberá agora, por e-mail, a resposta final abaixo, e a solicitação sairá da fila. \
                     O e-mail não pode ser desfeito; o cidadão terá {} para contestar.",
                    days_short(acceptance_days)
                )}
            </p>
            <blockquote class="composer__final">{text.clone()}</blockquote>
            <form method="post" action=page class="console-box__actions">
                <Guard agent version />
                <input type="hidden" name="acao" value=RequestAction::Finalize.value() />
                <input type="hidden" name="texto" value=text />
                <button type="submit" name="confirmado" value="sim" class="br-button primary">"Confirmar e finalizar"</button>
                <button type="submit" name="editar" value="sim" class="br-button secondary">"Voltar e editar"</button>
            </form>
        </section>
    }
}
