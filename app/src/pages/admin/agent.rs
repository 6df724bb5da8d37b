//! `/admin/atendentes/{id}`: one member of the team: level, systems, administrator,
//! active; and a new invitation when the first one was lost or expired.

use crate::api::admin::{load_agent_edit, AgentEdit, MemberAction, MemberPost};
use crate::components::confirm::ConfirmBox;
use crate::components::loaded::Loaded;
use crate::components::refused::refused;
use crate::pages::console::{notice, ConsoleNav};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn AgentEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|id| id.parse::<i32>().ok()).unwrap_or(0);
    let agent = Resource::new(id, load_agent_edit);
    view! {
        <Loaded resource=agent let:agent>
            <AgentEditView agent />
        </Loaded>
    }
}

#[component]
fn AgentEditView(agent: AgentEdit) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<MemberPost>();
    let general = feedback.as_ref().map(|f| f.message.clone());
    let AgentEdit { admin, id, name, email, level, is_admin, is_data_officer, active, pending_invite, systems } = agent;
    let action = format!("/admin/atendentes/{id}");
    let csrf = admin.csrf.clone();
    view! {
        <Title text=format!("Atendente: {name}") />
        <ConsoleNav agent=admin />
        <section class="container console-password" aria-labelledby="atendente-titulo">
            <p class="history__back"><a href="/admin/atendentes">"Voltar aos atendentes"</a></p>
            <h1 id="atendente-titulo">{name.clone()}</h1>
            <p>{email}</p>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            {general.map(|text| view! { <p class="console-alert" role="alert">{text}</p> })}
            <ConfirmBox cancel=action.clone() />
            <form method="post" action=action.clone() class="console-form">
                <input type="hidden" name="csrf" value=csrf.clone() />
                <input type="hidden" name="acao" value=MemberAction::Save.value() />
                <div class="form-field">
                    <label for="nivel">"Nível"</label>
                    <select id="nivel" name="nivel">
                        {(1..=3i16).map(|l| view! {
                            <option value=l.to_string() selected=l == level>{format!("Nível {l:02}")}</option>
                        }).collect_view()}
                    </select>
                </div>
                <fieldset class="form-field admin-systems">
                    <legend>"Sistemas atendidos"</legend>
                    {systems.into_iter().map(|(system, serves)| {
                        let field = format!("sistema-{}", system.value);
                        let label_for = field.clone();
                        view! {
                            <label for=label_for class="admin-check">
                                <input id=field type="checkbox" name="sistemas" value=system.value checked=serves />
                                {system.label}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="form-field">
                    <label for="administrador" class="admin-check">
                        <input id="administrador" type="checkbox" name="administrador" value="sim" checked=is_admin />
                        "Administrador"
                    </label>
                </div>
                <div class="form-field">
                    <label for="encarregado" class="admin-check">
                        <input id="encarregado" type="checkbox" name="encarregado" value="sim" checked=is_data_officer />
                        "Encarregado de dados (LGPD): atende os titulares em /admin/titulares"
                    </label>
                </div>
                <div class="form-field">
                    <label for="ativo" class="admin-check">
                        <input id="ativo" type="checkbox" name="ativo" value="sim" checked=active />
                        "Ativo (pode entrar no atendimento)"
                    </label>
                </div>
                <button type="submit" class="br-button primary">"Salvar"</button>
            </form>
            {pending_invite.then(|| view! {
                <form method="post" action=action.clone() class="console-box">
                    <input type="hidden" name="csrf" value=csrf.clone() />
                    <input type="hidden" name="acao" value=MemberAction::Reinvite.value() />
                    <p>"O convite ainda não foi aceito."</p>
                    <button type="submit" class="br-button secondary">"Enviar novo convite"</button>
                </form>
            })}
        </section>
    }
}
