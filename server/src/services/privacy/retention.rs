//! Retention: requests that ended (rated, accepted, closed, or past their window to
//! contest) longer ago than the period set at `/admin/configuracoes` are anonymised, in
//! batches, by the same steps as an administrator's "Anonimizar" (free texts removed);
//! audit entries older than their own period are deleted. Each run that did something
//! writes one audit entry. Safe with two instances: each request is taken by a
//! conditional update. `server retencao --simular` lists what would be anonymised.

use super::anonymise::{anonymise_requests, Anonymised};
use crate::attachments::store::AttachmentStore;
use crate::db::entities::{audit_entry, request};
use crate::db::WriteGate;
use crate::services::audit::{self, action, Actor};
use crate::services::settings;
use app::domain::lifecycle::Status;
use chrono::{DateTime, Months, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use std::path::PathBuf;
use std::sync::Arc;

/// How often the job looks (it finds nothing most of the time).
pub const INTERVAL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
/// Requests anonymised per transaction.
const BATCH: u64 = 200;

#[derive(Clone)]
pub struct RetentionJob {
    db: DatabaseConnection,
    gate: WriteGate,
    attachments: Arc<dyn AttachmentStore>,
    mail_dir: Option<PathBuf>,
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionRun {
    pub anonymised: Anonymised,
    pub audit_deleted: u64,
}

/// A request due, as the dry run lists it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub number: String,
    pub status: String,
    pub last_activity: DateTime<Utc>,
}

/// Requests that ended and whose every date is before `cutoff`, not anonymised yet.
fn ended_before(cutoff: DateTime<Utc>, now: DateTime<Utc>) -> Condition {
    let before = |column: request::Column| Condition::any().add(column.is_null()).add(column.lt(cutoff));
    let ended = Condition::any().add(request::Column::Status.eq(Status::Avaliado.code())).add(
        Condition::all().add(request::Column::Status.eq(Status::Finalizado.code())).add(
            Condition::any()
                .add(request::Column::AcceptedAt.is_not_null())
                .add(request::Column::ClosedAt.is_not_null())
                .add(request::Column::AcceptDueAt.lt(now)),
        ),
    );
    Condition::all()
        .add(request::Column::AnonymizedAt.is_null())
        .add(ended)
        .add(request::Column::UpdatedAt.lt(cutoff))
        .add(before(request::Column::AcceptedAt))
        .add(before(request::Column::ClosedAt))
        .add(before(request::Column::AcceptDueAt))
}

impl RetentionJob {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        attachments: Arc<dyn AttachmentStore>,
        mail_dir: Option<PathBuf>,
    ) -> RetentionJob {
        RetentionJob { db, gate, attachments, mail_dir }
    }

    async fn cutoffs(&self, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), DbErr> {
        let retention = settings::load(&self.db).await?.retention;
        let back = |months: u16| now.checked_sub_months(Months::new(u32::from(months))).unwrap_or(now);
        Ok((back(retention.requests_months), back(retention.audit_months)))
    }

    /// What a run at `now` would anonymise, oldest first.
    pub async fn due(&self, now: DateTime<Utc>) -> Result<Vec<Due>, DbErr> {
        let (cutoff, _) = self.cutoffs(now).await?;
        Ok(request::Entity::find()
            .filter(ended_before(cutoff, now))
            .order_by_asc(request::Column::UpdatedAt)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| Due { number: r.number, status: r.status, last_activity: r.updated_at })
            .collect())
    }

    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<RetentionRun, DbErr> {
        let (cutoff, audit_cutoff) = self.cutoffs(now).await?;
        let mut run = RetentionRun::default();
        loop {
            let ids: Vec<i32> = request::Entity::find()
                .select_only()
                .column(request::Column::Id)
                .filter(ended_before(cutoff, now))
                .order_by_asc(request::Column::Id)
                .limit(BATCH)
                .into_tuple()
                .all(&self.db)
                .await?;
            if ids.is_empty() {
                break;
            }
            let _turn = self.gate.enter().await;
            let txn = self.db.begin().await?;
            let (done, leftovers) = anonymise_requests(&txn, &ids, false, now).await?;
            txn.commit().await?;
            leftovers.remove(&self.attachments, self.mail_dir.as_ref()).await;
            run.anonymised.requests += done.requests;
            run.anonymised.attachments += done.attachments;
            run.anonymised.mails += done.mails;
            if done.requests == 0 {
                // Another instance is taking these; it will finish them, or the next run will.
                break;
            }
        }
        let _turn = self.gate.enter().await;
        run.audit_deleted = audit_entry::Entity::delete_many()
            .filter(audit_entry::Column::At.lt(audit_cutoff))
            .exec(&self.db)
            .await?
            .rows_affected;
        if run != RetentionRun::default() {
            let detail = format!(
                "{} solicitações anonimizadas ({} anexos, {} e-mails); {} entradas antigas do log apagadas",
                run.anonymised.requests, run.anonymised.attachments, run.anonymised.mails, run.audit_deleted
            );
            audit::record(&self.db, &Actor::default(), action::RETENTION, None, &detail, now).await?;
        }
        Ok(run)
    }

    pub fn spawn(self, shutdown: crate::services::jobs::Shutdown) -> tokio::task::JoinHandle<()> {
        crate::services::jobs::every(INTERVAL, "retention", shutdown, move || {
            let job = self.clone();
            async move {
                let run = job.run_once(Utc::now()).await?;
                Ok((run != RetentionRun::default()).then(|| {
                    format!(
                        "retention: {} requests anonymised, {} audit entries deleted",
                        run.anonymised.requests, run.audit_deleted
                    )
                }))
            }
        })
    }
}
