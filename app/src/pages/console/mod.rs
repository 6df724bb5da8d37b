//! The support team's console (`/atendimento`): sign-in, the queue, a request, the
//! agent's password. Server-rendered pages with plain HTML forms: nothing here is an
//! island, so none of it reaches the citizens' browser bundle.

pub mod composer;
pub mod invite;
pub mod password;
pub mod profile;
pub mod queue;
pub mod request;
pub mod sign_in;

use crate::api::console::AgentView;
use leptos::prelude::*;
use leptos_meta::Stylesheet;

/// The console's own stylesheet (a static file: citizens' pages never load it).
#[component]
pub fn ConsoleStyle() -> impl IntoView {
    view! { <Stylesheet id="console" href="/console.css" /> }
}

/// The console's bar: who is signed in, the queue, the password, and "Sair".
#[component]
pub fn ConsoleNav(agent: AgentView) -> impl IntoView {
    let role = if agent.is_admin { "Administrador".to_owned() } else { format!("Nível {:02}", agent.level) };
    view! {
        <ConsoleStyle />
        <nav class="console-nav" aria-label="Atendimento">
            <p class="console-nav__who">
                <strong>{agent.name.clone()}</strong>
                <span>{format!(" · {role}")}</span>
            </p>
            <ul class="console-nav__links">
                <li><a href="/atendimento">"Fila de atendimento"</a></li>
                {agent.is_admin.then(|| view! { <li><a href="/admin">"Administração"</a></li> })}
                {(agent.is_data_officer && !agent.is_admin)
                    .then(|| view! { <li><a href="/admin/titulares">"Titulares de dados"</a></li> })}
                <li><a href="/atendimento/perfil">"Meu perfil"</a></li>
                <li><a href="/atendimento/senha">"Alterar senha"</a></li>
                <li>
                    <form method="post" action="/atendimento/sair" class="console-nav__leave">
                        <input type="hidden" name="csrf" value=agent.csrf.clone() />
                        <button type="submit" class="br-button secondary small">"Sair"</button>
                    </form>
                </li>
            </ul>
        </nav>
    }
}

/// The confirmation shown after a done action (`?ok=` of the redirect).
pub fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "resposta" => "Resposta enviada ao cidadão.",
        "nota" => "Nota interna registrada. O cidadão não a vê.",
        "encaminhada" => "Solicitação encaminhada ao outro nível.",
        "finalizada" => "Solicitação finalizada. O cidadão recebeu a resposta por e-mail.",
        "assumida" => "Você assumiu esta solicitação.",
        "atribuida" => "Solicitação atribuída.",
        "senha" => "Senha alterada.",
        "perfil" => "Preferências de aviso salvas.",
        "convidado" => "Convite enviado por e-mail.",
        "convite" => "Novo convite enviado por e-mail.",
        "salvo" => "Alterações salvas.",
        "sistema-criado" => "Sistema criado, inativo: publique as perguntas e ative-o quando estiver pronto.",
        "dia-adicionado" => "Ponto facultativo adicionado.",
        "dia-removido" => "Ponto facultativo removido.",
        "configuracoes" => "Configurações salvas. Valem a partir de agora.",
        "logotipo" => "Logotipo salvo. Ele já aparece nas páginas do sistema.",
        "logotipo-removido" => "Logotipo removido.",
        "aviso" => "Aviso salvo. Ele já aparece na página pública.",
        "senha-criada" => "Senha criada. Entre com seu e-mail e a nova senha.",
        "boas-vindas" => "Senha criada. Você já entrou no atendimento.",
        _ => return None,
    })
}
