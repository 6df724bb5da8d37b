//! `/admin/calendario`: the federal "pontos facultativos" of a year, which do not count
//! as business days for the citizen's window to contest and the queue's waiting time. National
//! holidays are computed and listed for reference; weekends never count.

use crate::api::admin::{load_calendar_admin, CalendarAction, CalendarPage, CalendarPost};
use crate::components::confirm::ConfirmBox;
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::pt_br::count;
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CalendarAdminPage() -> impl IntoView {
    let query = use_query_map();
    let year = move || query.read().get("ano").and_then(|y| y.parse::<i32>().ok());
    let page = Resource::new(year, load_calendar_admin);
    view! {
        <Title text="Calendário de pontos facultativos" />
        <Loaded resource=page let:page>
            <CalendarView page />
        </Loaded>
    }
}

#[component]
fn CalendarView(page: CalendarPage) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    // Only the form that adds a day has fields to show again.
    let feedback = refused::<CalendarPost>();
    let date_error = field_error(&feedback, "data");
    let description_error = field_error(&feedback, "descricao");
    let kept = feedback.map(|f| f.form).filter(|form| form.acao == CalendarAction::Add);
    let (kept_date, kept_description) = kept.map(|form| (form.data, form.descricao)).unwrap_or_default();
    let CalendarPage { admin, year, days, holidays } = page;
    let csrf = admin.csrf.clone();
    let action = format!("/admin/calendario?ano={year}");
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="calendario-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="calendario-titulo">{format!("Pontos facultativos de {year}")}</h1>
            <p>
                "Dias úteis contam para o prazo de contestação do cidadão e para o tempo de espera da fila. "
                "Uma mudança vale para as finalizações feitas a partir dela."
            </p>
            <nav class="console-pages" aria-label="Anos">
                <a href=format!("/admin/calendario?ano={}", year - 1)>{format!("{}", year - 1)}</a>
                <a href=format!("/admin/calendario?ano={}", year + 1)>{format!("{}", year + 1)}</a>
            </nav>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            <ConfirmBox cancel=action.clone() />
            <table class="console-table">
                <caption>{format!("{} em {year}", count(days.len(), "ponto facultativo", "pontos facultativos"))}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Data"</th>
                        <th scope="col">"Descrição"</th>
                        <th scope="col">"Ação"</th>
                    </tr>
                </thead>
                <tbody>
                    {days.into_iter().map(|day| {
                        let label = format!("Remover {}", day.shown);
                        view! {
                            <tr>
                                <th scope="row">{day.shown.clone()}</th>
                                <td>{day.description}</td>
                                <td>
                                    <form method="post" action=action.clone()>
                                        <input type="hidden" name="csrf" value=csrf.clone() />
                                        <input type="hidden" name="acao" value=CalendarAction::Remove.value() />
                                        <input type="hidden" name="data" value=day.iso />
                                        <button type="submit" class="br-button secondary small" aria-label=label>"Remover"</button>
                                    </form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <p class="field-hint">{format!("Feriados nacionais de {year} (calculados): {}", holidays.join(", "))}</p>
            <section class="console-box" aria-labelledby="novo-dia-titulo">
                <h2 id="novo-dia-titulo">"Adicionar ponto facultativo"</h2>
                <form method="post" action=action.clone() class="console-form" novalidate>
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="acao" value=CalendarAction::Add.value() />
                    <div class="form-field">
                        <label for="data">"Data"</label>
                        <input id="data" name="data" type="date" required aria-required="true" value=kept_date
                            aria-describedby="data-erro" aria-invalid=date_error.is_some().then_some("true")
                            autofocus=date_error.is_some() />
                        <p id="data-erro" class="field-error">{date_error.clone()}</p>
                    </div>
                    <div class="form-field">
                        <label for="descricao">"Descrição"</label>
                        <input id="descricao" name="descricao" type="text" required aria-required="true" maxlength="200"
                            value=kept_description aria-describedby="descricao-erro"
                            aria-invalid=description_error.is_some().then_some("true")
                            autofocus=date_error.is_none() && description_error.is_some() />
                        <p id="descricao-erro" class="field-error">{description_error}</p>
                    </div>
                    <button type="submit" class="br-button primary">"Adicionar"</button>
                </form>
            </section>
        </section>
    }
}
