//! The console's read side behind `app`'s [`ConsoleDesk`] port: the queue (read by
//! [`super::queue`]) and one request as an agent sees it (timeline with internal notes,
//! files, colleagues, canned replies). Each reading of a request's personal data is
//! written to the audit log.

use super::agents::{AgentService, Principal};
use super::audit::{self, action, Actor};
use super::follow_up::standing_of;
use super::queue::{self, OPEN};
use super::reference::Reference;
use super::refuse;
use crate::attachments::AttachedFile;
use crate::db::entities::{
    agent, agent_system, attachment, canned_reply, funcionalidade, request, request_event, system,
};
use crate::db::WriteGate;
use app::api::console::{
    AgentView, CannedReply, Colleague, ConsoleEntry, ConsoleFile, ConsoleRequest, Queue, QueueFilter,
};
use app::api::profile::Profile;
use app::api::AppError;
use app::domain::brasilia::date_time as brasilia_date_time;
use app::domain::cpf::Cpf;
use app::domain::lifecycle::{rating_label, EventKind};
use app::domain::phone::Phone;
use app::domain::protocol::ProtocolNumber;
use app::domain::team_notices::NoticeChoice;
use app::ports::ConsoleDesk;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use std::collections::HashMap;

pub struct ConsoleService {
    db: DatabaseConnection,
    gate: WriteGate,
    agents: AgentService,
    reference: Reference,
}

impl ConsoleService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, agents: AgentService, reference: Reference) -> ConsoleService {
        ConsoleService { db, gate, agents, reference }
    }

    pub fn agents(&self) -> &AgentService {
        &self.agents
    }

    async fn principal(&self, session: Option<&str>) -> Result<Principal, AppError> {
        self.agents
            .authenticate(session)
            .await
            .map_err(refuse("authenticating an agent"))?
            .ok_or(AppError::SignInRequired)
    }

    /// The request `number` if `principal` may handle it; `Ok(None)` both when there is no
    /// such request and when it is another system's or level's, so that an agent cannot
    /// learn which numbers exist outside their scope.
    pub async fn visible(
        &self,
        principal: &Principal,
        number: &ProtocolNumber,
    ) -> Result<Option<request::Model>, AppError> {
        let row = request::Entity::find()
            .filter(request::Column::Number.eq(number.as_str()))
            .one(&self.db)
            .await
            .map_err(refuse("reading a request for the console"))?;
        match row {
            Some(row) if !principal.may_handle(row.system_id, row.level) => {
                tracing::warn!(agent = principal.id, request = row.id, "agent refused a request outside its scope");
                Ok(None)
            }
            other => Ok(other),
        }
    }

    /// The stored attachment `id` of request `number`, if the signed-in agent may see it;
    /// opening the file itself is audited; its preview on the request page is not on its own,
    /// since the page's reading ("Visualizou a solicitação") is, once per view.
    pub async fn attachment(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        id: &str,
        client: Option<std::net::IpAddr>,
        preview: bool,
    ) -> Result<Option<AttachedFile>, AppError> {
        let principal = self.principal(session).await?;
        let Some(row) = self.visible(&principal, number).await? else { return Ok(None) };
        let file = attachment::Entity::find_by_id(id.to_owned())
            .filter(attachment::Column::RequestId.eq(row.id))
            .one(&self.db)
            .await
            .map_err(refuse("reading an attachment for the console"))?;
        if let Some(file) = file.as_ref().filter(|_| !preview) {
            let _turn = self.gate.enter().await;
            let actor = Actor { agent_id: Some(principal.id), ip: client.map(|ip| ip.to_string()) };
            audit::record(&self.db, &actor, action::DOWNLOAD, Some(row.id), &file.file_name, Utc::now())
                .await
                .map_err(refuse("auditing an attachment's reading"))?;
        }
        Ok(file.map(AttachedFile::from))
    }

    async fn load_request(
        &self,
        principal: &Principal,
        row: request::Model,
        reveal_cpf: bool,
        client: Option<std::net::IpAddr>,
    ) -> Result<ConsoleRequest, DbErr> {
        let now = Utc::now();
        {
            let _turn = self.gate.enter().await;
            let txn = self.db.begin().await?;
            let actor = Actor { agent_id: Some(principal.id), ip: client.map(|ip| ip.to_string()) };
            let (what, detail) = if reveal_cpf { (action::REVEAL_CPF, "CPF completo") } else { (action::VIEW, "") };
            audit::record(&txn, &actor, what, Some(row.id), detail, now).await?;
            txn.commit().await?;
        }
        let system = system::Entity::find_by_id(row.system_id).one(&self.db).await?;
        let system_name = system.map(|s| s.name).unwrap_or_default();
        let funcionalidade =
            funcionalidade::Entity::find_by_id(row.funcionalidade_id).one(&self.db).await?.map(|f| f.name);
        let events = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(row.id))
            .order_by_asc(request_event::Column::CreatedAt)
            .order_by_asc(request_event::Column::Id)
            .all(&self.db)
            .await?;
        let files = attachment::Entity::find()
            .filter(attachment::Column::RequestId.eq(row.id))
            .order_by_asc(attachment::Column::CreatedAt)
            .all(&self.db)
            .await?;
        // Colleagues who may hold it: active agents of its system at its level.
        let serving: Vec<i32> = agent_system::Entity::find()
            .filter(agent_system::Column::SystemId.eq(row.system_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|a| a.agent_id)
            .collect();
        let colleagues_rows =
            agent::Entity::find()
                .filter(agent::Column::Active.eq(true))
                .filter(agent::Column::PasswordHash.is_not_null())
                .filter(Condition::any().add(agent::Column::IsAdmin.eq(true)).add(
                    Condition::all().add(agent::Column::Level.eq(row.level)).add(agent::Column::Id.is_in(serving)),
                ))
                .order_by_asc(agent::Column::Name)
                .all(&self.db)
                .await?;
        let author_ids: Vec<i32> = events.iter().filter_map(|e| e.agent_id).chain(row.assignee_id).collect();
        let names: HashMap<i32, String> = if author_ids.is_empty() {
            HashMap::new()
        } else {
            agent::Entity::find()
                .filter(agent::Column::Id.is_in(author_ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect()
        };
        let canned = canned_reply::Entity::find()
            .filter(canned_reply::Column::SystemId.eq(row.system_id))
            .order_by_asc(canned_reply::Column::Title)
            .all(&self.db)
            .await?;
        let acceptance_days = super::settings::load(&self.db).await?.acceptance_days;
        let acronym = system_name.to_uppercase();
        let cpf = match Cpf::parse(&row.cpf) {
            Ok(cpf) if reveal_cpf => cpf.formatted(),
            Ok(cpf) => cpf.masked(),
            Err(_) => "***.***.***-**".to_owned(),
        };
        let standing = standing_of(&row, now);
        let number = row.number.clone();
        Ok(ConsoleRequest {
            acceptance_days,
            agent: principal.view(),
            number: row.number,
            system_name,
            funcionalidade: funcionalidade.unwrap_or_default(),
            status: standing.status,
            level: row.level,
            version: row.version,
            name: row.name,
            email: row.email,
            cpf,
            cpf_revealed: reveal_cpf,
            cns: row.cns,
            phone: Phone::parse(&row.phone).map(|p| p.formatted()).unwrap_or(row.phone),
            uf: row.uf,
            description: row.description,
            opened_at: brasilia_date_time(row.created_at),
            holder: row.assignee_id.map(|id| Colleague { id, name: names.get(&id).cloned().unwrap_or_default() }),
            colleagues: colleagues_rows
                .into_iter()
                .filter(|a| a.id != principal.id)
                .map(|a| Colleague { id: a.id, name: a.name })
                .collect(),
            files: files
                .into_iter()
                .map(|file| ConsoleFile {
                    url: format!("/atendimento/solicitacoes/{number}/anexos/{}", file.id),
                    size: app::domain::pt_br::size(u64::try_from(file.size_bytes).unwrap_or(0)),
                    file_name: file.file_name,
                })
                .collect(),
            entries: events
                .into_iter()
                .map(|event| {
                    let kind = EventKind::from_code(&event.kind);
                    let label = kind.map(EventKind::label).unwrap_or("Registro");
                    ConsoleEntry {
                        title: format!("{label} - {acronym} - Nível {:02}", event.level),
                        public: event.public && kind.is_some_and(EventKind::is_public),
                        author: event.agent_id.and_then(|id| names.get(&id).cloned()),
                        body: event.body,
                        created_at: brasilia_date_time(event.created_at),
                    }
                })
                .collect(),
            canned: canned.into_iter().map(|c| CannedReply { id: c.id, title: c.title, body: c.body }).collect(),
            open: OPEN.contains(&standing.status),
            rating: row.rating.and_then(|r| u8::try_from(r).ok()).and_then(rating_label).map(str::to_owned),
            rating_comment: row.rating_comment,
        })
    }
}

#[async_trait]
impl ConsoleDesk for ConsoleService {
    fn sign_in_token(&self) -> (String, String) {
        self.agents.sign_in_token()
    }

    async fn agent(&self, session: Option<&str>) -> Result<Option<AgentView>, AppError> {
        let principal = self.agents.authenticate(session).await.map_err(refuse("authenticating an agent"))?;
        Ok(principal.map(|p| p.view()))
    }

    async fn queue(
        &self,
        session: Option<&str>,
        filter: &QueueFilter,
        client: Option<std::net::IpAddr>,
    ) -> Result<Queue, AppError> {
        let principal = self.principal(session).await?;
        let reference = self.reference.get(&self.db).await.map_err(refuse("reading the systems and calendar"))?;
        queue::load(&self.db, &self.gate, &reference, &principal, filter, client)
            .await
            .map_err(refuse("loading the queue"))
    }

    async fn profile(&self, session: Option<&str>) -> Result<Profile, AppError> {
        let principal = self.principal(session).await?;
        let read = async {
            let agent = agent::Entity::find_by_id(principal.id).one(&self.db).await?;
            let systems = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
            Ok::<_, DbErr>((agent, systems))
        };
        let (agent, systems) = read.await.map_err(refuse("reading an agent's profile"))?;
        let agent = agent.ok_or(AppError::SignInRequired)?;
        let systems = if principal.is_admin {
            vec!["Todos".to_owned()]
        } else {
            systems.into_iter().filter(|s| principal.systems.contains(&s.id)).map(|s| s.name).collect()
        };
        Ok(Profile {
            agent: principal.view(),
            email: agent.email,
            systems,
            notify: NoticeChoice::from_code(&agent.notify),
            digest_hour: agent.digest_hour,
        })
    }

    async fn request(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        reveal_cpf: bool,
        client: Option<std::net::IpAddr>,
    ) -> Result<ConsoleRequest, AppError> {
        let principal = self.principal(session).await?;
        let row = self.visible(&principal, number).await?.ok_or(AppError::NotFound)?;
        self.load_request(&principal, row, reveal_cpf, client)
            .await
            .map_err(refuse("loading a request for the console"))
    }
}
