//! Prometheus metrics: requests by declared route (never a typed path) and status with
//! their latency, openings, lookups, job rounds, the outbox's depth and age, the pool;
//! served on an address of their own.

mod common;

use common::follow::lookup;
use common::opening::open_request;
use common::TestServer;
use server::services::jobs::Shutdown;

/// The value of the sample `line_start` (name and labels as rendered), if present.
fn sample(text: &str, line_start: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(line_start)?.trim().parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_counts_what_it_does() {
    let recorder = server::metrics::install().unwrap_or_else(|| panic!("no recorder"));
    let server = TestServer::sqlite().await;
    assert_eq!(server.get("/faq/cnes").await.status().as_u16(), 200);
    assert_eq!(server.get("/faq/nao-existe").await.status().as_u16(), 404);
    let number = open_request(&server, "529.982.247-25").await;
    let _ = lookup(&server, "529.982.247-25", &number).await;
    let _ = lookup(&server, "123.456.789-09", &number).await;
    server.acceptance.run_once(chrono::Utc::now()).await.unwrap_or_else(|e| panic!("{e}"));

    let text = server::metrics::render(&recorder, &server.db).await;
    let pages = sample(&text, "http_requests_total{route=\"/faq/{system}\",status=\"200\"}");
    assert!(pages.is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "http_requests_total{route=\"/faq/{system}\",status=\"404\"}").is_some(), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket{route=\"/faq/{system}\",le=\"0.1\"}"), "{text}");
    assert!(sample(&text, "openings_total{outcome=\"stored\"}").is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "lookups_total{outcome=\"found\"}").is_some_and(|n| n >= 1.0), "{text}");
    assert!(sample(&text, "lookups_total{outcome=\"refused\"}").is_some_and(|n| n >= 1.0), "{text}");
    assert!(text.contains("job_runs_total{job=\"mail delivery\",outcome=\"ok\"}"), "{text}");
    assert!(text.contains("job_duration_seconds_count{job=\"mail delivery\"}"), "{text}");
    assert!(sample(&text, "outbox_pending_messages").is_some(), "{text}");
    assert!(sample(&text, "outbox_oldest_pending_seconds").is_some(), "{text}");
    assert!(sample(&text, "db_pool_max_connections").is_some_and(|n| n >= 1.0), "{text}");
    assert!(text.contains("db_pool_connections{state=\"idle\"}"), "{text}");
    // A protocol number, a CPF or a path as typed never becomes a label.
    assert!(!text.contains(number.as_str()), "{text}");
    assert!(!text.contains("nao-existe"), "{text}");
    assert!(!text.contains("52998224725"), "{text}");

    // Served on an address of its own.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (stop, shutdown) = Shutdown::channel();
    let serving = tokio::spawn(server::metrics::serve(listener, recorder, server.db.clone(), shutdown));
    let scraped = reqwest::get(format!("http://{address}/metrics")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(scraped.status().as_u16(), 200);
    assert!(scraped.text().await.unwrap_or_default().contains("http_requests_total"));
    let _ = stop.send(true);
    tokio::time::timeout(std::time::Duration::from_secs(5), serving)
        .await
        .unwrap_or_else(|_| panic!("still serving"))
        .ok();
    server.finish().await;
}
