//! Settings: `Leptos.toml` for the Leptos runtime options, environment variables (or the
//! matching flags) for everything else. A bad setting stops start-up with one line that
//! names it; nothing runs on a half-understood configuration.

use clap::Args;
use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// Log filter (tracing syntax), e.g. info or server=debug,info.
    #[arg(long, env = "WEBATEND_LOG", default_value = "info")]
    pub log: String,
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

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub leptos: LeptosOptions,
    pub database: DatabaseSettings,
    pub data_dir: PathBuf,
    pub log: tracing_subscriber::EnvFilter,
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
        Ok(Settings { leptos, database, data_dir: self.data_dir.clone(), log })
    }
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
mod tests {
    use super::*;

    fn raw() -> RawSettings {
        RawSettings {
            leptos_toml: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")),
            data_dir: PathBuf::from("data"),
            db_pool_size: "16".into(),
            log: "info".into(),
            ..RawSettings::default()
        }
    }

    #[test]
    fn defaults_to_sqlite_in_the_data_folder() {
        let s = raw().validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.database.kind, DatabaseKind::Sqlite);
        assert_eq!(s.database.url, "sqlite://data/webatendimento.db");
        assert_eq!(sqlite_path(&s.database.url), Some(PathBuf::from("data/webatendimento.db")));
    }

    #[test]
    fn refuses_unknown_database_scheme_without_echoing_secrets() {
        let mut r = raw();
        r.database_url = Some("mysql://user:s3cret@db/x".into());
        let e = r.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.starts_with("invalid configuration: DATABASE_URL"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
    }

    #[test]
    fn refuses_bad_site_addr_and_pool_size() {
        let mut r = raw();
        r.site_addr = Some("localhost".into());
        let e = r.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("LEPTOS_SITE_ADDR"), "{e}");

        let mut r = raw();
        r.db_pool_size = "0".into();
        let e = r.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("WEBATEND_DB_POOL_SIZE"), "{e}");
    }

    #[test]
    fn site_addr_overrides_leptos_toml() {
        let mut r = raw();
        r.site_addr = Some("127.0.0.1:4321".into());
        let s = r.validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.leptos.site_addr.port(), 4321);
    }

    #[test]
    fn postgres_urls_are_accepted() {
        let mut r = raw();
        r.database_url = Some("postgres://postgres@127.0.0.1/webatendimento".into());
        let s = r.validate().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.database.kind, DatabaseKind::Postgres);
    }
}
