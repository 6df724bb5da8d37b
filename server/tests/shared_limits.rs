//! The per-address limits hold across instances: with PostgreSQL they are counted in the
//! database, so a client spreading its attempts over two instances behind a balancer, or
//! waiting for a restart, gets no more than the limit.

mod common;
use app::api::request::SubmitOutcome;
use common::opening::{form, post, solved_captcha, valid_fields};
use common::{drop_postgres_database, fresh_postgres_database, TestServer};
use sea_orm::{EntityTrait, PaginatorTrait};
use server::config::RawSettings;
use server::db::entities::request;

fn two_an_hour(raw: &mut RawSettings) {
    raw.rate_per_ip = "2".into();
}

async fn open(server: &TestServer) -> (u16, SubmitOutcome) {
    let fields = valid_fields(server).await;
    let captcha = solved_captcha(server).await;
    post(server, "cnes", form(&fields, &captcha, vec![])).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_address_limit_holds_across_instances_and_restarts() {
    let Some((url, name)) = fresh_postgres_database().await else { return };
    let first = TestServer::on_database_with(url.clone(), two_an_hour).await;
    let second = TestServer::on_database_with(url.clone(), two_an_hour).await;

    assert_eq!(open(&first).await.0, 201);
    assert_eq!(open(&second).await.0, 201);
    for server in [&first, &second] {
        let (status, outcome) = open(server).await;
        assert_eq!(status, 429, "{outcome:?}");
        let SubmitOutcome::Refused { message } = outcome else { panic!("{outcome:?}") };
        assert!(message.contains("Muitas solicitações enviadas a partir desta rede"), "{message}");
    }
    first.finish().await;
    second.finish().await;

    // A new instance (a restart) remembers them.
    let restarted = TestServer::on_database_with(url.clone(), two_an_hour).await;
    assert_eq!(open(&restarted).await.0, 429);
    assert_eq!(request::Entity::find().count(&restarted.db).await.unwrap_or_else(|e| panic!("{e}")), 2);

    // The count is kept under a keyed hash: no address is stored.
    let rows = sea_orm::ConnectionTrait::query_all(
        &restarted.db,
        sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Postgres,
            "SELECT scope, key_hash, CAST(hits AS BIGINT) FROM rate_hits",
        ),
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    // One window of one address (two, if the hour turned during the test).
    assert!(!rows.is_empty() && rows.len() <= 2, "{} rows", rows.len());
    let mut hits = 0;
    for row in &rows {
        let key: String = row.try_get_by_index(1).unwrap_or_default();
        assert!(!key.contains("127.0.0.1") && key.len() == 64, "{key}");
        hits += row.try_get_by_index::<i64>(2).unwrap_or_default();
    }
    assert_eq!(hits, 5, "every attempt counted, refused ones too");
    restarted.finish().await;
    drop_postgres_database(&name).await;
}
