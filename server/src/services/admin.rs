//! Administration behind `app`'s [`AdminDesk`] port and the `/admin` form posts: the team
//! (invite with a one-time link sent through the outbox, change level, systems and role,
//! disable, invite again), accepting an invitation, and reading the audit log. Only a
//! signed-in administrator passes; every change is audited in its own transaction.

use super::agents::{random_token, token_hash, AgentService, Principal};
use super::audit::{self, action, Actor};
use super::{brasilia_midnight, db_failure, enqueue_mail, refuse};
use crate::db::entities::{agent, agent_invite, agent_session, agent_system, audit_entry, request, system};
use crate::db::WriteGate;
use crate::mail::compose::Sender;
use crate::mail::invite::{agent_invite, AgentInvite};
use crate::password;
use app::api::admin::{
    AgentEdit, AgentRow, AuditFilter, AuditPage, AuditRow, CalendarDay, CalendarPage, InviteView, TeamPage,
};
use app::api::console::{AgentView, Choice};
use app::api::AppError;
use app::domain::agent::check_password;
use app::domain::calendar::Date;
use app::domain::email::Email;
use app::domain::person_name::PersonName;
use app::ports::{AdminDesk, PortError};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Notify;

/// How long an invitation link works.
pub const INVITE_LIFETIME: Duration = Duration::hours(72);
/// Audit lines per page.
pub const AUDIT_PAGE_SIZE: u32 = 100;

/// The audit log's actions and how the admin page names them.
pub const ACTION_LABELS: &[(&str, &str)] = &[
    (action::SIGN_IN, "Entrou"),
    (action::SIGN_OUT, "Saiu"),
    (action::PASSWORD, "Alterou a senha"),
    (action::VIEW, "Visualizou a solicitação"),
    (action::REVEAL_CPF, "Revelou o CPF"),
    (action::REPLY, "Respondeu ao cidadão"),
    (action::NOTE, "Registrou nota interna"),
    (action::ESCALATE, "Encaminhou"),
    (action::FINALIZE, "Finalizou"),
    (action::CLAIM, "Assumiu"),
    (action::ASSIGN, "Atribuiu"),
    (action::DOWNLOAD, "Abriu anexo"),
    (action::INVITE, "Convidou atendente"),
    (action::ACCEPT_INVITE, "Aceitou o convite"),
    (action::CHANGE_AGENT, "Alterou atendente"),
    (action::CREATE_ADMIN, "Criou administrador (linha de comando)"),
    (action::CALENDAR, "Alterou o calendário"),
    (action::CATALOG, "Alterou sistemas e perguntas"),
    (action::SETTINGS, "Alterou as configurações"),
];

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("not an administrator")]
    Forbidden,
    #[error("no such agent")]
    NotFound,
    #[error("invalid {field}: {message}")]
    Invalid { field: &'static str, message: String },
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    Other(String),
}

/// A new member of the team, as the invitation form gives it.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub level: i16,
    pub systems: Vec<i32>,
    pub is_admin: bool,
}

/// A change to the calendar of pontos facultativos.
#[derive(Debug, Clone)]
pub enum CalendarChange {
    Add { day: String, description: String },
    Remove { day: String },
}

/// A member's settings, as the edit form gives them.
#[derive(Debug, Clone)]
pub struct AgentChange {
    pub level: i16,
    pub systems: Vec<i32>,
    pub is_admin: bool,
    pub active: bool,
}

pub struct AdminService {
    db: DatabaseConnection,
    gate: WriteGate,
    agents: AgentService,
    sender: Sender,
    public_url: String,
    mail_wakeup: Arc<Notify>,
}

fn invalid(field: &'static str, message: &str) -> AdminError {
    AdminError::Invalid { field, message: message.to_owned() }
}

/// `DD-MM-AAAA HH:MM:SS`, Brasília.
fn brasilia_seconds(at: DateTime<Utc>) -> String {
    (at - Duration::hours(3)).format("%d-%m-%Y %H:%M:%S").to_string()
}

impl AdminService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        agents: AgentService,
        sender: Sender,
        public_url: String,
        mail_wakeup: Arc<Notify>,
    ) -> AdminService {
        AdminService { db, gate, agents, sender, public_url, mail_wakeup }
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

    async fn checked_systems(&self, ids: &[i32]) -> Result<Vec<i32>, AdminError> {
        let known: Vec<i32> = system::Entity::find().all(&self.db).await?.into_iter().map(|s| s.id).collect();
        let mut chosen: Vec<i32> = ids.iter().copied().filter(|id| known.contains(id)).collect();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
            return Err(invalid("sistemas", "Escolha sistemas da lista."));
        }
        Ok(chosen)
    }

    /// Invites a new member: the account (no password yet), its systems, a one-time link
    /// and the e-mail carrying it, in one transaction.
    pub async fn invite(&self, by: &Principal, new: NewAgent, client: Option<String>) -> Result<i32, AdminError> {
        let name = PersonName::parse(&new.name).map_err(|e| invalid("nome", &e.to_string()))?;
        let email = Email::parse(&new.email).map_err(|e| invalid("email", &e.to_string()))?.as_str().to_lowercase();
        if !(1..=3).contains(&new.level) {
            return Err(invalid("nivel", "Escolha o Nível 01, 02 ou 03."));
        }
        let systems = self.checked_systems(&new.systems).await?;
        if systems.is_empty() && !new.is_admin {
            return Err(invalid("sistemas", "Escolha pelo menos um sistema."));
        }
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        if agent::Entity::find().filter(agent::Column::Email.eq(email.as_str())).one(&txn).await?.is_some() {
            return Err(invalid("email", "Já existe um atendente com este e-mail."));
        }
        let created = agent::ActiveModel {
            email: Set(email.clone()),
            name: Set(name.as_str().to_owned()),
            password_hash: Set(None),
            level: Set(new.level),
            is_admin: Set(new.is_admin),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for system_id in &systems {
            agent_system::ActiveModel { agent_id: Set(created.id), system_id: Set(*system_id) }.insert(&txn).await?;
        }
        self.send_invite(&txn, &created, now).await?;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        let detail = format!("{} (id {}), nível {:02}", created.name, created.id, created.level);
        audit::record(&txn, &actor, action::INVITE, None, &detail, now).await?;
        txn.commit().await?;
        self.mail_wakeup.notify_one();
        Ok(created.id)
    }

    /// A fresh link (earlier unused ones stop working) and its e-mail, in `txn`.
    async fn send_invite(
        &self,
        txn: &sea_orm::DatabaseTransaction,
        member: &agent::Model,
        now: DateTime<Utc>,
    ) -> Result<(), AdminError> {
        agent_invite::Entity::delete_many()
            .filter(agent_invite::Column::AgentId.eq(member.id))
            .filter(agent_invite::Column::UsedAt.is_null())
            .exec(txn)
            .await?;
        let token = random_token();
        let expires = now + INVITE_LIFETIME;
        agent_invite::ActiveModel {
            token_hash: Set(token_hash(&token)),
            agent_id: Set(member.id),
            expires_at: Set(expires),
            used_at: Set(None),
        }
        .insert(txn)
        .await?;
        let accept_url = format!("{}/atendimento/convite/{token}", self.public_url);
        let valid_until = (expires - Duration::hours(3)).format("%d/%m/%Y às %H:%M").to_string();
        let mail = agent_invite(
            &self.sender,
            &AgentInvite {
                agent_name: &member.name,
                agent_email: &member.email,
                accept_url: &accept_url,
                valid_until: &valid_until,
            },
        )
        .map_err(|e| AdminError::Other(e.to_string()))?;
        enqueue_mail(txn, None, "agent_invite", mail, now).await?;
        Ok(())
    }

    /// Changes a member's level, systems, role and whether it may sign in. An
    /// administrator cannot remove their own access (the team would lose its last key).
    pub async fn change(
        &self,
        by: &Principal,
        agent_id: i32,
        change: AgentChange,
        client: Option<String>,
    ) -> Result<(), AdminError> {
        if !(1..=3).contains(&change.level) {
            return Err(invalid("nivel", "Escolha o Nível 01, 02 ou 03."));
        }
        if agent_id == by.id && (!change.active || !change.is_admin) {
            return Err(invalid(
                "ativo",
                "Você não pode desativar a si mesmo nem tirar o seu próprio perfil de administrador.",
            ));
        }
        let systems = self.checked_systems(&change.systems).await?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let member = agent::Entity::find_by_id(agent_id).one(&txn).await?.ok_or(AdminError::NotFound)?;
        if member.is_admin && member.active && (!change.is_admin || !change.active) {
            // Two administrators demoting each other at once must not leave none.
            let others = agent::Entity::find()
                .filter(agent::Column::IsAdmin.eq(true))
                .filter(agent::Column::Active.eq(true))
                .filter(agent::Column::Id.ne(agent_id))
                .lock_exclusive()
                .all(&txn)
                .await?;
            if others.is_empty() {
                return Err(invalid("administrador", "A equipe precisa de pelo menos um administrador ativo."));
            }
        }
        let mut row: agent::ActiveModel = member.clone().into();
        row.level = Set(change.level);
        row.is_admin = Set(change.is_admin);
        row.active = Set(change.active);
        row.update(&txn).await?;
        agent_system::Entity::delete_many().filter(agent_system::Column::AgentId.eq(agent_id)).exec(&txn).await?;
        for system_id in &systems {
            agent_system::ActiveModel { agent_id: Set(agent_id), system_id: Set(*system_id) }.insert(&txn).await?;
        }
        if !change.active {
            // Disabled: signed out everywhere at once.
            agent_session::Entity::delete_many().filter(agent_session::Column::AgentId.eq(agent_id)).exec(&txn).await?;
        }
        let detail = format!(
            "{} (id {}): nível {:02}, sistemas {:?}, administrador {}, ativo {}",
            member.name,
            agent_id,
            change.level,
            systems,
            if change.is_admin { "sim" } else { "não" },
            if change.active { "sim" } else { "não" }
        );
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::CHANGE_AGENT, None, &detail, now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Sends a new invitation to a member who has not chosen a password yet.
    pub async fn reinvite(&self, by: &Principal, agent_id: i32, client: Option<String>) -> Result<(), AdminError> {
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let member = agent::Entity::find_by_id(agent_id).one(&txn).await?.ok_or(AdminError::NotFound)?;
        if member.password_hash.is_some() {
            return Err(invalid("convite", "Esta pessoa já criou a senha."));
        }
        self.send_invite(&txn, &member, now).await?;
        let detail = format!("{} (id {}), novo convite", member.name, member.id);
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::INVITE, None, &detail, now).await?;
        txn.commit().await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }

    async fn live_invite(&self, token: &str) -> Result<Option<(agent_invite::Model, agent::Model)>, DbErr> {
        if token.len() != 43 {
            return Ok(None);
        }
        let Some(invite) = agent_invite::Entity::find_by_id(token_hash(token)).one(&self.db).await? else {
            return Ok(None);
        };
        if invite.used_at.is_some() || invite.expires_at <= Utc::now() {
            return Ok(None);
        }
        let member = agent::Entity::find_by_id(invite.agent_id)
            .one(&self.db)
            .await?
            .filter(|a| a.active && a.password_hash.is_none());
        Ok(member.map(|member| (invite, member)))
    }

    /// The invited member chooses a password; the link stops working.
    pub async fn accept_invite(
        &self,
        token: &str,
        new: &str,
        confirmation: &str,
        client: Option<String>,
    ) -> Result<(), AdminError> {
        let Some((invite, member)) = self.live_invite(token).await? else { return Err(AdminError::NotFound) };
        check_password(new).map_err(|message| AdminError::Invalid { field: "nova", message })?;
        if new != confirmation {
            return Err(invalid("confirmacao", "A confirmação não é igual à nova senha."));
        }
        let hash = password::hash(new.to_owned()).await.map_err(|e| AdminError::Other(e.to_string()))?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        // Only the first of two simultaneous uses of the link gets through.
        let used = agent_invite::Entity::update_many()
            .col_expr(agent_invite::Column::UsedAt, Expr::value(now))
            .filter(agent_invite::Column::TokenHash.eq(invite.token_hash.clone()))
            .filter(agent_invite::Column::UsedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if used != 1 {
            return Err(AdminError::NotFound);
        }
        // An invitation sets a first password, never replaces one (the account may have been
        // given a password meanwhile, by `create-admin`).
        let set = agent::Entity::update_many()
            .col_expr(agent::Column::PasswordHash, Expr::value(hash))
            .filter(agent::Column::Id.eq(member.id))
            .filter(agent::Column::PasswordHash.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        if set != 1 {
            return Err(AdminError::NotFound);
        }
        audit::record(&txn, &Actor { agent_id: Some(member.id), ip: client }, action::ACCEPT_INVITE, None, "", now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds (or renames) or removes a ponto facultativo, audited.
    pub async fn change_calendar(
        &self,
        by: &Principal,
        change: CalendarChange,
        client: Option<String>,
    ) -> Result<(), AdminError> {
        use super::calendar::{self, CalendarError};
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let portuguese = |error: CalendarError| match error {
            CalendarError::NotADate(_) => invalid("data", "Informe uma data válida."),
            CalendarError::Weekend(_) => invalid("data", "Esta data cai num fim de semana: já não é dia útil."),
            CalendarError::Holiday(_) => invalid("data", "Esta data já é feriado nacional."),
            CalendarError::Description => invalid("descricao", "Descreva o dia em até 200 caracteres."),
            CalendarError::Database(error) => AdminError::Database(error),
        };
        let detail = match &change {
            CalendarChange::Add { day, description } => {
                calendar::add(&txn, day, description).await.map_err(portuguese)?;
                format!("adicionou {day}: {}", description.trim())
            }
            CalendarChange::Remove { day } => {
                if !calendar::remove(&txn, day).await.map_err(portuguese)? {
                    return Err(invalid("data", "Este dia não é ponto facultativo."));
                }
                format!("removeu {day}")
            }
        };
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::CALENDAR, None, &detail, now).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn load_calendar(&self, admin: &Principal, year: Option<i32>) -> Result<CalendarPage, DbErr> {
        const WEEKDAYS: [&str; 7] =
            ["segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"];
        let year = year
            .filter(|y| (2000..=2100).contains(y))
            .unwrap_or_else(|| app::domain::lifecycle::brasilia_date(Utc::now().timestamp()).year);
        let days = super::calendar::list(&self.db, Some(year))
            .await?
            .into_iter()
            .filter_map(|row| {
                let date = Date::parse_iso(&row.day)?;
                let weekday = WEEKDAYS.get(usize::from(date.weekday())).copied().unwrap_or_default();
                Some(CalendarDay {
                    iso: row.day,
                    shown: format!("{:02}/{:02}/{:04} ({weekday})", date.day, date.month, date.year),
                    description: row.description,
                })
            })
            .collect();
        let holidays = app::domain::calendar::national_holidays(year)
            .into_iter()
            .map(|d| format!("{:02}/{:02}", d.day, d.month))
            .collect();
        Ok(CalendarPage { admin: admin.view(), year, days, holidays })
    }

    async fn load_team(&self, admin: &Principal) -> Result<TeamPage, DbErr> {
        let members = agent::Entity::find().order_by_asc(agent::Column::Name).all(&self.db).await?;
        let systems = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
        let links = agent_system::Entity::find().all(&self.db).await?;
        let names: HashMap<i32, &str> = systems.iter().map(|s| (s.id, s.name.as_str())).collect();
        let agents = members
            .into_iter()
            .map(|member| {
                let served: Vec<&str> = links
                    .iter()
                    .filter(|l| l.agent_id == member.id)
                    .filter_map(|l| names.get(&l.system_id).copied())
                    .collect();
                let state = if !member.active {
                    "Desativado"
                } else if member.password_hash.is_none() {
                    "Convite pendente"
                } else {
                    "Ativo"
                };
                AgentRow {
                    id: member.id,
                    name: member.name,
                    email: member.email,
                    level: member.level,
                    is_admin: member.is_admin,
                    state: state.to_owned(),
                    systems: if member.is_admin { "Todos".to_owned() } else { served.join(", ") },
                }
            })
            .collect();
        Ok(TeamPage {
            admin: admin.view(),
            agents,
            systems: systems.iter().map(|s| Choice { value: s.id.to_string(), label: s.name.clone() }).collect(),
        })
    }

    async fn load_agent(&self, admin: &Principal, id: i32) -> Result<Option<AgentEdit>, DbErr> {
        let Some(member) = agent::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
        let systems = system::Entity::find().order_by_asc(system::Column::Position).all(&self.db).await?;
        let served: Vec<i32> = agent_system::Entity::find()
            .filter(agent_system::Column::AgentId.eq(id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| l.system_id)
            .collect();
        Ok(Some(AgentEdit {
            admin: admin.view(),
            id: member.id,
            name: member.name,
            email: member.email,
            level: member.level,
            is_admin: member.is_admin,
            active: member.active,
            pending_invite: member.password_hash.is_none(),
            systems: systems
                .into_iter()
                .map(|s| (Choice { value: s.id.to_string(), label: s.name }, served.contains(&s.id)))
                .collect(),
        }))
    }

    async fn load_audit(&self, admin: &Principal, filter: &AuditFilter) -> Result<AuditPage, DbErr> {
        let mut condition = Condition::all();
        if let Some(agent_id) = filter.agent {
            condition = condition.add(audit_entry::Column::AgentId.eq(agent_id));
        }
        if let Some(code) = filter.action.as_deref().filter(|c| ACTION_LABELS.iter().any(|(a, _)| a == c)) {
            condition = condition.add(audit_entry::Column::Action.eq(code));
        }
        if let Some(number) = filter.number.as_deref().filter(|n| app::domain::request_form::is_protocol_number(n)) {
            let id = request::Entity::find()
                .filter(request::Column::Number.eq(number))
                .one(&self.db)
                .await?
                .map(|r| r.id)
                .unwrap_or(-1);
            condition = condition.add(audit_entry::Column::RequestId.eq(id));
        }
        if let Some(from) = filter.from.as_deref().and_then(Date::parse_iso).and_then(brasilia_midnight) {
            condition = condition.add(audit_entry::Column::At.gte(from));
        }
        if let Some(to) = filter.to.as_deref().and_then(Date::parse_iso).and_then(|d| brasilia_midnight(d.plus_days(1)))
        {
            condition = condition.add(audit_entry::Column::At.lt(to));
        }
        let total = audit_entry::Entity::find().filter(condition.clone()).count(&self.db).await?;
        let page = filter.page.unwrap_or(1).clamp(1, 100_000);
        let entries = audit_entry::Entity::find()
            .filter(condition)
            .order_by_desc(audit_entry::Column::At)
            .order_by_desc(audit_entry::Column::Id)
            .offset(u64::from((page - 1) * AUDIT_PAGE_SIZE))
            .limit(u64::from(AUDIT_PAGE_SIZE))
            .all(&self.db)
            .await?;
        let members = agent::Entity::find().order_by_asc(agent::Column::Name).all(&self.db).await?;
        let names: HashMap<i32, &str> = members.iter().map(|a| (a.id, a.name.as_str())).collect();
        let request_ids: Vec<i32> = entries.iter().filter_map(|e| e.request_id).collect();
        let numbers: HashMap<i32, String> = if request_ids.is_empty() {
            HashMap::new()
        } else {
            request::Entity::find()
                .filter(request::Column::Id.is_in(request_ids))
                .all(&self.db)
                .await?
                .into_iter()
                .map(|r| (r.id, r.number))
                .collect()
        };
        let label = |code: &str| ACTION_LABELS.iter().find(|(a, _)| *a == code).map_or(code, |(_, l)| *l).to_owned();
        let rows = entries
            .into_iter()
            .map(|entry| AuditRow {
                at: brasilia_seconds(entry.at),
                who: match entry.agent_id {
                    Some(id) => names.get(&id).map_or_else(|| format!("Atendente {id}"), |n| (*n).to_owned()),
                    None => "Linha de comando".to_owned(),
                },
                action: label(&entry.action),
                number: entry.request_id.and_then(|id| numbers.get(&id).cloned()),
                detail: entry.detail,
                ip: entry.ip.unwrap_or_default(),
            })
            .collect();
        Ok(AuditPage {
            admin: admin.view(),
            filter: filter.clone(),
            rows,
            total,
            page_size: AUDIT_PAGE_SIZE,
            agents: members.iter().map(|a| Choice { value: a.id.to_string(), label: a.name.clone() }).collect(),
            actions: ACTION_LABELS
                .iter()
                .map(|(code, label)| Choice { value: (*code).to_owned(), label: (*label).to_owned() })
                .collect(),
        })
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

    async fn invite(&self, token: &str) -> Result<Option<InviteView>, PortError> {
        let found = self.live_invite(token).await.map_err(|e| db_failure("reading an invitation", e))?;
        Ok(found.map(|(_, member)| InviteView { name: member.name, email: member.email }))
    }
}
