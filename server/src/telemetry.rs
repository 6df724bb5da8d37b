//! Logging set-up. Log lines carry request paths and ids, never a citizen's CPF, phone or
//! e-mail: our own events never record them, and the database libraries' debug spans and
//! events, which record every statement's bound values, are cut off here whatever the
//! configured filter says (`WEBATEND_LOG=debug` must not turn the log into a CPF list).

use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Installs the global subscriber, writing to standard output; a second call (tests
/// start several servers) is a no-op.
pub fn init(filter: EnvFilter) {
    let _ = tracing_subscriber::registry().with(layer(filter, std::io::stdout)).try_init();
}

/// The formatting layer with the configured filter and the personal-data guard.
pub fn layer<S, W>(filter: EnvFilter, writer: W) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt::layer()
        .with_target(true)
        .with_writer(writer)
        .with_filter(filter)
        .with_filter(filter_fn(free_of_bound_values))
}

/// sea-orm's spans carry each statement with its values (a CPF in a WHERE clause);
/// sqlx's debug events run inside them. Warnings and errors still pass.
fn free_of_bound_values(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    let database = target.starts_with("sea_orm") || target.starts_with("sqlx");
    !database || *metadata.level() <= Level::WARN
}
