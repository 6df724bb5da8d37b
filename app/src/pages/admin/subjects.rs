//! `/admin/titulares`: one person's data by CPF (the search is audited): their requests,
//! "Exportar dados" (a ZIP), "Corrigir dados" (name, e-mail, phone) and "Anonimizar"
//! (confirmed first, irreversible). Every form posts the CPF; nothing goes in the address.

use crate::api::console::AgentView;
use crate::api::privacy::{load_subject, Subject, SubjectAction, SubjectDone, SubjectPage, SubjectPost};
use crate::components::confirm::ConfirmBox;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, form_error, refused};
use crate::pages::console::ConsoleNav;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SubjectsPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| load_subject());
    view! {
        <Title text="Titulares de dados" />
        <Loaded resource=page let:page>
            <SubjectsView page />
        </Loaded>
    }
}

/// The session's token and the CPF, carried by every form of a found person.
fn hidden(admin: &AgentView, cpf: &str) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=admin.csrf.clone() />
        <input type="hidden" name="cpf" value=cpf.to_owned() />
    }
}

#[component]
fn SubjectsView(page: SubjectPage) -> impl IntoView {
    let SubjectPage { admin, found } = page;
    let feedback = refused::<SubjectPost>();
    let done = use_context::<SubjectDone>().map(|d| d.0);
    let general = form_error(&feedback);
    let cpf_error = field_error(&feedback, "cpf");
    let typed = feedback.as_ref().map(|f| f.form.cpf.clone()).unwrap_or_default();
    let csrf = admin.csrf.clone();
    view! {
        <ConsoleNav agent=admin.clone() />
        <section class="container console-queue" aria-labelledby="titulares-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="titulares-titulo">"Titulares de dados"</h1>
            <p>
                "Atenda aos direitos do titular (LGPD, art. 18): consulte tudo o que o portal guarda sobre uma pessoa, "
                "exporte, corrija ou anonimize. Cada consulta fica registrada no log de auditoria."
            </p>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {general.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
            <ConfirmBox cancel="/admin/titulares".to_owned() />
            <form method="post" action="/admin/titulares" class="console-form console-box" novalidate>
                <input type="hidden" name="csrf" value=csrf />
                <div class="form-field">
                    <label for="cpf">"CPF do titular"</label>
                    <input id="cpf" name="cpf" type="text" inputmode="numeric" autocomplete="off" maxlength="14"
                        required aria-required="true" value=typed aria-describedby="cpf-erro"
                        aria-invalid=cpf_error.is_some().then_some("true") autofocus=cpf_error.is_some() />
                    <p id="cpf-erro" class="field-error">{cpf_error}</p>
                </div>
                <button type="submit" name="acao" value=SubjectAction::Search.value() class="br-button primary">
                    "Buscar"
                </button>
            </form>
            {match found {
                None => ().into_any(),
                Some(None) => view! {
                    <p class="console-notice" role="status">"Nenhuma solicitação com este CPF."</p>
                }
                .into_any(),
                Some(Some(subject)) => view! { <Found admin subject /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Found(admin: AgentView, subject: Subject) -> impl IntoView {
    let posted = refused::<SubjectPost>();
    let kept = |field: &str, stored: &str| -> String {
        posted
            .as_ref()
            .map(|f| match field {
                "nome" => f.form.nome.clone(),
                "email" => f.form.email.clone(),
                _ => f.form.telefone.clone(),
            })
            .unwrap_or_else(|| stored.to_owned())
    };
    let (name, email, phone) =
        (kept("nome", &subject.name), kept("email", &subject.email), kept("telefone", &subject.phone));
    let errors = ["nome", "email", "telefone"].map(|field| field_error(&posted, field));
    let anonymised = subject.anonymised();
    let numbers = subject.requests.iter().map(|r| r.number.as_str()).collect::<Vec<_>>().join(" ");
    view! {
        <section class="console-box" aria-labelledby="titular-titulo">
            <h2 id="titular-titulo">{format!("CPF {}", subject.cpf_masked)}</h2>
            <table class="console-table">
                <caption>{crate::domain::pt_br::count(subject.requests.len(), "solicitação", "solicitações")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Solicitação"</th>
                        <th scope="col">"Sistema"</th>
                        <th scope="col">"Situação"</th>
                        <th scope="col">"Aberta em"</th>
                        <th scope="col">"Dados pessoais"</th>
                    </tr>
                </thead>
                <tbody>
                    {subject
                        .requests
                        .iter()
                        .map(|r| view! {
                            <tr>
                                <th scope="row">{r.number.clone()}</th>
                                <td>{r.system.clone()}</td>
                                <td>{r.status.clone()}</td>
                                <td>{r.opened_at.clone()}</td>
                                <td>{if r.anonymised { "Anonimizados" } else { "Guardados" }}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
            <form method="post" action="/admin/titulares" class="console-box__actions">
                {hidden(&admin, &subject.cpf)}
                <button type="submit" name="acao" value=SubjectAction::Export.value() class="br-button secondary">
                    "Exportar dados (ZIP)"
                </button>
            </form>
        </section>
        {(!anonymised).then(|| view! {
            <section class="console-box" aria-labelledby="corrigir-titulo">
                <h2 id="corrigir-titulo">"Corrigir dados"</h2>
                <form method="post" action="/admin/titulares" class="console-form" novalidate>
                    {hidden(&admin, &subject.cpf)}
                    <Field name="nome" label="Nome" value=name error=errors[0].clone() />
                    <Field name="email" label="E-mail" value=email error=errors[1].clone() />
                    <Field name="telefone" label="Telefone" value=phone error=errors[2].clone() />
                    <button type="submit" name="acao" value=SubjectAction::Correct.value() class="br-button primary">
                        "Corrigir dados"
                    </button>
                </form>
            </section>
            <section class="console-box" aria-labelledby="anonimizar-titulo">
                <h2 id="anonimizar-titulo">"Anonimizar"</h2>
                <p>
                    "Substitui nome, e-mail, telefone, CPF e CNS por um código e apaga anexos e e-mails. "
                    "Não pode ser desfeito. As estatísticas (sistema, funcionalidade, UF, datas, avaliação) continuam."
                </p>
                <form method="post" action="/admin/titulares" class="console-form">
                    {hidden(&admin, &subject.cpf)}
                    <input type="hidden" name="numeros" value=numbers.clone() />
                    <div class="br-checkbox">
                        <input type="checkbox" id="textos" name="textos" value="sim" />
                        <label for="textos">
                            "Os textos livres (descrições, mensagens, comentários) não contêm dados pessoais: mantê-los"
                        </label>
                    </div>
                    <button type="submit" name="acao" value=SubjectAction::Anonymise.value() class="br-button primary">
                        "Anonimizar"
                    </button>
                </form>
            </section>
        })}
        {anonymised.then(|| view! {
            <p class="console-notice" role="status">"Os dados deste CPF já foram anonimizados."</p>
        })}
    }
}

#[component]
fn Field(name: &'static str, label: &'static str, value: String, error: Option<String>) -> impl IntoView {
    let error_id = format!("{name}-erro");
    view! {
        <div class="form-field">
            <label for=name>{label}</label>
            <input id=name name=name type="text" value=value aria-describedby=error_id.clone()
                aria-invalid=error.is_some().then_some("true") />
            <p id=error_id class="field-error">{error}</p>
        </div>
    }
}
