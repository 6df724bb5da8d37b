//! `/admin/atendentes`: the support team, and the form that invites a new member (the
//! invitation, a one-time link, goes out by e-mail through the outbox).

use crate::api::admin::{load_team, InvitePost, TeamPage};
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, form_error, refused};
use crate::domain::pt_br::count;
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TeamPage() -> impl IntoView {
    let team = Resource::new(|| (), |()| load_team());
    view! {
        <Title text="Atendentes" />
        <Loaded resource=team let:team>
            <TeamView team />
        </Loaded>
    }
}

#[component]
fn TeamView(team: TeamPage) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<InvitePost>();
    let TeamPage { admin, agents, systems } = team;
    let name_error = field_error(&feedback, "nome");
    let email_error = field_error(&feedback, "email");
    let systems_error = field_error(&feedback, "sistemas");
    let general = form_error(&feedback);
    // A refused invitation comes back as typed.
    let kept = feedback.map(|f| f.form).unwrap_or_default();
    let csrf = admin.csrf.clone();
    view! {
        <ConsoleNav agent=admin />
        <section class="container console-queue" aria-labelledby="equipe-titulo">
            <p class="history__back"><a href="/admin">"Administração"</a></p>
            <h1 id="equipe-titulo">"Atendentes"</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            <table class="console-table">
                <caption>{format!("{} na equipe", count(agents.len(), "pessoa", "pessoas"))}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Nome"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Perfil"</th>
                        <th scope="col">"Sistemas"</th>
                        <th scope="col">"Situação"</th>
                    </tr>
                </thead>
                <tbody>
                    {agents.into_iter().map(|agent| view! {
                        <tr>
                            <th scope="row"><a href=format!("/admin/atendentes/{}", agent.id)>{agent.name}</a></th>
                            <td>{agent.email}</td>
                            <td>{if agent.is_admin { "Administrador".to_owned() } else { format!("Nível {:02}", agent.level) }}</td>
                            <td>{agent.systems}</td>
                            <td>{agent.state}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>

            <section class="console-box" aria-labelledby="convidar-titulo">
                <h2 id="convidar-titulo">"Convidar atendente"</h2>
                <p class="field-hint">"A pessoa recebe por e-mail um link, válido uma vez por 72 horas, para criar a senha."</p>
                {general.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
                <form method="post" action="/admin/atendentes" class="console-form" novalidate>
                    <input type="hidden" name="csrf" value=csrf />
                    <div class="form-field">
                        <label for="nome">"Nome"</label>
                        <input id="nome" name="nome" type="text" required aria-required="true" maxlength="120"
                            value=kept.nome aria-describedby="nome-erro"
                            aria-invalid=name_error.is_some().then_some("true") autofocus=name_error.is_some() />
                        <p id="nome-erro" class="field-error">{name_error.clone()}</p>
                    </div>
                    <div class="form-field">
                        <label for="email">"E-mail"</label>
                        <input id="email" name="email" type="email" required aria-required="true" maxlength="254"
                            value=kept.email aria-describedby="email-erro"
                            aria-invalid=email_error.is_some().then_some("true")
                            autofocus=name_error.is_none() && email_error.is_some() />
                        <p id="email-erro" class="field-error">{email_error}</p>
                    </div>
                    <div class="form-field">
                        <label for="nivel">"Nível"</label>
                        <select id="nivel" name="nivel">
                            {(1..=3i16).map(|l| view! {
                                <option value=l.to_string() selected=kept.nivel == l.to_string()>{format!("Nível {l:02}")}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <fieldset class="form-field admin-systems" aria-describedby="sistemas-erro">
                        <legend>"Sistemas atendidos"</legend>
                        {systems.into_iter().map(|system| {
                            let id = format!("sistema-{}", system.value);
                            let label_for = id.clone();
                            let ticked = kept.sistemas.iter().any(|s| s.to_string() == system.value);
                            view! {
                                <label for=label_for class="admin-check">
                                    <input id=id type="checkbox" name="sistemas" value=system.value checked=ticked />
                                    {system.label}
                                </label>
                            }
                        }).collect_view()}
                        <p id="sistemas-erro" class="field-error">{systems_error}</p>
                    </fieldset>
                    <div class="form-field">
                        <label for="administrador" class="admin-check">
                            <input id="administrador" type="checkbox" name="administrador" value="sim" checked=kept.administrador.0 />
                            "Administrador (todos os sistemas e níveis, e esta área)"
                        </label>
                    </div>
                    <button type="submit" class="br-button primary">"Convidar"</button>
                </form>
            </section>
        </section>
    }
}
