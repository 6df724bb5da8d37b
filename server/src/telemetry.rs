//! Logging set-up. Log lines carry request paths and ids, never a citizen's CPF,
//! phone or e-mail (see `web::trace` for what is recorded per request).

/// Installs the global subscriber; a second call (tests start several servers) is a no-op.
pub fn init(filter: tracing_subscriber::EnvFilter) {
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_target(true).try_init();
}
