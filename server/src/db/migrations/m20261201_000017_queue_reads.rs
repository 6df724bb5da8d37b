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

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &str = r#"
ALTER TABLE requests ADD COLUMN search_vector tsvector
  GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
CREATE INDEX idx_requests_search_vector ON requests USING GIN (search_vector);
DROP INDEX IF EXISTS idx_requests_search;
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(SCOPES_UP).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            db.execute_unprepared(POSTGRES_UP).await?;
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
