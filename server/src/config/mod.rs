//! Settings: `Leptos.toml` for the Leptos runtime options, environment variables (or the
//! matching flags) for everything else. A bad setting stops start-up with one line that
//! names it; nothing runs on a half-understood configuration.

mod storage;

pub use storage::{RawStorage, S3Settings};

use crate::mail::transport::{SmtpSettings, TlsMode};
use crate::web::client_addr::TrustedProxies;
use clap::Args;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Settings as typed by the operator, before validation. Every field can come from the
/// environment; `server --help` lists them.
#[derive(Args, Debug, Clone, Default)]
pub struct RawSettings {
    /// File with the Leptos runtime options (site address, site root, output name).
    #[arg(long, env = "WEBATEND_LEPTOS_TOML", default_value = "Leptos.toml")]
    pub leptos_toml: PathBuf,
    /// Address and port to listen on, e.g. 127.0.0.1:3000 [default: from Leptos.toml]
    #[arg(long, env = "LEPTOS_SITE_ADDR")]
    pub site_addr: Option<String>,
    /// Folder with the built site (wasm, JS, CSS, images) [default: from Leptos.toml]
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<String>,
    /// Database: sqlite://PATH or postgres://USER@HOST/DB [default: sqlite in the data folder]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// Folder for the embedded database and other local data.
    #[arg(long, env = "WEBATEND_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Most database connections held at once.
    #[arg(long, env = "WEBATEND_DB_POOL_SIZE", default_value = "16")]
    pub db_pool_size: String,
    /// Seconds a client has to send a request's headers; also how long an idle
    /// keep-alive connection stays open.
    #[arg(long, env = "WEBATEND_HEADER_TIMEOUT", default_value = "10")]
    pub header_timeout: String,
    /// Seconds a request body may take to deliver each 32 KiB (only the wait for the
    /// client counts); slower uploads are cut.
    #[arg(long, env = "WEBATEND_BODY_TIMEOUT", default_value = "30")]
    pub body_timeout: String,
    /// Most client connections open at once; more are answered 503 (lowered to fit the
    /// open-file limit).
    #[arg(long, env = "WEBATEND_MAX_CONNECTIONS", default_value = "1024")]
    pub max_connections: String,
    /// Seconds a shutdown (SIGTERM) waits for the requests in progress before cutting them.
    #[arg(long, env = "WEBATEND_SHUTDOWN_GRACE", default_value = "20")]
    pub shutdown_grace: String,
    /// Log filter (tracing syntax), e.g. info or server=debug,info.
    #[arg(long, env = "WEBATEND_LOG", default_value = "info")]
    pub log: String,
    /// Address for Prometheus metrics (`GET /metrics`), e.g. 127.0.0.1:9100 [default: off]
    #[arg(long, env = "WEBATEND_METRICS_ADDR")]
    pub metrics_addr: Option<String>,
    /// Log lines as `text`, or as `json` (one object per line, with the request's id).
    #[arg(long, env = "WEBATEND_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
    /// Address citizens use to reach the portal, for links in e-mails [default: http://LEPTOS_SITE_ADDR]
    #[arg(long, env = "WEBATEND_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Key for signatures (captcha, links), 64+ hex digits; all instances must share it
    /// [default: generated once into DATA_DIR/secret.key]
    #[arg(long, env = "WEBATEND_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// Captcha difficulty: the browser tries on average half this many hashes.
    #[arg(long, env = "WEBATEND_CAPTCHA_MAX_NUMBER", default_value = "100000")]
    pub captcha_max_number: String,
    /// Seconds a captcha challenge stays valid.
    #[arg(long, env = "WEBATEND_CAPTCHA_TTL", default_value = "900")]
    pub captcha_ttl: String,
    /// Requests one IP address may open per hour (all instances on PostgreSQL).
    #[arg(long, env = "WEBATEND_RATE_PER_IP", default_value = "20")]
    pub rate_per_ip: String,
    /// Requests one person (the same CPF and e-mail) may open per 24 hours (all instances).
    #[arg(long, env = "WEBATEND_RATE_PER_CPF", default_value = "10")]
    pub rate_per_cpf: String,
    /// Lookups (/acompanhar) one IP address may make per hour (all instances on PostgreSQL).
    #[arg(long, env = "WEBATEND_LOOKUP_RATE_PER_IP", default_value = "60")]
    pub lookup_rate_per_ip: String,
    /// Failed lookups of one CPF per hour (all instances on PostgreSQL) before its results are sent by
    /// e-mail instead of shown.
    #[arg(long, env = "WEBATEND_LOOKUP_RATE_PER_CPF", default_value = "20")]
    pub lookup_rate_per_cpf: String,
    /// Minutes a citizen's follow-up session (after a lookup or an e-mail link) lasts.
    #[arg(long, env = "WEBATEND_SESSION_MINUTES", default_value = "30")]
    pub session_minutes: String,
    /// Seconds between runs of the acceptance job (finalized requests past their 3 business days).
    #[arg(long, env = "WEBATEND_ACCEPTANCE_INTERVAL", default_value = "60")]
    pub acceptance_interval: String,
    /// SMTP server for outgoing mail; unset: messages are written to DATA_DIR/mail as .eml files.
    #[arg(long, env = "WEBATEND_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "WEBATEND_SMTP_PORT", default_value = "587")]
    pub smtp_port: String,
    /// SMTP security: starttls, tls (implicit) or none.
    #[arg(long, env = "WEBATEND_SMTP_TLS", default_value = "starttls")]
    pub smtp_tls: String,
    /// SMTP user name, if the server wants one.
    #[arg(long, env = "WEBATEND_SMTP_USER")]
    pub smtp_user: Option<String>,
    /// SMTP password.
    #[arg(long, env = "WEBATEND_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender address of the portal's e-mails.
    #[arg(long, env = "WEBATEND_MAIL_FROM", default_value = "noreply@webatendimento.localhost")]
    pub mail_from: String,
    /// Reverse proxies whose X-Forwarded-For header names the client (Forwarded is never read), as
    /// addresses or networks separated by commas (e.g. 10.0.0.0/8,::1) [default: none]
    #[arg(long, env = "WEBATEND_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    #[command(flatten)]
    pub storage: RawStorage,
}

/// A setting that cannot be used, and why. Its `Display` is the one line printed at start-up.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}

impl ConfigError {
    fn new(setting: &'static str, reason: impl Into<String>) -> Self {
        Self { setting, reason: reason.into() }
    }
}

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: String,
    pub kind: DatabaseKind,
    pub pool_size: u32,
}

/// How outgoing mail leaves.
#[derive(Debug, Clone)]
pub enum MailSettings {
    /// The embedded default: `.eml` files in this folder.
    Files(PathBuf),
    Smtp(SmtpSettings),
}

/// Abuse limits of the request form.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub captcha_max_number: u64,
    pub captcha_ttl: Duration,
    pub per_ip_per_hour: u32,
    pub per_cpf_per_day: u32,
    pub lookups_per_ip_per_hour: u32,
    pub lookups_per_cpf_per_hour: u32,
    pub session: Duration,
    pub acceptance_interval: Duration,
}

/// How long slow clients may hold a connection, and how many connections at once.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
    /// How long a shutdown waits for the requests in progress.
    pub shutdown_grace: Duration,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub leptos: LeptosOptions,
    pub database: DatabaseSettings,
    pub data_dir: PathBuf,
    pub log: tracing_subscriber::EnvFilter,
    /// One JSON object per log line instead of text.
    pub log_json: bool,
    /// Where Prometheus metrics are served, if anywhere.
    pub metrics_addr: Option<SocketAddr>,
    /// Without a trailing slash.
    pub public_url: String,
    /// `None`: read or create `data_dir/secret.key` at start-up.
    pub secret: Option<Vec<u8>>,
    pub limits: Limits,
    pub connections: ConnectionLimits,
    pub mail: MailSettings,
    pub mail_from: String,
    pub trusted_proxies: TrustedProxies,
    /// The bucket of attachments; `None`: `data_dir/attachments`.
    pub storage: Option<S3Settings>,
}

impl RawSettings {
    pub fn validate(&self) -> Result<Settings, ConfigError> {
        // Our own checks first, so a bad LEPTOS_SITE_ADDR is reported in our words.
        let site_addr = self
            .site_addr
            .as_deref()
            .map(|v| {
                v.parse::<SocketAddr>().map_err(|_| {
                    ConfigError::new(
                        "LEPTOS_SITE_ADDR (--site-addr)",
                        format!("{v:?} is not an address with a port, such as 127.0.0.1:3000"),
                    )
                })
            })
            .transpose()?;
        let log = tracing_subscriber::EnvFilter::try_new(&self.log).map_err(|e| {
            ConfigError::new("WEBATEND_LOG (--log)", format!("{:?} is not a log filter: {e}", self.log))
        })?;
        let pool_size = self.db_pool_size.parse::<u32>().ok().filter(|n| (1..=1_000).contains(n)).ok_or_else(|| {
            ConfigError::new(
                "WEBATEND_DB_POOL_SIZE (--db-pool-size)",
                format!("{:?} is not a number between 1 and 1000", self.db_pool_size),
            )
        })?;
        if self.data_dir.as_os_str().is_empty() {
            return Err(ConfigError::new("WEBATEND_DATA_DIR (--data-dir)", "must not be empty"));
        }
        let database = database_settings(self.database_url.as_deref(), &self.data_dir, pool_size)?;

        let mut leptos = load_leptos_options(&self.leptos_toml)?;
        if let Some(addr) = site_addr {
            leptos.site_addr = addr;
        }
        if let Some(root) = &self.site_root {
            if root.trim().is_empty() {
                return Err(ConfigError::new("LEPTOS_SITE_ROOT (--site-root)", "must not be empty"));
            }
            leptos.site_root = root.as_str().into();
        }
        let public_url = match self.public_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(ConfigError::new(
                    "WEBATEND_PUBLIC_URL (--public-url)",
                    format!("{url:?} must start with http:// or https://"),
                ));
            }
            None => format!("http://{}", leptos.site_addr),
        };
        let secret = self
            .secret
            .as_deref()
            .map(|s| {
                hex::decode(s.trim()).ok().filter(|k| k.len() >= 32).ok_or_else(|| {
                    ConfigError::new("WEBATEND_SECRET (--secret)", "must be at least 64 hexadecimal digits")
                })
            })
            .transpose()?;
        let limits = Limits {
            captcha_max_number: number(
                "WEBATEND_CAPTCHA_MAX_NUMBER (--captcha-max-number)",
                &self.captcha_max_number,
                1,
                100_000_000,
            )?,
            captcha_ttl: Duration::from_secs(number(
                "WEBATEND_CAPTCHA_TTL (--captcha-ttl)",
                &self.captcha_ttl,
                30,
                86_400,
            )?),
            per_ip_per_hour: number("WEBATEND_RATE_PER_IP (--rate-per-ip)", &self.rate_per_ip, 1, 10_000_000)?,
            per_cpf_per_day: number("WEBATEND_RATE_PER_CPF (--rate-per-cpf)", &self.rate_per_cpf, 1, 10_000_000)?,
            lookups_per_ip_per_hour: number(
                "WEBATEND_LOOKUP_RATE_PER_IP (--lookup-rate-per-ip)",
                &self.lookup_rate_per_ip,
                1,
                100_000_000,
            )?,
            lookups_per_cpf_per_hour: number(
                "WEBATEND_LOOKUP_RATE_PER_CPF (--lookup-rate-per-cpf)",
                &self.lookup_rate_per_cpf,
                1,
                100_000_000,
            )?,
            session: Duration::from_secs(
                60 * number("WEBATEND_SESSION_MINUTES (--session-minutes)", &self.session_minutes, 1, 24 * 60)?,
            ),
            acceptance_interval: Duration::from_secs(number(
                "WEBATEND_ACCEPTANCE_INTERVAL (--acceptance-interval)",
                &self.acceptance_interval,
                1,
                86_400,
            )?),
        };
        let connections = ConnectionLimits {
            header_timeout: Duration::from_secs(number(
                "WEBATEND_HEADER_TIMEOUT (--header-timeout)",
                &self.header_timeout,
                1,
                300,
            )?),
            body_timeout: Duration::from_secs(number(
                "WEBATEND_BODY_TIMEOUT (--body-timeout)",
                &self.body_timeout,
                1,
                3_600,
            )?),
            max_connections: number(
                "WEBATEND_MAX_CONNECTIONS (--max-connections)",
                &self.max_connections,
                1,
                1_000_000,
            )?,
            shutdown_grace: Duration::from_secs(number(
                "WEBATEND_SHUTDOWN_GRACE (--shutdown-grace)",
                &self.shutdown_grace,
                0,
                600,
            )?),
        };
        let metrics_addr = self
            .metrics_addr
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                v.parse::<SocketAddr>().map_err(|_| {
                    ConfigError::new(
                        "WEBATEND_METRICS_ADDR (--metrics-addr)",
                        format!("{v:?} is not an address with a port, such as 127.0.0.1:9100"),
                    )
                })
            })
            .transpose()?;
        let log_json = match self.log_format.trim() {
            "text" => false,
            "json" => true,
            other => {
                return Err(ConfigError::new(
                    "WEBATEND_LOG_FORMAT (--log-format)",
                    format!("{other:?} is not one of text, json"),
                ));
            }
        };
        let mail = match self.smtp_host.as_deref().map(str::trim).filter(|h| !h.is_empty()) {
            None => MailSettings::Files(self.data_dir.join("mail")),
            Some(host) => MailSettings::Smtp(SmtpSettings {
                host: host.to_owned(),
                port: number("WEBATEND_SMTP_PORT (--smtp-port)", &self.smtp_port, 1, 65_535)?,
                tls: match self.smtp_tls.trim() {
                    "starttls" => TlsMode::StartTls,
                    "tls" => TlsMode::Implicit,
                    "none" => TlsMode::None,
                    other => {
                        return Err(ConfigError::new(
                            "WEBATEND_SMTP_TLS (--smtp-tls)",
                            format!("{other:?} is not one of starttls, tls, none"),
                        ));
                    }
                },
                username: self.smtp_user.clone().filter(|u| !u.is_empty()),
                password: self.smtp_password.clone().filter(|p| !p.is_empty()),
                timeout: Duration::from_secs(30),
            }),
        };
        let mail_from = self.mail_from.trim().to_owned();
        if app::domain::email::Email::parse(&mail_from).is_err() {
            return Err(ConfigError::new(
                "WEBATEND_MAIL_FROM (--mail-from)",
                format!("{mail_from:?} is not an e-mail address"),
            ));
        }
        let trusted_proxies = TrustedProxies::parse(&self.trusted_proxies)
            .map_err(|reason| ConfigError::new("WEBATEND_TRUSTED_PROXIES (--trusted-proxies)", reason))?;
        let storage = self.storage.validate()?;
        Ok(Settings {
            leptos,
            database,
            data_dir: self.data_dir.clone(),
            log,
            log_json,
            metrics_addr,
            public_url,
            secret,
            limits,
            connections,
            mail,
            mail_from,
            trusted_proxies,
            storage,
        })
    }
}

/// A whole number setting within bounds.
fn number<T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display>(
    setting: &'static str,
    value: &str,
    min: T,
    max: T,
) -> Result<T, ConfigError> {
    value
        .trim()
        .parse::<T>()
        .ok()
        .filter(|n| *n >= min && *n <= max)
        .ok_or_else(|| ConfigError::new(setting, format!("{value:?} is not a number between {min} and {max}")))
}

fn database_settings(
    url: Option<&str>,
    data_dir: &std::path::Path,
    pool_size: u32,
) -> Result<DatabaseSettings, ConfigError> {
    const SETTING: &str = "DATABASE_URL (--database-url)";
    let url = match url {
        Some(u) if !u.trim().is_empty() => u.trim().to_string(),
        _ => format!("sqlite://{}/webatendimento.db", data_dir.display()),
    };
    let kind = if url.starts_with("sqlite:") {
        DatabaseKind::Sqlite
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        DatabaseKind::Postgres
    } else {
        // Only the scheme is echoed: the rest may hold a password.
        let scheme = url.split(':').next().unwrap_or_default();
        return Err(ConfigError::new(
            SETTING,
            format!("scheme {scheme:?} is not supported; use sqlite://PATH or postgres://USER@HOST/DATABASE"),
        ));
    };
    if kind == DatabaseKind::Sqlite && sqlite_path(&url).is_none() {
        return Err(ConfigError::new(SETTING, "a sqlite URL needs a file path, e.g. sqlite://data/webatendimento.db"));
    }
    Ok(DatabaseSettings { url, kind, pool_size })
}

/// The file a `sqlite:` URL points at (`None` for in-memory databases or no path).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Reads `Leptos.toml`; Leptos applies the `LEPTOS_*` variables over it (the ones we
/// know were validated above, so their errors are reported in our words first).
fn load_leptos_options(path: &std::path::Path) -> Result<LeptosOptions, ConfigError> {
    const SETTING: &str = "WEBATEND_LEPTOS_TOML (--leptos-toml)";
    if !path.is_file() {
        return Err(ConfigError::new(SETTING, format!("{} does not exist or is not a file", path.display())));
    }
    let path_str = path.to_str().ok_or_else(|| ConfigError::new(SETTING, "the path is not valid UTF-8"))?;
    leptos::config::get_configuration(Some(path_str))
        .map(|c| c.leptos_options)
        .map_err(|e| ConfigError::new("Leptos.toml or a LEPTOS_* variable", e.to_string()))
}

#[cfg(test)]
mod tests;
