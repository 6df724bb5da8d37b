//! The command line: `server` (serve, the default), `server migrate`, the first
//! administrator (`server create-admin`), the operator's `server finalizar`,
//! `server pontos-facultativos` and `server retencao [--simular]`, and `--help` listing
//! every setting with its environment variable.

use crate::config::RawSettings;
use crate::{startup, telemetry};
use app::domain::calendar::DayOffError;
use app::domain::protocol::ProtocolNumber;
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
    /// Create the first administrator (or reset an account to administrator with a new
    /// password). The password is read from the terminal without echo, or as one line
    /// from standard input when that is not a terminal. No account exists by default.
    #[command(name = "create-admin")]
    CreateAdmin {
        /// The administrator's e-mail (the sign-in name).
        #[arg(long)]
        email: String,
        /// The name shown in the console and the audit log.
        #[arg(long, default_value = "Administrador")]
        nome: String,
    },
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
    /// Apply the retention period set at /admin/configuracoes now (the running server
    /// does it every 6 hours): anonymise the requests that ended longer ago, delete older
    /// audit entries. With --simular, only list the requests that would be anonymised
    /// (number, status, last activity; no personal data).
    Retencao {
        #[arg(long)]
        simular: bool,
    },
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
    telemetry::init(settings.log.clone(), settings.log_json);
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(settings).await,
        Command::Migrate => startup::migrate_only(settings).await,
        Command::CreateAdmin { email, nome } => create_admin(settings, &email, &nome).await,
        Command::Finalizar { numero, resposta } => finalize(settings, &numero, &resposta).await,
        Command::PontosFacultativos(action) => days_off(settings, action).await,
        Command::Retencao { simular } => retention(settings, simular).await,
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
    let number = ProtocolNumber::parse(number.trim())
        .ok_or_else(|| anyhow::anyhow!("{number} is not a protocol number (twelve digits)"))?;
    let portal = startup::prepare(&settings).await?;
    portal
        .desk
        .finalize(&crate::services::desk::By::operator(), &number, answer)
        .await
        .map_err(|e| anyhow::anyhow!("finalizing {number}: {e}"))?;
    tracing::info!(number = number.as_str(), "request finalized");
    portal.db.close().await?;
    Ok(())
}

async fn create_admin(settings: crate::config::Settings, email: &str, name: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Senha do administrador: ")?;
        let second = rpassword::prompt_password("Repita a senha: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    let portal = startup::prepare(&settings).await?;
    let id = portal.agents.create_admin(email, name, &password).await.map_err(|refusal| match refusal {
        crate::refusal::Refusal::Invalid(problems) => {
            anyhow::anyhow!("{}", problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join(" "))
        }
        other => anyhow::anyhow!("creating the administrator: {other}"),
    })?;
    tracing::info!(agent = id, "administrator ready");
    eprintln!("Administrador pronto: entre em /atendimento/entrar com o e-mail informado.");
    portal.db.close().await?;
    Ok(())
}

async fn retention(settings: crate::config::Settings, dry_run: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let portal = startup::prepare(&settings).await?;
    let now = chrono::Utc::now();
    let mut out = std::io::stdout().lock();
    if dry_run {
        let due = portal.retention.due(now).await?;
        for request in &due {
            writeln!(out, "{}\t{}\t{}", request.number, request.status, request.last_activity.to_rfc3339())?;
        }
        writeln!(out, "{} requests would be anonymised", due.len())?;
    } else {
        let run = portal.retention.run_once(now).await?;
        writeln!(
            out,
            "{} requests anonymised ({} attachments, {} e-mails); {} audit entries deleted",
            run.anonymised.requests, run.anonymised.attachments, run.anonymised.mails, run.audit_deleted
        )?;
    }
    portal.db.close().await?;
    Ok(())
}

/// The command line speaks to the operator in English, like its logs.
fn operator_words(day: &str, error: DayOffError) -> anyhow::Error {
    match error {
        DayOffError::NotADate => anyhow::anyhow!("{day} is not a date in the form YYYY-MM-DD"),
        DayOffError::Weekend => anyhow::anyhow!("{day} falls on a weekend: it is not a business day anyway"),
        DayOffError::Holiday => anyhow::anyhow!("{day} is a national holiday already"),
        DayOffError::Description => anyhow::anyhow!("the description is empty or longer than 200 characters"),
        DayOffError::NotADayOff => anyhow::anyhow!("{day} is not a ponto facultativo"),
    }
}

async fn days_off(settings: crate::config::Settings, action: DaysOff) -> anyhow::Result<()> {
    use crate::services::calendar;
    use app::domain::calendar::{check_day_off, parse_day};
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
        DaysOff::Adicionar { data, descricao } => {
            let (date, description) = check_day_off(&data, &descricao).map_err(|e| operator_words(&data, e))?;
            calendar::add(&db, date, &description).await?;
        }
        DaysOff::Remover { data } => {
            let date = parse_day(&data).map_err(|e| operator_words(&data, e))?;
            if !calendar::remove(&db, date).await? {
                return Err(operator_words(&data, DayOffError::NotADayOff));
            }
        }
    }
    db.close().await?;
    Ok(())
}
