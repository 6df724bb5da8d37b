//! Slow and idle clients must not hold the portal's connections (issue 12, item 2):
//! half-sent headers, idle keep-alive connections and trickled bodies are cut after
//! their timeouts, and connections over the cap get a clean 503 instead of piling up.

mod common;

use common::TestServer;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The portal with short timeouts, so that the tests see them expire quickly.
async fn server(header_timeout: &str, body_timeout: &str, max_connections: &str) -> TestServer {
    let (header_timeout, body_timeout, max_connections) =
        (header_timeout.to_owned(), body_timeout.to_owned(), max_connections.to_owned());
    TestServer::sqlite_with(move |raw| {
        raw.header_timeout = header_timeout;
        raw.body_timeout = body_timeout;
        raw.max_connections = max_connections;
    })
    .await
}

async fn connect(server: &TestServer) -> TcpStream {
    let address = server.base.trim_start_matches("http://");
    TcpStream::connect(address).await.unwrap_or_else(|e| panic!("connecting to {address}: {e}"))
}

/// Connects and sends a request line and one header, never the blank line that ends them.
async fn half_sent(server: &TestServer) -> TcpStream {
    let mut stream = connect(server).await;
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap_or_else(|e| panic!("writing: {e}"));
    stream
}

/// What the server sent until it closed the connection, or `None` when the connection
/// is still open after `limit`.
async fn read_until_closed(stream: &mut (impl AsyncRead + Unpin), limit: Duration) -> Option<String> {
    let mut received = Vec::new();
    let reading = async {
        let mut buffer = [0u8; 4096];
        // A reset counts as closed: the server may close with our bytes unread.
        while let Ok(read @ 1..) = stream.read(&mut buffer).await {
            received.extend_from_slice(&buffer[..read]);
        }
    };
    tokio::time::timeout(limit, reading).await.ok()?;
    Some(String::from_utf8_lossy(&received).into_owned())
}

/// Fetches /healthz every 200 ms until stopped; counts answers and failures.
struct HealthProbe {
    answered: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl HealthProbe {
    fn start(server: &TestServer) -> HealthProbe {
        let (answered, failed, stop) = (Arc::default(), Arc::default(), Arc::<AtomicBool>::default());
        let (client, url) = (server.client.clone(), format!("{}/healthz", server.base));
        let task = tokio::spawn({
            let (answered, failed, stop): (Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicBool>) =
                (Arc::clone(&answered), Arc::clone(&failed), Arc::clone(&stop));
            async move {
                while !stop.load(Ordering::SeqCst) {
                    let answer = client.get(&url).timeout(Duration::from_secs(5)).send().await;
                    let counter = match answer {
                        Ok(response) if response.status().as_u16() == 200 => &answered,
                        _ => &failed,
                    };
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        HealthProbe { answered, failed, stop, task }
    }

    /// (answered, failed) so far.
    async fn finish(self) -> (usize, usize) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.task.await;
        (self.answered.load(Ordering::SeqCst), self.failed.load(Ordering::SeqCst))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_sent_headers_are_cut_while_the_portal_keeps_answering() {
    let server = server("2", "30", "1024").await;
    let probe = HealthProbe::start(&server);
    let opened = Instant::now();
    let mut held = Vec::new();
    for _ in 0..200 {
        held.push(half_sent(&server).await);
    }
    // Others are served while the 200 hang.
    assert_eq!(server.get("/healthz").await.status().as_u16(), 200);
    let closing: Vec<_> = held
        .into_iter()
        .map(|mut stream| {
            tokio::spawn(async move {
                read_until_closed(&mut stream, Duration::from_secs(30)).await.map(|_| opened.elapsed())
            })
        })
        .collect();
    let (mut still_open, mut last_closed) = (0, Duration::ZERO);
    for close in closing {
        match close.await {
            Ok(Some(at)) => last_closed = last_closed.max(at),
            _ => still_open += 1,
        }
    }
    let (answered, failed) = probe.finish().await;
    assert_eq!(still_open, 0, "{still_open} of 200 half-sent connections were still open after 30 s");
    assert!(answered > 0 && failed == 0, "/healthz answered {answered} times and failed {failed} times meanwhile");
    eprintln!(
        "200 half-sent connections all closed {:.1} s after opening; /healthz answered {answered} times meanwhile",
        last_closed.as_secs_f64()
    );
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_keep_alive_connections_are_closed() {
    let server = server("2", "30", "1024").await;
    let mut stream = connect(&server).await;
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap_or_else(|e| panic!("writing: {e}"));
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(15))
        .await
        .unwrap_or_else(|| panic!("an idle keep-alive connection was still open after 15 s"));
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    eprintln!("idle keep-alive connection closed after {:.1} s", started.elapsed().as_secs_f64());
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trickled_bodies_are_cut() {
    let server = server("10", "2", "1024").await;
    let stream = connect(&server).await;
    let (mut reader, mut writer) = stream.into_split();
    // A route that reads its body; without an Origin header it counts as same-origin.
    let head = "POST /acompanhar HTTP/1.1\r\nHost: x\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n";
    writer.write_all(head.as_bytes()).await.unwrap_or_else(|e| panic!("writing: {e}"));
    // Ten bytes a second: the whole body would take almost three hours.
    let trickle = tokio::spawn(async move {
        while writer.write_all(b"a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let started = Instant::now();
    let closed = read_until_closed(&mut reader, Duration::from_secs(15)).await;
    trickle.abort();
    assert!(closed.is_some(), "a body trickled at 10 bytes a second still held its connection after 15 s");
    eprintln!("trickled body cut after {:.1} s", started.elapsed().as_secs_f64());
    server.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_get_a_clean_503() {
    let server = server("10", "30", "8").await;
    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(half_sent(&server).await);
    }
    // The server accepts in connection order, so this is the ninth.
    let mut ninth = connect(&server).await;
    ninth.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap_or_else(|e| panic!("writing: {e}"));
    let answer = read_until_closed(&mut ninth, Duration::from_secs(5))
        .await
        .unwrap_or_else(|| panic!("the connection over the cap was still open after 5 s"));
    assert!(answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"), "{answer}");
    let head = answer.to_ascii_lowercase();
    assert!(head.contains("\r\nconnection: close\r\n") && head.contains("\r\nretry-after: "), "{answer}");

    // Once the held connections are gone, their slots serve again.
    drop(held);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = server.client.get(format!("{}/healthz", server.base)).send().await;
        if answer.as_ref().is_ok_and(|response| response.status().as_u16() == 200) {
            break;
        }
        assert!(Instant::now() < deadline, "no answer 5 s after the held connections closed: {answer:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    server.finish().await;
}
