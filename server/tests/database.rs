//! Schema and seed: identical on SQLite and PostgreSQL, and idempotent.

mod common;

use common::TestServer;
use sea_orm::{EntityTrait, PaginatorTrait};
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
