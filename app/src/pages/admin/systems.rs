//! `/admin/sistemas`: the systems the portal serves, and the form that adds one.

use crate::api::catalog_admin::{load_systems_admin, NewSystemPost, SystemsPage};
use crate::components::escape::textarea_text;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::pt_br::count;
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SystemsAdminPage() -> impl IntoView {
    let page = Resource::new(|| (), |()| load_systems_admin());
    view! {
        <Title text="Sistemas" />
        <Loaded resource=page let:page>
            <SystemsView page />
        </Loaded>
    }
}

#[component]
fn SystemsView(page: SystemsPage) -> impl IntoView {
    let done = use_query_map().read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<NewSystemPost>();
    let error = |field: &str| field_error(&feedback, field);
    let (slug_error, name_error, full_error) = (error("sigla"), error("nome"), error("nome_completo"));
    // A refused system comes back as typed.
    let kept = feedback.map(|f| f.form).unwrap_or_default();
    let SystemsPage { admin, systems } = page;
    let csrf = admin.csrf.clone();
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="sistemas-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="sistemas-titulo">"Sistemas"</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            <table class="console-table">
                <caption>{count(systems.len(), "sistema", "sistemas")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Sistema"</th>
                        <th scope="col">"Endereço"</th>
                        <th scope="col">"Perguntas publicadas"</th>
                        <th scope="col">"Situação"</th>
                    </tr>
                </thead>
                <tbody>
                    {systems.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row">
                                <a href=format!("/admin/sistemas/{}", s.slug)>{s.name}</a>
                                <span class="console-table__system">{s.full_name}</span>
                            </th>
                            <td>{format!("/faq/{}", s.slug)}</td>
                            <td>{format!("{} de {}", s.faq_published, s.faq_total)}</td>
                            <td>{if s.active { "Ativo" } else { "Inativo" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <section class="console-box" aria-labelledby="novo-sistema-titulo">
                <h2 id="novo-sistema-titulo">"Novo sistema"</h2>
                <p class="field-hint">"O sistema começa inativo: publique as perguntas e ative-o quando estiver pronto."</p>
                <form method="post" action="/admin/sistemas" class="console-form" novalidate>
                    <input type="hidden" name="csrf" value=csrf />
                    <div class="form-field">
                        <label for="sigla">"Sigla no endereço"</label>
                        <p id="sigla-ajuda" class="field-hint">"Letras minúsculas, números e hífens, como em /faq/cnes."</p>
                        <input id="sigla" name="sigla" type="text" required aria-required="true" maxlength="40"
                            value=kept.sigla aria-describedby="sigla-ajuda sigla-erro"
                            aria-invalid=slug_error.is_some().then_some("true") autofocus=slug_error.is_some() />
                        <p id="sigla-erro" class="field-error">{slug_error.clone()}</p>
                    </div>
                    <div class="form-field">
                        <label for="nome">"Nome"</label>
                        <input id="nome" name="nome" type="text" required aria-required="true" maxlength="80"
                            value=kept.nome aria-describedby="nome-erro"
                            aria-invalid=name_error.is_some().then_some("true")
                            autofocus=slug_error.is_none() && name_error.is_some() />
                        <p id="nome-erro" class="field-error">{name_error.clone()}</p>
                    </div>
                    <div class="form-field">
                        <label for="nome_completo">"Nome completo"</label>
                        <input id="nome_completo" name="nome_completo" type="text" required aria-required="true"
                            maxlength="200" value=kept.nome_completo aria-describedby="nome_completo-erro"
                            aria-invalid=full_error.is_some().then_some("true") />
                        <p id="nome_completo-erro" class="field-error">{full_error}</p>
                    </div>
                    <div class="form-field">
                        <label for="descricao">"Descrição"</label>
                        <textarea id="descricao" name="descricao" rows="3" maxlength="500">{textarea_text(&kept.descricao)}</textarea>
                    </div>
                    <button type="submit" class="br-button primary">"Criar sistema"</button>
                </form>
            </section>
        </section>
    }
}
