//! Schema and seed: identical on SQLite and PostgreSQL, and idempotent.

mod common;

use common::TestServer;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use sea_orm_migration::MigratorTrait;
use server::db::entities::{faq_entry, funcionalidade, system};

async fn counts(server: &TestServer) -> (u64, u64, u64) {
    let systems = system::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    let faq = faq_entry::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    let funcs = funcionalidade::Entity::find().count(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    (systems, faq, funcs)
}

async fn seeding_twice_changes_nothing(server: &TestServer) {
    let before = counts(server).await;
    assert_eq!(before.0, 2, "CNES and SAPS");
    assert!(before.1 >= 13 && before.2 >= 12, "{before:?}");
    server::startup::migrate_and_seed(&server.db, server.kind).await.unwrap_or_else(|e| panic!("{e:#}"));
    let report = server::seed::run(&server.db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.systems_created, 0);
    assert_eq!(counts(server).await, before);
}
on_both_databases!(seeding_twice_changes_nothing);

async fn cnes_funcionalidades_are_seeded_in_order(server: &TestServer) {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let cnes = system::Entity::find()
        .filter(system::Column::Slug.eq("cnes"))
        .one(&server.db)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no CNES"));
    let names: Vec<String> = funcionalidade::Entity::find()
        .filter(funcionalidade::Column::SystemId.eq(cnes.id))
        .order_by_asc(funcionalidade::Column::Position)
        .all(&server.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| f.name)
        .collect();
    let seeded = server::seed::SEED_SYSTEMS.iter().find(|s| s.slug == "cnes").map(|s| s.funcionalidades);
    assert_eq!(Some(names.iter().map(String::as_str).collect::<Vec<_>>().as_slice()), seeded);
}
on_both_databases!(cnes_funcionalidades_are_seeded_in_order);

async fn foreign_keys_are_enforced(server: &TestServer) {
    use sea_orm::{ActiveModelTrait, Set};
    let now = chrono::Utc::now();
    let orphan = faq_entry::ActiveModel {
        system_id: Set(987_654),
        question: Set("?".into()),
        answer_md: Set("!".into()),
        position: Set(0),
        published: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&server.db)
    .await;
    assert!(orphan.is_err(), "an entry of a system that does not exist was stored");
}
on_both_databases!(foreign_keys_are_enforced);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_in_wal_mode() {
    use sea_orm::{ConnectionTrait, Statement};
    let server = TestServer::sqlite().await;
    let row = server
        .db
        .query_one(Statement::from_string(server.db.get_database_backend(), "PRAGMA journal_mode"))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no row"));
    let mode: String = row.try_get_by_index(0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mode, "wal");
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_starting_together_on_one_postgres_both_come_up() {
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut settings = common::raw_settings(dir.path(), url).validate().unwrap_or_else(|e| panic!("{e}"));
    settings.leptos.hash_files = false;
    let (a, b) = tokio::join!(server::startup::prepare(&settings), server::startup::prepare(&settings));
    let (a, b) = (a.unwrap_or_else(|e| panic!("{e:#}")), b.unwrap_or_else(|e| panic!("{e:#}")));
    let systems = system::Entity::find().count(&a.db).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(systems, 2);
    let _ = a.db.close().await;
    let _ = b.db.close().await;
    common::drop_postgres_database(&name).await;
}

/// Migration 17 rebuilds the queue's scope indexes. On a SQLite database that holds the
/// planner's statistics, the rebuilt ones get theirs too: without them the planner chose
/// the other indexes and the agent's queue took ten times as long.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rebuilt_queue_indexes_keep_the_planner_statistics() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for analyzed in [true, false] {
        let url = format!("sqlite://{}/portal-{analyzed}.db", dir.path().display());
        let settings =
            server::config::DatabaseSettings { url, kind: server::config::DatabaseKind::Sqlite, pool_size: 1 };
        let db = server::db::connect(&settings).await.unwrap_or_else(|e| panic!("{e}"));
        server::db::migrations::Migrator::up(&db, Some(16)).await.unwrap_or_else(|e| panic!("{e}"));
        // SQLite keeps no statistics of an empty table: one request (its system and
        // funcionalidade are not needed for this, so the one connection skips the checks).
        for statement in [
            "PRAGMA foreign_keys = OFF",
            "INSERT INTO requests (number, system_id, funcionalidade_id, status, level, email, name, cpf, phone, \
             uf, description, created_at, updated_at) VALUES ('202600000001', 1, 1, 'recebido', 1, 'a@b.br', 'A', \
             '52998224725', '61999999999', 'DF', 'x', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')",
        ] {
            db.execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{e}"));
        }
        if analyzed {
            db.execute_unprepared("ANALYZE").await.unwrap_or_else(|e| panic!("{e}"));
        }
        server::db::migrations::Migrator::up(&db, None).await.unwrap_or_else(|e| panic!("{e}"));
        let stats = db
            .query_all(sea_orm::Statement::from_string(
                db.get_database_backend(),
                "SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1' \
                 UNION ALL SELECT idx FROM sqlite_stat1 WHERE idx LIKE 'idx_requests_scope%'",
            ))
            .await;
        let names: Vec<String> = match stats {
            Ok(rows) => rows.iter().filter_map(|row| row.try_get_by_index(0).ok()).collect(),
            Err(_) => Vec::new(), // no sqlite_stat1 at all
        };
        if analyzed {
            for index in ["idx_requests_scope", "idx_requests_scope_uf", "idx_requests_scope_feature"] {
                assert!(names.iter().any(|n| n == index), "{index} has statistics: {names:?}");
            }
        } else {
            assert!(names.is_empty(), "a database never analyzed stays so: {names:?}");
        }
    }
}
