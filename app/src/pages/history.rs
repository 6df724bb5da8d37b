//! `/acompanhar/{número}`: a request's history for the session's CPF — the timeline,
//! the files sent, and, once it is finalized, the citizen's answer ("Sua solicitação foi
//! atendida?"). The answer is made of plain forms (GET to choose a step, POST to act),
//! so it works with JavaScript off; a refused answer comes back with the message beside
//! its field and the text as typed.

use super::follow::{MyDataLinks, StatusBadge};
use crate::api::follow::{load_history, ActionFeedback, AnswerAction, Answerable, History, COMPLEMENT_SENT};
use crate::components::complement_form::{ComplementForm, ComplementTooLate};
use crate::components::error_view::set_status;
use crate::components::escape::textarea_text;
use crate::components::loaded::Loaded;
use crate::domain::citizen_text::{COMMENT_MAX_CHARS, REASON_MAX_CHARS};
use crate::domain::lifecycle::RATINGS;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let history = Resource::new(number, load_history);
    view! {
        <Loaded resource=history let:history>
            <HistoryView history />
        </Loaded>
    }
}

#[component]
fn HistoryView(history: History) -> impl IntoView {
    let query = use_query_map();
    let feedback = use_context::<ActionFeedback>();
    if let Some(feedback) = &feedback {
        set_status(feedback.status);
    }
    let step = feedback
        .as_ref()
        .map(|f| f.step.clone())
        .filter(|s| !s.is_empty())
        .or_else(|| query.read_untracked().get("resposta"))
        .unwrap_or_default();
    let History {
        number,
        system_name,
        status,
        closed,
        answerable,
        contest_until,
        rating,
        entries,
        attachments,
        complement,
    } = history;
    let complemented = query.read_untracked().get("complemento").is_some_and(|v| v == COMPLEMENT_SENT);
    let page = format!("/acompanhar/{number}");
    view! {
        <Title text=format!("Histórico da solicitação nº {number}") />
        <section class="container history" aria-labelledby="historico-titulo">
            <p class="history__back"><a href="/acompanhar">"Voltar às suas solicitações"</a></p>
            <MyDataLinks />
            <h1 id="historico-titulo">{format!("Histórico da solicitação nº {number}")}</h1>
            <p class="history__status">
                <span>{format!("{system_name} · Situação: ")}</span>
                <StatusBadge status />
                {closed.then(|| view! { <span class="history__closed">" Encerrada pelo cidadão"</span> })}
            </p>
            {complemented.then(|| view! {
                <p class="form-notice" role="status">"Complemento enviado. A equipe de atendimento já pode vê-lo."</p>
            })}
            <Answer
                page=page.clone()
                answerable
                contest_until
                rating
                step
                feedback=feedback.unwrap_or_default()
            />
            <h2 class="history__subtitle">"Linha do tempo"</h2>
            <ol class="timeline">
                {entries
                    .into_iter()
                    .map(|entry| {
                        view! {
                            <li class=format!("timeline__item timeline__item--{}", entry.kind.code())>
                                <article class="timeline__card">
                                    <h3 class="timeline__title">{entry.title}</h3>
                                    <p class="timeline__body">{entry.body}</p>
                                    <p class="timeline__date">{format!("Criado em {}", entry.created_at)}</p>
                                </article>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            {(!attachments.is_empty())
                .then(|| {
                    view! {
                        <h2 class="history__subtitle">"Arquivos enviados"</h2>
                        <ul class="history__files">
                            {attachments
                                .into_iter()
                                .map(|file| {
                                    view! {
                                        <li>
                                            <a href=file.url download=file.file_name.clone()>{file.file_name.clone()}</a>
                                            <span class="history__file-size">{format!(" ({})", file.size)}</span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {match complement {
                Some(limits) => view! { <ComplementForm number=number.clone() limits /> }.into_any(),
                None => view! { <ComplementTooLate /> }.into_any(),
            }}
        </section>
    }
}

/// The citizen's say over a finalized request.
#[component]
fn Answer(
    page: String,
    answerable: Answerable,
    contest_until: Option<String>,
    rating: Option<String>,
    step: String,
    feedback: ActionFeedback,
) -> impl IntoView {
    let general = (feedback.field.is_none() && !feedback.message.is_empty()).then(|| feedback.message.clone());
    if answerable == Answerable::No && general.is_none() {
        return ().into_any();
    }
    let body = match answerable {
        Answerable::No => ().into_any(),
        Answerable::Final => view! {
            <p>
                {match rating {
                    Some(rating) => format!("Atendimento avaliado como “{rating}”. Obrigado pela avaliação!"),
                    None => "Esta solicitação foi encerrada.".to_owned(),
                }}
            </p>
        }
        .into_any(),
        Answerable::RatingOnly if step == "avaliar" => view! { <RatingForm page feedback /> }.into_any(),
        Answerable::RatingOnly => view! {
            <p>
                "O prazo para contestar terminou e a solicitação foi considerada atendida. "
                "Você ainda pode avaliar o atendimento."
            </p>
            <p><a class="br-button primary" href=format!("{page}?resposta=avaliar#resposta")>"Avaliar atendimento"</a></p>
        }
        .into_any(),
        Answerable::AwaitingAnswer => {
            let deadline = contest_until
                .map(|day| format!("Se não houver resposta até {day}, a solicitação será considerada atendida."))
                .unwrap_or_default();
            let chosen = match step.as_str() {
                "nao" => view! { <ReasonForm page feedback /> }.into_any(),
                "sim" => view! {
                    <p>"Que bom! Avalie o atendimento ou feche a solicitação."</p>
                    <div class="answer__choices">
                        <a class="br-button primary" href=format!("{page}?resposta=avaliar#resposta")>"Avaliar atendimento"</a>
                        <form method="get" action=format!("{page}#resposta")>
                            <button type="submit" name="resposta" value="fechar" class="br-button secondary">"Fechar"</button>
                        </form>
                    </div>
                }
                .into_any(),
                // Fechar cannot be undone: it asks first, on a step of its own (no script needed).
                "fechar" => view! {
                    <p class="answer__confirm">
                        "Fechar encerra o atendimento desta solicitação. Depois disso ela não poderá ser reaberta "
                        "nem avaliada. Deseja mesmo fechar?"
                    </p>
                    <div class="answer__choices">
                        <form method="post" action=page.clone()>
                            <input type="hidden" name="acao" value=AnswerAction::Close.value() />
                            <input type="hidden" name="confirmado" value="sim" />
                            <button type="submit" class="br-button primary">"Confirmar: fechar a solicitação"</button>
                        </form>
                        <a class="br-button secondary" href=format!("{page}?resposta=sim#resposta")>"Voltar"</a>
                    </div>
                }
                .into_any(),
                "avaliar" => view! { <RatingForm page feedback /> }.into_any(),
                _ => view! {
                    <form method="get" action=format!("{page}#resposta") class="answer__choices">
                        <button type="submit" name="resposta" value="sim" class="br-button primary">"Sim"</button>
                        <button type="submit" name="resposta" value="nao" class="br-button secondary">"Não"</button>
                    </form>
                }
                .into_any(),
            };
            view! {
                <p class="answer__question">"Sua solicitação foi atendida?"</p>
                <p class="field-hint">{deadline}</p>
                {chosen}
            }
            .into_any()
        }
    };
    view! {
        <section id="resposta" class="answer" aria-labelledby="resposta-titulo">
            <h2 id="resposta-titulo">"Resposta ao atendimento"</h2>
            {general.map(|message| view! { <p class="answer__alert" role="alert">{message}</p> })}
            {body}
        </section>
    }
    .into_any()
}

#[component]
fn ReasonForm(page: String, feedback: ActionFeedback) -> impl IntoView {
    let error = (feedback.field.as_deref() == Some("motivo")).then(|| feedback.message.clone());
    view! {
        <form method="post" action=page.clone() class="answer__form" novalidate>
            <input type="hidden" name="acao" value=AnswerAction::Contest.value() />
            <div class="form-field">
                <div class="field-label">
                    <label for="motivo">"Informe o motivo da reabertura"</label>
                    <span class="required" aria-hidden="true">"*"</span>
                </div>
                <p id="motivo-ajuda" class="field-hint">"De 10 a 2.000 caracteres. Diga o que ainda não foi resolvido."</p>
                <textarea
                    id="motivo"
                    name="motivo"
                    rows="5"
                    maxlength=REASON_MAX_CHARS.to_string()
                    aria-required="true"
                    aria-invalid=error.as_ref().map(|_| "true")
                    aria-describedby="motivo-ajuda motivo-erro"
                    autofocus=error.is_some()
                >
                    {textarea_text(&feedback.reason)}
                </textarea>
                <p id="motivo-erro" class="field-error">{error}</p>
            </div>
            <div class="answer__choices">
                <button type="submit" class="br-button primary">"Enviar"</button>
                <a class="br-button secondary" href=format!("{page}#resposta")>"Cancelar"</a>
            </div>
        </form>
    }
}

#[component]
fn RatingForm(page: String, feedback: ActionFeedback) -> impl IntoView {
    let score_error = (feedback.field.as_deref() == Some("nota")).then(|| feedback.message.clone());
    let comment_error = (feedback.field.as_deref() == Some("comentario")).then(|| feedback.message.clone());
    let chosen = feedback.score;
    view! {
        <form method="post" action=page class="answer__form" novalidate>
            <input type="hidden" name="acao" value=AnswerAction::Rate.value() />
            <fieldset
                class="rating"
                aria-describedby="nota-erro"
                aria-invalid=score_error.as_ref().map(|_| "true")
            >
                <legend>"Avaliação do atendimento"</legend>
                {RATINGS
                    .into_iter()
                    .map(|(value, label)| {
                        let id = format!("nota-{value}");
                        view! {
                            <div class="rating__option">
                                <input
                                    type="radio"
                                    id=id.clone()
                                    name="nota"
                                    value=value.to_string()
                                    checked=chosen == Some(value)
                                    autofocus=score_error.is_some() && value == 1
                                />
                                <label for=id>{label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
                <p id="nota-erro" class="field-error">{score_error.clone()}</p>
            </fieldset>
            <div class="form-field">
                <label for="comentario">"Comentário (opcional)"</label>
                <textarea
                    id="comentario"
                    name="comentario"
                    rows="4"
                    maxlength=COMMENT_MAX_CHARS.to_string()
                    aria-invalid=comment_error.as_ref().map(|_| "true")
                    aria-describedby="comentario-erro"
                    autofocus=comment_error.is_some()
                >
                    {textarea_text(&feedback.comment)}
                </textarea>
                <p id="comentario-erro" class="field-error">{comment_error}</p>
            </div>
            <button type="submit" class="br-button primary">"Enviar"</button>
        </form>
    }
}
