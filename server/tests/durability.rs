//! What the server acknowledged survives its death: the real binary, killed with SIGKILL
//! in the middle of a burst of openings and started again on the same data, still has
//! every request it answered 201 for, with its attachment file, and sends its
//! confirmation e-mail. A SIGKILL keeps the operating system's page cache, so this
//! guards the crash guarantee only; what a power cut also needs (synchronous = FULL,
//! files and folders flushed) is checked by the unit tests of `db` and `durable`.
//! Stopped with SIGTERM instead, the server answers every request it had taken (the
//! others find the port closed), exits 0, and leaves no e-mail leased in the outbox.

mod common;

use common::burst::{Burst, Stop};
use common::opening::{fields_for, funcionalidade_id_in, mail_text};
use common::process::Running;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use server::config::{DatabaseKind, DatabaseSettings};
use server::db::entities::{attachment, outbox_message, request};
use std::collections::BTreeSet;
use std::time::Duration;

/// Openings in the burst, how many are in flight at once, and after how many numbers
/// the server is stopped (well before the end, so that the stop lands mid-burst).
const BURST: Burst = Burst { openings: 120, in_flight: 24, stop_after: 30 };

async fn connect(database_url: &str, kind: DatabaseKind) -> DatabaseConnection {
    let settings = DatabaseSettings { url: database_url.to_owned(), kind, pool_size: 2 };
    server::db::connect(&settings).await.unwrap_or_else(|e| panic!("{e}"))
}

/// `work` holds the data folder (and the SQLite file, when that is the engine).
async fn survives_a_stop_during_a_burst(work: tempfile::TempDir, database_url: &str, kind: DatabaseKind, stop: Stop) {
    let data = work.path().join("data");
    // A new connection per request, as many clients behind many addresses would use: a
    // kept-alive connection closed by the stop as a request is written to it is the
    // client's race (browsers and balancers retry it), not the server's.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));

    let mut first = Running::start(work.path(), "server", database_url, &[]);
    first.ready(&client).await;
    let db = connect(database_url, kind).await;
    let fields = fields_for(funcionalidade_id_in(&db, "cnes", "Transmissão de dados").await);
    let _ = db.close().await;
    let base = first.base.clone();
    let acknowledged = BURST.run(&client, &base, &mut first, &fields, stop).await;
    assert!(acknowledged.len() < BURST.openings, "the kill came after the burst: nothing was interrupted");
    if stop == Stop::Terminate {
        let status = first.exited().await;
        assert!(status.success(), "exit after SIGTERM: {status}\n{}", first.log_text());
        // Nothing left leased: what was not sent is due again at once.
        let db = connect(database_url, kind).await;
        let leased = outbox_message::Entity::find()
            .filter(outbox_message::Column::SentAt.is_null())
            .filter(outbox_message::Column::ClaimedUntil.is_not_null())
            .all(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(leased.is_empty(), "{} e-mails left leased after SIGTERM", leased.len());
        let _ = db.close().await;
    }

    // Started again on the same data, it recovers the database itself.
    let mut second = Running::start(work.path(), "server", database_url, &[]);
    second.ready(&client).await;
    let db = connect(database_url, kind).await;
    let requests = request::Entity::find().all(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let stored: BTreeSet<String> = requests.iter().map(|r| r.number.clone()).collect();
    let lost: Vec<_> = acknowledged.iter().filter(|n| !stored.contains(*n)).collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    eprintln!("{} acknowledged of {} openings; {} stored", acknowledged.len(), BURST.openings, stored.len());

    // Every stored request (the acknowledged ones and any committed whose answer was cut
    // off) has its file, whole.
    let files = attachment::Entity::find().all(&db).await.unwrap_or_else(|e| panic!("{e}"));
    for stored_request in &requests {
        let number = &stored_request.number;
        let own: Vec<_> = files.iter().filter(|f| f.request_id == stored_request.id).collect();
        assert_eq!(own.len(), 1, "request {number} has its attachment record");
        let path = data.join("attachments").join(&own[0].id[..2]).join(&own[0].id);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or_else(|e| panic!("{number}: {e}"));
        assert_eq!(i64::try_from(size).ok(), Some(own[0].size_bytes), "request {number}: file incomplete");
    }

    // Messages a killed instance had claimed stay leased for two minutes before anyone
    // retries them; the test skips that wait instead of sitting through it.
    if stop == Stop::Kill {
        outbox_message::Entity::update_many()
            .col_expr(outbox_message::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
            .filter(outbox_message::Column::SentAt.is_null())
            .exec(&db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let _ = db.close().await;
    let mut missing = stored.clone();
    for _ in 0..600 {
        if let Ok(entries) = std::fs::read_dir(data.join("mail")) {
            for entry in entries.flatten() {
                let text = mail_text(&entry.path());
                missing.retain(|number| !text.contains(number.as_str()));
            }
        }
        if missing.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no e-mail for {missing:?} a minute after the restart:\n{}", second.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_request_through_a_kill() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let url = format!("sqlite://{}/data/portal.db", work.path().display());
    survives_a_stop_during_a_burst(work, &url, DatabaseKind::Sqlite, Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_answers_what_it_took_when_terminated() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let url = format!("sqlite://{}/data/portal.db", work.path().display());
    survives_a_stop_during_a_burst(work, &url, DatabaseKind::Sqlite, Stop::Terminate).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_request_through_a_kill() {
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    survives_a_stop_during_a_burst(work, &url, DatabaseKind::Postgres, Stop::Kill).await;
    common::drop_postgres_database(&name).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_answers_what_it_took_when_terminated() {
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    survives_a_stop_during_a_burst(work, &url, DatabaseKind::Postgres, Stop::Terminate).await;
    common::drop_postgres_database(&name).await;
}
