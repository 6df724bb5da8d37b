//! Start-up, in order: database connection, migrations, seed data, HTTP router; then
//! serving until a shutdown signal. Tests call [`prepare`] to get the same router.

use crate::attachments::bucket::Bucket;
use crate::attachments::store::{AttachmentStore, LocalFolder};
use crate::captcha::CaptchaIssuer;
use crate::config::MailSettings;
use crate::config::{DatabaseKind, Settings};
use crate::db::{self, migrations::Migrator, WriteGate};
use crate::mail::compose::Sender;
use crate::mail::delivery::Delivery;
use crate::mail::transport::MailTransport;
use crate::rate_limit::LimitStore;
use crate::secret::{self, Keys};
use crate::services::acceptance::AcceptanceJob;
use crate::services::admin::AdminService;
use crate::services::agents::AgentService;
use crate::services::catalog::SeaCatalog;
use crate::services::catalog_admin::CatalogAdminService;
use crate::services::complement::ComplementService;
use crate::services::console::ConsoleService;
use crate::services::desk::DeskService;
use crate::services::faq_help::FaqHelpService;
use crate::services::follow_up::{Copies, FollowService};
use crate::services::housekeeping::Housekeeping;
use crate::services::jobs::Shutdown;
use crate::services::logos::LogoService;
use crate::services::lookup::{LookupLimits, Lookups};
use crate::services::notices::NoticeService;
use crate::services::opening::{OpeningLimits, Outgoing, RequestParts, RequestService};
use crate::services::privacy::retention::RetentionJob;
use crate::services::privacy::PrivacyService;
use crate::services::queue_counts::QueueCounts;
use crate::services::reference::Reference;
use crate::services::reports::ReportService;
use crate::services::settings::{SettingsService, SettingsStore};
use crate::services::team_notices::TeamNotices;
use crate::session::Sessions;
use crate::spent_captchas::{Captchas, SpentCaptchas};
use crate::web::{self, AppState};
use crate::{precompress, seed};
use anyhow::Context;
use app::ports::Ports;
use axum::Router;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use sea_orm_migration::MigratorTrait;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Notify;

/// Serialises schema changes and seeding when several instances start at once against
/// one PostgreSQL database (an arbitrary constant shared by all instances).
const STARTUP_LOCK: i64 = 0x7765_6261_7465_6e64; // "webatend"

/// A ready portal: its router, its database pool, its services and its background jobs
/// (not started).
pub struct Portal {
    pub router: Router,
    pub db: DatabaseConnection,
    pub delivery: Delivery,
    pub acceptance: AcceptanceJob,
    /// Purges expired captchas and idle sign-in throttles (spawned by `serve`).
    pub housekeeping: Housekeeping,
    /// Folds the queue's count deltas (spawned by `serve`).
    pub queue_counts: QueueCounts,
    /// Tells agents of the work arriving in their queues (spawned by `serve`).
    pub team_notices: TeamNotices,
    /// Anonymises what outlived the retention period (spawned by `serve`).
    pub retention: RetentionJob,
    pub desk: Arc<DeskService>,
    pub agents: AgentService,
    /// Where attachments are kept (the folder or the bucket).
    pub attachments: Arc<dyn AttachmentStore>,
}

/// Connects, migrates, seeds and builds the router.
pub async fn prepare(settings: &Settings) -> anyhow::Result<Portal> {
    let db = db::connect(&settings.database).await.context("connecting to the database")?;
    migrate_and_seed(&db, settings.database.kind).await?;
    let secret = match &settings.secret {
        Some(secret) => secret.clone(),
        None => secret::load_or_create(&settings.data_dir)
            .context("reading or creating the secret key (WEBATEND_SECRET)")?,
    };
    let keys = Keys::new(secret);
    let limits = settings.limits;
    let mail_wakeup = Arc::new(Notify::new());
    let gate = WriteGate::for_database(&settings.database);
    let captcha = CaptchaIssuer::new(keys.clone(), limits.captcha_max_number, limits.captcha_ttl);
    let sender = Sender { name: app::SITE_NAME.to_owned(), address: settings.mail_from.clone() };
    let https = settings.public_url.starts_with("https://");
    let sessions = Sessions::new(keys.clone(), limits.session, https);
    let agents = AgentService::new(db.clone(), gate.clone(), keys.clone(), https);
    // This instance's copy of systems, funcionalidades and calendar (the queue's and the
    // history page's), forgotten by every administrator's change to them.
    let reference = Reference::default();
    let console = Arc::new(ConsoleService::new(db.clone(), gate.clone(), agents.clone(), reference.clone()));
    let portal_settings = SettingsStore::new(db.clone());
    // One writer of spent captchas for lookups and refused openings alike.
    let captchas = Captchas { issuer: captcha, spent: SpentCaptchas::start(db.clone(), gate.clone()) };
    let outgoing =
        Outgoing { sender: sender.clone(), public_url: settings.public_url.clone(), wakeup: mail_wakeup.clone() };
    let attachments: Arc<dyn AttachmentStore> = match &settings.storage {
        Some(bucket) => Arc::new(Bucket::new(bucket).context("configuring the S3 bucket (WEBATEND_S3_*)")?),
        None => {
            let folder = settings.data_dir.join("attachments");
            std::fs::create_dir_all(&folder)
                .with_context(|| format!("creating the attachments folder {}", folder.display()))?;
            Arc::new(LocalFolder::new(folder))
        }
    };
    // The per-address and per-CPF limits: in PostgreSQL (shared by every instance) or here.
    let limit_store = LimitStore::for_database(settings.database.kind, &db, &keys);
    let requests = Arc::new(RequestService::new(RequestParts {
        db: db.clone(),
        gate: gate.clone(),
        captchas: captchas.clone(),
        keys: keys.clone(),
        mail: outgoing.clone(),
        settings: portal_settings.clone(),
        attachments: attachments.clone(),
        limits: OpeningLimits { per_ip_per_hour: limits.per_ip_per_hour, per_cpf_per_day: limits.per_cpf_per_day },
        limit_store: limit_store.clone(),
    }));
    let lookups = Lookups::new(
        db.clone(),
        gate.clone(),
        keys,
        captchas,
        sessions.clone(),
        outgoing.clone(),
        LookupLimits { per_ip: limits.lookups_per_ip_per_hour, per_cpf: limits.lookups_per_cpf_per_hour }
            .kept_in(&limit_store),
    );
    let copies = Copies { reference: reference.clone(), settings: portal_settings.clone() };
    let follow = Arc::new(FollowService::new(db.clone(), gate.clone(), sessions.clone(), lookups, copies));
    let complement =
        Arc::new(ComplementService::new(db.clone(), gate.clone(), follow.clone(), attachments.clone(), &limit_store));
    let admin = Arc::new(AdminService::new(
        db.clone(),
        gate.clone(),
        agents.clone(),
        sender.clone(),
        settings.public_url.clone(),
        mail_wakeup.clone(),
        reference,
    ));
    let catalog_admin = Arc::new(CatalogAdminService::new(db.clone(), gate.clone(), admin.clone()));
    let reports = Arc::new(ReportService::new(db.clone(), admin.clone()));
    let settings_admin = Arc::new(SettingsService::new(db.clone(), gate.clone(), admin.clone(), portal_settings));
    let logos = Arc::new(LogoService::new(db.clone(), gate.clone(), admin.clone()));
    let notices = Arc::new(NoticeService::new(db.clone(), gate.clone(), admin.clone()));
    let faq_help = Arc::new(FaqHelpService::new(db.clone(), gate.clone()));
    let desk = Arc::new(DeskService::new(
        db.clone(),
        gate.clone(),
        sessions,
        sender,
        settings.public_url.clone(),
        mail_wakeup.clone(),
    ));
    let acceptance = AcceptanceJob::new(db.clone(), gate.clone(), limits.acceptance_interval);
    let housekeeping = Housekeeping::new(db.clone(), gate.clone(), agents.throttle());
    let queue_counts = QueueCounts::new(db.clone(), gate.clone());
    let team_notices = TeamNotices::new(db.clone(), gate.clone(), outgoing.clone());
    let mail_dir = match &settings.mail {
        MailSettings::Files(dir) => Some(dir.clone()),
        MailSettings::Smtp(_) => None,
    };
    let privacy =
        Arc::new(PrivacyService::new(db.clone(), gate.clone(), admin.clone(), attachments.clone(), mail_dir.clone()));
    let retention = RetentionJob::new(db.clone(), gate.clone(), attachments.clone(), mail_dir);
    let transport = match &settings.mail {
        MailSettings::Files(dir) => MailTransport::files(dir.clone()),
        MailSettings::Smtp(smtp) => MailTransport::smtp(smtp).context("setting up SMTP (WEBATEND_SMTP_*)")?,
    };
    let delivery = Delivery::new(db.clone(), transport, mail_wakeup, gate);
    let ports = Ports {
        catalog: Arc::new(SeaCatalog::new(db.clone())),
        requests: requests.clone(),
        follow: follow.clone(),
        console: console.clone(),
        admin: admin.clone(),
        catalog_admin: catalog_admin.clone(),
        reports: reports.clone(),
        settings: settings_admin.clone(),
        notices: notices.clone(),
        privacy: privacy.clone(),
    };
    let state = AppState {
        leptos: settings.leptos.clone(),
        ports,
        db: db.clone(),
        requests,
        follow,
        complement,
        console,
        admin,
        catalog_admin,
        reports,
        desk: desk.clone(),
        settings: settings_admin,
        logos,
        notices,
        faq_help,
        privacy,
        attachments: attachments.clone(),
        trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
        https,
    };
    Ok(Portal {
        router: web::router(state),
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
    })
}

/// Applies pending migrations and the seed in one transaction (PostgreSQL and SQLite
/// both have transactional DDL), holding a lock on PostgreSQL so that two instances
/// starting together do not race.
pub async fn migrate_and_seed(db: &DatabaseConnection, kind: DatabaseKind) -> anyhow::Result<()> {
    let txn = db.begin().await.context("starting the migration transaction")?;
    if kind == DatabaseKind::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({STARTUP_LOCK})"))
            .await
            .context("taking the start-up lock")?;
    }
    Migrator::up(&txn, None).await.context("migrating the database")?;
    let report = seed::run(&txn).await.context("seeding the database")?;
    txn.commit().await.context("committing migrations and seed")?;
    tracing::info!(systems_created = report.systems_created, "database ready");
    Ok(())
}

pub async fn migrate_only(settings: Settings) -> anyhow::Result<()> {
    let db = db::connect(&settings.database).await.context("connecting to the database")?;
    migrate_and_seed(&db, settings.database.kind).await
}

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    check_built_site(&settings)?;
    let portal = prepare(&settings).await?;
    let site_root = PathBuf::from(settings.leptos.site_root.as_ref());
    tokio::task::spawn_blocking(move || match precompress::site(&site_root) {
        Ok(summary) => {
            tracing::info!(written = summary.written, up_to_date = summary.up_to_date, "static files precompressed")
        }
        Err(error) => tracing::warn!(error = %error, root = %site_root.display(), "could not precompress static files"),
    });
    let address = settings.leptos.site_addr;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listening on {address} (LEPTOS_SITE_ADDR)"))?;
    tracing::info!("serving on http://{address}");
    let (ask_to_stop, shutdown) = Shutdown::channel();
    if let Some(address) = settings.metrics_addr {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("listening for metrics on {address} (WEBATEND_METRICS_ADDR)"))?;
        let recorder = crate::metrics::install().context("installing the metrics recorder")?;
        tokio::spawn(crate::metrics::serve(listener, recorder, portal.db.clone(), shutdown.clone()));
        tracing::info!("metrics on http://{address}/metrics");
    }
    let mut jobs = [
        portal.delivery.spawn(shutdown.clone()),
        portal.acceptance.spawn(shutdown.clone()),
        portal.housekeeping.spawn(shutdown.clone()),
        portal.queue_counts.spawn(shutdown.clone()),
        portal.team_notices.spawn(shutdown.clone()),
        portal.retention.spawn(shutdown),
    ];
    // Returns once no new connection is taken and the requests in progress have ended
    // (or the grace period ran out); every opening acknowledged is then stored and durable.
    web::listener::serve(listener, portal.router, settings.connections, shutdown_signal()).await;
    // The jobs end their rounds: the mail being sent is finished and the rest of its batch
    // given back to the outbox, so the next start (or another instance) sends it at once.
    let _ = ask_to_stop.send(true);
    let grace = settings.connections.shutdown_grace.max(std::time::Duration::from_secs(1));
    let stopping = async {
        for job in &mut jobs {
            let _ = job.await;
        }
    };
    if tokio::time::timeout(grace, stopping).await.is_err() {
        tracing::warn!("background jobs still running at the end of the grace period were cut");
        jobs.iter().for_each(tokio::task::JoinHandle::abort);
    }
    // Connections still held by unfinished work would make closing wait forever.
    match tokio::time::timeout(std::time::Duration::from_secs(10), portal.db.close()).await {
        Ok(closed) => closed.context("closing the database")?,
        Err(_) => tracing::warn!("database pool did not close within 10 s"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// With hashed asset names, every page needs the hash file cargo-leptos writes beside
/// the binary; without it Leptos fails each page, so refuse to start instead.
fn check_built_site(settings: &Settings) -> anyhow::Result<()> {
    if !settings.leptos.hash_files {
        return Ok(());
    }
    let exe = std::env::current_exe().context("locating the server binary")?;
    let hash_file = exe.parent().map(|dir| dir.join(settings.leptos.hash_file.as_ref())).unwrap_or_default();
    anyhow::ensure!(
        hash_file.is_file(),
        "{} is missing: build with `cargo leptos build` (it writes the asset hashes beside the binary)",
        hash_file.display()
    );
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
