//! Administration behind `app`'s [`AdminDesk`] port and the `/admin` form posts: who may
//! administer (a signed-in administrator, checked by [`AdminService::administrator`]) and
//! the read side of its pages. The work itself is split by subject: the team (`team`),
//! the calendar of pontos facultativos (`calendar`) and the audit log (`audit`).

use super::agents::{AgentService, Principal};
use super::reference::Reference;
use super::refuse;
use crate::db::WriteGate;
use crate::mail::compose::Sender;
use app::api::admin::{AgentEdit, AuditFilter, AuditPage, CalendarPage, InviteView, TeamPage};
use app::api::console::AgentView;
use app::api::AppError;
use app::ports::AdminDesk;
use async_trait::async_trait;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

/// The administration's service. Its work is split by subject: the team (`team`), the
/// calendar (`calendar`) and the audit log (`audit`) add their methods to it.
pub struct AdminService {
    pub(super) db: DatabaseConnection,
    pub(super) gate: WriteGate,
    pub(super) agents: AgentService,
    pub(super) sender: Sender,
    pub(super) public_url: String,
    pub(super) mail_wakeup: Arc<Notify>,
    /// Told of every change to systems, funcionalidades and the calendar.
    pub(super) reference: Reference,
}

impl AdminService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        agents: AgentService,
        sender: Sender,
        public_url: String,
        mail_wakeup: Arc<Notify>,
        reference: Reference,
    ) -> AdminService {
        AdminService { db, gate, agents, sender, public_url, mail_wakeup, reference }
    }

    /// The administrator of this session, or the refusal to give.
    pub async fn administrator(&self, session: Option<&str>) -> Result<Principal, AppError> {
        let principal = self
            .agents
            .authenticate(session)
            .await
            .map_err(refuse("authenticating an administrator"))?
            .ok_or(AppError::SignInRequired)?;
        if !principal.is_admin {
            tracing::warn!(agent = principal.id, "non-administrator refused from /admin");
            return Err(AppError::Forbidden);
        }
        Ok(principal)
    }

    /// The signed-in agent, if they may answer the data subjects: an administrator or
    /// the data-protection officer ("Encarregado").
    pub async fn data_officer(&self, session: Option<&str>) -> Result<Principal, AppError> {
        let principal = self
            .agents
            .authenticate(session)
            .await
            .map_err(refuse("authenticating a data officer"))?
            .ok_or(AppError::SignInRequired)?;
        if !may_answer_data_subjects(&principal) {
            tracing::warn!(agent = principal.id, "agent refused from /admin/titulares");
            return Err(AppError::Forbidden);
        }
        Ok(principal)
    }
}

#[async_trait]
impl AdminDesk for AdminService {
    async fn admin(&self, session: Option<&str>) -> Result<AgentView, AppError> {
        Ok(self.administrator(session).await?.view())
    }

    async fn team(&self, session: Option<&str>) -> Result<TeamPage, AppError> {
        let admin = self.administrator(session).await?;
        self.load_team(&admin).await.map_err(refuse("loading the team"))
    }

    async fn agent(&self, session: Option<&str>, id: i32) -> Result<AgentEdit, AppError> {
        let admin = self.administrator(session).await?;
        self.load_agent(&admin, id).await.map_err(refuse("loading an agent"))?.ok_or(AppError::NotFound)
    }

    async fn audit(&self, session: Option<&str>, filter: &AuditFilter) -> Result<AuditPage, AppError> {
        let admin = self.administrator(session).await?;
        self.load_audit(&admin, filter).await.map_err(refuse("loading the audit log"))
    }

    async fn calendar(&self, session: Option<&str>, year: Option<i32>) -> Result<CalendarPage, AppError> {
        let admin = self.administrator(session).await?;
        self.load_calendar(&admin, year).await.map_err(refuse("loading the calendar"))
    }

    async fn invite(&self, token: &str) -> Result<Option<InviteView>, AppError> {
        let found = self.live_invite(token).await.map_err(refuse("reading an invitation"))?;
        Ok(found.map(|(_, member)| InviteView { name: member.name, email: member.email }))
    }
}

/// Who may use `/admin/titulares`: administrators and the "Encarregado".
pub fn may_answer_data_subjects(principal: &Principal) -> bool {
    principal.is_admin || principal.is_data_officer
}
