//! This instance's copy of the reference data every queue page reads (systems,
//! funcionalidades, pontos facultativos), taken from the database at most once every
//! [`FRESH_FOR`] instead of three readings per page. A change made on this instance is
//! seen at once (its writer calls [`Reference::forget`] after committing); one made on
//! another instance, or from the command line, within [`FRESH_FOR`]. Nothing here decides
//! who may see what: the agent's systems and level are read with the session, every time.

use super::load_calendar;
use crate::db::entities::{funcionalidade, system};
use app::domain::calendar::Calendar;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a copy serves before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

/// What the queue shows beside its rows, as read at one moment.
pub struct Snapshot {
    /// Every system, in display order.
    pub systems: Vec<system::Model>,
    /// Every funcionalidade, by system and position.
    pub funcionalidades: Vec<funcionalidade::Model>,
    pub calendar: Calendar,
}

impl Snapshot {
    async fn read(db: &impl ConnectionTrait) -> Result<Snapshot, DbErr> {
        let systems = system::Entity::find().order_by_asc(system::Column::Position).all(db).await?;
        let funcionalidades = funcionalidade::Entity::find()
            .order_by_asc(funcionalidade::Column::SystemId)
            .order_by_asc(funcionalidade::Column::Position)
            .all(db)
            .await?;
        Ok(Snapshot { systems, funcionalidades, calendar: load_calendar(db).await? })
    }
}

/// The copy and when it was read.
type Kept = Option<(Instant, Arc<Snapshot>)>;

/// The shared copy; clones share it.
#[derive(Clone, Default)]
pub struct Reference {
    kept: Arc<Mutex<Kept>>,
    /// Moves at every [`Reference::forget`], so that a reading begun before a change is
    /// used once but never kept.
    changes: Arc<AtomicU64>,
}

impl Reference {
    /// The copy, read again when it is older than [`FRESH_FOR`] or was forgotten.
    pub async fn get(&self, db: &impl ConnectionTrait) -> Result<Arc<Snapshot>, DbErr> {
        if let Some((taken, snapshot)) = self.kept.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            if taken.elapsed() < FRESH_FOR {
                return Ok(snapshot.clone());
            }
        }
        let changes = self.changes.load(Ordering::Acquire);
        let taken = Instant::now();
        let snapshot = Arc::new(Snapshot::read(db).await?);
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if self.changes.load(Ordering::Acquire) == changes {
            *kept = Some((taken, snapshot.clone()));
        }
        Ok(snapshot)
    }

    /// Drops the copy: called after a change to systems, funcionalidades or the calendar
    /// is committed.
    pub fn forget(&self) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        self.changes.fetch_add(1, Ordering::AcqRel);
        *kept = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DatabaseKind, DatabaseSettings};
    use crate::db::entities::optional_day_off;
    use crate::db::migrations::Migrator;
    use sea_orm::{ActiveModelTrait, Set};
    use sea_orm_migration::MigratorTrait;

    #[tokio::test]
    async fn a_change_here_is_seen_at_once_and_a_copy_serves_meanwhile() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let url = format!("sqlite://{}/portal.db", dir.path().display());
        let settings = DatabaseSettings { url, kind: DatabaseKind::Sqlite, pool_size: 2 };
        let db = crate::db::connect(&settings).await.unwrap_or_else(|e| panic!("{e}"));
        Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("{e}"));
        let reference = Reference::default();
        let first = reference.get(&db).await.unwrap_or_else(|e| panic!("{e}"));
        let day = app::domain::calendar::Date { year: 2030, month: 6, day: 12 };
        assert!(first.calendar.is_business_day(day));

        optional_day_off::ActiveModel { day: Set(day.iso()), description: Set("Ponto facultativo".to_owned()) }
            .insert(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        // Within FRESH_FOR and not told: the same copy.
        let kept = reference.get(&db).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(Arc::ptr_eq(&first, &kept));
        // Told of the change: read again.
        reference.forget();
        let after = reference.get(&db).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(!after.calendar.is_business_day(day));
    }
}
