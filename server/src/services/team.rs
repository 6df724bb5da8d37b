//! The team, administered at `/admin/atendentes`: invitations with a one-time link sent
//! through the outbox, a member's level, systems, role and access, inviting again, and
//! the invited member's "Criar senha". Methods of [`AdminService`], which lets only a
//! signed-in administrator through (accepting an invitation is authorised by its link);
//! every change is audited in its own transaction.

use super::admin::AdminService;
use super::agents::{random_token, token_hash, Principal};
use super::audit::{self, action, Actor};
use super::enqueue_mail;
use crate::db::entities::{agent, agent_invite, agent_session, agent_system, system};
use crate::mail::invite::{agent_invite, AgentInvite};
use crate::password;
use crate::refusal::Refusal;
use app::api::admin::{AgentEdit, AgentRow, TeamPage};
use app::api::console::Choice;
use app::domain::agent::check_password;
use app::domain::email::Email;
use app::domain::person_name::PersonName;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::HashMap;

/// How long an invitation link works.
pub const INVITE_LIFETIME: Duration = Duration::hours(72);

/// A new member of the team, as the invitation form gives it.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub email: String,
    pub level: i16,
    pub systems: Vec<i32>,
    pub is_admin: bool,
}

/// A member's settings, as the edit form gives them.
#[derive(Debug, Clone)]
pub struct AgentChange {
    pub level: i16,
    pub systems: Vec<i32>,
    pub is_admin: bool,
    /// The data-protection officer ("Encarregado").
    pub is_data_officer: bool,
    pub active: bool,
}

impl AdminService {
    async fn checked_systems(&self, ids: &[i32]) -> Result<Vec<i32>, Refusal> {
        let known: Vec<i32> = system::Entity::find().all(&self.db).await?.into_iter().map(|s| s.id).collect();
        let mut chosen: Vec<i32> = ids.iter().copied().filter(|id| known.contains(id)).collect();
        chosen.sort_unstable();
        chosen.dedup();
        if chosen.len() != ids.iter().collect::<std::collections::HashSet<_>>().len() {
            return Err(Refusal::invalid("sistemas", "Escolha sistemas da lista."));
        }
        Ok(chosen)
    }

    /// Invites a new member: the account (no password yet), its systems, a one-time link
    /// and the e-mail carrying it, in one transaction.
    pub async fn invite(&self, by: &Principal, new: NewAgent, client: Option<String>) -> Result<i32, Refusal> {
        let name = PersonName::parse(&new.name).map_err(|e| Refusal::invalid("nome", e.to_string()))?;
        let email =
            Email::parse(&new.email).map_err(|e| Refusal::invalid("email", e.to_string()))?.as_str().to_lowercase();
        if !(1..=3).contains(&new.level) {
            return Err(Refusal::invalid("nivel", "Escolha o Nível 01, 02 ou 03."));
        }
        let systems = self.checked_systems(&new.systems).await?;
        if systems.is_empty() && !new.is_admin {
            return Err(Refusal::invalid("sistemas", "Escolha pelo menos um sistema."));
        }
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        if agent::Entity::find().filter(agent::Column::Email.eq(email.as_str())).one(&txn).await?.is_some() {
            return Err(Refusal::invalid("email", "Já existe um atendente com este e-mail."));
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
    ) -> Result<(), Refusal> {
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
        let valid_until = app::domain::brasilia::date_at_time(expires);
        let mail = agent_invite(
            &self.sender,
            &AgentInvite {
                agent_name: &member.name,
                agent_email: &member.email,
                accept_url: &accept_url,
                valid_until: &valid_until,
            },
        )?;
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
    ) -> Result<(), Refusal> {
        if !(1..=3).contains(&change.level) {
            return Err(Refusal::invalid("nivel", "Escolha o Nível 01, 02 ou 03."));
        }
        if agent_id == by.id && (!change.active || !change.is_admin) {
            return Err(Refusal::invalid(
                "ativo",
                "Você não pode desativar a si mesmo nem tirar o seu próprio perfil de administrador.",
            ));
        }
        let systems = self.checked_systems(&change.systems).await?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let member = agent::Entity::find_by_id(agent_id).one(&txn).await?.ok_or(Refusal::NotFound)?;
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
                return Err(Refusal::invalid(
                    "administrador",
                    "A equipe precisa de pelo menos um administrador ativo.",
                ));
            }
        }
        let mut row: agent::ActiveModel = member.clone().into();
        row.level = Set(change.level);
        row.is_admin = Set(change.is_admin);
        row.is_data_officer = Set(change.is_data_officer);
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
            "{} (id {}): nível {:02}, sistemas {:?}, administrador {}, encarregado de dados {}, ativo {}",
            member.name,
            agent_id,
            change.level,
            systems,
            if change.is_admin { "sim" } else { "não" },
            if change.is_data_officer { "sim" } else { "não" },
            if change.active { "sim" } else { "não" }
        );
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::CHANGE_AGENT, None, &detail, now)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// A member's name, if they can sign in now (for the confirmation that revokes it).
    pub async fn active_member(&self, agent_id: i32) -> Result<Option<String>, DbErr> {
        Ok(agent::Entity::find_by_id(agent_id).one(&self.db).await?.filter(|a| a.active).map(|a| a.name))
    }

    /// Sends a new invitation to a member who has not chosen a password yet.
    pub async fn reinvite(&self, by: &Principal, agent_id: i32, client: Option<String>) -> Result<(), Refusal> {
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let member = agent::Entity::find_by_id(agent_id).one(&txn).await?.ok_or(Refusal::NotFound)?;
        if member.password_hash.is_some() {
            return Err(Refusal::invalid("convite", "Esta pessoa já criou a senha."));
        }
        self.send_invite(&txn, &member, now).await?;
        let detail = format!("{} (id {}), novo convite", member.name, member.id);
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::INVITE, None, &detail, now).await?;
        txn.commit().await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }

    pub(super) async fn live_invite(&self, token: &str) -> Result<Option<(agent_invite::Model, agent::Model)>, DbErr> {
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

    /// The invited member chooses a password; the link stops working. Their e-mail, so
    /// that they can be signed in at once.
    pub async fn accept_invite(
        &self,
        token: &str,
        new: &str,
        confirmation: &str,
        client: Option<String>,
    ) -> Result<String, Refusal> {
        let Some((invite, member)) = self.live_invite(token).await? else { return Err(Refusal::NotFound) };
        check_password(new).map_err(|message| Refusal::invalid("nova", message))?;
        if new != confirmation {
            return Err(Refusal::invalid("confirmacao", "A confirmação não é igual à nova senha."));
        }
        let hash = password::hash(new.to_owned()).await?;
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
            return Err(Refusal::NotFound);
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
            return Err(Refusal::NotFound);
        }
        audit::record(&txn, &Actor { agent_id: Some(member.id), ip: client }, action::ACCEPT_INVITE, None, "", now)
            .await?;
        txn.commit().await?;
        Ok(member.email)
    }

    pub(super) async fn load_team(&self, admin: &Principal) -> Result<TeamPage, DbErr> {
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

    pub(super) async fn load_agent(&self, admin: &Principal, id: i32) -> Result<Option<AgentEdit>, DbErr> {
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
            is_data_officer: member.is_data_officer,
            active: member.active,
            pending_invite: member.password_hash.is_none(),
            systems: systems
                .into_iter()
                .map(|s| (Choice { value: s.id.to_string(), label: s.name }, served.contains(&s.id)))
                .collect(),
        }))
    }
}
