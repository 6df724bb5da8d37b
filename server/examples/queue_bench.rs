//! Benchmark of the agents' queue (`scripts/bench-queue` runs it), in two commands:
//!
//! - `fill --database-url URL --open 100000`: migrates the database and writes that many
//!   open requests (Recebido, Em análise, Reaberto) spread over both systems, the three
//!   levels, the 27 UFs and the last 60 days of activity, from 480 names in 10 towns,
//!   each with its opening entry; then two agents: a level-1 CNES agent and an
//!   administrator (who sees everything).
//! - `queue --base URL --clients 16 --pages N --email E`: signs in through the real form,
//!   then the clients read queue pages (the default view, the usual filters and searches,
//!   in turn) as fast as the server answers; prints pages per second and p50/p99 latency,
//!   over all and per view.
#![allow(clippy::print_stdout, clippy::expect_used)]

// Shared with the other generators; this one needs no captchas.
#[allow(dead_code)]
mod support;

use app::domain::queue_search::index_text;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set, TransactionTrait};
use server::db::entities::{agent, agent_system};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{arg, connect, percentile};

pub const PASSWORD: &str = "senha longa do benchmark";
const UFS: [&str; 27] = [
    "RO", "AC", "AM", "RR", "PA", "AP", "TO", "MA", "PI", "CE", "RN", "PB", "PE", "AL", "SE", "BA", "MG", "ES", "RJ",
    "SP", "PR", "SC", "RS", "MS", "MT", "GO", "DF",
];
const OPEN: [&str; 3] = ["recebido", "em_analise", "reaberto"];

async fn add_agent(db: &DatabaseConnection, email: &str, level: i16, admin: bool, systems: &[i32]) {
    let hash = server::password::hash(PASSWORD.to_owned()).await.expect("hash");
    let created = agent::ActiveModel {
        email: Set(email.to_owned()),
        name: Set(format!("Agente {email}")),
        password_hash: Set(Some(hash)),
        level: Set(level),
        is_admin: Set(admin),
        active: Set(true),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("agent");
    for system in systems {
        agent_system::ActiveModel { agent_id: Set(created.id), system_id: Set(*system) }
            .insert(db)
            .await
            .expect("agent system");
    }
}

async fn fill(args: &[String]) {
    let url = arg(args, "--database-url", "");
    let total: usize = arg(args, "--open", "100000").parse().expect("--open N");
    let db = connect(&url).await;
    let backend = db.get_database_backend();
    let ids_of = |slug: &'static str| {
        let db = db.clone();
        async move {
            let row = db
                .query_one(sea_orm::Statement::from_string(
                    backend,
                    format!(
                        "SELECT s.id, MIN(f.id), MAX(f.id) FROM systems s JOIN funcionalidades f ON f.system_id = s.id \
                         WHERE s.slug = '{slug}' GROUP BY s.id"
                    ),
                ))
                .await
                .expect("ids")
                .expect("a row");
            let system: i32 = row.try_get_by_index(0).expect("system");
            let first: i32 = row.try_get_by_index(1).expect("first");
            let last: i32 = row.try_get_by_index(2).expect("last");
            (system, first, last)
        }
    };
    let systems = [ids_of("cnes").await, ids_of("saps").await];
    let started = Instant::now();
    let now = chrono::Utc::now().timestamp();
    let stamp = |seconds_ago: i64| {
        chrono::DateTime::<chrono::Utc>::from_timestamp(now - seconds_ago, 0)
            .expect("timestamp")
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    };
    const CHUNK: usize = 2_000;
    let mut first = 0;
    while first < total {
        let last = (first + CHUNK).min(total);
        let txn = db.begin().await.expect("begin");
        let mut requests = String::from(
            "INSERT INTO requests (number, system_id, funcionalidade_id, status, level, email, name, cpf, cns, \
             phone, uf, description, search_text, version, created_at, updated_at) VALUES ",
        );
        for i in first..last {
            let (system, low, high) = systems[i % 2];
            let funcionalidade = low + (i / 2) as i32 % (high - low + 1);
            let level = 1 + (i / 7) % 3;
            let status = OPEN[(i / 3) % 3];
            let uf = UFS[(i / 11) % 27];
            // Activity spread over 60 days; opened up to a week before that.
            let active = ((i * 7919) % (60 * 86_400)) as i64;
            let sep = if i == first { "" } else { "," };
            let number = format!("2024{:08}", i + 1);
            let citizen = Citizen::of(i);
            let search_text = index_text(&number, &citizen.name, &citizen.email, &citizen.phone, &citizen.description);
            requests.push_str(&format!(
                "{sep}('{number}', {system}, {funcionalidade}, '{status}', {level}, '{}', '{}', '{}', NULL, '{}', \
                 '{uf}', '{}', '{search_text}', 1, '{}', '{}')",
                citizen.email,
                citizen.name,
                support::cpf(i),
                citizen.phone,
                citizen.description,
                stamp(active + 7 * 86_400),
                stamp(active),
            ));
        }
        txn.execute_unprepared(&requests).await.expect("insert requests");
        txn.commit().await.expect("commit");
        first = last;
    }
    let public = if backend == sea_orm::DatabaseBackend::Postgres { "TRUE" } else { "1" };
    db.execute_unprepared(&format!(
        "INSERT INTO request_events (request_id, kind, level, body, public, created_at) \
         SELECT id, 'abertura', 1, description, {public}, created_at FROM requests"
    ))
    .await
    .expect("events");
    // A live portal's team-notice job has told of these arrivals long ago; left behind,
    // it would spend the run writing thousands of notices, and the run would measure that.
    db.execute_unprepared(
        "UPDATE team_notice_cursor SET last_event_id = (SELECT COALESCE(MAX(id), 0) FROM request_events)",
    )
    .await
    .expect("team notice cursor");
    add_agent(&db, "nivel1@bench.test", 1, false, &[systems[0].0]).await;
    add_agent(&db, "admin@bench.test", 3, true, &[]).await;
    // The steady state of a live database: statistics, and on PostgreSQL the visibility
    // map that autovacuum keeps (index-only scans need it).
    let analyze = if backend == sea_orm::DatabaseBackend::Postgres { "VACUUM ANALYZE" } else { "ANALYZE" };
    db.execute_unprepared(analyze).await.expect("analyze");
    println!("filled {total} open requests and their opening entries in {:.1} s", started.elapsed().as_secs_f64());
}

const FIRST_NAMES: [&str; 24] = [
    "Maria",
    "Ana",
    "Francisca",
    "Antonia",
    "Adriana",
    "Juliana",
    "Marcia",
    "Fernanda",
    "Patricia",
    "Aline",
    "Sandra",
    "Camila",
    "Jose",
    "Joao",
    "Antonio",
    "Francisco",
    "Carlos",
    "Paulo",
    "Pedro",
    "Lucas",
    "Luiz",
    "Marcos",
    "Luis",
    "Gabriel",
];
const SURNAMES: [&str; 20] = [
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
];
const PROBLEMS: [&str; 8] = [
    "Não consigo transmitir os dados do estabelecimento desde ontem.",
    "O sistema pede a senha de novo a cada tela e não salva a ficha.",
    "A exportação do arquivo XML termina com erro de validação.",
    "Preciso incluir um profissional que já está vinculado em outro município.",
    "A importação da competência anterior ficou parada em processamento.",
    "Ao atualizar a versão, o banco local não abre mais.",
    "O relatório de equipes mostra profissionais que já foram desligados.",
    "Não encontro onde alterar o endereço da unidade de saúde.",
];
const PLACES: [&str; 10] =
    ["Anápolis", "Itabuna", "Caruaru", "Sobral", "Marabá", "Chapecó", "Uberaba", "Parnaíba", "Macaé", "Rondonópolis"];

/// The made-up person behind the `i`-th request: 480 names in 10 towns, each request
/// with its own e-mail and phone.
struct Citizen {
    name: String,
    email: String,
    phone: String,
    description: String,
}

impl Citizen {
    fn of(i: usize) -> Citizen {
        let first = FIRST_NAMES[i % FIRST_NAMES.len()];
        let last = SURNAMES[(i / FIRST_NAMES.len()) % SURNAMES.len()];
        let place = PLACES[(i / 7) % PLACES.len()];
        Citizen {
            name: format!("{first} {last}"),
            email: format!("{}.{}{i}@saude.gov.br", first.to_lowercase(), last.to_lowercase()),
            phone: format!("61{:09}", 900_000_000 + i),
            description: format!("{} Secretaria de Saúde de {place}.", PROBLEMS[(i / 3) % PROBLEMS.len()]),
        }
    }
}

/// One queue view: an address, or a search posted to the queue (with no other filter).
#[derive(Clone, Copy)]
enum View {
    Get(&'static str),
    Search(&'static str, &'static str),
}

impl View {
    fn label(&self) -> String {
        match self {
            View::Get(path) => path.to_string(),
            View::Search(what, _) => format!("busca: {what}"),
        }
    }
}

/// The queue views an agent moves between, in turn: the default view, the usual filters,
/// and searches by each thing the box finds (a name shared by ~200 requests, a number, an
/// e-mail, a phone, words of the description, a full CPF).
const VIEWS: [View; 12] = [
    View::Get("/atendimento"),
    View::Get("/atendimento?ordem=antigas"),
    View::Get("/atendimento?uf=SP"),
    View::Get("/atendimento?dias=5"),
    View::Get("/atendimento?situacao=reaberto"),
    View::Get("/atendimento?pagina=3"),
    View::Search("nome", "Juliana Costa"),
    View::Search("número", "202400031416"),
    View::Search("e-mail", "camila.lopes31331@saude.gov.br"),
    View::Search("telefone", "(61) 90005-4321"),
    View::Search("descrição", "exportação xml"),
    View::Search("CPF completo", "CPF"),
];

/// The value of the first `name="…"` input of a page.
fn field_value(page: &str, name: &str) -> Option<String> {
    page.split(&format!("name=\"{name}\" value=\"")).nth(1).and_then(|rest| rest.split('"').next()).map(str::to_owned)
}

async fn sign_in(client: &reqwest::Client, base: &str, email: &str) -> String {
    let form = client.get(format!("{base}/atendimento/entrar")).send().await.expect("sign-in form");
    let pairing = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wa_entrada="))
        .and_then(|v| v.split(';').next())
        .expect("pairing cookie")
        .to_owned();
    let body = form.text().await.expect("form body");
    let token = body.split("name=\"token\" value=\"").nth(1).and_then(|r| r.split('"').next()).expect("token");
    let response = client
        .post(format!("{base}/atendimento/entrar"))
        .header("cookie", pairing)
        .form(&[("token", token), ("email", email), ("senha", PASSWORD)])
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 303, "signing in as {email}");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("wa_agente="))
        .and_then(|v| v.split(';').next())
        .expect("session cookie")
        .to_owned()
}

async fn queue(args: &[String]) {
    let base = arg(args, "--base", "http://127.0.0.1:3200");
    let clients: usize = arg(args, "--clients", "16").parse().expect("--clients N");
    let pages: usize = arg(args, "--pages", "5000").parse().expect("--pages N");
    let email = arg(args, "--email", "nivel1@bench.test");
    let label = arg(args, "--label", "queue pages");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie = Arc::new(sign_in(&client, &base, &email).await);
    let queue_page = client
        .get(format!("{base}/atendimento"))
        .header("cookie", cookie.as_str())
        .send()
        .await
        .expect("queue page")
        .text()
        .await
        .expect("queue body");
    let csrf = Arc::new(field_value(&queue_page, "csrf").expect("the queue's CSRF token"));
    let some_cpf = Arc::new(support::cpf(4_242));
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (client, next, cookie, base) = (client.clone(), next.clone(), cookie.clone(), base.clone());
        let (csrf, some_cpf) = (csrf.clone(), some_cpf.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies: Vec<(usize, Duration)> = Vec::new();
            let mut failures = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= pages {
                    break;
                }
                let view = i % VIEWS.len();
                let sent = Instant::now();
                let request = match VIEWS[view] {
                    View::Get(path) => client.get(format!("{base}{path}")),
                    View::Search(what, typed) => {
                        let typed = if what == "CPF completo" { some_cpf.as_str() } else { typed };
                        client
                            .post(format!("{base}/atendimento"))
                            .header("origin", base.as_str())
                            .form(&[("csrf", csrf.as_str()), ("busca", typed)])
                    }
                };
                let response = request.header("cookie", cookie.as_str()).header("accept-encoding", "br").send().await;
                match response {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push((view, sent.elapsed()));
                    }
                    Ok(r) => {
                        if failures < 3 {
                            eprintln!("status {}", r.status());
                        }
                        failures += 1;
                    }
                    Err(error) => {
                        if failures < 3 {
                            eprintln!("error: {error}");
                        }
                        failures += 1;
                    }
                }
            }
            (latencies, failures)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (l, f) = worker.await.expect("worker");
        latencies.extend(l);
        failures += f;
    }
    let wall = started.elapsed();
    let mut all: Vec<Duration> = latencies.iter().map(|(_, d)| *d).collect();
    all.sort();
    println!(
        "{label:<44} clients {clients:>3}  ok {:>6}  failed {failures:>3}  {:>7.1} pages/s  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
        all.len(),
        all.len() as f64 / wall.as_secs_f64(),
        percentile(&all, 0.50).as_secs_f64() * 1000.0,
        percentile(&all, 0.99).as_secs_f64() * 1000.0,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
    for (index, view) in VIEWS.iter().enumerate() {
        let mut own: Vec<Duration> = latencies.iter().filter(|(v, _)| *v == index).map(|(_, d)| *d).collect();
        own.sort();
        println!(
            "    {:<40} ok {:>6}  p50 {:>6.1} ms  p99 {:>6.1} ms",
            view.label(),
            own.len(),
            percentile(&own, 0.50).as_secs_f64() * 1000.0,
            percentile(&own, 0.99).as_secs_f64() * 1000.0,
        );
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("fill") => fill(&args).await,
        Some("queue") => queue(&args).await,
        _ => eprintln!("usage: queue_bench fill|queue [options] (see the top of server/examples/queue_bench.rs)"),
    }
}
