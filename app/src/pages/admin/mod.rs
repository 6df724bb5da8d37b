//! Administration (`/admin`): the team and its invitations, the audit log. Like the
//! console, server-rendered pages with plain forms, for administrators only.

pub mod agent;
pub mod audit;
pub mod calendar;
pub mod notices;
pub mod reports;
pub mod settings;
pub mod subjects;
pub mod system;
pub mod systems;
pub mod team;

use crate::api::admin::load_admin_home;
use crate::components::loaded::Loaded;
use crate::pages::console::ConsoleNav;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AdminHomePage() -> impl IntoView {
    let admin = Resource::new(|| (), |()| load_admin_home());
    view! {
        <Title text="Administração" />
        <Loaded resource=admin let:agent>
            <ConsoleNav agent />
            <section class="container console-queue" aria-labelledby="admin-titulo">
                <h1 id="admin-titulo">"Administração"</h1>
                <ul class="admin-links">
                    <li>
                        <a href="/admin/sistemas">"Sistemas"</a>
                        <span>" — perguntas frequentes, funcionalidades, respostas prontas"</span>
                    </li>
                    <li>
                        <a href="/admin/atendentes">"Atendentes"</a>
                        <span>" — convidar, níveis, sistemas, desativar"</span>
                    </li>
                    <li>
                        <a href="/admin/calendario">"Calendário"</a>
                        <span>" — pontos facultativos, que não contam como dias úteis"</span>
                    </li>
                    <li>
                        <a href="/admin/configuracoes">"Configurações"</a>
                        <span>" — prazo para contestar, limites de anexos e retenção de dados"</span>
                    </li>
                    <li>
                        <a href="/admin/avisos">"Avisos públicos"</a>
                        <span>" — aviso de privacidade e declaração de acessibilidade"</span>
                    </li>
                    <li>
                        <a href="/admin/titulares">"Titulares de dados (LGPD)"</a>
                        <span>" — buscar por CPF, exportar, corrigir, anonimizar"</span>
                    </li>
                    <li>
                        <a href="/admin/relatorios">"Relatórios"</a>
                        <span>" — abertas, finalizadas, reabertura, tempos e satisfação, com CSV"</span>
                    </li>
                    <li>
                        <a href="/admin/auditoria">"Log de auditoria"</a>
                        <span>" — quem leu ou alterou o quê, quando e de onde"</span>
                    </li>
                </ul>
            </section>
        </Loaded>
    }
}
