//! The queue's search and counts (issue 15), measured on 100,000 open requests.
//!
//! Search: each request keeps the text it is found by (`search_text`, made by
//! `app::domain::queue_search::index_text`), indexed by FTS5 on SQLite (an external-content
//! table kept by triggers) and by a GIN index of `to_tsvector('simple', …)` on PostgreSQL.
//! Both split the same folded words the same way, so a search finds the same requests on
//! either. A full CPF is looked up exactly, by its own index.
//!
//! Counts: the queue shows how many requests each status holds. Counting them at each page
//! read the whole scope (every request an administrator may see). Triggers now append +1
//! and −1 rows to `queue_count_deltas` as requests are opened, moved or removed; the
//! queue sums those with `queue_counts`, into which a job folds them. Appending takes no
//! lock another writer waits for, so busy counters cannot deadlock two instances.

use app::domain::queue_search::index_text;
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &str = r#"
CREATE VIRTUAL TABLE request_search USING fts5(search_text, content='requests', content_rowid='id');
INSERT INTO request_search(request_search) VALUES ('rebuild');
CREATE TRIGGER requests_search_insert AFTER INSERT ON requests BEGIN
  INSERT INTO request_search(rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
CREATE TRIGGER requests_search_delete AFTER DELETE ON requests BEGIN
  INSERT INTO request_search(request_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
END;
CREATE TRIGGER requests_search_update AFTER UPDATE OF search_text ON requests BEGIN
  INSERT INTO request_search(request_search, rowid, search_text) VALUES ('delete', OLD.id, OLD.search_text);
  INSERT INTO request_search(rowid, search_text) VALUES (NEW.id, NEW.search_text);
END;
CREATE TRIGGER requests_count_insert AFTER INSERT ON requests BEGIN
  INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (NEW.system_id, NEW.level, NEW.status, 1);
END;
CREATE TRIGGER requests_count_delete AFTER DELETE ON requests BEGIN
  INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (OLD.system_id, OLD.level, OLD.status, -1);
END;
CREATE TRIGGER requests_count_update AFTER UPDATE OF system_id, level, status ON requests
WHEN OLD.system_id <> NEW.system_id OR OLD.level <> NEW.level OR OLD.status <> NEW.status BEGIN
  INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (OLD.system_id, OLD.level, OLD.status, -1);
  INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (NEW.system_id, NEW.level, NEW.status, 1);
END;
"#;

const SQLITE_DOWN: &str = r#"
DROP TRIGGER IF EXISTS requests_search_insert;
DROP TRIGGER IF EXISTS requests_search_delete;
DROP TRIGGER IF EXISTS requests_search_update;
DROP TRIGGER IF EXISTS requests_count_insert;
DROP TRIGGER IF EXISTS requests_count_delete;
DROP TRIGGER IF EXISTS requests_count_update;
DROP TABLE IF EXISTS request_search;
"#;

const POSTGRES_UP: &str = r#"
CREATE INDEX idx_requests_search ON requests USING GIN (to_tsvector('simple', search_text));
CREATE FUNCTION queue_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (OLD.system_id, OLD.level, OLD.status, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO queue_count_deltas (system_id, level, status, n) VALUES (NEW.system_id, NEW.level, NEW.status, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER requests_count_insert_delete AFTER INSERT OR DELETE ON requests
  FOR EACH ROW EXECUTE FUNCTION queue_count_track();
CREATE TRIGGER requests_count_update AFTER UPDATE OF system_id, level, status ON requests
  FOR EACH ROW WHEN (OLD.system_id <> NEW.system_id OR OLD.level <> NEW.level OR OLD.status <> NEW.status)
  EXECUTE FUNCTION queue_count_track();
"#;

const POSTGRES_DOWN: &str = r#"
DROP TRIGGER IF EXISTS requests_count_insert_delete ON requests;
DROP TRIGGER IF EXISTS requests_count_update ON requests;
DROP FUNCTION IF EXISTS queue_count_track();
DROP INDEX IF EXISTS idx_requests_search;
"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Requests::Table)
                    .add_column(ColumnDef::new(Requests::SearchText).text().not_null().default(""))
                    .to_owned(),
            )
            .await?;
        fill_search_text(manager).await?;
        manager
            .create_index(Index::create().name("idx_requests_cpf").table(Requests::Table).col(Requests::Cpf).to_owned())
            .await?;
        // An e-mail typed whole into the search box is matched as the address, without case.
        manager
            .get_connection()
            .execute_unprepared("CREATE INDEX idx_requests_mailbox ON requests (lower(email))")
            .await?;
        // The UF and funcionalidade filters: counted from the index alone (without them
        // a level-1 agent's "uf=SP" read every open request of the level to count 600).
        for (name, column) in
            [("idx_requests_scope_uf", Requests::Uf), ("idx_requests_scope_feature", Requests::FuncionalidadeId)]
        {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Requests::Table)
                        .col(Requests::SystemId)
                        .col(Requests::Level)
                        .col(column)
                        .col(Requests::Status)
                        .to_owned(),
                )
                .await?;
        }
        for table in [QueueCounts::Table, QueueCounts::Deltas] {
            let mut create = Table::create();
            create.table(table);
            if table == QueueCounts::Deltas {
                create.col(ColumnDef::new(QueueCounts::Id).big_integer().not_null().auto_increment().primary_key());
            }
            create
                .col(ColumnDef::new(QueueCounts::SystemId).integer().not_null())
                .col(ColumnDef::new(QueueCounts::Level).small_integer().not_null())
                .col(ColumnDef::new(QueueCounts::Status).string_len(20).not_null())
                .col(ColumnDef::new(QueueCounts::N).big_integer().not_null());
            if table == QueueCounts::Table {
                create.primary_key(
                    Index::create().col(QueueCounts::SystemId).col(QueueCounts::Level).col(QueueCounts::Status),
                );
            }
            manager.create_table(create.to_owned()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "INSERT INTO queue_counts (system_id, level, status, n) \
             SELECT system_id, level, status, COUNT(*) FROM requests GROUP BY system_id, level, status",
        )
        .await?;
        let script = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_UP,
            _ => SQLITE_UP,
        };
        db.execute_unprepared(script).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let script = match manager.get_database_backend() {
            DatabaseBackend::Postgres => POSTGRES_DOWN,
            _ => SQLITE_DOWN,
        };
        manager.get_connection().execute_unprepared(script).await?;
        manager.drop_table(Table::drop().table(QueueCounts::Deltas).to_owned()).await?;
        manager.drop_table(Table::drop().table(QueueCounts::Table).to_owned()).await?;
        for name in ["idx_requests_cpf", "idx_requests_scope_uf", "idx_requests_scope_feature", "idx_requests_mailbox"]
        {
            manager.drop_index(Index::drop().name(name).table(Requests::Table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Requests::Table).drop_column(Requests::SearchText).to_owned()).await
    }
}

/// The search text of the requests opened before this migration, a thousand at a time.
async fn fill_search_text(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut after = 0i32;
    loop {
        let select = Query::select()
            .columns([
                Requests::Id,
                Requests::Number,
                Requests::Name,
                Requests::Email,
                Requests::Phone,
                Requests::Description,
            ])
            .from(Requests::Table)
            .and_where(Expr::col(Requests::Id).gt(after))
            .order_by(Requests::Id, Order::Asc)
            .limit(1000)
            .to_owned();
        let rows = db.query_all(backend.build(&select)).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.try_get_by_index(0)?;
        for row in &rows {
            let id: i32 = row.try_get_by_index(0)?;
            let text: [String; 5] = [
                row.try_get_by_index(1)?,
                row.try_get_by_index(2)?,
                row.try_get_by_index(3)?,
                row.try_get_by_index(4)?,
                row.try_get_by_index(5)?,
            ];
            let update = Query::update()
                .table(Requests::Table)
                .value(Requests::SearchText, index_text(&text[0], &text[1], &text[2], &text[3], &text[4]))
                .and_where(Expr::col(Requests::Id).eq(id))
                .to_owned();
            db.execute(backend.build(&update)).await?;
        }
    }
}

#[derive(DeriveIden)]
enum Requests {
    Table,
    Id,
    Number,
    Name,
    Email,
    Phone,
    Description,
    Cpf,
    SearchText,
    SystemId,
    Level,
    Uf,
    FuncionalidadeId,
    Status,
}

#[derive(DeriveIden, Clone, Copy, PartialEq, Eq)]
enum QueueCounts {
    Table,
    #[sea_orm(iden = "queue_count_deltas")]
    Deltas,
    Id,
    SystemId,
    Level,
    Status,
    N,
}
