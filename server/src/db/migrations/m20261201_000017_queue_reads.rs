//! The queue's pages read indexes, not rows (issue 15, measured on 100,000 open requests).
//!
//! - The scope indexes end with `assignee_id`. An agent's queue opens on "theirs or
//!   unassigned", and that condition made every page look up each counted row in the
//!   table (1,001 of them for the capped count): with the column in the index, the count
//!   and the page's ids are read from the index alone.
//! - PostgreSQL keeps each request's search words as a stored `tsvector` column with its
//!   own GIN index, instead of an index on the expression `to_tsvector('simple', …)`: a
//!   page that walks the queue's order checks each row against the search, and with the
//!   expression every such check made the words again from the text. SQLite's FTS5 table
//!   already keeps the words.
//! - Statistics: a rebuilt index has none. On a SQLite database that was analyzed, the
//!   planner then preferred the indexes that kept theirs (the agent's queue went from
//!   p99 90 ms to 930 ms at 16 clients), so the new indexes are analyzed there too; a
//!   database never analyzed stays so. PostgreSQL analyzes the table (a sample) for the
//!   new column.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::SchemaManagerConnection;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
ALTER TABLE requests ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX idx_requests_search_vector ON requests USING GIN (search_vector);
DROP INDEX IF EXISTS idx_requests_search;
ANALYZE requests;
"#;

const POSTGRES_DOWN: &str = r#"
CREATE INDEX idx_requests_search ON requests USING GIN (to_tsvector('simple', search_text));
DROP INDEX IF EXISTS idx_requests_search_vector;
ALTER TABLE requests DROP COLUMN search_vector;
"#;

/// The scope indexes with the holder last. One script, run on one connection: a pool's
/// other connection could still hold the schema from before the `DROP` and refuse the
/// `CREATE` as a duplicate (seen on SQLite when migrations run outside a transaction).
const SCOPES_UP: &str = r#"
DROP INDEX idx_requests_scope;
CREATE INDEX idx_requests_scope ON requests (system_id, level, status, updated_at, assignee_id);
DROP INDEX idx_requests_scope_uf;
CREATE INDEX idx_requests_scope_uf ON requests (system_id, level, uf, status, assignee_id);
DROP INDEX idx_requests_scope_feature;
CREATE INDEX idx_requests_scope_feature ON requests (system_id, level, funcionalidade_id, status, assignee_id);
"#;

const SCOPES_DOWN: &str = r#"
DROP INDEX idx_requests_scope;
CREATE INDEX idx_requests_scope ON requests (system_id, level, status, updated_at);
DROP INDEX idx_requests_scope_uf;
CREATE INDEX idx_requests_scope_uf ON requests (system_id, level, uf, status);
DROP INDEX idx_requests_scope_feature;
CREATE INDEX idx_requests_scope_feature ON requests (system_id, level, funcionalidade_id, status);
"#;

/// Statistics for the rebuilt indexes, on a SQLite database that keeps some.
const SQLITE_ANALYZE: &str = r#"
ANALYZE idx_requests_scope;
ANALYZE idx_requests_scope_uf;
ANALYZE idx_requests_scope_feature;
"#;

/// Whether the SQLite database holds the planner's statistics (`ANALYZE` was run on it).
async fn analyzed(db: &SchemaManagerConnection<'_>) -> Result<bool, DbErr> {
    let query = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
    let row = db.query_one(Statement::from_string(DatabaseBackend::Sqlite, query)).await?;
    Ok(row.map(|row| row.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0) > 0)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(&format!("{SCOPES_UP}{POSTGRES_UP}")).await?;
        } else if analyzed(db).await? {
            db.execute_unprepared(&format!("{SCOPES_UP}{SQLITE_ANALYZE}")).await?;
        } else {
            db.execute_unprepared(SCOPES_UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(POSTGRES_DOWN).await?;
        }
        db.execute_unprepared(SCOPES_DOWN).await.map(|_| ())
    }
}
