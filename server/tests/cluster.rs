//! Production's shape on this machine's loopback (issue 17): two instances of the real
//! binary on one PostgreSQL database, keeping files in the S3-compatible bucket and
//! sending mail over SMTP, behind Debian's nginx balancing them round-robin. A burst of
//! openings goes through nginx while one instance is killed with SIGKILL, then started
//! again on its port. Every acknowledged number has its row and its file in the bucket,
//! and every stored request exactly one confirmation; the acceptance job, which both
//! instances run every second, accepts each due request once.
//!
//! It runs where `scripts/test` provides the bucket (`WEBATEND_TEST_S3_ENDPOINT`) and
//! nginx (Debian's, or `WEBATEND_TEST_NGINX`); elsewhere it says why it is skipped.

mod common;

use app::domain::lifecycle::{EventKind, Status};
use common::burst::{open, Answer, Burst, Stop};
use common::opening::{fields_for, form, funcionalidade_id_in, png, solved_captcha_at};
use common::process::{free_port, nginx_binary, storage_env, Balancer, Running};
use common::smtp::FakeSmtp;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use server::attachments::bucket::Bucket;
use server::attachments::store::AttachmentStore;
use server::config::{DatabaseKind, DatabaseSettings, S3Settings};
use server::db::entities::{attachment, outbox_message, request, request_event};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

const BURST: Burst = Burst { openings: 150, in_flight: 16, stop_after: 40 };
/// Openings sent one by one once the killed instance is back.
const AFTER_RESTART: usize = 20;
/// Requests made due for acceptance, which both instances' jobs then race for.
const DUE: u64 = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_nginx_keep_every_acknowledged_opening_when_one_is_killed() {
    let storage = common::test_bucket();
    let Some(bucket) = storage.validate().unwrap_or_else(|e| panic!("{e}")) else {
        eprintln!("skipping the cluster test: no S3-compatible server (scripts/test starts one)");
        return;
    };
    let nginx = nginx_binary().unwrap_or_else(|| panic!("the cluster test needs nginx (scripts/test installs it)"));
    let Some((url, name)) = common::fresh_postgres_database().await else { return };
    let mut env = storage_env(&storage);
    let checked = tokio::time::timeout(Duration::from_secs(300), cluster(&url, &mut env, &bucket, &nginx)).await;
    common::drop_postgres_database(&name).await;
    checked.unwrap_or_else(|_| panic!("the cluster test took over 5 minutes"));
}

async fn connect(url: &str) -> DatabaseConnection {
    let settings = DatabaseSettings { url: url.to_owned(), kind: DatabaseKind::Postgres, pool_size: 2 };
    server::db::connect(&settings).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn cluster(url: &str, env: &mut Vec<(&'static str, String)>, bucket: &S3Settings, nginx: &Path) {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let smtp = FakeSmtp::start().await;
    env.extend([
        ("WEBATEND_SMTP_HOST", "127.0.0.1".to_owned()),
        ("WEBATEND_SMTP_PORT", smtp.port.to_string()),
        ("WEBATEND_SMTP_TLS", "none".to_owned()),
        ("WEBATEND_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
        ("WEBATEND_ACCEPTANCE_INTERVAL", "1".to_owned()),
    ]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap_or_else(|e| panic!("client: {e}"));
    let ports = [free_port(), free_port()];
    let mut first = Running::start_on(work.path(), "first", ports[0], url, env);
    first.ready(&client).await;
    let mut second = Running::start_on(work.path(), "second", ports[1], url, env);
    second.ready(&client).await;
    let balancer = Balancer::start(nginx, work.path(), ports).await;
    let db = connect(url).await;
    let fields = fields_for(funcionalidade_id_in(&db, "cnes", "Transmissão de dados").await);

    // The burst through nginx; the first instance is killed mid-way and started again.
    let mut acknowledged = BURST.run(&client, &balancer.base, &mut first, &fields, Stop::Kill).await;
    assert!(acknowledged.len() < BURST.openings, "the kill came after the burst: nothing was interrupted");
    let served_before = balancer.upstreams_used().len();
    first = Running::start_on(work.path(), "first", ports[0], url, env);
    first.ready(&client).await;
    // nginx leaves an instance that failed out of the rotation for `fail_timeout` (2 s).
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    for _ in 0..AFTER_RESTART {
        let captcha = solved_captcha_at(&client, &balancer.base).await;
        let body = form(&fields, &captcha, vec![("tela.png".into(), png(8, 8))]);
        match open(&client, &format!("{}/api/chamados/cnes", balancer.base), body).await {
            Answer::Number(number) => acknowledged.push(number),
            Answer::Refused(why) | Answer::None(why) => panic!("opening after the restart: {why}"),
            Answer::NotConnected => panic!("nginx refused the connection after the restart"),
        }
    }
    let restarted = format!("127.0.0.1:{}", ports[0]);
    let used_after: Vec<String> = balancer.upstreams_used().split_off(served_before);
    assert!(used_after.contains(&restarted), "nginx sent nothing to the restarted instance: {used_after:?}");

    // Every acknowledged number is stored, and every stored request has its file, whole,
    // in the bucket.
    let requests = request::Entity::find().all(&db).await.unwrap_or_else(|e| panic!("{e}"));
    let stored: BTreeSet<String> = requests.iter().map(|r| r.number.clone()).collect();
    let lost: Vec<_> = acknowledged.iter().filter(|n| !stored.contains(*n)).collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    eprintln!(
        "{} acknowledged of {} openings; {} stored",
        acknowledged.len(),
        BURST.openings + AFTER_RESTART,
        stored.len()
    );
    let files = Bucket::new(bucket).unwrap_or_else(|e| panic!("{e}"));
    let records = attachment::Entity::find().all(&db).await.unwrap_or_else(|e| panic!("{e}"));
    for stored_request in &requests {
        let number = &stored_request.number;
        let own: Vec<_> = records.iter().filter(|f| f.request_id == stored_request.id).collect();
        assert_eq!(own.len(), 1, "request {number} has its attachment record");
        let bytes = files.get(&own[0].id).await.unwrap_or_else(|e| panic!("request {number}'s file: {e}"));
        assert_eq!(i64::try_from(bytes.len()).ok(), Some(own[0].size_bytes), "request {number}: file incomplete");
    }

    accepted_once_by_either_instance(&db, &requests).await;
    confirmed_once(&db, &smtp, &requests).await;
    let _ = db.close().await;
    drop(balancer);
    second.terminate();
    assert!(second.exited().await.success(), "the second instance's exit:\n{}", second.log_text());
}

/// `DUE` requests made due for acceptance (finalized, their window over) while both
/// instances run the job every second: each is accepted, with one timeline entry.
async fn accepted_once_by_either_instance(db: &DatabaseConnection, requests: &[request::Model]) {
    let due: Vec<i32> = requests.iter().take(DUE as usize).map(|r| r.id).collect();
    let past = chrono::Utc::now() - chrono::Duration::days(1);
    request::Entity::update_many()
        .col_expr(request::Column::Status, Expr::value(Status::Finalizado.code()))
        .col_expr(request::Column::AcceptDueAt, Expr::value(past))
        .filter(request::Column::Id.is_in(due.clone()))
        .exec(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let accepted = || {
        request::Entity::find()
            .filter(request::Column::Id.is_in(due.clone()))
            .filter(request::Column::AcceptedAt.is_not_null())
            .count(db)
    };
    for _ in 0..150 {
        if accepted().await.unwrap_or_else(|e| panic!("{e}")) == DUE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(accepted().await.unwrap_or_else(|e| panic!("{e}")), DUE, "requests accepted within 15 s");
    // Two more runs of each instance's job, which must find nothing left to accept.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let entries = request_event::Entity::find()
        .filter(request_event::Column::RequestId.is_in(due))
        .filter(request_event::Column::Kind.eq(EventKind::Acceptance.code()))
        .count(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(entries, DUE, "one acceptance entry per request");
}

/// Every stored request gets its confirmation, composed once (one outbox row) and
/// delivered under one Message-ID.
async fn confirmed_once(db: &DatabaseConnection, smtp: &FakeSmtp, requests: &[request::Model]) {
    // The killed instance's leases hold its claimed messages for two minutes. Once the
    // live instances have sent everything else (the unsent count stops falling), those
    // leases are lifted instead of waited out; nothing else is in flight by then.
    let unsent = || outbox_message::Entity::find().filter(outbox_message::Column::SentAt.is_null()).count(db);
    let mut last = u64::MAX;
    for _ in 0..60 {
        let now = unsent().await.unwrap_or_else(|e| panic!("{e}"));
        if now == 0 || now == last {
            break;
        }
        last = now;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    outbox_message::Entity::update_many()
        .col_expr(outbox_message::Column::ClaimedUntil, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
        .filter(outbox_message::Column::SentAt.is_null())
        .exec(db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    let rows = outbox_message::Entity::find().all(db).await.unwrap_or_else(|e| panic!("{e}"));
    for stored in requests {
        let own = rows.iter().filter(|m| m.request_id == Some(stored.id) && m.kind == "request_registered").count();
        assert_eq!(own, 1, "request {} has one confirmation composed", stored.number);
    }
    let mut missing: BTreeSet<&str> = requests.iter().map(|r| r.number.as_str()).collect();
    let mut ids: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut deliveries: BTreeMap<&str, usize> = BTreeMap::new();
    for _ in 0..300 {
        let received = smtp.messages().await;
        ids.clear();
        deliveries.clear();
        for message in &received {
            let text = String::from_utf8_lossy(&message.data).replace("=\r\n", "");
            let id = text
                .lines()
                .find_map(|line| line.strip_prefix("Message-ID:").or_else(|| line.strip_prefix("Message-Id:")))
                .map(|id| id.trim().to_owned())
                .unwrap_or_default();
            for stored in requests {
                if text.contains(stored.number.as_str()) {
                    ids.entry(stored.number.as_str()).or_default().insert(id.clone());
                    *deliveries.entry(stored.number.as_str()).or_default() += 1;
                }
            }
        }
        missing.retain(|number| !ids.contains_key(number));
        if missing.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(missing.is_empty(), "no e-mail for {missing:?} 30 s after the restart");
    for (number, ids) in &ids {
        assert_eq!(ids.len(), 1, "request {number}: one message, not {ids:?}");
    }
    // A message an instance handed to the relay just before it was killed, and had not yet
    // marked sent, goes again under the same Message-ID (receivers drop the copy).
    let again: usize = deliveries.values().map(|n| n - 1).sum();
    eprintln!("{} confirmations delivered; {again} delivered again under the same Message-ID", ids.len());
}
