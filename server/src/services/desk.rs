//! What support agents do to a request: take it up with an answer or an internal note,
//! escalate it to another level, finalize it with an answer (which opens the citizen's
//! 3-business-day window and queues the "finalized" e-mail), claim it or hand it to a
//! colleague. The console and the operator's command line call these. Each step checks
//! who acts (systems and level), the version the agent saw, and the state machine, and
//! writes the change, its timeline entries and its audit line in one transaction.

use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::follow_up::standing_of;
use super::{enqueue_mail, load_calendar};
use crate::db::entities::{agent, agent_system, request, request_event, system};
use crate::db::WriteGate;
use crate::mail::answered::{request_answered, RequestAnswered};
use crate::mail::compose::Sender;
use crate::mail::finalized::{request_finalized, RequestFinalized};
use crate::refusal::Refusal;
use crate::session::Sessions;
use app::domain::lifecycle::{self, EventKind, Status};
use app::domain::protocol::ProtocolNumber;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait, QueryFilter, Set,
    TransactionTrait,
};
use std::sync::Arc;
use tokio::sync::Notify;

/// Support levels ("Nível 01" to "Nível 03").
pub const LEVELS: std::ops::RangeInclusive<i16> = 1..=3;

/// Who acts, and on what they saw.
#[derive(Debug, Clone, Default)]
pub struct By {
    /// `None`: the operator's command line (no scope check).
    pub agent: Option<Principal>,
    /// The request's version the agent's page showed; `None` takes the current one.
    pub version: Option<i32>,
    pub ip: Option<String>,
}

impl By {
    pub fn operator() -> By {
        By::default()
    }

    pub fn agent(principal: &Principal, version: i32, ip: Option<String>) -> By {
        By { agent: Some(principal.clone()), version: Some(version), ip }
    }

    fn actor(&self) -> Actor {
        Actor { agent_id: self.agent.as_ref().map(|a| a.id), ip: self.ip.clone() }
    }
}

pub struct DeskService {
    db: DatabaseConnection,
    gate: WriteGate,
    sessions: Sessions,
    sender: Sender,
    public_url: String,
    mail_wakeup: Arc<Notify>,
}

/// What a step writes: timeline entries, the request's status, level and holder
/// afterwards (by the one versioned UPDATE of [`DeskService::change`]), and its audit line.
struct Step {
    events: Vec<(EventKind, String)>,
    status: Status,
    level: i16,
    /// `Some(x)`: the holder becomes `x`.
    assignee: Option<Option<i32>>,
    audit: (&'static str, String),
}

type StepFuture<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Step, Refusal>> + Send + 'a>>;

impl DeskService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        sessions: Sessions,
        sender: Sender,
        public_url: String,
        mail_wakeup: Arc<Notify>,
    ) -> DeskService {
        DeskService { db, gate, sessions, sender, public_url, mail_wakeup }
    }

    fn letters(&self) -> Letters {
        Letters { sender: self.sender.clone(), public_url: self.public_url.clone(), sessions: self.sessions.clone() }
    }

    /// Runs `change` on the request `number` in one write transaction, after checking
    /// that `by` may handle it and saw its current version, so that two agents (or an
    /// agent and the citizen) never overwrite each other.
    async fn change<F>(&self, by: &By, number: &ProtocolNumber, change: F) -> Result<(), Refusal>
    where
        F: for<'a> FnOnce(&'a DatabaseTransaction, &'a request::Model, DateTime<Utc>) -> StepFuture<'a>,
    {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let row = request::Entity::find()
            .filter(request::Column::Number.eq(number.as_str()))
            .one(&txn)
            .await?
            .ok_or(Refusal::NotFound)?;
        if let Some(agent) = &by.agent {
            if !agent.may_handle(row.system_id, row.level) {
                // The same answer as for a number that does not exist (see `ConsoleService::visible`).
                tracing::warn!(agent = agent.id, request = row.id, "agent refused a request outside its scope");
                return Err(Refusal::NotFound);
            }
        }
        if by.version.is_some_and(|seen| seen != row.version) {
            return Err(Refusal::Conflict);
        }
        let now = Utc::now();
        let step = change(&txn, &row, now).await?;
        let mut update = request::Entity::update_many()
            .col_expr(request::Column::Status, Expr::value(step.status.code()))
            .col_expr(request::Column::Level, Expr::value(step.level))
            .col_expr(request::Column::Version, Expr::value(row.version + 1))
            .col_expr(request::Column::UpdatedAt, Expr::value(now));
        if let Some(assignee) = step.assignee {
            update = update.col_expr(request::Column::AssigneeId, Expr::value(assignee));
        }
        let updated = update
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::Version.eq(row.version))
            .exec(&txn)
            .await?
            .rows_affected;
        if updated != 1 {
            return Err(Refusal::Conflict);
        }
        let author = by.agent.as_ref().map(|a| a.id);
        for (kind, body) in &step.events {
            request_event::ActiveModel {
                request_id: Set(row.id),
                kind: Set(kind.code().to_owned()),
                level: Set(step.level),
                body: Set(body.clone()),
                public: Set(kind.is_public()),
                created_at: Set(now),
                agent_id: Set(author),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        audit::record(&txn, &by.actor(), step.audit.0, Some(row.id), &step.audit.1, now).await?;
        txn.commit().await?;
        tracing::info!(request = row.id, step = step.audit.0, level = step.level, agent = ?author, "agent step recorded");
        Ok(())
    }

    /// A note on the request: public (an answer the citizen reads in the history and
    /// receives by e-mail, in the same transaction; status "Em análise") or internal
    /// (agents only, never shown to the citizen).
    pub async fn note(&self, by: &By, number: &ProtocolNumber, text: &str, public: bool) -> Result<(), Refusal> {
        let text = clean_text(text)?;
        let letters = self.letters();
        self.change(by, number, move |txn, row, now| {
            Box::pin(async move {
                let standing = standing_of(row, now);
                if !public {
                    return Ok(Step {
                        events: vec![(EventKind::InternalNote, text)],
                        status: standing.status,
                        level: row.level,
                        assignee: None,
                        audit: (action::NOTE, String::new()),
                    });
                }
                let status = standing.reply()?.status;
                let system_name = system_name(txn, row.system_id).await?;
                let mail = request_answered(
                    &letters.sender,
                    &RequestAnswered {
                        citizen_name: &row.name,
                        citizen_email: &row.email,
                        protocol_number: &row.number,
                        system_name: &system_name,
                        reply: &text,
                        open_url: &letters.history_url(&row.number, now),
                    },
                )?;
                enqueue_mail(txn, Some(row.id), "request_answered", mail, now).await?;
                Ok(Step {
                    events: vec![(EventKind::Answer, text)],
                    status,
                    level: row.level,
                    assignee: None,
                    audit: (action::REPLY, String::new()),
                })
            })
        })
        .await?;
        if public {
            self.mail_wakeup.notify_one();
        }
        Ok(())
    }

    /// Moves the request to another support level, with the reason (an internal note:
    /// the citizen reads only that it moved). Nobody holds it at the new level yet.
    pub async fn escalate(&self, by: &By, number: &ProtocolNumber, to_level: i16, reason: &str) -> Result<(), Refusal> {
        if !LEVELS.contains(&to_level) {
            return Err(Refusal::invalid("nivel", "Escolha o Nível 01, 02 ou 03."));
        }
        let reason = clean_text(reason)?;
        self.change(by, number, move |_txn, row, now| {
            Box::pin(async move {
                if row.level == to_level {
                    return Err(Refusal::invalid("nivel", "A solicitação já está neste nível."));
                }
                let next = standing_of(row, now).take_up()?;
                Ok(Step {
                    events: vec![
                        (EventKind::InternalNote, format!("Motivo do encaminhamento ao Nível {to_level:02}: {reason}")),
                        (EventKind::Escalation, format!("Solicitação encaminhada ao Nível {to_level:02}.")),
                    ],
                    status: next.status,
                    level: to_level,
                    assignee: Some(None),
                    audit: (action::ESCALATE, format!("do Nível {:02} ao Nível {to_level:02}", row.level)),
                })
            })
        })
        .await
    }

    /// The acting agent takes the request.
    pub async fn claim(&self, by: &By, number: &ProtocolNumber) -> Result<(), Refusal> {
        let Some(agent_id) = by.agent.as_ref().map(|a| a.id) else {
            return Err(Refusal::invalid("atendente", "Só um atendente pode assumir uma solicitação."));
        };
        self.change(by, number, move |_txn, row, now| {
            Box::pin(async move {
                Ok(Step {
                    events: Vec::new(),
                    status: standing_of(row, now).status,
                    level: row.level,
                    assignee: Some(Some(agent_id)),
                    audit: (action::CLAIM, String::new()),
                })
            })
        })
        .await
    }

    /// Hands the request to `colleague`, who must be active and serve its system and level.
    pub async fn assign(&self, by: &By, number: &ProtocolNumber, colleague: i32) -> Result<(), Refusal> {
        self.change(by, number, move |txn, row, now| {
            Box::pin(async move {
                // Active, and signed up (an invitation still pending cannot work on it).
                let target = agent::Entity::find_by_id(colleague)
                    .one(txn)
                    .await?
                    .filter(|a| a.active && a.password_hash.is_some());
                let serves = match &target {
                    Some(a) if a.is_admin => true,
                    Some(a) if a.level == row.level => agent_system::Entity::find()
                        .filter(agent_system::Column::AgentId.eq(a.id))
                        .filter(agent_system::Column::SystemId.eq(row.system_id))
                        .one(txn)
                        .await?
                        .is_some(),
                    _ => false,
                };
                let Some(target) = target.filter(|_| serves) else {
                    return Err(Refusal::invalid(
                        "atendente",
                        "Este atendente não atende o sistema e o nível desta solicitação.",
                    ));
                };
                Ok(Step {
                    events: Vec::new(),
                    status: standing_of(row, now).status,
                    level: row.level,
                    assignee: Some(Some(target.id)),
                    audit: (action::ASSIGN, format!("a {} (id {})", target.name, target.id)),
                })
            })
        })
        .await
    }

    /// Finalizes with `answer`: status Finalizado, the acceptance deadline computed on the
    /// business-day calendar, and the "finalized" e-mail in the same transaction.
    pub async fn finalize(&self, by: &By, number: &ProtocolNumber, answer: &str) -> Result<(), Refusal> {
        let answer = clean_text(answer)?;
        let letters = self.letters();
        self.change(by, number, move |txn, row, now| {
            Box::pin(async move {
                let next = standing_of(row, now).finalize()?;
                let calendar = load_calendar(txn).await?;
                // Read in the transaction: the window in force when the answer is given.
                let window_days = super::settings::load(txn).await?.acceptance_days;
                let due_unix = lifecycle::acceptance_deadline(now.timestamp(), &calendar, window_days);
                let due = DateTime::<Utc>::from_timestamp(due_unix, 0)
                    .ok_or_else(|| Refusal::invalid("texto", "Não foi possível calcular o prazo de aceite."))?;
                let last_day = app::domain::brasilia::date_of(due - chrono::Duration::seconds(1));
                request::Entity::update_many()
                    .col_expr(request::Column::FinalizedAt, Expr::value(now))
                    .col_expr(request::Column::AcceptDueAt, Expr::value(due))
                    .col_expr(request::Column::AcceptedAt, Expr::value(Option::<DateTime<Utc>>::None))
                    .filter(request::Column::Id.eq(row.id))
                    .exec(txn)
                    .await?;
                let system_name = system_name(txn, row.system_id).await?;
                let open_url = letters.history_url(&row.number, now);
                let rate_url = format!("{open_url}&resposta=avaliar");
                let deadline = app::domain::pt_br::date(last_day);
                let mail = request_finalized(
                    &letters.sender,
                    &RequestFinalized {
                        citizen_name: &row.name,
                        citizen_email: &row.email,
                        protocol_number: &row.number,
                        system_name: &system_name,
                        request_text: &row.description,
                        answer: &answer,
                        open_url: &open_url,
                        rate_url: &rate_url,
                        deadline: &deadline,
                        window_days,
                    },
                )?;
                enqueue_mail(txn, Some(row.id), "request_finalized", mail, now).await?;
                Ok(Step {
                    events: vec![(EventKind::Finalization, answer)],
                    status: next.status,
                    level: row.level,
                    assignee: None,
                    audit: (action::FINALIZE, String::new()),
                })
            })
        })
        .await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }
}

/// What the citizen's e-mails need, taken into a step: who sends them and the way to
/// the request's history.
#[derive(Clone)]
struct Letters {
    sender: Sender,
    public_url: String,
    sessions: Sessions,
}

impl Letters {
    /// The history page of `number`, with a signed token that opens it (see `session`).
    fn history_url(&self, number: &str, now: DateTime<Utc>) -> String {
        let token = self.sessions.mail_link(number, now.timestamp());
        format!("{}/acompanhar/{number}?t={token}", self.public_url)
    }
}

/// The name of the request's system, for its e-mails.
async fn system_name(txn: &DatabaseTransaction, system_id: i32) -> Result<String, DbErr> {
    Ok(system::Entity::find_by_id(system_id).one(txn).await?.map(|s| s.name).unwrap_or_default())
}

/// The refusals of agents' texts, as the console shows them.
pub const EMPTY_TEXT: &str = "Escreva o texto.";
pub const LONG_TEXT: &str = "O texto deve ter no máximo 10.000 caracteres.";
pub const CONTROL_TEXT: &str = "O texto contém caracteres de controle; cole-o novamente como texto simples.";

/// Agents' texts: trimmed, not empty, bounded.
pub fn clean_text(text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Refusal::invalid("texto", EMPTY_TEXT));
    }
    if text.chars().count() > 10_000 {
        return Err(Refusal::invalid("texto", LONG_TEXT));
    }
    // PostgreSQL refuses NUL in text and no control character belongs in an answer:
    // the same text must be accepted or refused alike on both engines.
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Refusal::invalid("texto", CONTROL_TEXT));
    }
    Ok(text.to_owned())
}
