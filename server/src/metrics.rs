//! Prometheus metrics, on an address of their own (`WEBATEND_METRICS_ADDR`, off by default:
//! the figures are for the operators' network, never for the citizens'). Counters and
//! histograms are recorded where things happen: requests by route and status with their
//! latency, openings, lookups, job rounds, e-mails; the outbox and the database pool are
//! read at each scrape. Labels are routes as declared (`/faq/{system}`), never a path as
//! typed, so a number or a token never becomes a label.

use crate::db::entities::outbox_message as outbox;
use crate::services::jobs::Shutdown;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use std::sync::OnceLock;
use std::time::Duration;

/// Latency buckets, in seconds, for requests and job rounds.
const BUCKETS: [f64; 13] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0];
/// A message due later than this is parked (refused for good), not waiting.
const PARKED_AFTER: chrono::Duration = chrono::Duration::days(365);

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder, once; later calls return the same handle.
pub fn install() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let installed =
                PrometheusBuilder::new().set_buckets(&BUCKETS).and_then(PrometheusBuilder::install_recorder);
            installed.map_err(|error| tracing::error!(error = %error, "metrics recorder not installed")).ok()
        })
        .clone()
}

/// Whether anything records: without a recorder nothing below allocates a label.
fn on() -> bool {
    RECORDER.get().is_some_and(Option::is_some)
}

/// One HTTP request answered.
pub fn request(route: &str, status: u16, elapsed: Duration) {
    if on() {
        metrics::counter!("http_requests_total", "route" => route.to_owned(), "status" => status.to_string())
            .increment(1);
        metrics::histogram!("http_request_duration_seconds", "route" => route.to_owned()).record(elapsed.as_secs_f64());
    }
}

/// A batch of openings written: how many were stored and how many refused.
pub fn openings(stored: usize, refused: usize) {
    if on() {
        metrics::counter!("openings_total", "outcome" => "stored").increment(stored as u64);
        metrics::counter!("openings_total", "outcome" => "refused").increment(refused as u64);
    }
}

/// A citizen's lookup (CPF and number) and how it ended: found, invalid or refused.
pub fn lookup(outcome: &'static str) {
    if on() {
        metrics::counter!("lookups_total", "outcome" => outcome).increment(1);
    }
}

/// One round of a background job.
pub fn job_round(job: &'static str, ok: bool, elapsed: Duration) {
    if on() {
        metrics::counter!("job_runs_total", "job" => job, "outcome" => if ok { "ok" } else { "failed" }).increment(1);
        metrics::histogram!("job_duration_seconds", "job" => job).record(elapsed.as_secs_f64());
    }
}

/// E-mails handed to the transport, and those it refused.
pub fn mail(sent: usize, failed: usize) {
    if on() {
        metrics::counter!("mail_delivered_total").increment(sent as u64);
        metrics::counter!("mail_failed_total").increment(failed as u64);
    }
}

/// The scrape: what was recorded, with the outbox and the pool read now.
pub async fn render(handle: &PrometheusHandle, db: &DatabaseConnection) -> String {
    if let Err(error) = sample_outbox(db).await {
        tracing::warn!(error = %error, "metrics: reading the outbox");
    }
    sample_pool(db);
    handle.run_upkeep();
    handle.render()
}

async fn sample_outbox(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now();
    let (waiting, oldest): (i64, Option<DateTime<Utc>>) = outbox::Entity::find()
        .select_only()
        .expr(Expr::col(outbox::Column::Id).count())
        .expr(Expr::col(outbox::Column::CreatedAt).min())
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lt(now + PARKED_AFTER))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    metrics::gauge!("outbox_pending_messages").set(waiting as f64);
    let age = oldest.map(|oldest| (now - oldest).num_milliseconds().max(0) as f64 / 1000.0).unwrap_or(0.0);
    metrics::gauge!("outbox_oldest_pending_seconds").set(age);
    Ok(())
}

fn sample_pool(db: &DatabaseConnection) {
    let (size, idle, max) = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle(), pool.options().get_max_connections())
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(f64::from(size.saturating_sub(idle)));
    metrics::gauge!("db_pool_connections", "state" => "idle").set(f64::from(idle));
    metrics::gauge!("db_pool_max_connections").set(f64::from(max));
}

/// Serves `GET /metrics` on `listener` until `shutdown`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    db: DatabaseConnection,
    shutdown: Shutdown,
) {
    let app = Router::new()
        .route(
            "/metrics",
            get(|State((handle, db)): State<(PrometheusHandle, DatabaseConnection)>| async move {
                ([(http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], render(&handle, &db).await)
            }),
        )
        .with_state((handle, db));
    if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(async move { shutdown.wait().await }).await {
        tracing::error!(error = %error, "the metrics listener stopped");
    }
}
