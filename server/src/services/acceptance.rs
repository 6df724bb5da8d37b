//! The acceptance job: a finalized request nobody contested by the end of its third
//! business day is accepted (no reopening from then on; rating stays possible). Each
//! batch is one statement that flips only rows still unaccepted and returns them, so a
//! second instance, a restart or a rerun never accepts a request twice; its timeline
//! entries are written in the same transaction.

use crate::db::WriteGate;
use app::domain::lifecycle::{EventKind, Status};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, TransactionTrait};
use std::time::Duration;

/// Requests accepted per transaction: short transactions, few round trips.
pub const BATCH: u32 = 1_000;

const BODY: &str = "Prazo para contestação encerrado sem manifestação: a solicitação foi considerada atendida.";

#[derive(Clone)]
pub struct AcceptanceJob {
    db: DatabaseConnection,
    gate: WriteGate,
    interval: Duration,
}

impl AcceptanceJob {
    pub fn new(db: DatabaseConnection, gate: WriteGate, interval: Duration) -> AcceptanceJob {
        AcceptanceJob { db, gate, interval }
    }

    /// Accepts every request due at `now`, in batches; returns how many.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        let mut total = 0;
        loop {
            let accepted = self.batch(now).await?;
            total += accepted;
            if accepted < u64::from(BATCH) {
                return Ok(total);
            }
        }
    }

    async fn batch(&self, now: DateTime<Utc>) -> Result<u64, DbErr> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let backend = txn.get_database_backend();
        // The outer conditions repeat the inner ones on purpose: on PostgreSQL a second
        // instance that waited for the row lock re-checks them against the committed row
        // and skips what the first instance accepted; SKIP LOCKED lets it move on to
        // other rows instead of waiting.
        let (sql, values) = match backend {
            DatabaseBackend::Postgres => (
                "UPDATE requests SET accepted_at = $1, updated_at = $1, version = version + 1 \
                 WHERE id IN (SELECT id FROM requests WHERE status = $2 AND accept_due_at <= $1 \
                 AND accepted_at IS NULL AND closed_at IS NULL ORDER BY accept_due_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 AND status = $2 AND accepted_at IS NULL AND closed_at IS NULL RETURNING id, level",
                vec![now.into(), Status::Finalizado.code().into(), i64::from(BATCH).into()],
            ),
            _ => (
                "UPDATE requests SET accepted_at = ?1, updated_at = ?1, version = version + 1 \
                 WHERE id IN (SELECT id FROM requests WHERE status = ?2 AND accept_due_at <= ?1 \
                 AND accepted_at IS NULL AND closed_at IS NULL ORDER BY accept_due_at LIMIT ?3) \
                 AND status = ?2 AND accepted_at IS NULL AND closed_at IS NULL RETURNING id, level",
                vec![now.into(), Status::Finalizado.code().into(), i64::from(BATCH).into()],
            ),
        };
        let rows = txn.query_all(Statement::from_sql_and_values(backend, sql, values)).await?;
        let mut accepted = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i32 = row.try_get_by_index(0)?;
            let level: i16 = row.try_get_by_index(1)?;
            accepted.push((id, level));
        }
        // Timeline entries in chunks: 5 values a row stays far below both engines'
        // limits on bound parameters.
        for chunk in accepted.chunks(500) {
            let mut insert = sea_orm::sea_query::Query::insert();
            insert.into_table(sea_orm::sea_query::Alias::new("request_events")).columns(
                ["request_id", "kind", "level", "body", "public", "created_at"].map(sea_orm::sea_query::Alias::new),
            );
            for (id, level) in chunk {
                insert.values_panic([
                    (*id).into(),
                    EventKind::Acceptance.code().into(),
                    (*level).into(),
                    BODY.into(),
                    true.into(),
                    now.into(),
                ]);
            }
            txn.execute(backend.build(&insert)).await?;
        }
        txn.commit().await?;
        Ok(accepted.len() as u64)
    }

    /// Runs forever at the configured interval (and once at start), logging each outcome.
    pub fn spawn(self, shutdown: crate::services::jobs::Shutdown) -> tokio::task::JoinHandle<()> {
        super::jobs::every(self.interval, "acceptance", shutdown, move || {
            let job = self.clone();
            async move {
                let accepted = job.run_once(Utc::now()).await?;
                Ok((accepted > 0).then(|| format!("{accepted} finalized requests accepted after their window")))
            }
        })
    }
}
