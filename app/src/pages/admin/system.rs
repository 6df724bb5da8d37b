//! `/admin/sistemas/{slug}`: one system's name and state, its FAQ (questions with
//! Markdown answers, order, published), its "funcionalidades" and its canned replies.
//! Every list item has its own small form; a refused one comes back with the message
//! above the forms and what was typed kept in the form it came from.

use crate::api::catalog_admin::{load_system_admin, LogoAction, SystemAction, SystemAdminPage, SystemPost};
use crate::components::confirm::ConfirmBox;
use crate::components::escape::textarea_text;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::canned::PLACEHOLDERS;
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SystemAdminPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let page = Resource::new(slug, load_system_admin);
    view! {
        <Loaded resource=page let:page>
            <SystemView page />
        </Loaded>
    }
}

/// The hidden fields of one form of this page.
#[component]
fn Hidden(csrf: String, action: SystemAction, #[prop(optional)] id: Option<i32>) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=csrf />
        <input type="hidden" name="acao" value=action.value() />
        {id.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
    }
}

#[component]
fn SystemView(page: SystemAdminPage) -> impl IntoView {
    let done = use_query_map().read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<SystemPost>();
    let logo_feedback = refused::<LogoAction>();
    let logo_error = field_error(&logo_feedback, "logotipo");
    let wait_error = field_error(&feedback, "prazo_espera");
    let alert = feedback.as_ref().map(|f| f.message.clone()).or_else(|| logo_feedback.map(|f| f.message));
    // What was typed in the refused form (identified by its action), kept.
    let posted = feedback.map(|f| f.form);
    let kept = move |action: SystemAction, field: fn(&SystemPost) -> &String, stored: &str| -> String {
        posted.as_ref().filter(|f| f.acao == action).map_or_else(|| stored.to_owned(), |f| field(f).clone())
    };
    let SystemAdminPage {
        admin,
        slug,
        name,
        full_name,
        description,
        active,
        wait_target_days,
        logo_path,
        faq,
        funcionalidades,
        canned,
    } = page;
    let csrf = admin.csrf.clone();
    let action = format!("/admin/sistemas/{slug}");
    let faq_count = faq.len();
    let func_count = funcionalidades.len();
    view! {
        <Title text=format!("Sistema {name}") />
        <ConsoleNav agent=admin />
        <section class="container console-request" aria-labelledby="sistema-titulo">
            <p class="history__back"><a href="/admin/sistemas">"Voltar aos sistemas"</a></p>
            <h1 id="sistema-titulo">{format!("{name} — /faq/{slug}")}</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {alert.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
            <ConfirmBox cancel=action.clone() />

            <section class="console-box" aria-labelledby="dados-titulo">
                <h2 id="dados-titulo">"Dados do sistema"</h2>
                <form method="post" action=action.clone() class="console-form">
                    <Hidden csrf=csrf.clone() action=SystemAction::SaveSystem />
                    <div class="form-field">
                        <label for="nome">"Nome"</label>
                        <input id="nome" name="nome" type="text" required maxlength="80" value=kept(SystemAction::SaveSystem, |f| &f.nome, &name) />
                    </div>
                    <div class="form-field">
                        <label for="nome_completo">"Nome completo"</label>
                        <input id="nome_completo" name="nome_completo" type="text" required maxlength="200"
                            value=kept(SystemAction::SaveSystem, |f| &f.nome_completo, &full_name) />
                    </div>
                    <div class="form-field">
                        <label for="descricao">"Descrição"</label>
                        <textarea id="descricao" name="descricao" rows="3" maxlength="500">
                            {textarea_text(&kept(SystemAction::SaveSystem, |f| &f.descricao, &description))}
                        </textarea>
                    </div>
                    <div class="form-field">
                        <label for="prazo_espera">"Prazo de espera na fila (dias úteis)"</label>
                        <input id="prazo_espera" name="prazo_espera" type="number" inputmode="numeric" min="1" max="30"
                            required value=kept(SystemAction::SaveSystem, |f| &f.prazo_espera, &wait_target_days.to_string())
                            aria-describedby="prazo_espera-ajuda prazo_espera-erro"
                            aria-invalid=wait_error.is_some().then_some("true") autofocus=wait_error.is_some() />
                        <p id="prazo_espera-ajuda" class="field-hint">
                            "A fila destaca as solicitações que esperam mais do que isso."
                        </p>
                        <p id="prazo_espera-erro" class="field-error">{wait_error.clone()}</p>
                    </div>
                    <div class="form-field">
                        <label for="ativo" class="admin-check">
                            <input id="ativo" type="checkbox" name="ativo" value="sim" checked=active />
                            "Ativo (aparece na página inicial e aceita solicitações)"
                        </label>
                    </div>
                    <button type="submit" class="br-button primary">"Salvar sistema"</button>
                </form>
            </section>

            <section class="console-box" aria-labelledby="logotipo-titulo">
                <h2 id="logotipo-titulo">"Logotipo"</h2>
                {match logo_path.clone() {
                    Some(src) => view! {
                        <p class="admin-logo">
                            <img src=src alt=format!("Logotipo atual do {name}") width="96" height="96" />
                        </p>
                    }.into_any(),
                    None => view! { <p>"Este sistema não tem logotipo."</p> }.into_any(),
                }}
                <form method="post" action=format!("{action}/logotipo") enctype="multipart/form-data" class="console-form">
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="acao" value=LogoAction::Upload.value() />
                    <div class="form-field">
                        <label for="logotipo">"Nova imagem do logotipo"</label>
                        <input id="logotipo" name="logotipo" type="file" required aria-required="true"
                            accept=".png,.jpg,.jpeg,.gif,image/png,image/jpeg,image/gif"
                            aria-describedby="logotipo-ajuda logotipo-erro"
                            aria-invalid=logo_error.is_some().then_some("true") autofocus=logo_error.is_some() />
                        <p id="logotipo-ajuda" class="field-hint">
                            "Imagem png, jpg, jpeg ou gif de até 2 MB; quadrada fica melhor. "
                            "Ela é reduzida para caber em 256 × 256 pixels e salva como PNG, sem metadados."
                        </p>
                        <p id="logotipo-erro" class="field-error">{logo_error}</p>
                    </div>
                    <button type="submit" class="br-button primary">"Enviar logotipo"</button>
                </form>
                {logo_path.map(|_| view! {
                    <form method="post" action=format!("{action}/logotipo") enctype="multipart/form-data">
                        <input type="hidden" name="csrf" value=csrf.clone() />
                        <input type="hidden" name="acao" value=LogoAction::Remove.value() />
                        <button type="submit" class="br-button secondary">"Remover logotipo"</button>
                    </form>
                })}
            </section>

            <section class="console-box" aria-labelledby="faq-titulo">
                <h2 id="faq-titulo">{format!("Perguntas frequentes ({faq_count})")}</h2>
                <p class="field-hint">
                    "Respostas em Markdown: **negrito**, listas, [links](https://…). HTML não é aceito: aparece como texto."
                </p>
                <ol class="admin-list">
                    {faq.into_iter().enumerate().map(|(index, entry)| {
                        let form = format!("faq-{}", entry.id);
                        let q_id = format!("pergunta-{}", entry.id);
                        let a_id = format!("resposta-{}", entry.id);
                        let p_id = format!("publicada-{}", entry.id);
                        let p_for = p_id.clone();
                        view! {
                            <li>
                                <details>
                                    <summary>
                                        {entry.question.clone()}
                                        {(!entry.published).then(|| view! { <span class="admin-draft">" (rascunho)"</span> })}
                                        <span class="admin-votes">
                                            {format!(" · resolveu: {} sim, {} não", entry.helpful, entry.not_helpful)}
                                        </span>
                                    </summary>
                                    <div class="admin-preview" aria-label="Como o cidadão vê" inner_html=entry.answer_html.clone()></div>
                                    <form method="post" action=action.clone() class="console-form" id=form>
                                        <Hidden csrf=csrf.clone() action=SystemAction::SaveQuestion id=entry.id />
                                        <div class="form-field">
                                            <label for=q_id.clone()>"Pergunta"</label>
                                            <input id=q_id name="pergunta" type="text" required maxlength="300" value=entry.question.clone() />
                                        </div>
                                        <div class="form-field">
                                            <label for=a_id.clone()>"Resposta"</label>
                                            <textarea id=a_id name="resposta" rows="8" maxlength="20000">{textarea_text(&entry.answer_md)}</textarea>
                                        </div>
                                        <div class="form-field">
                                            <label for=p_for class="admin-check">
                                                <input id=p_id type="checkbox" name="publicada" value="sim" checked=entry.published />
                                                "Publicada"
                                            </label>
                                        </div>
                                        <button type="submit" class="br-button primary small">"Salvar pergunta"</button>
                                    </form>
                                    <div class="console-box__actions">
                                        {(index > 0).then(|| view! {
                                            <form method="post" action=action.clone()>
                                                <Hidden csrf=csrf.clone() action=SystemAction::QuestionUp id=entry.id />
                                                <button type="submit" class="br-button secondary small">"Subir"</button>
                                            </form>
                                        })}
                                        {(index + 1 < faq_count).then(|| view! {
                                            <form method="post" action=action.clone()>
                                                <Hidden csrf=csrf.clone() action=SystemAction::QuestionDown id=entry.id />
                                                <button type="submit" class="br-button secondary small">"Descer"</button>
                                            </form>
                                        })}
                                        <form method="post" action=action.clone()>
                                            <Hidden csrf=csrf.clone() action=SystemAction::DeleteQuestion id=entry.id />
                                            <button type="submit" class="br-button secondary small">"Excluir pergunta"</button>
                                        </form>
                                    </div>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <h3>"Nova pergunta"</h3>
                <form method="post" action=action.clone() class="console-form">
                    <Hidden csrf=csrf.clone() action=SystemAction::NewQuestion />
                    <div class="form-field">
                        <label for="nova-pergunta">"Pergunta"</label>
                        <input id="nova-pergunta" name="pergunta" type="text" required maxlength="300"
                            value=kept(SystemAction::NewQuestion, |f| &f.pergunta, "") />
                    </div>
                    <div class="form-field">
                        <label for="nova-resposta">"Resposta"</label>
                        <textarea id="nova-resposta" name="resposta" rows="6" maxlength="20000">
                            {textarea_text(&kept(SystemAction::NewQuestion, |f| &f.resposta, ""))}
                        </textarea>
                    </div>
                    <div class="form-field">
                        <label for="nova-publicada" class="admin-check">
                            <input id="nova-publicada" type="checkbox" name="publicada" value="sim" />
                            "Publicar agora"
                        </label>
                    </div>
                    <button type="submit" class="br-button primary">"Adicionar pergunta"</button>
                </form>
            </section>

            <section class="console-box" aria-labelledby="func-titulo">
                <h2 id="func-titulo">{format!("Funcionalidades ({func_count})")}</h2>
                <p class="field-hint">"A lista do campo Funcionalidade do formulário; “Outros assuntos” aparece sempre por último."</p>
                <ol class="admin-list">
                    {funcionalidades.into_iter().enumerate().map(|(index, f)| {
                        let n_id = format!("funcionalidade-{}", f.id);
                        let a_id = format!("funcionalidade-ativa-{}", f.id);
                        let a_for = a_id.clone();
                        view! {
                            <li>
                                <form method="post" action=action.clone() class="console-inline-form">
                                    <Hidden csrf=csrf.clone() action=SystemAction::SaveFuncionalidade id=f.id />
                                    <label for=n_id.clone() class="visually-hidden">{format!("Nome da funcionalidade {}", index + 1)}</label>
                                    <input id=n_id name="nome" type="text" required maxlength="120" value=f.name.clone() />
                                    <label for=a_for class="admin-check">
                                        <input id=a_id type="checkbox" name="ativa" value="sim" checked=f.active />
                                        "Ativa"
                                    </label>
                                    <button type="submit" class="br-button secondary small">"Salvar"</button>
                                </form>
                                {(index > 0).then(|| view! {
                                    <form method="post" action=action.clone() class="console-inline-form">
                                        <Hidden csrf=csrf.clone() action=SystemAction::FuncionalidadeUp id=f.id />
                                        <button type="submit" class="br-button secondary small"
                                            aria-label=format!("Subir {}", f.name)>"Subir"</button>
                                    </form>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <form method="post" action=action.clone() class="console-inline-form">
                    <Hidden csrf=csrf.clone() action=SystemAction::NewFuncionalidade />
                    <label for="nova-funcionalidade">"Nova funcionalidade"</label>
                    <input id="nova-funcionalidade" name="nome" type="text" required maxlength="120"
                        value=kept(SystemAction::NewFuncionalidade, |f| &f.nome, "") />
                    <button type="submit" class="br-button primary small">"Adicionar funcionalidade"</button>
                </form>
            </section>

            <section class="console-box" aria-labelledby="prontas-titulo">
                <h2 id="prontas-titulo">"Respostas prontas"</h2>
                <p class="field-hint">
                    {format!(
                        "Marcadores que o atendente recebe preenchidos: {}.",
                        PLACEHOLDERS.iter().map(|(mark, what)| format!("{mark} ({what})")).collect::<Vec<_>>().join(", ")
                    )}
                </p>
                <ul class="admin-list">
                    {canned.into_iter().map(|c| {
                        let t_id = format!("titulo-{}", c.id);
                        let b_id = format!("texto-{}", c.id);
                        view! {
                            <li>
                                <details>
                                    <summary>{c.title.clone()}</summary>
                                    <form method="post" action=action.clone() class="console-form">
                                        <Hidden csrf=csrf.clone() action=SystemAction::SaveCanned id=c.id />
                                        <div class="form-field">
                                            <label for=t_id.clone()>"Título"</label>
                                            <input id=t_id name="titulo" type="text" required maxlength="120" value=c.title.clone() />
                                        </div>
                                        <div class="form-field">
                                            <label for=b_id.clone()>"Texto"</label>
                                            <textarea id=b_id name="texto" rows="5" maxlength="10000">{textarea_text(&c.body)}</textarea>
                                        </div>
                                        <button type="submit" class="br-button primary small">"Salvar resposta pronta"</button>
                                    </form>
                                    <form method="post" action=action.clone()>
                                        <Hidden csrf=csrf.clone() action=SystemAction::DeleteCanned id=c.id />
                                        <button type="submit" class="br-button secondary small">"Excluir resposta pronta"</button>
                                    </form>
                                </details>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <h3>"Nova resposta pronta"</h3>
                <form method="post" action=action.clone() class="console-form">
                    <Hidden csrf=csrf.clone() action=SystemAction::NewCanned />
                    <div class="form-field">
                        <label for="novo-titulo">"Título"</label>
                        <input id="novo-titulo" name="titulo" type="text" required maxlength="120"
                            value=kept(SystemAction::NewCanned, |f| &f.titulo, "") />
                    </div>
                    <div class="form-field">
                        <label for="novo-texto">"Texto"</label>
                        <textarea id="novo-texto" name="texto" rows="5" maxlength="10000">{textarea_text(&kept(SystemAction::NewCanned, |f| &f.texto, ""))}</textarea>
                    </div>
                    <button type="submit" class="br-button primary">"Adicionar resposta pronta"</button>
                </form>
            </section>
        </section>
    }
}
