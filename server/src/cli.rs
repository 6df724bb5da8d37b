//! The command line: `server` (serve, the default), `server migrate`, the operator's
//! `server finalizar` (until the agents' console exists), and `--help` listing every
//! setting with its environment variable.

use crate::config::RawSettings;
use crate::{startup, telemetry};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "server",
    version,
    about = "WEB Atendimento SUS: FAQ and support requests for the SUS information systems",
    long_about = "WEB Atendimento SUS: FAQ and support requests for the SUS information systems.\n\n\
        Every setting can be given as a flag or as the environment variable shown beside it.\n\
        Leptos runtime options are read from Leptos.toml; LEPTOS_* variables override them."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: RawSettings,
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Migrate and seed the database, then serve the portal (the default).
    Serve,
    /// Create or update the database schema and seed data, then exit.
    Migrate,
    /// Finalize a request with an answer, as an agent would: the citizen gets the
    /// "finalized" e-mail (sent by the running server) and 3 business days to contest.
    Finalizar {
        /// The request's protocol number (12 digits).
        #[arg(long)]
        numero: String,
        /// The answer the citizen reads.
        #[arg(long)]
        resposta: String,
    },
    /// List, add or remove the federal "pontos facultativos" (days that do not count as
    /// business days for the 3-day acceptance window).
    #[command(name = "pontos-facultativos", subcommand)]
    PontosFacultativos(DaysOff),
}

#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum DaysOff {
    /// Print the days (of one year, or all), one per line: date and description.
    Listar {
        #[arg(long)]
        ano: Option<i32>,
    },
    /// Add a day (or change its description).
    Adicionar {
        /// YYYY-MM-DD
        #[arg(long)]
        data: String,
        #[arg(long)]
        descricao: String,
    },
    /// Remove a day.
    Remover {
        /// YYYY-MM-DD
        #[arg(long)]
        data: String,
    },
}

/// Exit status 2 means the configuration was refused; 1 that the server failed later.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings.validate() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log.clone());
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(settings).await,
        Command::Migrate => startup::migrate_only(settings).await,
        Command::Finalizar { numero, resposta } => finalize(settings, &numero, &resposta).await,
        Command::PontosFacultativos(action) => days_off(settings, action).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "server stopped");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn finalize(settings: crate::config::Settings, number: &str, answer: &str) -> anyhow::Result<()> {
    let portal = startup::prepare(&settings).await?;
    portal.desk.finalize(number, answer).await.map_err(|e| anyhow::anyhow!("finalizing {number}: {e}"))?;
    tracing::info!(number, "request finalized");
    portal.db.close().await?;
    Ok(())
}

async fn days_off(settings: crate::config::Settings, action: DaysOff) -> anyhow::Result<()> {
    use crate::services::calendar;
    use std::io::Write;
    let db = crate::db::connect(&settings.database).await?;
    startup::migrate_and_seed(&db, settings.database.kind).await?;
    match action {
        DaysOff::Listar { ano } => {
            let mut out = std::io::stdout().lock();
            for day in calendar::list(&db, ano).await? {
                writeln!(out, "{}\t{}", day.day, day.description)?;
            }
        }
        DaysOff::Adicionar { data, descricao } => calendar::add(&db, &data, &descricao).await?,
        DaysOff::Remover { data } => {
            if !calendar::remove(&db, &data).await? {
                anyhow::bail!("{data} is not a ponto facultativo");
            }
        }
    }
    db.close().await?;
    Ok(())
}
