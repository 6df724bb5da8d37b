//! HTTP: the Leptos pages and server functions, static assets, the health check, and
//! the headers every response carries.

mod access_log;
pub mod admin;
mod body_limit;
pub mod catalog_admin;
mod checked_post;
pub mod client_addr;
mod complement;
pub mod console;
mod download;
mod errors;
mod faq_help;
pub mod follow;
mod form_body;
mod headers;
mod health;
pub mod listener;
pub mod logos;
mod notices;
pub mod open_request;
mod privacy;
pub mod reports;
mod request_page;
mod respond;
pub mod settings;

use crate::attachments::store::AttachmentStore;
use crate::services::admin::AdminService;
use crate::services::catalog_admin::CatalogAdminService;
use crate::services::complement::ComplementService;
use crate::services::console::ConsoleService;
use crate::services::desk::DeskService;
use crate::services::faq_help::FaqHelpService;
use crate::services::follow_up::FollowService;
use crate::services::logos::LogoService;
use crate::services::notices::NoticeService;
use crate::services::opening::RequestService;
use crate::services::privacy::PrivacyService;
use crate::services::reports::ReportService;
use crate::services::settings::SettingsService;
use app::ports::Ports;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::extract::FromRef;
use axum::routing::post;
use axum::{middleware, routing::get, Router};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use sea_orm::DatabaseConnection;
use std::sync::{Arc, OnceLock};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// What request handlers share.
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub ports: Ports,
    pub db: DatabaseConnection,
    pub requests: Arc<RequestService>,
    pub follow: Arc<FollowService>,
    pub complement: Arc<ComplementService>,
    pub console: Arc<ConsoleService>,
    pub admin: Arc<AdminService>,
    pub catalog_admin: Arc<CatalogAdminService>,
    pub reports: Arc<ReportService>,
    pub desk: Arc<DeskService>,
    pub settings: Arc<SettingsService>,
    pub logos: Arc<LogoService>,
    pub notices: Arc<NoticeService>,
    pub faq_help: Arc<FaqHelpService>,
    pub privacy: Arc<PrivacyService>,
    pub attachments: Arc<dyn AttachmentStore>,
    /// The reverse proxies whose forwarding headers name the client.
    pub trusted_proxies: Arc<client_addr::TrustedProxies>,
    /// The public address is https (HSTS).
    pub https: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The app's routes, listed once per process. Listing runs the whole app with resource
/// loading suppressed through a process-global flag (`leptos_server`'s
/// `SuppressResourceLoad`): a page that another server of the same process started to
/// render at that moment would wait forever for its data (leptos issue #4773). Tests start
/// many servers in one process, and their pages hung now and then; listing once, before
/// any server can serve, removes the window.
static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();

pub fn router(state: AppState) -> Router {
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let header_settings = headers::HeaderSettings { dev_reload: dev_reload_origin(&state.leptos), https: state.https };
    let trusted_proxies = state.trusted_proxies.clone();
    let context = {
        let ports = state.ports.clone();
        move || headers::provide_page_context(&ports)
    };
    let leptos_options = state.leptos.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route(
            "/api/chamados/{system}",
            // The handler caps the body itself, to the limits in force; a second, outer cap
            // would hide its "too large" under another error (a 400 instead of a 413).
            post(open_request::submit).layer(DefaultBodyLimit::disable()),
        )
        // The same form posted without the island (before the wasm arrived, or without
        // JavaScript): the page is shown again, or the confirmation follows.
        .route("/faq/{system}/chamado", post(request_page::post_form).layer(DefaultBodyLimit::disable()))
        .route("/faq/{system}/util", post(faq_help::helpful))
        .route("/api/sugestoes", post(faq_help::suggestions))
        .route("/api/sugestoes/evento", post(faq_help::suggestion_event))
        .route("/acompanhar", post(follow::look_up))
        .route("/acompanhar/sair", post(follow::leave))
        .route("/acompanhar/meus-dados", get(privacy::my_data))
        .route("/acompanhar/lista-por-email", post(follow::whole_list))
        .route("/acompanhar/{number}", post(follow::answer))
        .route("/acompanhar/{number}/anexos/{id}", get(follow::attachment))
        .route("/acompanhar/{number}/complemento", post(complement::complement).layer(DefaultBodyLimit::disable()))
        .route("/atendimento", post(console::search_queue))
        .route("/atendimento/entrar", post(console::sign_in))
        .route("/atendimento/sair", post(console::sign_out))
        .route("/atendimento/senha", post(console::change_password))
        .route("/atendimento/perfil", post(console::save_profile))
        .route("/atendimento/solicitacoes/{number}", post(console::act))
        .route("/atendimento/solicitacoes/{number}/anexos/{id}", get(console::attachment))
        .route("/atendimento/solicitacoes/{number}/anexos/{id}/previa", get(console::attachment_preview))
        .route("/atendimento/convite/{token}", post(admin::accept_invite))
        .route("/admin/atendentes", post(admin::invite))
        .route("/admin/atendentes/{id}", post(admin::change))
        .route("/admin/calendario", post(admin::calendar))
        .route("/admin/configuracoes", post(settings::change))
        .route("/admin/avisos", post(notices::change))
        .route("/admin/titulares", post(privacy::act))
        .route("/admin/relatorios.csv", get(reports::csv))
        .route("/admin/sistemas", post(catalog_admin::create))
        .route("/admin/sistemas/{slug}", post(catalog_admin::change))
        .route("/admin/sistemas/{slug}/logotipo", post(logos::change).layer(DefaultBodyLimit::max(logos::BODY_LIMIT)))
        .route("/logotipos/{file}", get(logos::serve))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn_with_state(state.clone(), follow::mail_link))
        .layer(middleware::from_fn_with_state(header_settings, headers::security_and_caching))
        // Dynamic pages are compressed at a moderate level (cheap per request); static
        // assets are served from files precompressed at the highest level (`precompress`).
        // Fonts (woff2) are compressed already; compressing them again only costs CPU.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(5))
                .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("font/"))),
        )
        // A panic while rendering must still answer (a 500 page), not drop the connection.
        .layer(CatchPanicLayer::custom(errors::panic_response))
        .layer(middleware::from_fn(body_limit::server_fn_bodies))
        .layer(middleware::from_fn(access_log::log_request))
        // First of all: everything after it, the access log included, sees the client's
        // address (behind a trusted proxy, the one it forwarded).
        .layer(middleware::from_fn_with_state(trusted_proxies, client_addr::real_client))
        .with_state(state)
}

/// While `cargo leptos watch` runs, pages open a websocket to its reload port; the
/// Content-Security-Policy must allow it then, and only then.
fn dev_reload_origin(options: &LeptosOptions) -> Option<String> {
    std::env::var_os("LEPTOS_WATCH").map(|_| {
        let port = options.reload_external_port.unwrap_or(options.reload_port);
        format!("ws://{}:{port}", options.site_addr.ip())
    })
}
