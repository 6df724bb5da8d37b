//! `/admin/auditoria`: the audit log, newest first, filtered by agent, action, request
//! and period. Read-only: nothing on this page (or anywhere) edits it.

use crate::api::admin::{load_audit, AuditFilter, AuditPage};
use crate::components::loaded::Loaded;
use crate::domain::pt_br::count;
use crate::pages::console::ConsoleNav;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn filter_from_query(query: &leptos_router::params::ParamsMap) -> AuditFilter {
    let text = |key: &str| query.get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    AuditFilter {
        agent: text("atendente").and_then(|v| v.parse().ok()),
        action: text("acao"),
        number: text("numero"),
        from: text("de"),
        to: text("ate"),
        page: text("pagina").and_then(|v| v.parse().ok()),
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let page = Resource::new(filter, load_audit);
    view! {
        <Title text="Log de auditoria" />
        <Loaded resource=page let:page>
            <AuditView page />
        </Loaded>
    }
}

#[component]
fn AuditView(page: AuditPage) -> impl IntoView {
    let query = use_query_map();
    let AuditPage { admin, filter, rows, total, page_size, agents, actions } = page;
    let current = filter.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(page_size)).max(1);
    let link = move |to: u64| {
        let mut map = query.get_untracked();
        map.remove("pagina");
        map.insert("pagina", to.to_string());
        format!("/admin/auditoria{}", map.to_query_string())
    };
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="auditoria-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="auditoria-titulo">"Log de auditoria"</h1>
            <form method="get" action="/admin/auditoria" class="console-filters" aria-label="Filtros do log">
                <div class="form-field">
                    <label for="atendente">"Atendente"</label>
                    <select id="atendente" name="atendente">
                        <option value="">"Todos"</option>
                        {agents.into_iter().map(|a| {
                            let is = filter.agent.map(|id| id.to_string()) == Some(a.value.clone());
                            view! { <option value=a.value selected=is>{a.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="acao">"Ação"</label>
                    <select id="acao" name="acao">
                        <option value="">"Todas"</option>
                        {actions.into_iter().map(|a| {
                            let is = filter.action.as_deref() == Some(a.value.as_str());
                            view! { <option value=a.value selected=is>{a.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="numero">"Nº da solicitação"</label>
                    <input id="numero" name="numero" type="text" inputmode="numeric" maxlength="12"
                        value=filter.number.clone().unwrap_or_default() />
                </div>
                <div class="form-field">
                    <label for="de">"De"</label>
                    <input id="de" name="de" type="date" value=filter.from.clone().unwrap_or_default() />
                </div>
                <div class="form-field">
                    <label for="ate">"Até"</label>
                    <input id="ate" name="ate" type="date" value=filter.to.clone().unwrap_or_default() />
                </div>
                <button type="submit" class="br-button secondary">"Filtrar"</button>
            </form>
            <table class="console-table">
                <caption>{count(total, "registro", "registros")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Quando"</th>
                        <th scope="col">"Quem"</th>
                        <th scope="col">"Ação"</th>
                        <th scope="col">"Solicitação"</th>
                        <th scope="col">"Detalhe"</th>
                        <th scope="col">"Origem"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <td>{row.at}</td>
                            <td>{row.who}</td>
                            <td>{row.action}</td>
                            <td>{row.number.unwrap_or_default()}</td>
                            <td>{row.detail}</td>
                            <td>{row.ip}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {(pages > 1).then(|| view! {
                <nav class="console-pages" aria-label="Páginas do log">
                    {(current > 1).then(|| view! { <a href=link(u64::from(current) - 1)>"Anterior"</a> })}
                    <span>{format!(" Página {current} de {pages} ")}</span>
                    {(u64::from(current) < pages).then(|| view! { <a href=link(u64::from(current) + 1)>"Próxima"</a> })}
                </nav>
            })}
        </section>
    }
}
