//! The real `server` binary as a child process on a free port, for the tests that stop
//! it (SIGTERM, SIGKILL) or run several instances of it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

/// The `server` binary serving on a free port, its output appended to `server.log`.
pub struct Running {
    pub child: Child,
    pub base: String,
    log: PathBuf,
}

impl Running {
    /// Logs to `work/{name}.log`; `extra` settings come after (and override) the defaults.
    pub fn start(work: &Path, name: &str, database_url: &str, extra: &[(&str, String)]) -> Running {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .unwrap_or_else(|e| panic!("finding a free port: {e}"))
            .port();
        let log = work.join(format!("{name}.log"));
        let output = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap_or_else(|e| panic!("server log: {e}"));
        let errors = output.try_clone().unwrap_or_else(|e| panic!("server log: {e}"));
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        for (key, _) in std::env::vars() {
            if key.starts_with("LEPTOS_") || key.starts_with("WEBATEND_") || key == "DATABASE_URL" {
                command.env_remove(key);
            }
        }
        let child = command
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", work.join("site"))
            // No site was built for the test binary, so there is no hash file beside it.
            .env("LEPTOS_HASH_FILES", "false")
            .env("DATABASE_URL", database_url)
            .env("WEBATEND_DATA_DIR", work.join("data"))
            .env("WEBATEND_LOG", "warn")
            .env("WEBATEND_PUBLIC_URL", "http://portal.test")
            .env("WEBATEND_SECRET", "11".repeat(32))
            .env("WEBATEND_MAIL_FROM", "noreply@portal.test")
            .env("WEBATEND_CAPTCHA_MAX_NUMBER", "2000")
            .env("WEBATEND_RATE_PER_IP", "100000")
            .env("WEBATEND_RATE_PER_CPF", "100000")
            .envs(extra.iter().map(|(key, value)| (*key, value.as_str())))
            .stdout(output)
            .stderr(errors)
            .spawn()
            .unwrap_or_else(|e| panic!("starting the server: {e}"));
        Running { child, base: format!("http://127.0.0.1:{port}"), log }
    }

    /// Waits (at most a minute) until `/healthz` answers 200.
    pub async fn ready(&mut self, client: &reqwest::Client) {
        for _ in 0..600 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited ({status}):\n{}", self.log_text());
            }
            let health = client.get(format!("{}/healthz", self.base)).send().await;
            if health.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server never became healthy:\n{}", self.log_text());
    }

    /// SIGTERM, as systemd or an orchestrator stops a service; the exit is awaited later.
    pub fn terminate(&mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", pid.as_str()]).status();
        assert!(sent.is_ok_and(|s| s.success()), "sending SIGTERM to {pid}");
    }

    /// Waits (at most 30 s) for the server to exit by itself; its status.
    pub async fn exited(&mut self) -> std::process::ExitStatus {
        for _ in 0..300 {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not exit 30 s after SIGTERM:\n{}", self.log_text());
    }

    /// SIGKILL (what `Child::kill` sends on Unix): no shutdown code runs.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.kill();
    }
}
