//! `/atendimento/solicitacoes/{número}`: one request as an agent sees it. First the work:
//! the timeline, newest first (internal notes marked), beside the one composer
//! (`composer`); then who holds it, the citizen's data (CPF masked until the agent asks,
//! which is audited), the description and files. Every action form carries the CSRF token
//! and the version the agent saw, so that a change made meanwhile by someone else is
//! reported instead of overwritten.

use super::composer::{self, Composer, Draft, Guard};
use super::{notice, ConsoleNav};
use crate::api::console::{load_console_request, ConsoleRequest, RequestAction, RequestActionForm};
use crate::components::loaded::Loaded;
use crate::components::refused::{form_error, refused};
use crate::domain::canned;
use crate::pages::follow::StatusBadge;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ConsoleRequestPage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let request = Resource::new(number, load_console_request);
    view! {
        <Loaded resource=request let:request>
            <RequestView request />
        </Loaded>
    }
}

#[component]
fn RequestView(request: ConsoleRequest) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let canned_id: Option<i32> = query.read_untracked().get("modelo").and_then(|v| v.parse().ok());
    let feedback = refused::<RequestActionForm>();
    let general = form_error(&feedback);
    let ConsoleRequest {
        agent,
        number,
        system_name,
        funcionalidade,
        status,
        level,
        version,
        name,
        email,
        cpf,
        cpf_revealed,
        cns,
        phone,
        uf,
        description,
        opened_at,
        holder,
        colleagues,
        files,
        entries,
        canned,
        open,
        rating,
        rating_comment,
        acceptance_days,
    } = request;
    let page = format!("/atendimento/solicitacoes/{number}");
    // A canned reply fills the composer only, its placeholders filled in.
    let canned_text = canned_id
        .and_then(|id| canned.iter().find(|c| c.id == id))
        .map(|c| canned::fill(&c.body, &name, &number, &system_name));
    let assign_error = form_error(&feedback.clone().filter(|f| f.form.acao == RequestAction::Assign));
    let composed = composer::composed(feedback);
    let draft = Draft::starting(&composed, canned_text, open);
    let holds = holder.as_ref().is_some_and(|h| h.id == agent.id);
    let other_levels: Vec<i16> = (1..=3).filter(|l| *l != level).collect();
    let guard = {
        let agent = agent.clone();
        move || view! { <Guard agent=agent.clone() version /> }
    };
    let mut entries = entries;
    entries.reverse();
    view! {
        <Title text=format!("Solicitação nº {number}") />
        <ConsoleNav agent=agent.clone() />
        <section class="container console-request" aria-labelledby="solicitacao-titulo">
            <p class="history__back"><a href="/atendimento">"Voltar à fila"</a></p>
            <h1 id="solicitacao-titulo">{format!("Solicitação nº {number}")}</h1>
            <p class="console-request__status">
                <StatusBadge status />
                <span>{format!(" {system_name} · Nível {level:02} · {funcionalidade} · Aberta em {opened_at}")}</span>
            </p>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {general.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
            {rating.map(|rating| view! {
                <p class="console-request__rating">
                    {format!("Avaliação do cidadão: {rating}")}
                    {rating_comment.map(|c| format!(" — “{c}”"))}
                </p>
            })}

            <div class="console-request__work">
                // Scrolls on wide screens: focusable, so that the keyboard scrolls it too.
                <section class="console-request__timeline" aria-labelledby="linha-titulo" tabindex="0">
                    <h2 id="linha-titulo" class="history__subtitle">"Linha do tempo"</h2>
                    <p class="field-hint">"Mais recentes primeiro."</p>
                    <ol class="timeline">
                        {entries.into_iter().map(|entry| {
                            let class = if entry.public { "timeline__item" } else { "timeline__item timeline__item--interna" };
                            view! {
                                <li class=class>
                                    <article class="timeline__card">
                                        <h3 class="timeline__title">{entry.title}</h3>
                                        {(!entry.public).then(|| view! { <p class="timeline__flag">"Nota interna — o cidadão não vê"</p> })}
                                        <p class="timeline__body">{entry.body}</p>
                                        <p class="timeline__date">
                                            {format!("Criado em {}", entry.created_at)}
                                            {entry.author.map(|a| format!(" por {a}"))}
                                        </p>
                                    </article>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>

                <Composer
                    page=page.clone()
                    agent=agent.clone()
                    version
                    open
                    draft
                    other_levels
                    canned
                    canned_id
                    feedback=composed
                    acceptance_days
                />
            </div>

            <section class="console-box" aria-labelledby="responsavel-titulo">
                <h2 id="responsavel-titulo">"Responsável"</h2>
                <p>{match &holder {
                    Some(h) if holds => format!("Você ({})", h.name),
                    Some(h) => h.name.clone(),
                    None => "Ninguém assumiu esta solicitação.".to_owned(),
                }}</p>
                <div class="console-box__actions">
                    {(!holds).then(|| view! {
                        <form method="post" action=page.clone()>
                            {guard()}
                            <input type="hidden" name="acao" value=RequestAction::Claim.value() />
                            <button type="submit" class="br-button primary small">"Assumir"</button>
                        </form>
                    })}
                    {(!colleagues.is_empty()).then(|| view! {
                        <form method="post" action=page.clone() class="console-inline-form">
                            {guard()}
                            <input type="hidden" name="acao" value=RequestAction::Assign.value() />
                            <label for="atendente">"Atribuir a"</label>
                            <select id="atendente" name="atendente" aria-describedby="atribuir-erro">
                                {colleagues.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="br-button secondary small">"Atribuir"</button>
                            <p id="atribuir-erro" class="field-error">{assign_error}</p>
                        </form>
                    })}
                </div>
            </section>

            <section class="console-box" aria-labelledby="solicitante-titulo">
                <h2 id="solicitante-titulo">"Dados do solicitante"</h2>
                <dl class="console-data">
                    <dt>"Nome"</dt><dd>{name}</dd>
                    <dt>"E-mail"</dt><dd>{email}</dd>
                    <dt>"CPF"</dt>
                    <dd>
                        <span class="console-data__cpf">{cpf}</span>
                        {(!cpf_revealed).then(|| view! {
                            <form method="post" action=page.clone() class="console-inline-form">
                                {guard()}
                                <input type="hidden" name="acao" value=RequestAction::RevealCpf.value() />
                                <button type="submit" class="br-button secondary small">"Mostrar CPF completo"</button>
                            </form>
                            <span class="field-hint">" (fica registrado no log de auditoria)"</span>
                        })}
                    </dd>
                    <dt>"CNS"</dt><dd>{cns.unwrap_or_else(|| "Não informado".to_owned())}</dd>
                    <dt>"Telefone"</dt><dd>{phone}</dd>
                    <dt>"UF"</dt><dd>{uf}</dd>
                </dl>
                <h3>"Descrição da solicitação"</h3>
                <p class="console-request__description">{description}</p>
                {(!files.is_empty()).then(|| view! {
                    <h3>"Arquivos enviados"</h3>
                    <ul class="console-files">
                        {files.into_iter().map(|file| view! {
                            <li>
                                // A still preview (an animated GIF shows its first frame); the link opens the original.
                                <img src=format!("{}/previa", file.url) alt=format!("Imagem enviada: {}", file.file_name) loading="lazy" />
                                <a href=file.url download=file.file_name.clone()>{file.file_name.clone()}</a>
                                <span class="history__file-size">{format!(" ({})", file.size)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                })}
            </section>

        </section>
    }
}
