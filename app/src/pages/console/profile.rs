//! `/atendimento/perfil`: the signed-in agent's profile, where they choose how they are
//! told of work arriving in their queues: as it happens, a daily summary, or not at all.

use super::{notice, ConsoleNav};
use crate::api::profile::{load_profile, Profile, ProfilePost};
use crate::components::loaded::Loaded;
use crate::components::refused::{field_error, refused};
use crate::domain::agent::level_label;
use crate::domain::team_notices::{hour_label, NoticeChoice};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(|| (), |()| load_profile());
    view! {
        <Title text="Meu perfil" />
        <Loaded resource=profile let:profile>
            <ProfileView profile />
        </Loaded>
    }
}

#[component]
fn ProfileView(profile: Profile) -> impl IntoView {
    let query = use_query_map();
    let done = query.read_untracked().get("ok").and_then(|code| notice(&code));
    let feedback = refused::<ProfilePost>();
    let kept = feedback.as_ref().map(|f| f.form.clone());
    let chosen = kept.as_ref().map(|form| NoticeChoice::from_code(&form.avisos)).unwrap_or(profile.notify);
    let hour = kept.as_ref().and_then(|form| form.hora.trim().parse::<i16>().ok()).unwrap_or(profile.digest_hour);
    let hour_error = field_error(&feedback, "hora");
    let choice_error = field_error(&feedback, "avisos");
    let Profile { agent, email, systems, .. } = profile;
    let role = if agent.is_admin { "Administrador".to_owned() } else { level_label(agent.level) };
    let csrf = agent.csrf.clone();
    view! {
        <ConsoleNav agent />
        <section class="container console-profile" aria-labelledby="perfil-titulo">
            <h1 id="perfil-titulo">"Meu perfil"</h1>
            {done.map(|text| view! { <p class="console-notice" role="status">{text}</p> })}
            <dl class="console-profile__facts">
                <dt>"E-mail"</dt><dd>{email}</dd>
                <dt>"Nível"</dt><dd>{role}</dd>
                <dt>"Sistemas"</dt><dd>{systems.join(", ")}</dd>
            </dl>
            <form method="post" action="/atendimento/perfil" class="console-form" novalidate>
                <input type="hidden" name="csrf" value=csrf />
                <fieldset class="form-field" aria-describedby="avisos-ajuda avisos-erro">
                    <legend>"Avisos por e-mail"</legend>
                    <p id="avisos-ajuda" class="field-hint">
                        "Quando uma solicitação entra na sua fila: nova, encaminhada ao seu nível, reaberta pelo cidadão ou com um complemento dele."
                    </p>
                    {NoticeChoice::ALL
                        .iter()
                        .map(|choice| {
                            let id = format!("avisos-{}", choice.value());
                            view! {
                                <div class="br-radio">
                                    <input type="radio" id=id.clone() name="avisos" value=choice.value()
                                        checked=*choice == chosen />
                                    <label for=id>{choice.label()}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                    <p id="avisos-erro" class="field-error">{choice_error}</p>
                </fieldset>
                <div class="form-field">
                    <label for="hora">"Horário do resumo diário (horário de Brasília)"</label>
                    <select id="hora" name="hora" aria-describedby="hora-erro"
                        aria-invalid=hour_error.is_some().then_some("true")>
                        {(0..24i16)
                            .map(|h| view! { <option value=h.to_string() selected=h == hour>{hour_label(h)}</option> })
                            .collect_view()}
                    </select>
                    <p id="hora-erro" class="field-error">{hour_error.clone()}</p>
                </div>
                <button type="submit" class="br-button primary">"Salvar"</button>
            </form>
            <p><a href="/atendimento/senha">"Alterar senha"</a></p>
        </section>
    }
}
