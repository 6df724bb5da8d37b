//! `/atendimento/solicitacoes/{número}`: one request as an agent sees it: the citizen's
//! data (CPF masked until the agent asks, which is audited), the description and files,
//! the whole timeline with internal notes, who holds it, and the actions. Every action
//! form carries the CSRF token and the version the agent saw, so that a change made
//! meanwhile by someone else is reported instead of overwritten.

use super::{notice, ConsoleNav};
use crate::api::console::{load_console_request, AgentView, ConsoleRequest, RequestAction, RequestActionForm};
use crate::api::forms::Feedback;
use crate::components::escape::textarea_text;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, form_error, refused};
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

/// The hidden fields every action form carries.
#[component]
fn Guard(agent: AgentView, version: i32) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=agent.csrf />
        <input type="hidden" name="versao" value=version.to_string() />
    }
}

#[component]
fn RequestView(request: ConsoleRequest) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let canned_id: Option<i32> = query.read_untracked().get("modelo").and_then(|v| v.parse().ok());
    let feedback = refused::<RequestActionForm>();
    let general = form_error(&feedback);
    // The refusal of one of the page's forms, if `action` is what that form asks for.
    let of = move |action: RequestAction| -> Option<Feedback<RequestActionForm>> {
        feedback.clone().filter(|f| f.form.acao == action)
    };
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
    let canned_text = canned_id.and_then(|id| canned.iter().find(|c| c.id == id)).map(|c| c.body.clone());
    let typed = |action: RequestAction| of(action).map(|f| f.form.texto);
    let reply_text = typed(RequestAction::Reply).or_else(|| canned_text.clone()).unwrap_or_default();
    let final_text = typed(RequestAction::Finalize).or(canned_text).unwrap_or_default();
    let note_text = typed(RequestAction::Note).unwrap_or_default();
    let escalate = of(RequestAction::Escalate);
    let reason_text = escalate.as_ref().map(|f| f.form.motivo.clone()).unwrap_or_default();
    let holds = holder.as_ref().is_some_and(|h| h.id == agent.id);
    let other_levels: Vec<i16> = (1..=3).filter(|l| *l != level).collect();
    let guard = {
        let agent = agent.clone();
        move || view! { <Guard agent=agent.clone() version /> }
    };
    let level_error = field_error(&escalate, "nivel");
    let reason_error = field_error(&escalate, "motivo");
    let assign_error = form_error(&of(RequestAction::Assign));
    let text_field = move |action: RequestAction, id: &'static str, label: &'static str, text: String, hint: String| {
        let error = field_error(&of(action), "texto");
        view! {
            <div class="form-field">
                <label for=id>{label}</label>
                <p id=format!("{id}-ajuda") class="field-hint">{hint}</p>
                <textarea
                    id=id
                    name="texto"
                    rows="6"
                    maxlength="10000"
                    required
                    aria-required="true"
                    aria-describedby=format!("{id}-ajuda {id}-erro")
                    aria-invalid=error.is_some().then_some("true")
                    autofocus=error.is_some()
                >
                    {textarea_text(&text)}
                </textarea>
                <p id=format!("{id}-erro") class="field-error">{error}</p>
            </div>
        }
    };
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

            <section aria-labelledby="linha-titulo">
                <h2 id="linha-titulo" class="history__subtitle">"Linha do tempo"</h2>
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

            {open.then(|| view! {
                <section class="console-box" aria-labelledby="responder-titulo">
                    <h2 id="responder-titulo">"Responder ao cidadão"</h2>
                    {(!canned.is_empty()).then(|| view! {
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
                    <form method="post" action=page.clone() class="console-form">
                        {guard()}
                        <input type="hidden" name="acao" value=RequestAction::Reply.value() />
                        {text_field(RequestAction::Reply, "resposta-texto", "Resposta", reply_text,
                            "O cidadão recebe esta resposta por e-mail e a lê no histórico. A situação passa a Em análise.".to_owned())}
                        <button type="submit" class="br-button primary">"Enviar resposta"</button>
                    </form>
                </section>
            })}

            <section class="console-box" aria-labelledby="nota-titulo">
                <h2 id="nota-titulo">"Nota interna"</h2>
                <form method="post" action=page.clone() class="console-form">
                    {guard()}
                    <input type="hidden" name="acao" value=RequestAction::Note.value() />
                    {text_field(RequestAction::Note, "nota-texto", "Nota interna", note_text, "Só a equipe de suporte vê as notas internas.".to_owned())}
                    <button type="submit" class="br-button secondary">"Registrar nota"</button>
                </form>
            </section>

            {open.then(|| view! {
                <section class="console-box" aria-labelledby="encaminhar-titulo">
                    <h2 id="encaminhar-titulo">"Encaminhar para outro nível"</h2>
                    <form method="post" action=page.clone() class="console-form">
                        {guard()}
                        <input type="hidden" name="acao" value=RequestAction::Escalate.value() />
                        <div class="form-field">
                            <label for="nivel">"Encaminhar para"</label>
                            <select id="nivel" name="nivel" aria-describedby="nivel-erro"
                                aria-invalid=level_error.is_some().then_some("true")>
                                {other_levels.iter().map(|l| view! { <option value=l.to_string()>{format!("Nível {l:02}")}</option> }).collect_view()}
                            </select>
                            <p id="nivel-erro" class="field-error">{level_error.clone()}</p>
                        </div>
                        <div class="form-field">
                            <label for="motivo">"Motivo do encaminhamento"</label>
                            <textarea id="motivo" name="motivo" rows="3" maxlength="2000" required aria-required="true"
                                aria-describedby="motivo-erro" aria-invalid=reason_error.is_some().then_some("true")
                                autofocus=reason_error.is_some()>
                                {textarea_text(&reason_text)}
                            </textarea>
                            <p id="motivo-erro" class="field-error">{reason_error.clone()}</p>
                        </div>
                        <button type="submit" class="br-button secondary">"Encaminhar"</button>
                    </form>
                </section>

                <section class="console-box" aria-labelledby="finalizar-titulo">
                    <h2 id="finalizar-titulo">"Finalizar"</h2>
                    <form method="post" action=page.clone() class="console-form">
                        {guard()}
                        <input type="hidden" name="acao" value=RequestAction::Finalize.value() />
                        {text_field(RequestAction::Finalize, "final-texto", "Resposta final", final_text,
                            format!("O cidadão recebe esta resposta por e-mail e tem {} para contestar.",
                                crate::domain::settings::days_short(acceptance_days)))}
                        <button type="submit" class="br-button primary">"Finalizar"</button>
                    </form>
                </section>
            })}
        </section>
    }
}
