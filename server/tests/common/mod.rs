//! Test harness: the real server (the same router `server` builds) on a random port,
//! against a fresh SQLite file or a fresh PostgreSQL database.
#![allow(dead_code)] // each test file uses a different part of it

pub mod burst;
pub mod console;
pub mod follow;
pub mod opening;
pub mod process;
pub mod smtp;

use server::attachments::store::AttachmentStore;
use server::config::{DatabaseKind, RawSettings, RawStorage, Settings};
use server::startup::{self, Portal};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const LEPTOS_TOML: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml");

/// The PostgreSQL server used for tests; each test creates and drops its own database in it.
pub fn postgres_admin_url() -> String {
    std::env::var("WEBATEND_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// In CI (or when asked) a missing PostgreSQL fails the tests instead of skipping them.
pub fn postgres_required() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false")
        || std::env::var_os("WEBATEND_REQUIRE_POSTGRES").is_some_and(|v| v == "1")
}

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub db: sea_orm::DatabaseConnection,
    pub settings: Settings,
    pub kind: DatabaseKind,
    postgres_db: Option<String>,
    delivery: tokio::task::JoinHandle<()>,
    /// The agents' actions (finalize, escalate, notes), called directly by tests.
    pub desk: std::sync::Arc<server::services::desk::DeskService>,
    pub agents: server::services::agents::AgentService,
    /// The acceptance job, run by tests at chosen instants (it is not spawned).
    pub acceptance: server::services::acceptance::AcceptanceJob,
    /// The housekeeping job, likewise run by tests.
    pub housekeeping: server::services::housekeeping::Housekeeping,
    /// The job folding the queue's count deltas, likewise run by tests.
    pub queue_counts: server::services::queue_counts::QueueCounts,
    /// The job telling agents of arrivals, likewise run by tests.
    pub team_notices: server::services::team_notices::TeamNotices,
    /// The retention job, likewise run by tests.
    pub retention: server::services::privacy::retention::RetentionJob,
    /// Where the server keeps attachments (its folder, or its bucket's folder).
    pub attachments: std::sync::Arc<dyn AttachmentStore>,
    _dir: tempfile::TempDir,
}

pub fn raw_settings(dir: &std::path::Path, database_url: String) -> RawSettings {
    RawSettings {
        leptos_toml: PathBuf::from(LEPTOS_TOML),
        site_addr: Some("127.0.0.1:0".into()),
        site_root: Some(dir.join("site").display().to_string()),
        database_url: Some(database_url),
        data_dir: dir.join("data"),
        db_pool_size: "8".into(),
        header_timeout: "10".into(),
        body_timeout: "30".into(),
        max_connections: "1024".into(),
        shutdown_grace: "20".into(),
        log: "warn".into(),
        log_format: "text".into(),
        metrics_addr: None,
        public_url: Some("http://portal.test".into()),
        secret: Some("11".repeat(32)),
        // Real challenges, solved by the tests, at a difficulty that keeps them quick.
        captcha_max_number: "2000".into(),
        captcha_ttl: "900".into(),
        rate_per_ip: "1000".into(),
        rate_per_cpf: "1000".into(),
        lookup_rate_per_ip: "1000".into(),
        lookup_rate_per_cpf: "1000".into(),
        session_minutes: "30".into(),
        acceptance_interval: "3600".into(),
        smtp_host: None,
        smtp_port: "587".into(),
        smtp_tls: "none".into(),
        smtp_user: None,
        smtp_password: None,
        mail_from: "noreply@portal.test".into(),
        trusted_proxies: String::new(),
        storage: test_bucket(),
    }
}

/// With `WEBATEND_TEST_S3_ENDPOINT` set (`scripts/test` starts an S3-compatible server
/// and sets it for a second run of the tests that keep files), every test server keeps
/// its attachments in the bucket `webatendimento-testes`, under a folder of its own;
/// otherwise in its data folder.
pub fn test_bucket() -> RawStorage {
    let Ok(endpoint) = std::env::var("WEBATEND_TEST_S3_ENDPOINT") else { return RawStorage::default() };
    RawStorage {
        s3_bucket: Some("webatendimento-testes".into()),
        s3_endpoint: Some(endpoint),
        s3_region: "us-east-1".into(),
        s3_access_key_id: Some("teste".into()),
        s3_secret_access_key: Some("teste".into()),
        s3_path_style: "true".into(),
        s3_prefix: format!("t{}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed), rand_suffix()),
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty PostgreSQL database, or `None` (after saying why) when the server
/// is not reachable and PostgreSQL is not required.
pub async fn fresh_postgres_database() -> Option<(String, String)> {
    use sea_orm::{ConnectionTrait, Database};
    let admin_url = postgres_admin_url();
    let admin = match Database::connect(admin_url.as_str()).await {
        Ok(c) => c,
        Err(error) => {
            assert!(!postgres_required(), "PostgreSQL is required here but not reachable at {admin_url}: {error}");
            eprintln!("skipping PostgreSQL test: no server at {admin_url} ({error})");
            return None;
        }
    };
    let name =
        format!("webatend_test_{}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst), rand_suffix());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
    let _ = admin.close().await;
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin_url.clone());
    Some((format!("{base}/{name}"), name))
}

fn rand_suffix() -> u32 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0)
}

pub async fn drop_postgres_database(name: &str) {
    use sea_orm::{ConnectionTrait, Database};
    if let Ok(admin) = Database::connect(postgres_admin_url().as_str()).await {
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        let _ = admin.close().await;
    }
}

impl TestServer {
    pub async fn sqlite() -> TestServer {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let url = format!("sqlite://{}/portal.db", dir.path().join("data").display());
        Self::start(dir, url, None).await
    }

    /// `None` when PostgreSQL is unavailable and not required (the reason is printed).
    pub async fn postgres() -> Option<TestServer> {
        let (url, name) = fresh_postgres_database().await?;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        Some(Self::start(dir, url, Some(name)).await)
    }

    pub async fn of(kind: DatabaseKind) -> Option<TestServer> {
        match kind {
            DatabaseKind::Sqlite => Some(Self::sqlite().await),
            DatabaseKind::Postgres => Self::postgres().await,
        }
    }

    async fn start(dir: tempfile::TempDir, url: String, postgres_db: Option<String>) -> TestServer {
        let settings = raw_settings(dir.path(), url).validate().unwrap_or_else(|e| panic!("{e}"));
        Self::start_with(dir, settings, postgres_db).await
    }

    /// A server on an existing database that `finish` leaves in place (several
    /// instances sharing one PostgreSQL database).
    pub async fn on_database(url: String) -> TestServer {
        Self::on_database_with(url, |_| ()).await
    }

    /// The same, with adjusted settings.
    pub async fn on_database_with(url: String, adjust: impl FnOnce(&mut RawSettings)) -> TestServer {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let mut raw = raw_settings(dir.path(), url);
        adjust(&mut raw);
        let settings = raw.validate().unwrap_or_else(|e| panic!("{e}"));
        Self::start_with(dir, settings, None).await
    }

    /// A server with adjusted settings (limits, mail) on a fresh SQLite file.
    pub async fn sqlite_with(adjust: impl FnOnce(&mut RawSettings)) -> TestServer {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let url = format!("sqlite://{}/portal.db", dir.path().join("data").display());
        let mut raw = raw_settings(dir.path(), url);
        adjust(&mut raw);
        let settings = raw.validate().unwrap_or_else(|e| panic!("{e}"));
        Self::start_with(dir, settings, None).await
    }

    async fn start_with(dir: tempfile::TempDir, mut settings: Settings, postgres_db: Option<String>) -> TestServer {
        // No site was built for the test binary, so there is no hash file beside it.
        settings.leptos.hash_files = false;
        // Diagnosis: `WEBATEND_TEST_LOG=server=trace cargo test …` prints the servers' logs.
        if let Ok(filter) = std::env::var("WEBATEND_TEST_LOG") {
            server::telemetry::init(tracing_subscriber::EnvFilter::new(filter), false);
        }
        let Portal {
            router,
            db,
            delivery,
            acceptance,
            housekeeping,
            queue_counts,
            team_notices,
            retention,
            desk,
            agents,
            attachments,
        } = startup::prepare(&settings).await.unwrap_or_else(|e| panic!("{e:#}"));
        let delivery = delivery.spawn(server::services::jobs::Shutdown::never());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("bind: {e}"));
        let addr = listener.local_addr().unwrap_or_else(|e| panic!("addr: {e}"));
        tokio::spawn(server::web::listener::serve(listener, router, settings.connections, std::future::pending()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A response that never comes fails its test instead of stalling the run.
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .unwrap_or_else(|e| panic!("client: {e}"));
        let kind = settings.database.kind;
        TestServer {
            base: format!("http://{addr}"),
            client,
            db,
            settings,
            kind,
            postgres_db,
            delivery,
            desk,
            agents,
            acceptance,
            housekeeping,
            queue_counts,
            team_notices,
            retention,
            attachments,
            _dir: dir,
        }
    }

    /// The bytes kept for attachment `id`, or `None` when there are none.
    pub async fn stored_file(&self, id: &str) -> Option<Vec<u8>> {
        match self.attachments.get(id).await {
            Ok(bytes) => Some(bytes),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => panic!("reading attachment {id}: {error}"),
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// A GET that announces which compressions the client accepts.
    pub async fn get_accepting(&self, path: &str, accept_encoding: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .header("accept-encoding", accept_encoding)
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Status and body of a GET, without Leptos' hydration markers (`<!>`), whose
    /// placement depends on build flags, not on what the page says.
    pub async fn page(&self, path: &str) -> (u16, String) {
        let response = self.get(path).await;
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_else(|e| panic!("body of {path}: {e}"));
        (status, body.replace("<!>", ""))
    }

    /// The stored row of request `number` (the test fails if there is none).
    pub async fn stored_request(&self, number: &str) -> server::db::entities::request::Model {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::db::entities::request;
        request::Entity::find()
            .filter(request::Column::Number.eq(number))
            .one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("no request {number}"))
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self.settings.data_dir.clone()
    }

    pub async fn finish(self) {
        self.delivery.abort();
        // Closing waits for every connection to come back; never let that hang a test.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.db.clone().close()).await;
        if let Some(name) = &self.postgres_db {
            drop_postgres_database(name).await;
        }
    }
}

/// Runs an async check against SQLite and, as a second test, PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($check:ident) => {
        mod $check {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let server = $crate::common::TestServer::sqlite().await;
                super::$check(&server).await;
                server.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(server) = $crate::common::TestServer::postgres().await else { return };
                super::$check(&server).await;
                server.finish().await;
            }
        }
    };
}
