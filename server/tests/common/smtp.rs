//! A small SMTP server for integration tests: speaks enough real SMTP for lettre, keeps what it
//! receives, and can be told to refuse service, so tests see exactly what would reach a relay.
#![allow(dead_code)] // each test file uses a different part of it

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::OwnedReadHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// Shared by the handle and every connection task.
type Messages = std::sync::Arc<Mutex<Vec<Received>>>;
type Failing = std::sync::Arc<AtomicBool>;

const SERVICE_NOT_AVAILABLE: &[u8] = b"421 4.3.2 fake: service not available\r\n";

pub struct FakeSmtp {
    pub port: u16,
    messages: Messages,
    failing: Failing,
    accept: JoinHandle<()>,
}

/// One accepted message: the envelope and the DATA exactly as sent, dot-stuffing undone.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
}

impl FakeSmtp {
    /// Listens on 127.0.0.1 at a free port; each connection is served on its own task.
    pub async fn start() -> FakeSmtp {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap_or_else(|e| panic!("fake SMTP bind: {e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("fake SMTP address: {e}")).port();
        let messages = Messages::default();
        let failing = Failing::default();
        let accept = tokio::spawn(accept_loop(listener, messages.clone(), failing.clone()));
        FakeSmtp { port, messages, failing, accept }
    }

    pub async fn messages(&self) -> Vec<Received> {
        self.messages.lock().await.clone()
    }

    /// Polls until at least `count` messages arrived or `timeout` passed, and returns what is
    /// there: the caller asserts, so a failure shows what did arrive.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let messages = self.messages().await;
            if messages.len() >= count || tokio::time::Instant::now() >= deadline {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// While failing, new connections get 421 instead of the greeting, and open (pooled)
    /// connections get 421 to their next command and are closed, so every delivery attempt fails.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, messages: Messages, failing: Failing) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: wait instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let messages = messages.clone();
        let failing = failing.clone();
        tokio::spawn(async move {
            // A client hanging up mid-session is the client's business, not a test failure.
            let _ = session(stream, &messages, &failing).await;
        });
    }
}

async fn session(stream: TcpStream, messages: &Mutex<Vec<Received>>, failing: &AtomicBool) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    if failing.load(Ordering::SeqCst) {
        write.write_all(SERVICE_NOT_AVAILABLE).await?;
        return Ok(());
    }
    write.write_all(b"220 fake ESMTP\r\n").await?;

    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if failing.load(Ordering::SeqCst) {
            write.write_all(SERVICE_NOT_AVAILABLE).await?;
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end_matches(['\r', '\n']);
        let verb = command.split(' ').next().unwrap_or_default().to_ascii_uppercase();

        let reply: &str = if let Some(path) = argument(command, "MAIL FROM:") {
            mail_from = Some(address(path));
            rcpt_to.clear();
            "250 2.1.0 OK\r\n"
        } else if let Some(path) = argument(command, "RCPT TO:") {
            if mail_from.is_none() {
                "503 5.5.1 MAIL first\r\n"
            } else {
                rcpt_to.push(address(path));
                "250 2.1.5 OK\r\n"
            }
        } else {
            match verb.as_str() {
                "EHLO" => "250-fake\r\n250 8BITMIME\r\n",
                "HELO" => "250 fake\r\n",
                "DATA" if mail_from.is_none() || rcpt_to.is_empty() => "503 5.5.1 RCPT first\r\n",
                "DATA" => {
                    write.write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n").await?;
                    let Some(data) = read_data(&mut reader).await? else {
                        return Ok(());
                    };
                    let received = Received {
                        mail_from: mail_from.take().unwrap_or_default(),
                        rcpt_to: std::mem::take(&mut rcpt_to),
                        data,
                    };
                    messages.lock().await.push(received);
                    "250 OK queued\r\n"
                }
                "RSET" => {
                    mail_from = None;
                    rcpt_to.clear();
                    "250 2.0.0 OK\r\n"
                }
                "NOOP" => "250 2.0.0 OK\r\n",
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => "502 5.5.2 command not recognised\r\n",
            }
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// The rest of `command` after `verb`, which is matched without regard to case.
fn argument<'a>(command: &'a str, verb: &str) -> Option<&'a str> {
    let (head, rest) = command.split_at_checked(verb.len())?;
    head.eq_ignore_ascii_case(verb).then_some(rest)
}

/// `<user@host> BODY=8BITMIME` → `user@host`.
fn address(path: &str) -> String {
    let path = path.trim();
    match (path.find('<'), path.find('>')) {
        (Some(open), Some(close)) if open < close => path[open + 1..close].to_string(),
        _ => path.split(' ').next().unwrap_or_default().to_string(),
    }
}

/// Lines up to the one that is exactly ".", each kept with its line break; a leading dot the
/// client doubled (RFC 5321, 4.5.2) is removed. `None` if the client hangs up first.
async fn read_data(reader: &mut BufReader<OwnedReadHalf>) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let content = line.strip_suffix(b"\n").unwrap_or(line.as_slice());
        let content = content.strip_suffix(b"\r").unwrap_or(content);
        if content == b"." {
            return Ok(Some(data));
        }
        let unstuffed = if line.starts_with(b"..") { &line[1..] } else { line.as_slice() };
        data.extend_from_slice(unstuffed);
    }
}
