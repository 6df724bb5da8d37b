//! `/admin/relatorios`: the report of a system (or all) over a period: totals, a bar
//! chart of the satisfaction given (with the same numbers in a table, for screen readers
//! and for print), per level and per agent; and the CSV of the same figures.

use crate::api::faq_help::Deflection;
use crate::api::reports::{load_report, Figures, GroupFigures, ReportFilter, ReportPage};
use crate::components::loaded::Loaded;
use crate::domain::lifecycle::RATINGS;
use crate::pages::console::ConsoleNav;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn filter_from_query(query: &leptos_router::params::ParamsMap) -> ReportFilter {
    let text = |key: &str| query.get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    ReportFilter { system: text("sistema"), from: text("de"), to: text("ate") }
}

/// "2,5" (one decimal, comma), or "—" when there is no figure.
pub fn shown(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.1}").replace('.', ",")).unwrap_or_else(|| "—".to_owned())
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || filter_from_query(&query.read());
    let report = Resource::new(filter, load_report);
    view! {
        <Title text="Relatórios" />
        <Loaded resource=report let:page>
            <ReportView page />
        </Loaded>
    }
}

#[component]
fn ReportView(page: ReportPage) -> impl IntoView {
    let query = use_query_map();
    let ReportPage { admin, filter, period, period_iso, systems, total, per_level, per_agent, deflection } = page;
    let csv = format!("/admin/relatorios.csv{}", query.get_untracked().to_query_string());
    let chosen = filter.system.clone();
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="relatorio-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="relatorio-titulo">"Relatórios"</h1>
            <form method="get" action="/admin/relatorios" class="console-filters" aria-label="Filtros do relatório">
                <div class="form-field">
                    <label for="sistema">"Sistema"</label>
                    <select id="sistema" name="sistema">
                        <option value="">"Todos"</option>
                        {systems.into_iter().map(|s| {
                            let is = chosen.as_deref() == Some(s.value.as_str());
                            view! { <option value=s.value selected=is>{s.label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="form-field">
                    <label for="de">"De"</label>
                    <input id="de" name="de" type="date" value=period_iso.0 />
                </div>
                <div class="form-field">
                    <label for="ate">"Até"</label>
                    <input id="ate" name="ate" type="date" value=period_iso.1 />
                </div>
                <button type="submit" class="br-button secondary">"Gerar relatório"</button>
            </form>
            <p>
                {format!("Solicitações abertas de {} a {} (horário de Brasília). ", period.0, period.1)}
                "Tempos em dias úteis (sem fins de semana, feriados nacionais e pontos facultativos), "
                "da data de abertura à data da primeira resposta ou da primeira finalização."
            </p>
            <p><a class="br-button secondary" href=csv download="relatorio.csv">"Baixar CSV"</a></p>
            <h2>"Resumo"</h2>
            <dl class="report-summary">
                <div><dt>"Abertas"</dt><dd>{total.opened.to_string()}</dd></div>
                <div><dt>"Finalizadas"</dt><dd>{total.finalized.to_string()}</dd></div>
                <div><dt>"Taxa de reabertura"</dt><dd>{total.reopened_rate().map(|r| format!("{} %", shown(Some(r)))).unwrap_or_else(|| "—".to_owned())}</dd></div>
                <div><dt>"Mediana até a primeira resposta"</dt><dd>{format!("{} dias úteis", shown(total.median_first_answer_days))}</dd></div>
                <div><dt>"Mediana até a finalização"</dt><dd>{format!("{} dias úteis", shown(total.median_finalization_days))}</dd></div>
                <div><dt>"Satisfação média (1 a 5)"</dt><dd>{shown(total.rating_mean())}</dd></div>
            </dl>
            <h2 id="satisfacao-titulo">"Satisfação"</h2>
            <SatisfactionChart figures=total.clone() />
            <FiguresTable caption="Por nível (onde a solicitação foi finalizada)" rows=per_level />
            <FiguresTable caption="Por atendente (quem finalizou)" rows=per_agent />
            <DeflectionTable rows=deflection />
        </section>
    }
}

/// What the FAQ's answers did, per system: suggestions on the request form and the
/// Sim/Não under the FAQ page's answers.
#[component]
fn DeflectionTable(rows: Vec<Deflection>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
        <table class="console-table report-table">
            <caption>"Perguntas frequentes: sugestões no formulário e respostas úteis"</caption>
            <thead>
                <tr>
                    <th scope="col">"Sistema"</th>
                    <th scope="col">"Sugestões exibidas"</th>
                    <th scope="col">"Abertas"</th>
                    <th scope="col">"Resolveram (Sim)"</th>
                    <th scope="col">"Formulários abandonados após abrir"</th>
                    <th scope="col">"Página de perguntas: Sim"</th>
                    <th scope="col">"Página de perguntas: Não"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <th scope="row">{row.system}</th>
                        <td>{row.shown.to_string()}</td>
                        <td>{row.opened.to_string()}</td>
                        <td>{row.resolved.to_string()}</td>
                        <td>{row.abandoned.to_string()}</td>
                        <td>{row.faq_helpful.to_string()}</td>
                        <td>{row.faq_not_helpful.to_string()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}

/// Five horizontal bars, one per label, as inline SVG (no script, no library), followed by
/// the same counts as a table.
#[component]
fn SatisfactionChart(figures: Figures) -> impl IntoView {
    let max = figures.ratings.iter().copied().max().unwrap_or(0).max(1);
    let bar = |n: u64| (n as f64 / max as f64 * 300.0).round();
    view! {
        <svg class="report-chart" viewBox="0 0 520 190" role="img" aria-labelledby="grafico-titulo">
            <title id="grafico-titulo">"Distribuição das avaliações de satisfação"</title>
            {RATINGS.iter().enumerate().map(|(i, (_, label))| {
                let n = figures.ratings[i];
                let y = 10 + i * 35;
                view! {
                    <text x="150" y=(y + 19).to_string() text-anchor="end" class="report-chart__label">{*label}</text>
                    <rect x="160" y=y.to_string() width=bar(n).to_string() height="26" class="report-chart__bar" />
                    <text x=(168.0 + bar(n)).to_string() y=(y + 19).to_string() class="report-chart__value">{n.to_string()}</text>
                }
            }).collect_view()}
        </svg>
        <div class="table-scroll" tabindex="0">
        <table class="console-table">
            <caption>{format!("Avaliações ({} no total)", figures.rating_count())}</caption>
            <thead><tr>{RATINGS.iter().map(|(_, label)| view! { <th scope="col">{*label}</th> }).collect_view()}</tr></thead>
            <tbody><tr>{figures.ratings.iter().map(|n| view! { <td>{n.to_string()}</td> }).collect_view()}</tr></tbody>
        </table>
        </div>
    }
}

#[component]
fn FiguresTable(caption: &'static str, rows: Vec<GroupFigures>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0">
        <table class="console-table report-table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Grupo"</th>
                    <th scope="col">"Finalizadas"</th>
                    <th scope="col">"Reabertas"</th>
                    <th scope="col">"Mediana até a primeira resposta (dias úteis)"</th>
                    <th scope="col">"Mediana até a finalização (dias úteis)"</th>
                    <th scope="col">"Avaliações"</th>
                    <th scope="col">"Satisfação média"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|row| {
                    let f = row.figures;
                    view! {
                        <tr>
                            <th scope="row">{row.label}</th>
                            <td>{f.finalized.to_string()}</td>
                            <td>{f.reopened.to_string()}</td>
                            <td>{shown(f.median_first_answer_days)}</td>
                            <td>{shown(f.median_finalization_days)}</td>
                            <td>{f.rating_count().to_string()}</td>
                            <td>{shown(f.rating_mean())}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        </div>
    }
}
