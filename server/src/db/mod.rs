//! Database access: connecting to SQLite (embedded default) or PostgreSQL, the schema
//! migrations, and the sea-orm entities. The same migrations serve both engines.

pub mod entities;
pub mod migrations;

use crate::config::{sqlite_path, DatabaseKind, DatabaseSettings};
use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr, SqlxSqliteConnector};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// How long a request waits for a free connection before the database counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot create the folder of the SQLite file {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Open(String),
}

/// SQLite admits one writer at a time, and a writer that finds it busy waits in SQLite's
/// busy handler, which sleeps in growing steps (up to 100 ms): under contention that turns
/// into long, unfair tails. Write transactions of one process queue here instead, in
/// arrival order, and reach SQLite one at a time. PostgreSQL locks rows, not the
/// database: no gate there.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(Option<std::sync::Arc<SqliteGate>>);

#[derive(Debug)]
struct SqliteGate {
    turn: tokio::sync::Semaphore,
    /// The database's write-ahead log, flushed by [`WriteGate::make_durable`].
    wal: Option<std::path::PathBuf>,
}

impl WriteGate {
    /// A gate without a log to flush (tests and tools that need no durability).
    pub fn for_kind(kind: DatabaseKind) -> WriteGate {
        match kind {
            DatabaseKind::Sqlite => {
                WriteGate(Some(std::sync::Arc::new(SqliteGate { turn: tokio::sync::Semaphore::new(1), wal: None })))
            }
            DatabaseKind::Postgres => WriteGate(None),
        }
    }

    /// The server's gate: on SQLite it also knows the log [`make_durable`] flushes.
    pub fn for_database(settings: &DatabaseSettings) -> WriteGate {
        match settings.kind {
            DatabaseKind::Sqlite => WriteGate(Some(std::sync::Arc::new(SqliteGate {
                turn: tokio::sync::Semaphore::new(1),
                wal: sqlite_path(&settings.url).map(|db| {
                    let mut wal = db.into_os_string();
                    wal.push("-wal");
                    wal.into()
                }),
            }))),
            DatabaseKind::Postgres => WriteGate(None),
        }
    }

    /// Waits for the turn to write; the turn lasts as long as the returned guard.
    pub async fn enter(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        match &self.0 {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(gate) => gate.turn.acquire().await.ok(),
            None => None,
        }
    }

    /// Makes the commits made so far survive a power cut. SQLite commits with
    /// `synchronous=NORMAL` (in WAL mode a commit is written to the log but not flushed: a
    /// crashed process loses nothing, a power cut may lose the last commits); a commit that
    /// acknowledges something to a citizen (a protocol number) calls this after it, so a
    /// whole batch of openings costs one flush, and the commits nobody was promised
    /// anything about (deliveries, sessions) none. PostgreSQL flushes every commit itself.
    pub async fn make_durable(&self) -> std::io::Result<()> {
        let Some(wal) = self.0.as_ref().and_then(|gate| gate.wal.clone()) else { return Ok(()) };
        tokio::task::spawn_blocking(move || match std::fs::File::open(&wal) {
            Ok(log) => log.sync_data(),
            // Checkpointed and removed meanwhile: what it held is in the database file,
            // which the checkpoint flushed.
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        })
        .await
        .map_err(std::io::Error::other)?
    }
}

/// Opens a pool. SQLite runs in WAL mode (readers never wait for the writer) with
/// foreign keys enforced, as PostgreSQL always does, and every commit flushed to the disk
/// before it returns.
pub async fn connect(settings: &DatabaseSettings) -> Result<DatabaseConnection, ConnectError> {
    match settings.kind {
        DatabaseKind::Sqlite => {
            if let Some(parent) = sqlite_path(&settings.url).as_deref().and_then(std::path::Path::parent) {
                if !parent.as_os_str().is_empty() {
                    // Once, at start-up: blocking here is harmless.
                    crate::durable::Folders::default()
                        .ensure(parent)
                        .map_err(|source| ConnectError::Folder { path: parent.display().to_string(), source })?;
                }
            }
            let options = SqliteConnectOptions::from_str(&settings.url)
                .map_err(|e| ConnectError::Open(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // NORMAL: a commit is written to the log, flushed at checkpoints; what
                // must survive a power cut (an acknowledged protocol number) is flushed by
                // its writer with `WriteGate::make_durable`, once per batch. Flushing
                // every commit (FULL) made deliveries and sessions queue the disk too:
                // 1,777 openings/s at 64 clients instead of 2,484 on a disk without flushes.
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            // No `mmap_size`: in WAL mode a connection unmaps the whole file whenever a
            // write happened since its last read, and faulting the pages in again cost more
            // than copying them (the queue: 253 → 302 pages/s without it, writes going on).
            let pool = SqlitePoolOptions::new()
                .max_connections(settings.pool_size)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options)
                .await
                .map_err(|e| ConnectError::Open(e.to_string()))?;
            Ok(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        }
        DatabaseKind::Postgres => {
            let mut options = ConnectOptions::new(settings.url.clone());
            options
                .max_connections(settings.pool_size)
                .connect_timeout(ACQUIRE_TIMEOUT)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .sqlx_logging(false);
            Database::connect(options).await.map_err(|e: DbErr| ConnectError::Open(e.to_string()))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use sea_orm::{ConnectionTrait, Statement};

    async fn pragma(db: &DatabaseConnection, name: &str) -> String {
        let row = db
            .query_one(Statement::from_string(db.get_database_backend(), format!("PRAGMA {name}")))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index::<i64>(0).map(|n| n.to_string()).or_else(|_| row.try_get_by_index::<String>(0)).unwrap()
    }

    /// Commits run with synchronous = NORMAL (reported as 1); acknowledged ones are
    /// flushed by `make_durable`, which finds the log beside the database file.
    #[tokio::test]
    async fn the_log_of_acknowledged_commits_is_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/data/portal.db", dir.path().display());
        let settings = DatabaseSettings { url, kind: DatabaseKind::Sqlite, pool_size: 2 };
        let db = connect(&settings).await.unwrap();
        assert_eq!(pragma(&db, "journal_mode").await, "wal");
        assert_eq!(pragma(&db, "synchronous").await, "1");
        assert_eq!(pragma(&db, "mmap_size").await, "0");
        let gate = WriteGate::for_database(&settings);
        let wal = gate.0.as_ref().and_then(|g| g.wal.clone()).unwrap();
        assert_eq!(wal, dir.path().join("data/portal.db-wal"));
        db.execute_unprepared("CREATE TABLE t (x INTEGER)").await.unwrap();
        assert!(wal.exists(), "the commit went to the log");
        gate.make_durable().await.unwrap();
        db.close().await.unwrap();
    }
}
