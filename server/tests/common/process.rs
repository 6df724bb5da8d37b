//! The real `server` binary as a child process on a free port, for the tests that stop
//! it (SIGTERM, SIGKILL) or run several instances of it, and Debian's nginx in front of
//! two of them.

use server::config::RawStorage;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

/// The `server` binary serving on a free port, its output appended to `server.log`.
pub struct Running {
    pub child: Child,
    pub base: String,
    log: PathBuf,
}

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .unwrap_or_else(|e| panic!("finding a free port: {e}"))
        .port()
}

/// The settings naming a bucket, as environment variables (the test harness's bucket, in
/// the form an instance reads it).
pub fn storage_env(storage: &RawStorage) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("WEBATEND_S3_REGION", storage.s3_region.clone()),
        ("WEBATEND_S3_PATH_STYLE", storage.s3_path_style.clone()),
        ("WEBATEND_S3_PREFIX", storage.s3_prefix.clone()),
    ];
    let named = [
        ("WEBATEND_S3_BUCKET", &storage.s3_bucket),
        ("WEBATEND_S3_ENDPOINT", &storage.s3_endpoint),
        ("WEBATEND_S3_ACCESS_KEY_ID", &storage.s3_access_key_id),
        ("WEBATEND_S3_SECRET_ACCESS_KEY", &storage.s3_secret_access_key),
    ];
    env.extend(named.into_iter().filter_map(|(key, value)| value.clone().map(|value| (key, value))));
    env
}

impl Running {
    /// Logs to `work/{name}.log`; `extra` settings come after (and override) the defaults.
    pub fn start(work: &Path, name: &str, database_url: &str, extra: &[(&str, String)]) -> Running {
        Running::start_on(work, name, free_port(), database_url, extra)
    }

    /// The same on a chosen port (an instance started again where a balancer expects it).
    pub fn start_on(work: &Path, name: &str, port: u16, database_url: &str, extra: &[(&str, String)]) -> Running {
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

/// nginx balancing two instances round-robin, with the settings of
/// `scripts/cluster-nginx.conf`; its files (configuration, logs, buffers) in `work/nginx`.
pub struct Balancer {
    child: Child,
    pub base: String,
    prefix: PathBuf,
}

/// The nginx to run: `WEBATEND_TEST_NGINX`, or Debian's; `None` when it is not installed.
pub fn nginx_binary() -> Option<PathBuf> {
    let path = std::env::var_os("WEBATEND_TEST_NGINX").map_or_else(|| PathBuf::from("/usr/sbin/nginx"), PathBuf::from);
    path.exists().then_some(path)
}

impl Balancer {
    /// Starts `nginx` in front of the instances on `upstreams`; waits (at most 10 s) until it listens.
    pub async fn start(nginx: &Path, work: &Path, upstreams: [u16; 2]) -> Balancer {
        let prefix = work.join("nginx");
        std::fs::create_dir_all(&prefix).unwrap_or_else(|e| panic!("nginx folder: {e}"));
        let port = free_port();
        let user = Command::new("id")
            .arg("-un")
            .output()
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
            .unwrap_or_else(|e| panic!("id -un: {e}"));
        let config = include_str!("../../../scripts/cluster-nginx.conf")
            .replace("@PREFIX@", &prefix.display().to_string())
            .replace("@USER@", &user)
            .replace("@PORT@", &port.to_string())
            .replace("@FIRST@", &upstreams[0].to_string())
            .replace("@SECOND@", &upstreams[1].to_string());
        let file = prefix.join("nginx.conf");
        std::fs::write(&file, config).unwrap_or_else(|e| panic!("nginx.conf: {e}"));
        let output = std::fs::File::create(prefix.join("nginx.out")).unwrap_or_else(|e| panic!("nginx output: {e}"));
        let errors = output.try_clone().unwrap_or_else(|e| panic!("nginx output: {e}"));
        let mut child = Command::new(nginx)
            .arg("-p")
            .arg(&prefix)
            .arg("-c")
            .arg(&file)
            .stdout(output)
            .stderr(errors)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", nginx.display()));
        for _ in 0..100 {
            if let Ok(Some(status)) = child.try_wait() {
                let said = std::fs::read_to_string(prefix.join("nginx.out")).unwrap_or_default();
                panic!("nginx exited ({status}):\n{said}");
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Balancer { child, base: format!("http://127.0.0.1:{port}"), prefix };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("nginx never listened on {port}");
    }

    /// Which instance answered each request, from the access log: `127.0.0.1:port` per line.
    pub fn upstreams_used(&self) -> Vec<String> {
        let log = std::fs::read_to_string(self.prefix.join("access.log")).unwrap_or_default();
        log.lines().filter_map(|line| line.split_whitespace().rev().nth(1).map(str::to_owned)).collect()
    }
}

impl Drop for Balancer {
    /// SIGTERM to the master, which stops its workers (a SIGKILL would leave them listening).
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", pid.as_str()]).status();
        let _ = self.child.wait();
    }
}
