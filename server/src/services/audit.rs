//! The audit log: every console action that reads personal data or changes anything is
//! written here, in the same transaction as the change itself. Rows are never updated
//! or deleted by the application.

use crate::db::entities::audit_entry;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};

/// Actions as the log names them (stable codes; the admin page labels them).
pub mod action {
    pub const SIGN_IN: &str = "entrada";
    pub const SIGN_OUT: &str = "saida";
    pub const PASSWORD: &str = "senha_alterada";
    pub const VIEW: &str = "visualizou";
    pub const REVEAL_CPF: &str = "revelou_cpf";
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
