//! The seams between the pages and the server's implementations (server build only):
//! the port traits and [`Ports`], nothing else. The server puts a [`Ports`] into the
//! Leptos context of every request; server functions take what they need from it. Tests
//! can supply their own. HTTP helpers (cookies, origin, client address) are in `request_context`.

use crate::api::admin::{AgentEdit, AuditFilter, AuditPage, CalendarPage, InviteView, TeamPage};
use crate::api::catalog::SystemCard;
use crate::api::catalog_admin::{SystemAdminPage, SystemsPage};
use crate::api::console::{AgentView, ConsoleRequest, Queue, QueueFilter};
use crate::api::follow::{History, LookupOutcome, RequestList};
use crate::api::notices::{NoticePage, NoticesPage};
use crate::api::privacy::SubjectPage;
use crate::api::reports::{ReportFilter, ReportPage};
use crate::api::request::RequestFormInfo;
use crate::api::settings::SettingsPage;
use crate::api::AppError;
use crate::domain::notices::Notice;
use crate::domain::pow::Challenge;
use crate::domain::protocol::ProtocolNumber;
use async_trait::async_trait;
use std::sync::Arc;

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
    async fn active_systems(&self) -> Result<Vec<SystemCard>, AppError>;
    /// The active system with this slug and its published entries in order, or `None`.
    async fn system_faq(&self, slug: &str) -> Result<Option<(SystemCard, Vec<FaqItem>)>, AppError>;
}

/// The request form's side of the server: form data, captcha challenges, and the
/// signature that lets a browser see the success page of the request it just opened.
#[async_trait]
pub trait RequestDesk: Send + Sync {
    /// The active system with this slug and its options, or `None`.
    async fn form(&self, slug: &str) -> Result<Option<RequestFormInfo>, AppError>;
    fn challenge(&self) -> Challenge;
    fn created_token_valid(&self, number: &ProtocolNumber, token: &str) -> bool;
}

/// A lookup's answer, and the `Set-Cookie` value that starts the session on a match.
#[derive(Debug, Clone)]
pub struct LookupAnswer {
    pub outcome: LookupOutcome,
    pub set_cookie: Option<String>,
}

/// The citizen's follow-up side: lookups and what a session may read. `session` is the
/// raw value of the [`crate::request_context::SESSION_COOKIE`] cookie; the implementation checks its signature.
#[async_trait]
pub trait FollowDesk: Send + Sync {
    async fn lookup(
        &self,
        cpf: &str,
        number: &str,
        captcha: &str,
        client: Option<std::net::IpAddr>,
    ) -> Result<LookupAnswer, AppError>;
    async fn my_requests(&self, session: Option<&str>) -> Result<Option<RequestList>, AppError>;
    async fn history(&self, session: Option<&str>, number: &ProtocolNumber) -> Result<Option<History>, AppError>;
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
    async fn agent(&self, session: Option<&str>) -> Result<Option<AgentView>, AppError>;
    /// `client`: where the agent is, for the audit line of a search by a full CPF.
    async fn queue(
        &self,
        session: Option<&str>,
        filter: &QueueFilter,
        client: Option<std::net::IpAddr>,
    ) -> Result<Queue, AppError>;
    async fn request(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        reveal_cpf: bool,
        client: Option<std::net::IpAddr>,
    ) -> Result<ConsoleRequest, AppError>;
    /// The agent's own profile.
    async fn profile(&self, session: Option<&str>) -> Result<crate::api::profile::Profile, AppError>;
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
    async fn invite(&self, token: &str) -> Result<Option<InviteView>, AppError>;
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

/// The public notices: read by anyone; their editing page, administrators only.
#[async_trait]
pub trait NoticeDesk: Send + Sync {
    async fn notice(&self, notice: Notice) -> Result<NoticePage, AppError>;
    async fn notices(&self, session: Option<&str>) -> Result<NoticesPage, AppError>;
}

/// The data subject's page (administrators only). `cpf` as typed and posted: `None`
/// before a search. A search is audited.
#[async_trait]
pub trait PrivacyDesk: Send + Sync {
    async fn subject(
        &self,
        session: Option<&str>,
        cpf: Option<&str>,
        client: Option<std::net::IpAddr>,
    ) -> Result<SubjectPage, AppError>;
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
    pub notices: Arc<dyn NoticeDesk>,
    pub privacy: Arc<dyn PrivacyDesk>,
}

/// The ports of the current request.
pub fn from_context() -> Result<Ports, AppError> {
    leptos::prelude::use_context::<Ports>().ok_or_else(|| {
        tracing::error!("server function called without Ports in the Leptos context");
        AppError::Internal
    })
}
