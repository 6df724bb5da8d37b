//! What support agents do to a request: take it up with an answer or an internal note,
//! escalate it to another level, and finalize it with an answer, which opens the
//! citizen's 3-business-day window and queues the "finalized" e-mail. The agents'
//! console calls these; until it exists, so do the operator's command line and tests.

use super::follow_up::standing_of;
use super::{enqueue_mail, load_calendar};
use crate::db::entities::{request, request_event, system};
use crate::db::WriteGate;
use crate::mail::compose::{self, ComposeError, RequestFinalized, Sender};
use crate::session::Sessions;
use app::domain::lifecycle::{self, EventKind, Refusal, Status};
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

#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error("no request with this number")]
    NotFound,
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("invalid: {0}")]
    Invalid(&'static str),
    #[error("the request changed meanwhile; try again")]
    Conflict,
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("composing the e-mail: {0}")]
    Mail(#[from] ComposeError),
}

pub struct DeskService {
    db: DatabaseConnection,
    gate: WriteGate,
    sessions: Sessions,
    sender: Sender,
    public_url: String,
    mail_wakeup: Arc<Notify>,
}

/// A timeline entry to add, and the request's status and level afterwards (written by
/// the one versioned UPDATE of [`DeskService::change`]).
struct Step {
    kind: EventKind,
    body: String,
    status: Status,
    level: i16,
}

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

    /// Runs `change` on the request `number` in one write transaction, guarded by its
    /// version so that two agents (or an agent and the citizen) never overwrite each other.
    async fn change<F>(&self, number: &str, change: F) -> Result<(), DeskError>
    where
        F: for<'a> FnOnce(
            &'a DatabaseTransaction,
            &'a request::Model,
            DateTime<Utc>,
        )
            -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Step, DeskError>> + Send + 'a>>,
    {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let row = request::Entity::find()
            .filter(request::Column::Number.eq(number))
            .one(&txn)
            .await?
            .ok_or(DeskError::NotFound)?;
        let now = Utc::now();
        let step = change(&txn, &row, now).await?;
        let updated = request::Entity::update_many()
            .col_expr(request::Column::Status, Expr::value(step.status.code()))
            .col_expr(request::Column::Level, Expr::value(step.level))
            .col_expr(request::Column::Version, Expr::value(row.version + 1))
            .col_expr(request::Column::UpdatedAt, Expr::value(now))
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::Version.eq(row.version))
            .exec(&txn)
            .await?
            .rows_affected;
        if updated != 1 {
            return Err(DeskError::Conflict);
        }
        request_event::ActiveModel {
            request_id: Set(row.id),
            kind: Set(step.kind.code().to_owned()),
            level: Set(step.level),
            body: Set(step.body),
            public: Set(step.kind.is_public()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        tracing::info!(request = row.id, step = step.kind.code(), level = step.level, "agent step recorded");
        Ok(())
    }

    /// A note on the request: public (an answer the citizen reads, status "Em análise")
    /// or internal (agents only, never shown to the citizen).
    pub async fn note(&self, number: &str, text: &str, public: bool) -> Result<(), DeskError> {
        let text = clean_text(text)?;
        self.change(number, move |_txn, row, now| {
            Box::pin(async move {
                let standing = standing_of(row, now);
                let (kind, status) = if public {
                    (EventKind::Answer, standing.take_up()?.status)
                } else {
                    (EventKind::InternalNote, standing.status)
                };
                Ok(Step { kind, body: text, status, level: row.level })
            })
        })
        .await
    }

    /// Moves the request to another support level.
    pub async fn escalate(&self, number: &str, to_level: i16) -> Result<(), DeskError> {
        if !LEVELS.contains(&to_level) {
            return Err(DeskError::Invalid("level must be 1, 2 or 3"));
        }
        self.change(number, move |_txn, row, now| {
            Box::pin(async move {
                if row.level == to_level {
                    return Err(DeskError::Invalid("the request is at that level already"));
                }
                let next = standing_of(row, now).take_up()?;
                Ok(Step {
                    kind: EventKind::Escalation,
                    body: format!("Solicitação encaminhada ao Nível {to_level:02}."),
                    status: next.status,
                    level: to_level,
                })
            })
        })
        .await
    }

    /// Finalizes with `answer`: status Finalizado, the acceptance deadline computed on the
    /// business-day calendar, and the "finalized" e-mail in the same transaction.
    pub async fn finalize(&self, number: &str, answer: &str) -> Result<(), DeskError> {
        let answer = clean_text(answer)?;
        let sender = self.sender.clone();
        let public_url = self.public_url.clone();
        let sessions = self.sessions.clone();
        self.change(number, move |txn, row, now| {
            Box::pin(async move {
                let next = standing_of(row, now).finalize()?;
                let calendar = load_calendar(txn).await?;
                let due_unix = lifecycle::acceptance_deadline(now.timestamp(), &calendar);
                let due =
                    DateTime::<Utc>::from_timestamp(due_unix, 0).ok_or(DeskError::Invalid("deadline out of range"))?;
                let last_day = lifecycle::brasilia_date(due_unix - 1);
                request::Entity::update_many()
                    .col_expr(request::Column::FinalizedAt, Expr::value(now))
                    .col_expr(request::Column::AcceptDueAt, Expr::value(due))
                    .col_expr(request::Column::AcceptedAt, Expr::value(Option::<DateTime<Utc>>::None))
                    .filter(request::Column::Id.eq(row.id))
                    .exec(txn)
                    .await?;
                let system_name =
                    system::Entity::find_by_id(row.system_id).one(txn).await?.map(|s| s.name).unwrap_or_default();
                let token = sessions.mail_link(&row.number, now.timestamp());
                let open_url = format!("{public_url}/acompanhar/{}?t={token}", row.number);
                let rate_url = format!("{open_url}&resposta=avaliar");
                let deadline = format!("{:02}/{:02}/{:04}", last_day.day, last_day.month, last_day.year);
                let mail = compose::request_finalized(
                    &sender,
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
                    },
                )?;
                enqueue_mail(txn, row.id, "request_finalized", mail, now).await?;
                Ok(Step { kind: EventKind::Finalization, body: answer, status: next.status, level: row.level })
            })
        })
        .await?;
        self.mail_wakeup.notify_one();
        Ok(())
    }
}

/// Agents' texts: trimmed, not empty, bounded.
fn clean_text(text: &str) -> Result<String, DeskError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DeskError::Invalid("the text is empty"));
    }
    if text.chars().count() > 10_000 {
        return Err(DeskError::Invalid("the text is longer than 10,000 characters"));
    }
    // PostgreSQL refuses NUL in text and no control character belongs in an answer:
    // the same text must be accepted or refused alike on both engines.
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(DeskError::Invalid("the text contains control characters"));
    }
    Ok(text.to_owned())
}
