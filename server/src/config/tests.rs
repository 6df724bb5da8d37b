//! The settings' validation: defaults, refusals in our words, secrets never echoed.

use super::*;

fn raw() -> RawSettings {
    RawSettings {
        leptos_toml: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")),
        data_dir: PathBuf::from("data"),
        db_pool_size: "16".into(),
        header_timeout: "10".into(),
        body_timeout: "30".into(),
        max_connections: "1024".into(),
        shutdown_grace: "20".into(),
        log: "info".into(),
        log_format: "text".into(),
        captcha_max_number: "100000".into(),
        captcha_ttl: "900".into(),
        rate_per_ip: "20".into(),
        rate_per_cpf: "10".into(),
        lookup_rate_per_ip: "60".into(),
        lookup_rate_per_cpf: "20".into(),
        session_minutes: "30".into(),
        acceptance_interval: "60".into(),
        smtp_port: "587".into(),
        smtp_tls: "starttls".into(),
        mail_from: "noreply@webatendimento.localhost".into(),
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

#[test]
fn log_format_and_shutdown_grace() {
    let s = raw().validate().unwrap_or_else(|e| panic!("{e}"));
    assert!(!s.log_json);
    assert_eq!(s.connections.shutdown_grace, Duration::from_secs(20));
    let mut r = raw();
    r.log_format = "json".into();
    r.shutdown_grace = "0".into();
    let s = r.validate().unwrap_or_else(|e| panic!("{e}"));
    assert!(s.log_json);
    assert_eq!(s.connections.shutdown_grace, Duration::ZERO);
    let mut r = raw();
    r.log_format = "xml".into();
    let e = r.validate().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("WEBATEND_LOG_FORMAT"), "{e}");
    let mut r = raw();
    r.shutdown_grace = "601".into();
    let e = r.validate().err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("WEBATEND_SHUTDOWN_GRACE"), "{e}");
}
