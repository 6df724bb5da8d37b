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

/// Each scope index: its name and its columns before `assignee_id`.
const SCOPES: [(&str, [Requests; 4]); 3] = [
    ("idx_requests_scope", [Requests::SystemId, Requests::Level, Requests::Status, Requests::UpdatedAt]),
    ("idx_requests_scope_uf", [Requests::SystemId, Requests::Level, Requests::Uf, Requests::Status]),
    ("idx_requests_scope_feature", [Requests::SystemId, Requests::Level, Requests::FuncionalidadeId, Requests::Status]),
];

async fn create_scopes(manager: &SchemaManager<'_>, with_assignee: bool) -> Result<(), DbErr> {
    for (name, columns) in SCOPES {
        manager.drop_index(Index::drop().name(name).table(Requests::Table).to_owned()).await?;
        let mut index = Index::create();
        index.name(name).table(Requests::Table);
        for column in columns {
            index.col(column);
        }
        if with_assignee {
            index.col(Requests::AssigneeId);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_scopes(manager, true).await?;
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared(POSTGRES_UP).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DatabaseBackend::Postgres {
            manager.get_connection().execute_unprepared(POSTGRES_DOWN).await?;
        }
        create_scopes(manager, false).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Requests {
    Table,
    SystemId,
    Level,
    Status,
    UpdatedAt,
    Uf,
    FuncionalidadeId,
    AssigneeId,
}
