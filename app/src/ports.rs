//! The seams between the pages and the server's implementations (server build only).
//! The server puts a [`Ports`] into the Leptos context of every request; server
//! functions take what they need from it. Tests can supply their own.

use crate::api::admin::{AgentEdit, AuditFilter, AuditPage, CalendarPage, InviteView, TeamPage};
use crate::api::catalog::SystemCard;
use crate::api::catalog_admin::{SystemAdminPage, SystemsPage};
use crate::api::console::{AgentView, ConsoleRequest, Queue, QueueFilter};
use crate::api::follow::{History, LookupOutcome, RequestList};
use crate::api::reports::{ReportFilter, ReportPage};
use crate::api::request::RequestFormInfo;
use crate::api::settings::SettingsPage;
use crate::api::AppError;
use crate::domain::pow::Challenge;
use async_trait::async_trait;
use std::sync::Arc;

/// Why a port could not answer. The implementation logs the cause with its context
/// before returning; the variant only decides what the citizen is told.
#[derive(Debug, thiserror::Error)]
pub enum PortError {
    /// The database (or another dependency) did not answer.
    #[error("dependency unavailable: {0}")]
    Unavailable(String),
    /// A bug or inconsistent data.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<PortError> for AppError {
    fn from(value: PortError) -> Self {
        match value {
            PortError::Unavailable(_) => AppError::Unavailable,
            PortError::Internal(_) => AppError::Internal,
        }
    }
}

/// A FAQ entry as stored, with its answer rendered for display and as plain text for search.
#[derive(Debug, Clone)]
pub struct FaqItem {
    pub id: i64,
    pub question: String,
    pub answer_html: String,
    pub answer_text: String,
}

/// Read access to systems and their FAQs.
#[async_trait]
pub trait Catalog: Send + Sync {
    async fn active_systems(&self) -> Result<Vec<SystemCard>, PortError>;
    /// The active system with this slug and its published entries in order, or `None`.
    async fn system_faq(&self, slug: &str) -> Result<Option<(SystemCard, Vec<FaqItem>)>, PortError>;
}

/// The request form's side of the server: form data, captcha challenges, and the
/// signature that lets a browser see the success page of the request it just opened.
#[async_trait]
pub trait RequestDesk: Send + Sync {
    /// The active system with this slug and its options, or `None`.
    async fn form(&self, slug: &str) -> Result<Option<RequestFormInfo>, PortError>;
    fn challenge(&self) -> Challenge;
    fn created_token_valid(&self, number: &str, token: &str) -> bool;
}

/// The name of the follow-up session cookie (HttpOnly, SameSite=Strict).
pub const SESSION_COOKIE: &str = "wa_sessao";

/// A lookup's answer, and the `Set-Cookie` value that starts the session on a match.
#[derive(Debug, Clone)]
pub struct LookupAnswer {
    pub outcome: LookupOutcome,
    pub set_cookie: Option<String>,
}

/// The citizen's follow-up side: lookups and what a session may read. `session` is the
/// raw value of the [`SESSION_COOKIE`] cookie; the implementation checks its signature.
#[async_trait]
pub trait FollowDesk: Send + Sync {
    async fn lookup(
        &self,
        cpf: &str,
        number: &str,
        captcha: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<LookupAnswer, PortError>;
    async fn my_requests(&self, session: Option<&str>) -> Result<Option<RequestList>, PortError>;
    async fn history(&self, session: Option<&str>, number: &str) -> Result<Option<History>, PortError>;
}

/// The support team's console, read side. `session` is the raw value of the agent's
/// cookie; every method checks it, and what the agent may see (systems, level), itself.
/// Refusals come back as [`AppError::SignInRequired`], [`AppError::Forbidden`] or
/// [`AppError::NotFound`].
#[async_trait]
pub trait ConsoleDesk: Send + Sync {
    /// A fresh sign-in form token and the `Set-Cookie` value that pairs it with the browser.
    fn sign_in_token(&self) -> (String, String);
    /// The agent of this session, if it is valid and the agent active.
    async fn agent(&self, session: Option<&str>) -> Result<Option<AgentView>, PortError>;
    async fn queue(&self, session: Option<&str>, filter: &QueueFilter) -> Result<Queue, AppError>;
    async fn request(
        &self,
        session: Option<&str>,
        number: &str,
        reveal_cpf: bool,
        client: Option<std::net::IpAddr>,
    ) -> Result<ConsoleRequest, AppError>;
}

/// Administration, read side: every method but `invite` refuses anyone who is not a
/// signed-in administrator ([`AppError::SignInRequired`], [`AppError::Forbidden`]).
#[async_trait]
pub trait AdminDesk: Send + Sync {
    async fn admin(&self, session: Option<&str>) -> Result<AgentView, AppError>;
    async fn team(&self, session: Option<&str>) -> Result<TeamPage, AppError>;
    async fn agent(&self, session: Option<&str>, id: i32) -> Result<AgentEdit, AppError>;
    async fn audit(&self, session: Option<&str>, filter: &AuditFilter) -> Result<AuditPage, AppError>;
    async fn calendar(&self, session: Option<&str>, year: Option<i32>) -> Result<CalendarPage, AppError>;
    /// Whose invitation the link's token is, while it is unused and unexpired.
    async fn invite(&self, token: &str) -> Result<Option<InviteView>, PortError>;
}

/// Administration of the catalogue, read side (administrators only).
#[async_trait]
pub trait CatalogAdmin: Send + Sync {
    async fn systems(&self, session: Option<&str>) -> Result<SystemsPage, AppError>;
    async fn system(&self, session: Option<&str>, slug: &str) -> Result<SystemAdminPage, AppError>;
}

/// The portal's settings page (administrators only).
#[async_trait]
pub trait SettingsAdmin: Send + Sync {
    async fn settings(&self, session: Option<&str>) -> Result<SettingsPage, AppError>;
}

/// Reports (administrators only).
#[async_trait]
pub trait Reports: Send + Sync {
    async fn report(&self, session: Option<&str>, filter: &ReportFilter) -> Result<ReportPage, AppError>;
}

/// Everything the server functions may call.
#[derive(Clone)]
pub struct Ports {
    pub catalog: Arc<dyn Catalog>,
    pub requests: Arc<dyn RequestDesk>,
    pub follow: Arc<dyn FollowDesk>,
    pub console: Arc<dyn ConsoleDesk>,
    pub admin: Arc<dyn AdminDesk>,
    pub catalog_admin: Arc<dyn CatalogAdmin>,
    pub reports: Arc<dyn Reports>,
    pub settings: Arc<dyn SettingsAdmin>,
}

/// The client's address, as the server saw the connection.
pub fn client_ip(parts: &http::request::Parts) -> Option<std::net::IpAddr> {
    parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|info| info.0.ip())
}

/// Adds a `Set-Cookie` header to the current response.
pub fn set_cookie(value: &str) {
    match (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(value)) {
        (Some(response), Ok(value)) => response.append_header(http::header::SET_COOKIE, value),
        _ => tracing::error!("could not set the session cookie on the response"),
    }
}

/// The follow-up session cookie of the current request, if any.
pub fn session_cookie() -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| session_in(&parts.headers))
}

/// The follow-up session cookie's value among these request headers.
pub fn session_in(headers: &http::HeaderMap) -> Option<String> {
    cookie_in(headers, SESSION_COOKIE)
}

/// The value of the cookie `name` of the current request, if any.
pub fn cookie(name: &str) -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| cookie_in(&parts.headers, name))
}

/// The value of the cookie `name` among these request headers.
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// The ports of the current request.
pub fn from_context() -> Result<Ports, AppError> {
    leptos::prelude::use_context::<Ports>().ok_or_else(|| {
        tracing::error!("server function called without Ports in the Leptos context");
        AppError::Internal
    })
}

/// Whether a state-changing request came from a page of this portal: the browser's
/// `Sec-Fetch-Site` does not say another site (or a sibling subdomain) started it, and
/// `Origin` is absent (same-origin form posts of older browsers, tools) or names this very
/// host. Every post that writes, signs in or spends a captcha checks this first.
pub fn same_origin(headers: &http::HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if fetch_site.eq_ignore_ascii_case("cross-site") || fetch_site.eq_ignore_ascii_case("same-site") {
        return false;
    }
    let Some(origin) = headers.get(http::header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(http::header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}
