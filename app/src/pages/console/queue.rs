//! `/atendimento`: the queue of the agent's systems and level. Filters are a GET form
//! (the address can be bookmarked and shared between agents); the search box posts, since
//! what it holds (names, e-mails, CPFs) must never go into an address; counts per status;
//! the time each request has waited in business days.

use super::{notice, ConsoleNav};
use crate::api::console::{load_queue, Choice, Queue, QueueFilter, ALL_STATUSES, HOLDERS, QUEUE_FILTERS};
use crate::components::loaded::Loaded;
use crate::domain::lifecycle::Status;
use crate::domain::pt_br::{count, integer};
use crate::domain::uf::UFS;
use crate::pages::follow::StatusBadge;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The filters of the query string, ignoring what does not parse.
fn filter_from_query(query: &leptos_router::params::ParamsMap) -> QueueFilter {
    let text = |key: &str| query.get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    QueueFilter {
        status: text("situacao"),
        system: text("sistema"),
        uf: text("uf"),
        funcionalidade: text("funcionalidade").and_then(|v| v.parse().ok()),
        min_days: text("dias").and_then(|v| v.parse().ok()),
        level: text("nivel").and_then(|v| v.parse().ok()),
        order: text("ordem"),
        holder: text("responsavel"),
        page: text("pagina").and_then(|v| v.parse().ok()),
        search: None,
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let queue = Resource::new(filter, load_queue);
    view! {
        <Title text="Fila de atendimento" />
        <Loaded resource=queue let:queue>
            <QueueView queue />
        </Loaded>
    }
}

/// "hoje", "há 1 dia útil", "há 3 dias úteis".
pub fn waiting_label(days: u32) -> String {
    match days {
        0 => "hoje".to_owned(),
        1 => "há 1 dia útil".to_owned(),
        n => format!("há {n} dias úteis"),
    }
}

#[component]
fn QueueView(queue: Queue) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let moved =
        query.read_untracked().get("numero").filter(|n| crate::domain::protocol::ProtocolNumber::parse(n).is_some());
    let Queue { agent, filter, counts, rows, total, more, page_size, systems, funcionalidades } = queue;
    let searching = filter.searching();
    let typed = filter.search.clone().unwrap_or_default();
    // The filters chosen in the address (not the defaults an agent's queue opens on),
    // which a search keeps.
    let pairs: Vec<(&'static str, String)> = QUEUE_FILTERS
        .iter()
        .filter_map(|key| query.read_untracked().get(key).filter(|v| !v.trim().is_empty()).map(|v| (*key, v)))
        .collect();
    let csrf = agent.csrf.clone();
    let is_admin = agent.is_admin;
    let scope = if is_admin {
        "Todos os sistemas e níveis".to_owned()
    } else {
        format!(
            "Nível {:02} · {}",
            agent.level,
            systems.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", ")
        )
    };
    let page = filter.page.unwrap_or(1).max(1);
    let pages = total.div_ceil(u64::from(page_size)).max(1);
    let has_next = u64::from(page) < pages || more;
    let page_link = move |to: u64| {
        let mut map = query.get_untracked();
        for key in ["pagina", "ok", "numero"] {
            map.remove(key);
        }
        map.insert("pagina", to.to_string());
        format!("/atendimento{}", map.to_query_string())
    };
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    view! {
        <ConsoleNav agent />
        <section class="container console-queue" aria-labelledby="fila-titulo">
            <h1 id="fila-titulo">"Fila de atendimento"</h1>
            <p class="console-queue__scope">{scope}</p>
            {done.map(|text| view! {
                <p class="console-notice" role="status">
                    {match &moved {
                        Some(number) => format!("{text} (nº {number})"),
                        None => text.to_owned(),
                    }}
                </p>
            })}
            <form method="post" action="/atendimento" class="console-search" role="search" aria-label="Buscar na fila">
                <input type="hidden" name="csrf" value=csrf.clone() />
                {hidden_fields(&pairs)}
                <div class="form-field">
                    <label for="busca">"Buscar"</label>
                    <input id="busca" name="busca" type="search" value=typed.clone() maxlength="120"
                        autocomplete="off" aria-describedby="busca-ajuda" />
                    <p id="busca-ajuda" class="field-hint">
                        "Número, nome, e-mail, telefone ou palavras da descrição. O CPF completo também é aceito, e essa busca fica registrada na auditoria."
                    </p>
                </div>
                <button type="submit" class="br-button primary">"Buscar"</button>
                {searching.then(|| view! {
                    <a class="console-search__clear" href=address(&pairs)>"Limpar busca"</a>
                })}
            </form>
            <ul class="console-counts" aria-label="Solicitações por situação">
                {counts
                    .into_iter()
                    .map(|(status, count)| {
                        view! {
                            <li>
                                <a href=format!("/atendimento?situacao={}", status.code())>
                                    <StatusBadge status />
                                    <strong class="console-counts__n">{count.to_string()}</strong>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form method=if searching { "post" } else { "get" } action="/atendimento" class="console-filters"
                aria-label="Filtros da fila">
                {searching.then(|| view! {
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="busca" value=typed.clone() />
                })}
                <div class="form-field">
                    <label for="situacao">"Situação"</label>
                    <select id="situacao" name="situacao">
                        <option value="" selected=filter.status.is_none()>"Em aberto"</option>
                        <option value=ALL_STATUSES selected=selected(&filter.status, ALL_STATUSES)>"Todas"</option>
                        {Status::ALL
                            .into_iter()
                            .map(|status| view! {
                                <option value=status.code() selected=selected(&filter.status, status.code())>
                                    {status.label()}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="sistema">"Sistema"</label>
                    <select id="sistema" name="sistema">
                        <option value="">"Todos"</option>
                        {choices(&systems, &filter.system)}
                    </select>
                </div>
                <div class="form-field">
                    <label for="uf">"UF"</label>
                    <select id="uf" name="uf">
                        <option value="">"Todas"</option>
                        {UFS
                            .iter()
                            .map(|(_, acronym, _)| view! {
                                <option value=*acronym selected=selected(&filter.uf, acronym)>{*acronym}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="funcionalidade">"Funcionalidade"</label>
                    <select id="funcionalidade" name="funcionalidade">
                        <option value="">"Todas"</option>
                        {choices(&funcionalidades, &filter.funcionalidade.map(|id| id.to_string()))}
                    </select>
                </div>
                <div class="form-field">
                    <label for="dias">"Aguardando há"</label>
                    <select id="dias" name="dias">
                        {[(0u32, "Qualquer tempo"), (1, "1 dia útil ou mais"), (3, "3 dias úteis ou mais"),
                          (5, "5 dias úteis ou mais"), (10, "10 dias úteis ou mais")]
                            .into_iter()
                            .map(|(days, label)| view! {
                                <option value=days.to_string() selected=filter.min_days.unwrap_or(0) == days>{label}</option>
                            })
                            .collect_view()}
                    </select>
                </div>
                {is_admin.then(|| view! {
                    <div class="form-field">
                        <label for="nivel">"Nível"</label>
                        <select id="nivel" name="nivel">
                            <option value="">"Todos"</option>
                            {(1..=3i16)
                                .map(|level| view! {
                                    <option value=level.to_string() selected=filter.level == Some(level)>
                                        {format!("Nível {level:02}")}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                })}
                <div class="form-field">
                    <label for="responsavel">"Responsável"</label>
                    <select id="responsavel" name="responsavel">
                        {HOLDERS
                            .iter()
                            .map(|(value, label)| view! {
                                <option value=*value selected=filter.holder.as_deref().unwrap_or("todas") == *value>
                                    {*label}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="ordem">"Ordem"</label>
                    <select id="ordem" name="ordem">
                        <option value="recentes" selected=!filter.oldest_first()>"Movimentação mais recente"</option>
                        <option value="antigas" selected=filter.oldest_first()>"Esperando há mais tempo"</option>
                    </select>
                </div>
                <button type="submit" class="br-button secondary">"Filtrar"</button>
            </form>
            <div class="table-scroll" tabindex="0">
            <table class="console-table">
                <caption>
                    {if more {
                        format!("Mais de {} solicitações encontradas", integer(total))
                    } else {
                        count(total, "solicitação encontrada", "solicitações encontradas")
                    }}
                    {searching.then(|| format!(" na busca por “{typed}”"))}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">"Solicitação"</th>
                        <th scope="col">"Funcionalidade"</th>
                        <th scope="col">"UF"</th>
                        <th scope="col">"Situação"</th>
                        <th scope="col">"Nível"</th>
                        <th scope="col">"Responsável"</th>
                        <th scope="col">"Aguardando"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|row| {
                            let href = format!("/atendimento/solicitacoes/{}", row.number);
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=href>{row.number.clone()}</a>
                                        <span class="console-table__system">{row.system_name}</span>
                                    </th>
                                    <td>{row.funcionalidade}</td>
                                    <td>{row.uf}</td>
                                    <td><StatusBadge status=row.status /></td>
                                    <td>{format!("{:02}", row.level)}</td>
                                    <td>{row.holder.unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>
                                        <span>{waiting_label(row.waiting_days)}</span>
                                        {row.late.then(|| view! {
                                            <span class="console-late">" · além do prazo do sistema"</span>
                                        })}
                                        <span class="console-table__date">{row.last_activity}</span>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            </div>
            {(page > 1 || has_next).then(|| {
                let where_ = if more { format!(" Página {page} ") } else { format!(" Página {page} de {pages} ") };
                if searching {
                    // A search's pages post it again: it never goes into a link.
                    let turn = move |to: u32, label: &'static str| view! {
                        <form method="post" action="/atendimento" class="console-pages__turn">
                            <input type="hidden" name="csrf" value=csrf.clone() />
                            <input type="hidden" name="busca" value=typed.clone() />
                            {hidden_fields(&pairs)}
                            <button type="submit" name="pagina" value=to.to_string() class="br-button secondary">{label}</button>
                        </form>
                    };
                    view! {
                        <nav class="console-pages" aria-label="Páginas da fila">
                            {(page > 1).then(|| turn(page - 1, "Anterior"))}
                            <span>{where_}</span>
                            {has_next.then(|| turn(page + 1, "Próxima"))}
                        </nav>
                    }
                    .into_any()
                } else {
                    view! {
                        <nav class="console-pages" aria-label="Páginas da fila">
                            {(page > 1).then(|| view! { <a href=page_link(u64::from(page) - 1)>"Anterior"</a> })}
                            <span>{where_}</span>
                            {has_next.then(|| view! { <a href=page_link(u64::from(page) + 1)>"Próxima"</a> })}
                        </nav>
                    }
                    .into_any()
                }
            })}
        </section>
    }
}

/// The queue's address with these filters.
fn address(pairs: &[(&'static str, String)]) -> String {
    let mut map = leptos_router::params::ParamsMap::new();
    for (key, value) in pairs {
        map.insert(*key, value.clone());
    }
    format!("/atendimento{}", map.to_query_string())
}

/// The filters as hidden fields, so that a post of the search keeps them.
fn hidden_fields(pairs: &[(&'static str, String)]) -> impl IntoView {
    pairs.iter().map(|(key, value)| view! { <input type="hidden" name=*key value=value.clone() /> }).collect_view()
}

fn choices(options: &[Choice], current: &Option<String>) -> impl IntoView {
    options
        .iter()
        .map(|choice| {
            let is = current.as_deref() == Some(choice.value.as_str());
            view! { <option value=choice.value.clone() selected=is>{choice.label.clone()}</option> }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_labels() {
        assert_eq!(waiting_label(0), "hoje");
        assert_eq!(waiting_label(1), "há 1 dia útil");
        assert_eq!(waiting_label(2), "há 2 dias úteis");
    }
}
