//! Logging set-up. Log lines carry request paths and ids, never a citizen's CPF, phone or
//! e-mail: our own events never record them, and the database libraries' debug spans and
//! events, which record every statement's bound values, are cut off here whatever the
//! configured filter says (`WEBATEND_LOG=debug` must not turn the log into a CPF list).
//! Lines are text, or with `WEBATEND_LOG_FORMAT=json` one JSON object each, carrying the
//! request's span (its id, method and path) for a log collector.

use tracing::{Level, Metadata, Subscriber};
use tracing_subscriber::filter::{filter_fn, EnvFilter};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Installs the global subscriber, writing to standard output; a second call (tests
/// start several servers) is a no-op.
pub fn init(filter: EnvFilter, json: bool) {
    let _ = tracing_subscriber::registry().with(layer(filter, std::io::stdout, json)).try_init();
}

/// The formatting layer (text or JSON) with the configured filter and the personal-data
/// guard.
pub fn layer<S, W>(filter: EnvFilter, writer: W, json: bool) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt::layer().with_target(true).with_writer(writer);
    let lines = if json { lines.json().with_current_span(true).with_span_list(false).boxed() } else { lines.boxed() };
    lines.with_filter(filter).with_filter(filter_fn(free_of_bound_values))
}

/// sea-orm's spans carry each statement with its values (a CPF in a WHERE clause);
/// sqlx's debug events run inside them. Warnings and errors still pass.
fn free_of_bound_values(metadata: &Metadata<'_>) -> bool {
    let target = metadata.target();
    let database = target.starts_with("sea_orm") || target.starts_with("sqlx");
    !database || *metadata.level() <= Level::WARN
}
