//! The settings an administrator changes at `/admin/configuracoes`: the citizen's window to
//! contest an answer, the attachment limits and the retention periods. One database row, so every instance reads
//! the same values; each instance keeps them for a few seconds, because the request form
//! and its submission (the portal's busiest paths) need them every time. The instance
//! that saves a change uses it at once; the others within [`FRESH_FOR`].

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::refuse;
use crate::db::entities::portal_settings;
use crate::db::WriteGate;
use crate::refusal::{FieldProblem, Refusal};
use app::api::settings::SettingsPage;
use app::api::AppError;
use app::domain::privacy::Retention;
use app::domain::settings::{AttachmentLimits, PortalSettings};
use app::ports::SettingsAdmin;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QuerySelect, Set, TransactionTrait};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long an instance trusts the values it read.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// The single row's key.
const ROW: i32 = 1;

/// The settings as stored; a row edited by hand to something out of range is brought
/// back within range (and logged), a missing row means the defaults.
pub async fn load(db: &impl ConnectionTrait) -> Result<PortalSettings, DbErr> {
    let Some(row) = portal_settings::Entity::find_by_id(ROW).one(db).await? else {
        return Ok(PortalSettings::DEFAULT);
    };
    let within = |value: i16, (low, high): (u8, u8), name: &'static str| -> u8 {
        let clamped = value.clamp(i16::from(low), i16::from(high));
        if clamped != value {
            tracing::warn!(setting = name, value, "a stored setting is out of range; using {clamped}");
        }
        u8::try_from(clamped).unwrap_or(low)
    };
    let months = |value: i16, name: &'static str| -> u16 {
        let (low, high) = Retention::MONTHS;
        let clamped = u16::try_from(value).unwrap_or(low).clamp(low, high);
        if i32::from(clamped) != i32::from(value) {
            tracing::warn!(setting = name, value, "a stored setting is out of range; using {clamped}");
        }
        clamped
    };
    Ok(PortalSettings {
        acceptance_days: within(row.acceptance_days, PortalSettings::DAYS, "acceptance_days"),
        attachments: AttachmentLimits {
            max_files: within(row.max_attachments, AttachmentLimits::FILES, "max_attachments"),
            max_mb: within(row.max_attachment_mb, AttachmentLimits::MB, "max_attachment_mb"),
        },
        retention: Retention {
            requests_months: months(row.retention_months, "retention_months"),
            audit_months: months(row.audit_retention_months, "audit_retention_months"),
        },
    })
}

async fn store(db: &impl ConnectionTrait, settings: PortalSettings, now: chrono::DateTime<Utc>) -> Result<(), DbErr> {
    portal_settings::Entity::insert(portal_settings::ActiveModel {
        id: Set(ROW),
        acceptance_days: Set(i16::from(settings.acceptance_days)),
        max_attachments: Set(i16::from(settings.attachments.max_files)),
        max_attachment_mb: Set(i16::from(settings.attachments.max_mb)),
        retention_months: Set(i16::try_from(settings.retention.requests_months).unwrap_or(i16::MAX)),
        audit_retention_months: Set(i16::try_from(settings.retention.audit_months).unwrap_or(i16::MAX)),
        updated_at: Set(Some(now)),
    })
    .on_conflict(
        OnConflict::column(portal_settings::Column::Id)
            .update_columns([
                portal_settings::Column::AcceptanceDays,
                portal_settings::Column::MaxAttachments,
                portal_settings::Column::MaxAttachmentMb,
                portal_settings::Column::RetentionMonths,
                portal_settings::Column::AuditRetentionMonths,
                portal_settings::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The settings with a short-lived copy in memory.
pub struct SettingsStore {
    db: DatabaseConnection,
    /// When read, the values, and the number of saves this instance had made by then.
    cached: RwLock<Option<(Instant, PortalSettings, u64)>>,
    saves: AtomicU64,
}

impl SettingsStore {
    pub fn new(db: DatabaseConnection) -> Arc<SettingsStore> {
        Arc::new(SettingsStore { db, cached: RwLock::new(None), saves: AtomicU64::new(0) })
    }

    /// The values in force (read again once the copy is older than [`FRESH_FOR`]).
    pub async fn current(&self) -> Result<PortalSettings, DbErr> {
        if let Some((read_at, settings, _)) = *self.cached.read().unwrap_or_else(|poisoned| poisoned.into_inner()) {
            if read_at.elapsed() < FRESH_FOR {
                return Ok(settings);
            }
        }
        let saves = self.saves.load(Ordering::Acquire);
        let settings = load(&self.db).await?;
        let mut cached = self.cached.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        // A read that began before a save here must not put the old values back.
        if cached.is_none_or(|(_, _, seen)| seen <= saves) && self.saves.load(Ordering::Acquire) == saves {
            *cached = Some((Instant::now(), settings, saves));
        }
        Ok(settings)
    }

    /// Values this instance has just saved: in force here at once.
    fn remember(&self, settings: PortalSettings) {
        let saves = self.saves.fetch_add(1, Ordering::AcqRel) + 1;
        *self.cached.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((Instant::now(), settings, saves));
    }
}

/// The settings page and its post (administrators only; every change audited).
pub struct SettingsService {
    db: DatabaseConnection,
    gate: WriteGate,
    admin: Arc<AdminService>,
    store: Arc<SettingsStore>,
}

impl SettingsService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, admin: Arc<AdminService>, store: Arc<SettingsStore>) -> Self {
        SettingsService { db, gate, admin, store }
    }

    pub async fn administrator(&self, session: Option<&str>) -> Result<Principal, AppError> {
        self.admin.administrator(session).await
    }

    /// Saves the values posted by the page (see [`PortalSettings::parse`]), with the old
    /// and new values in the log.
    pub async fn change(&self, by: &Principal, form: [&str; 5], client: Option<String>) -> Result<(), Refusal> {
        let new = PortalSettings::parse(form).map_err(|problems| {
            Refusal::Invalid(problems.into_iter().map(|(field, message)| FieldProblem { field, message }).collect())
        })?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            // Two administrators saving at once: the second waits, so each audit line's
            // "old" values are the ones it replaced. (SQLite: the write gate does this.)
            let lock = portal_settings::Entity::find_by_id(ROW).lock_exclusive();
            lock.one(&txn).await?;
        }
        let old = load(&txn).await?;
        if old == new {
            // Saved unchanged: nothing to store, nothing to audit ("3 → 3" said nothing).
            return Ok(());
        }
        store(&txn, new, now).await?;
        let detail = format!(
            "prazo de contestação {} → {} dias úteis; anexos {} → {} arquivos de até {} → {} MB; \
             retenção {} → {} meses, auditoria {} → {} meses",
            old.acceptance_days,
            new.acceptance_days,
            old.attachments.max_files,
            new.attachments.max_files,
            old.attachments.max_mb,
            new.attachments.max_mb,
            old.retention.requests_months,
            new.retention.requests_months,
            old.retention.audit_months,
            new.retention.audit_months
        );
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::SETTINGS, None, &detail, now).await?;
        txn.commit().await?;
        self.store.remember(new);
        Ok(())
    }
}

#[async_trait]
impl SettingsAdmin for SettingsService {
    async fn settings(&self, session: Option<&str>) -> Result<SettingsPage, AppError> {
        let admin = self.administrator(session).await?;
        let settings = load(&self.db).await.map_err(refuse("loading the settings"))?;
        Ok(SettingsPage { admin: admin.view(), settings })
    }
}
