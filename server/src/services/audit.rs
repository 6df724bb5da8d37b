//! The audit log: every console action that reads personal data or changes anything is
//! written here, in the same transaction as the change itself, and read back on
//! `/admin/auditoria`. Rows are never updated or deleted by the application.

use super::admin::AdminService;
use super::agents::Principal;
use crate::db::entities::{agent, audit_entry, request};
use app::api::admin::{AuditFilter, AuditPage, AuditRow};
use app::api::console::Choice;
use app::domain::brasilia;
use app::domain::calendar::Date;
use app::domain::protocol::ProtocolNumber;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// Actions as the log names them (stable codes; the admin page labels them).
pub mod action {
    pub const SIGN_IN: &str = "entrada";
    pub const SIGN_OUT: &str = "saida";
    pub const PASSWORD: &str = "senha_alterada";
    pub const VIEW: &str = "visualizou";
    pub const REVEAL_CPF: &str = "revelou_cpf";
    pub const SEARCH_CPF: &str = "buscou_cpf";
    pub const DOWNLOAD: &str = "baixou_anexo";
    pub const REPLY: &str = "respondeu";
    pub const NOTE: &str = "nota_interna";
    pub const ESCALATE: &str = "encaminhou";
    pub const FINALIZE: &str = "finalizou";
    pub const CLAIM: &str = "assumiu";
    pub const ASSIGN: &str = "atribuiu";
    pub const CREATE_ADMIN: &str = "criou_administrador";
    pub const INVITE: &str = "convidou";
    pub const ACCEPT_INVITE: &str = "convite_aceito";
    pub const CHANGE_AGENT: &str = "alterou_atendente";
    pub const CALENDAR: &str = "alterou_calendario";
    pub const CATALOG: &str = "alterou_catalogo";
    pub const SETTINGS: &str = "alterou_configuracoes";
    pub const NOTICE: &str = "alterou_aviso";
    pub const SUBJECT_SEARCH: &str = "consultou_titular";
    pub const SUBJECT_EXPORT: &str = "exportou_titular";
    pub const SUBJECT_CORRECT: &str = "corrigiu_titular";
    pub const SUBJECT_ANONYMISE: &str = "anonimizou_titular";
    pub const RETENTION: &str = "retencao";
}

/// Who did it, and from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// `None`: the operator's command line.
    pub agent_id: Option<i32>,
    pub ip: Option<String>,
}

pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    action: &str,
    request_id: Option<i32>,
    detail: &str,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_entry::ActiveModel {
        at: Set(at),
        agent_id: Set(actor.agent_id),
        action: Set(action.to_owned()),
        request_id: Set(request_id),
        detail: Set(detail.to_owned()),
        ip: Set(actor.ip.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Audit lines per page.
pub const AUDIT_PAGE_SIZE: u32 = 100;

/// The audit log's actions and how the admin page names them.
pub const ACTION_LABELS: &[(&str, &str)] = &[
    (action::SIGN_IN, "Entrou"),
    (action::SIGN_OUT, "Saiu"),
    (action::PASSWORD, "Alterou a senha"),
    (action::VIEW, "Visualizou a solicitação"),
    (action::REVEAL_CPF, "Revelou o CPF"),
    (action::SEARCH_CPF, "Buscou na fila por CPF"),
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
    (action::NOTICE, "Alterou um aviso público"),
    (action::SUBJECT_SEARCH, "Consultou um titular (CPF)"),
    (action::SUBJECT_EXPORT, "Exportou os dados de um titular"),
    (action::SUBJECT_CORRECT, "Corrigiu os dados de um titular"),
    (action::SUBJECT_ANONYMISE, "Anonimizou um titular"),
    (action::RETENTION, "Retenção: anonimizou solicitações encerradas"),
];

impl AdminService {
    pub(super) async fn load_audit(&self, admin: &Principal, filter: &AuditFilter) -> Result<AuditPage, DbErr> {
        let mut condition = Condition::all();
        if let Some(agent_id) = filter.agent {
            condition = condition.add(audit_entry::Column::AgentId.eq(agent_id));
        }
        if let Some(code) = filter.action.as_deref().filter(|c| ACTION_LABELS.iter().any(|(a, _)| a == c)) {
            condition = condition.add(audit_entry::Column::Action.eq(code));
        }
        if let Some(number) = filter.number.as_deref().and_then(ProtocolNumber::parse) {
            let id = request::Entity::find()
                .filter(request::Column::Number.eq(number.as_str()))
                .one(&self.db)
                .await?
                .map(|r| r.id)
                .unwrap_or(-1);
            condition = condition.add(audit_entry::Column::RequestId.eq(id));
        }
        if let Some(from) = filter.from.as_deref().and_then(Date::parse_iso).and_then(brasilia::midnight) {
            condition = condition.add(audit_entry::Column::At.gte(from));
        }
        if let Some(to) =
            filter.to.as_deref().and_then(Date::parse_iso).and_then(|d| brasilia::midnight(d.plus_days(1)))
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
                at: brasilia::date_time_seconds(entry.at),
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
