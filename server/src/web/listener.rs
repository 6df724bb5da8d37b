//! The HTTP listener: accepts connections and serves them with hyper, so that slow and
//! idle clients cannot hold the portal's connections (`axum::serve` has no timeouts and
//! no cap). Headers and idle keep-alive connections have a timeout, request bodies a
//! minimum pace, connections a cap answered with a clean 503, and accept errors such as
//! "too many open files" pause the loop instead of spinning it.

use crate::config::ConnectionLimits;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::{BoxError, Router};
use hyper::body::{Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io::ErrorKind;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};
use tower::Service;

/// Files kept free for everything but client connections: the database pool,
/// attachments being written, logs, the refusals below.
const RESERVED_FILES: u64 = 256;
/// Refusals in progress at once, each for at most `REFUSAL_TIME`; past them a
/// connection is closed without a word rather than holding more files.
const REFUSALS_AT_ONCE: usize = 64;
const REFUSAL_TIME: Duration = Duration::from_secs(2);
/// Seconds a refused client is told to wait (`Retry-After`).
const RETRY_AFTER_SECONDS: u32 = 5;
/// Pauses after accept errors: the first, doubled on each repeat up to the longest.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);
/// At shutdown, how long a connection accepted just before may take to send its first request.
const FIRST_REQUEST_WAIT: Duration = Duration::from_secs(1);
/// A request body must deliver this many bytes per `body_timeout` spent waiting for it.
const BODY_CHUNK: usize = 32 * 1024;

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in
/// progress finish (for at most `limits.shutdown_grace`). The binary and the tests both serve
/// through here.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send,
) {
    let cap = connection_cap(limits.max_connections);
    let slots = Arc::new(Semaphore::new(cap));
    let refusals = Arc::new(Semaphore::new(REFUSALS_AT_ONCE));
    // Dropping `stop` asks every connection to finish its request and close.
    let (stop, stopping) = watch::channel(());
    let mut http = http1::Builder::new();
    // hyper (1.12) restarts this timer whenever a keep-alive connection waits for its
    // next request, so it is the idle timeout as well (tests/slow_clients.rs checks it).
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let (mut accept_errors, mut refused) = (Streak::default(), Streak::default());
    let admit = |stream: TcpStream, peer: SocketAddr, refused: &mut Streak| match Arc::clone(&slots).try_acquire_owned()
    {
        Ok(slot) => {
            if let Some(refused) = refused.end() {
                tracing::info!(refused, "below the connection limit again");
            }
            let connection = Connection { peer, http: http.clone(), limits };
            tokio::spawn(connection.serve(stream, router.clone(), stopping.clone(), slot));
        }
        Err(_) => {
            if refused.hit() == 1 {
                tracing::warn!(limit = cap, "connection limit reached (WEBATEND_MAX_CONNECTIONS); answering 503");
            }
            refuse(stream, &refusals);
        }
    };
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(error) if concerns_one_connection(&error) => {
                tracing::debug!(error = %error, "a connection failed while being accepted");
                continue;
            }
            Err(error) => {
                let failures = accept_errors.hit();
                if failures == 1 {
                    tracing::warn!(error = %error, "cannot accept connections; pausing and retrying");
                }
                tokio::select! {
                    () = tokio::time::sleep(pause_after(failures)) => {}
                    () = &mut shutdown => break,
                }
                continue;
            }
        };
        if let Some(failures) = accept_errors.end() {
            tracing::info!(failures, "accepting connections again");
        }
        admit(stream, peer, &mut refused);
    }
    // Connections the kernel completed before the stop are in the listener's backlog, their
    // requests maybe sent: closing the listener would reset them. They are served too.
    while let Ok(Ok((stream, peer))) = tokio::time::timeout(Duration::ZERO, listener.accept()).await {
        admit(stream, peer, &mut refused);
    }
    drop(listener);
    drop(stop);
    let every_slot = u32::try_from(cap).unwrap_or(u32::MAX);
    if tokio::time::timeout(limits.shutdown_grace, slots.acquire_many(every_slot)).await.is_err() {
        tracing::warn!(seconds = limits.shutdown_grace.as_secs(), "requests still in progress at shutdown were cut");
    }
}

/// One accepted client.
struct Connection {
    peer: SocketAddr,
    http: http1::Builder,
    limits: ConnectionLimits,
}

impl Connection {
    /// Serves requests until the client leaves, a timeout cuts it, or the server stops;
    /// `_slot` holds its place under the cap until then.
    async fn serve(
        self,
        stream: TcpStream,
        router: Router,
        mut stopping: watch::Receiver<()>,
        _slot: OwnedSemaphorePermit,
    ) {
        let Connection { peer, http, limits } = self;
        let body_timeout = limits.body_timeout;
        let asked = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = asked.clone();
        let service = service_fn(move |request: http::Request<Incoming>| {
            seen.store(true, std::sync::atomic::Ordering::Relaxed);
            let (mut parts, body) = request.into_parts();
            // Handlers find the client's address where axum's `ConnectInfo` puts it; it
            // feeds the per-IP limits.
            parts.extensions.insert(ConnectInfo(peer));
            let body = Body::new(PacedBody::new(body, body_timeout));
            router.clone().call(http::Request::from_parts(parts, body))
        });
        let connection = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
        tokio::pin!(connection);
        let ended = tokio::select! {
            ended = connection.as_mut() => ended,
            _ = stopping.changed() => {
                // Stopping closes a connection at once between requests. One accepted a
                // moment before, whose first request is not read yet, gets a moment for it.
                if !asked.load(std::sync::atomic::Ordering::Relaxed) {
                    let wait = FIRST_REQUEST_WAIT.min(limits.header_timeout);
                    if let Ok(ended) = tokio::time::timeout(wait, connection.as_mut()).await {
                        log_end(ended);
                        return;
                    }
                }
                connection.as_mut().graceful_shutdown();
                connection.await
            }
        };
        log_end(ended);
    }
}

fn log_end(ended: Result<(), hyper::Error>) {
    if let Err(error) = ended {
        // Timeouts and clients that vanish end here; each is routine on its own.
        tracing::debug!(error = %error, "connection ended with an error");
    }
}

/// Answers a connection over the cap with a 503, without handing it to hyper.
fn refuse(stream: TcpStream, refusals: &Arc<Semaphore>) {
    let Ok(slot) = Arc::clone(refusals).try_acquire_owned() else { return };
    tokio::spawn(async move {
        // A peer that neither reads nor closes cannot hold the refusal longer.
        let _ = tokio::time::timeout(REFUSAL_TIME, say_busy(stream)).await;
        drop(slot);
    });
}

async fn say_busy(mut stream: TcpStream) -> std::io::Result<()> {
    const MESSAGE: &str = "O portal está com muitos acessos. Tente de novo em alguns segundos.\n";
    let response = format!(
        "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: {RETRY_AFTER_SECONDS}\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\n\r\n{MESSAGE}",
        MESSAGE.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await?;
    // Closing with the client's request unread would make the kernel send a reset,
    // which can destroy the 503 before the client reads it: read until it closes.
    let mut sink = [0u8; 1024];
    while stream.read(&mut sink).await? > 0 {}
    Ok(())
}

/// Errors about the connection being accepted only (its client gave up): the next
/// accept is unaffected, so no pause.
fn concerns_one_connection(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionRefused
            | ErrorKind::Interrupted
    )
}

fn pause_after(failures: u64) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(u32::MAX).min(16);
    FIRST_PAUSE.saturating_mul(1 << doublings).min(LONGEST_PAUSE)
}

/// Consecutive events of one kind (accept errors, refusals), logged once when the
/// streak starts and once when it ends instead of once per event.
#[derive(Default)]
struct Streak(u64);

impl Streak {
    /// Counts one more; returns the streak's length so far.
    fn hit(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }

    /// Ends the streak; returns its length, if there was one.
    fn end(&mut self) -> Option<u64> {
        let length = std::mem::take(&mut self.0);
        (length > 0).then_some(length)
    }
}

/// The cap in force: the configured one, lowered when the process may not open that
/// many files (each connection holds one).
fn connection_cap(wanted: usize) -> usize {
    let Some(files) = open_file_limit() else { return wanted };
    let room = usize::try_from(files.saturating_sub(RESERVED_FILES)).unwrap_or(usize::MAX).max(1);
    if wanted <= room {
        return wanted;
    }
    tracing::warn!(
        wanted,
        open_file_limit = files,
        cap = room,
        "WEBATEND_MAX_CONNECTIONS lowered to fit the open-file limit"
    );
    room
}

/// The open-file limit, first raised to the hard maximum: the usual soft default (1,024)
/// is too low for a busy portal. `None`: unlimited or unknown.
#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let limit = getrlimit(Resource::Nofile);
    if limit.current != limit.maximum {
        match setrlimit(Resource::Nofile, Rlimit { current: limit.maximum, maximum: limit.maximum }) {
            Ok(()) => return limit.maximum,
            Err(error) => tracing::debug!(error = %error, "could not raise the open-file limit"),
        }
    }
    limit.current
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// A request body that must keep coming: each `BODY_CHUNK` bytes must arrive within
/// `allowance` of time spent waiting for them. Only waiting counts, not the time a
/// handler spends between reads. A phone uploading 15 MB at a slow but steady
/// 2 KB/s (a poor 2G link) needs 16 s per chunk and finishes, however long the whole
/// takes; a client that stalls or trickles bytes is cut after `allowance`. A total
/// deadline could not tell these apart.
struct PacedBody<B> {
    inner: B,
    allowance: Duration,
    /// Waiting time and bytes of the current chunk.
    waited: Duration,
    received: usize,
    waiting_since: Option<Instant>,
    /// Wakes the reader when the allowance runs out during a wait.
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<B> PacedBody<B> {
    fn new(inner: B, allowance: Duration) -> Self {
        Self { inner, allowance, waited: Duration::ZERO, received: 0, waiting_since: None, deadline: None }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
struct TooSlow;

fn too_slow() -> BoxError {
    tracing::debug!("request body too slow; cut");
    TooSlow.into()
}

impl<B> hyper::body::Body for PacedBody<B>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let now = Instant::now();
        if let Some(since) = this.waiting_since.take() {
            this.waited += now.saturating_duration_since(since);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.received += frame.data_ref().map_or(0, Bytes::len);
                if this.received >= BODY_CHUNK {
                    this.received = 0;
                    this.waited = Duration::ZERO;
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other.map(|frame| frame.map_err(Into::into))),
            Poll::Pending => {
                let left = this.allowance.saturating_sub(this.waited);
                if left.is_zero() {
                    return Poll::Ready(Some(Err(too_slow())));
                }
                this.waiting_since = Some(now);
                let deadline = this.deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(left)));
                deadline.as_mut().reset(now + left);
                match deadline.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(too_slow()))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_pauses_double_up_to_a_second() {
        let pauses: Vec<u128> = (1..=7).map(|n| pause_after(n).as_millis()).collect();
        assert_eq!(pauses, [100, 200, 400, 800, 1000, 1000, 1000]);
        assert_eq!(pause_after(u64::MAX), LONGEST_PAUSE);
    }

    #[test]
    fn a_streak_reports_its_length_once() {
        let mut streak = Streak::default();
        assert_eq!(streak.end(), None);
        assert_eq!((streak.hit(), streak.hit()), (1, 2));
        assert_eq!(streak.end(), Some(2));
        assert_eq!(streak.end(), None);
    }
}
