//! The console's read side behind `app`'s [`ConsoleDesk`] port: the queue of an agent's
//! systems and level (filters, counts, business days waiting) and one request as an
//! agent sees it (timeline with internal notes, files, colleagues, canned replies). Each
//! reading of a request's personal data is written to the audit log; the queue shows
//! none and is not audited.

use super::agents::{AgentService, Principal};
use super::audit::{self, action, Actor};
use super::follow_up::standing_of;
use super::{load_calendar, refuse};
use crate::attachments::AttachedFile;
use crate::db::entities::{
    agent, agent_system, attachment, canned_reply, funcionalidade, request, request_event, system,
};
use crate::db::WriteGate;
use app::api::console::{
    AgentView, CannedReply, Choice, Colleague, ConsoleEntry, ConsoleFile, ConsoleRequest, Queue, QueueFilter, QueueRow,
    MINE_OR_FREE,
};
use app::api::AppError;
use app::domain::brasilia::{self, date_time as brasilia_date_time, midnight as brasilia_midnight};
use app::domain::calendar::{Calendar, Date};
use app::domain::cpf::Cpf;
use app::domain::lifecycle::{rating_label, EventKind, Status};
use app::domain::phone::Phone;
use app::domain::protocol::ProtocolNumber;
use app::domain::uf::Uf;
use app::ports::ConsoleDesk;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use std::collections::HashMap;

/// Rows per queue page.
pub const PAGE_SIZE: u32 = 50;
/// What "em aberto" means in the queue: waiting for the support team.
pub const OPEN: [Status; 3] = [Status::Recebido, Status::EmAnalise, Status::Reaberto];

pub struct ConsoleService {
    db: DatabaseConnection,
    gate: WriteGate,
    agents: AgentService,
}

/// The latest date from which at least `days` business days have passed by `today`:
/// a request whose last activity is on or before it has waited `days` or more.
pub fn waited_since(calendar: &Calendar, today: Date, days: u32) -> Date {
    let mut date = today;
    let mut counted = 0;
    while counted < days {
        if calendar.is_business_day(date) {
            counted += 1;
        }
        date = date.plus_days(-1);
    }
    date
}

impl ConsoleService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, agents: AgentService) -> ConsoleService {
        ConsoleService { db, gate, agents }
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

    /// The systems the agent works on (all for an administrator), in display order.
    async fn systems_of(&self, principal: &Principal) -> Result<Vec<system::Model>, DbErr> {
        let all = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
        Ok(all.into_iter().filter(|s| principal.is_admin || principal.systems.contains(&s.id)).collect())
    }

    async fn load_queue(&self, principal: &Principal, filter: &QueueFilter) -> Result<Queue, DbErr> {
        let filter = &filter.effective(principal.is_admin);
        let systems = self.systems_of(principal).await?;
        let chosen: Vec<i32> = systems
            .iter()
            .filter(|s| filter.system.as_deref().is_none_or(|slug| slug == s.slug))
            .map(|s| s.id)
            .collect();
        let level =
            if principal.is_admin { filter.level.filter(|l| (1..=3).contains(l)) } else { Some(principal.level) };
        let mut scope = Condition::all().add(request::Column::SystemId.is_in(chosen.clone()));
        if let Some(level) = level {
            scope = scope.add(request::Column::Level.eq(level));
        }
        let counted: Vec<(String, i64)> = request::Entity::find()
            .select_only()
            .column(request::Column::Status)
            .column_as(request::Column::Id.count(), "n")
            .filter(scope.clone())
            .group_by(request::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        let counts: Vec<(Status, u64)> = Status::ALL
            .into_iter()
            .map(|status| {
                let n = counted.iter().find(|(code, _)| code == status.code()).map(|(_, n)| *n).unwrap_or(0);
                (status, u64::try_from(n).unwrap_or(0))
            })
            .collect();

        let statuses: Vec<&str> = match filter.status.as_deref().and_then(Status::from_code) {
            Some(status) => vec![status.code()],
            None => OPEN.iter().map(|s| s.code()).collect(),
        };
        let mut matching = scope.add(request::Column::Status.is_in(statuses.clone()));
        if let Some(uf) = filter.uf.as_deref().and_then(|uf| Uf::parse(uf).ok()) {
            matching = matching.add(request::Column::Uf.eq(uf.acronym));
        }
        if let Some(id) = filter.funcionalidade {
            matching = matching.add(request::Column::FuncionalidadeId.eq(id));
        }
        let mine = request::Column::AssigneeId.eq(principal.id);
        let free = request::Column::AssigneeId.is_null();
        let holder = match filter.holder.as_deref() {
            Some("minhas") => Some(sea_orm::Condition::all().add(mine)),
            Some("livres") => Some(sea_orm::Condition::all().add(free)),
            Some(MINE_OR_FREE) => Some(sea_orm::Condition::any().add(mine).add(free)),
            _ => None,
        };
        let by_holder = holder.is_some();
        if let Some(holder) = holder {
            matching = matching.add(holder);
        }
        let calendar = load_calendar(&self.db).await?;
        let now = Utc::now();
        let today = brasilia::date_of(now);
        if let Some(days) = filter.min_days.filter(|d| *d > 0 && *d <= 365) {
            if let Some(before) = brasilia_midnight(waited_since(&calendar, today, days).plus_days(1)) {
                matching = matching.add(request::Column::UpdatedAt.lt(before));
            }
        }
        // Without a filter beyond scope and status, the counts already hold the total.
        let total = if filter.uf.is_none()
            && filter.funcionalidade.is_none()
            && filter.min_days.unwrap_or(0) == 0
            && !by_holder
        {
            counts.iter().filter(|(status, _)| statuses.contains(&status.code())).map(|(_, n)| n).sum()
        } else {
            request::Entity::find().filter(matching.clone()).count(&self.db).await?
        };
        let page = filter.page.unwrap_or(1).clamp(1, 10_000);
        let mut query = request::Entity::find().filter(matching);
        query = if filter.oldest_first() {
            query.order_by_asc(request::Column::UpdatedAt).order_by_asc(request::Column::Id)
        } else {
            query.order_by_desc(request::Column::UpdatedAt).order_by_desc(request::Column::Id)
        };
        // Ids first (ordered and cut from the index alone), then the 50 rows: sorting whole
        // rows would read every matching row from the table.
        let ids: Vec<i32> = query
            .select_only()
            .column(request::Column::Id)
            .offset(u64::from((page - 1) * PAGE_SIZE))
            .limit(u64::from(PAGE_SIZE))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut rows = request::Entity::find().filter(request::Column::Id.is_in(ids.clone())).all(&self.db).await?;
        rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));

        let funcionalidades = funcionalidade::Entity::find()
            .filter(funcionalidade::Column::SystemId.is_in(systems.iter().map(|s| s.id)))
            .order_by_asc(funcionalidade::Column::SystemId)
            .order_by_asc(funcionalidade::Column::Position)
            .all(&self.db)
            .await?;
        let holder_ids: Vec<i32> = rows.iter().filter_map(|r| r.assignee_id).collect();
        let holders: HashMap<i32, String> = if holder_ids.is_empty() {
            HashMap::new()
        } else {
            agent::Entity::find()
                .filter(agent::Column::Id.is_in(holder_ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|a| (a.id, a.name))
                .collect()
        };
        let system_names: HashMap<i32, &str> = systems.iter().map(|s| (s.id, s.name.as_str())).collect();
        let targets: HashMap<i32, u32> =
            systems.iter().map(|s| (s.id, u32::try_from(s.wait_target_days).unwrap_or(0))).collect();
        let funcionalidade_names: HashMap<i32, &str> =
            funcionalidades.iter().map(|f| (f.id, f.name.as_str())).collect();
        let rows = rows
            .into_iter()
            .map(|row| {
                let waiting_days = calendar.business_days_between(brasilia::date_of(row.updated_at), today);
                QueueRow {
                    late: targets.get(&row.system_id).is_some_and(|target| waiting_days > *target),
                    waiting_days,
                    system_name: system_names.get(&row.system_id).copied().unwrap_or_default().to_owned(),
                    funcionalidade: funcionalidade_names
                        .get(&row.funcionalidade_id)
                        .copied()
                        .unwrap_or_default()
                        .to_owned(),
                    uf: row.uf,
                    status: standing_of_status(&row.status),
                    level: row.level,
                    holder: row.assignee_id.and_then(|id| holders.get(&id).cloned()),
                    last_activity: brasilia_date_time(row.updated_at),
                    number: row.number,
                }
            })
            .collect();
        let several = systems.len() > 1;
        Ok(Queue {
            agent: principal.view(),
            filter: filter.clone(),
            counts,
            rows,
            total,
            page_size: PAGE_SIZE,
            funcionalidades: funcionalidades
                .iter()
                .map(|f| Choice {
                    value: f.id.to_string(),
                    label: match (several, system_names.get(&f.system_id)) {
                        (true, Some(system)) => format!("{system}: {}", f.name),
                        _ => f.name.clone(),
                    },
                })
                .collect(),
            systems: systems.into_iter().map(|s| Choice { value: s.slug, label: s.name }).collect(),
        })
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

fn standing_of_status(code: &str) -> Status {
    Status::from_code(code).unwrap_or(Status::Recebido)
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

    async fn queue(&self, session: Option<&str>, filter: &QueueFilter) -> Result<Queue, AppError> {
        let principal = self.principal(session).await?;
        self.load_queue(&principal, filter).await.map_err(refuse("loading the queue"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_cutoffs_count_business_days_back() {
        let calendar = Calendar::national();
        // Thursday 2026-11-26; Friday 20 is Consciência Negra (a national holiday).
        let today = Date { year: 2026, month: 11, day: 26 };
        assert_eq!(waited_since(&calendar, today, 0), today);
        assert_eq!(waited_since(&calendar, today, 1), Date { year: 2026, month: 11, day: 25 });
        assert_eq!(waited_since(&calendar, today, 4), Date { year: 2026, month: 11, day: 22 });
        // The weekend and the holiday do not count: the fifth business day back is the 19th.
        assert_eq!(waited_since(&calendar, today, 5), Date { year: 2026, month: 11, day: 18 });
        for days in 0..30 {
            let since = waited_since(&calendar, today, days);
            assert_eq!(calendar.business_days_between(since, today), days, "{days}");
            assert!(calendar.business_days_between(since.plus_days(1), today) < days.max(1));
        }
    }
}
