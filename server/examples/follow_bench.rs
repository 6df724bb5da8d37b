//! Benchmark of following requests (`scripts/bench-follow` runs it), in three commands:
//!
//! - `fill --database-url URL --requests 1000000 --due 100000`: migrates the database and
//!   writes the requests (two per citizen, each with its opening entry) in large
//!   multi-row statements; `--due` of them are finalized with a deadline in the past.
//! - `accept --database-url URL`: runs the acceptance job once over what is due, timed.
//! - `lookup --base URL --clients 64 --lookups N [--history]`: captchas are fetched and
//!   solved before the clock starts (as the browser does while the citizen types), then
//!   the clients post the lookup form (`POST /acompanhar`, answered 303 with the session
//!   cookie) for random stored requests as fast as the server answers; with
//!   `--history`, each client then reads history pages with the session it got.
#![allow(clippy::print_stdout, clippy::expect_used)]

mod support;

use sea_orm::{ConnectionTrait, TransactionTrait};
use server::config::DatabaseKind;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{arg, connect, percentile, solved_many};

/// Stored numbers are `2025` + the sequence, clear of the live counter's current year.
fn number(i: usize) -> String {
    format!("2025{:08}", i + 1)
}

/// The citizen of request `i`: two requests each.
fn cpf(i: usize) -> String {
    support::cpf(i / 2)
}

async fn fill(args: &[String]) {
    let url = arg(args, "--database-url", "");
    let total: usize = arg(args, "--requests", "1000000").parse().expect("--requests N");
    let due: usize = arg(args, "--due", "100000").parse().expect("--due N");
    let db = connect(&url).await;
    let backend = db.get_database_backend();
    let ids = db
        .query_one(sea_orm::Statement::from_string(
            backend,
            "SELECT (SELECT id FROM systems WHERE slug = 'cnes'), (SELECT MIN(id) FROM funcionalidades)",
        ))
        .await
        .expect("ids")
        .expect("a row");
    let system: i32 = ids.try_get_by_index(0).expect("system id");
    let funcionalidade: i32 = ids.try_get_by_index(1).expect("funcionalidade id");
    let started = Instant::now();
    const CHUNK: usize = 2_000;
    // Rows are made here, not bound: they are the generator's own digits and fixed texts.
    let stamp = |minutes: usize| {
        let at = chrono::DateTime::<chrono::Utc>::from_timestamp(1_735_700_000 + (minutes as i64) * 60, 0)
            .expect("timestamp");
        at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
    };
    let mut first = 0;
    while first < total {
        let last = (first + CHUNK).min(total);
        let txn = db.begin().await.expect("begin");
        let mut requests = String::from(
            "INSERT INTO requests (id, number, system_id, funcionalidade_id, status, level, email, name, cpf, cns, \
             phone, uf, description, version, created_at, updated_at, finalized_at, accept_due_at) VALUES ",
        );
        let mut events =
            String::from("INSERT INTO request_events (request_id, kind, level, body, public, created_at) VALUES ");
        for i in first..last {
            let id = i + 1;
            let created = stamp(i / 4);
            // The last `due` requests are finalized, their window closed a day ago.
            let finalized = i >= total.saturating_sub(due);
            let (status, fin, deadline) = if finalized {
                ("finalizado", format!("'{}'", stamp(i / 4 + 60)), format!("'{}'", stamp(0)))
            } else {
                ("recebido", "NULL".to_owned(), "NULL".to_owned())
            };
            let sep = if i == first { "" } else { "," };
            requests.push_str(&format!(
                "{sep}({id}, '{}', {system}, {funcionalidade}, '{status}', 1, 'cidadao{i}@saude.gov.br', \
                 'Maria da Silva', '{}', NULL, '61999998888', 'DF', \
                 'Não consigo transmitir os dados do estabelecimento desde ontem.', 1, '{created}', '{created}', \
                 {fin}, {deadline})",
                number(i),
                cpf(i),
            ));
            let public = if backend == sea_orm::DatabaseBackend::Postgres { "TRUE" } else { "1" };
            events.push_str(&format!(
                "{sep}({id}, 'abertura', 1, 'Não consigo transmitir os dados do estabelecimento desde ontem.', \
                 {public}, '{created}')"
            ));
        }
        txn.execute_unprepared(&requests).await.expect("insert requests");
        txn.execute_unprepared(&events).await.expect("insert events");
        txn.commit().await.expect("commit");
        first = last;
    }
    if backend == sea_orm::DatabaseBackend::Postgres {
        // The ids were given explicitly: move the sequence past them, and refresh statistics.
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('requests', 'id'), (SELECT MAX(id) FROM requests))",
        )
        .await
        .expect("setval");
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    } else {
        db.execute_unprepared("ANALYZE").await.expect("analyze");
    }
    println!(
        "filled {total} requests ({due} finalized and due) with their opening entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn accept(args: &[String]) {
    let url = arg(args, "--database-url", "");
    let db = connect(&url).await;
    let kind = if url.starts_with("postgres") { DatabaseKind::Postgres } else { DatabaseKind::Sqlite };
    let job = server::services::acceptance::AcceptanceJob::new(
        db.clone(),
        server::db::WriteGate::for_kind(kind),
        Duration::from_secs(3_600),
    );
    let started = Instant::now();
    let accepted = job.run_once(chrono::Utc::now()).await.expect("acceptance job");
    let elapsed = started.elapsed();
    let again = job.run_once(chrono::Utc::now()).await.expect("second run");
    println!(
        "acceptance job: {accepted} requests accepted in {:.2} s ({:.0}/s, batches of {}); a second run accepted {again}  (budget: 100,000 in <= 10 s)",
        elapsed.as_secs_f64(),
        accepted as f64 / elapsed.as_secs_f64(),
        server::services::acceptance::BATCH,
    );
}

fn report(label: &str, clients: usize, mut latencies: Vec<Duration>, failures: usize, wall: Duration) {
    latencies.sort();
    println!(
        "{label:<40} clients {clients:>3}  ok {:>6}  failed {failures:>3}  {:>8.1} req/s  p50 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
        latencies.len(),
        latencies.len() as f64 / wall.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

async fn lookup(args: &[String]) {
    let base = arg(args, "--base", "http://127.0.0.1:3200");
    let clients: usize = arg(args, "--clients", "64").parse().expect("--clients N");
    let lookups: usize = arg(args, "--lookups", "20000").parse().expect("--lookups N");
    let stored: usize = arg(args, "--stored", "1000000").parse().expect("--stored N");
    let label = arg(args, "--label", "lookups");
    let history = args.iter().any(|a| a == "--history");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let prepared_at = Instant::now();
    let captchas = solved_many(&client, &base, lookups, 16).await;
    eprintln!("prepared {lookups} captchas in {:.1} s", prepared_at.elapsed().as_secs_f64());
    let captchas = Arc::new(captchas);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..clients {
        let (client, next, captchas, base) = (client.clone(), next.clone(), captchas.clone(), base.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut session = None;
            let mut seed = 0x2545_f491_u64 ^ (worker as u64 * 0x9e37_79b9);
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= captchas.len() {
                    break;
                }
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let target = (seed % stored as u64) as usize;
                let sent = Instant::now();
                // The page's own form, as the browser posts it: a match answers 303 with the cookie.
                let response = client
                    .post(format!("{base}/acompanhar"))
                    .form(&[("cpf", cpf(target)), ("numero", number(target)), ("captcha", captchas[i].clone())])
                    .send()
                    .await;
                let ok = match response {
                    Ok(r) if r.status().as_u16() == 303 => {
                        let cookie = r
                            .headers()
                            .get("set-cookie")
                            .and_then(|v| v.to_str().ok())
                            .and_then(|v| v.split(';').next())
                            .map(str::to_owned);
                        session = cookie.map(|c| (c, number(target)));
                        true
                    }
                    Ok(r) => {
                        if failures < 3 {
                            eprintln!("status {}", r.status());
                        }
                        false
                    }
                    Err(error) => {
                        if failures < 3 {
                            eprintln!("error: {error}");
                        }
                        false
                    }
                };
                if ok {
                    latencies.push(sent.elapsed());
                } else {
                    failures += 1;
                }
            }
            (latencies, failures, session)
        }));
    }
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut sessions = Vec::new();
    for worker in workers {
        let (l, f, s) = worker.await.expect("worker");
        latencies.extend(l);
        failures += f;
        sessions.extend(s);
    }
    report(&label, clients, latencies, failures, started.elapsed());

    if history && !sessions.is_empty() {
        let pages = lookups;
        let sessions = Arc::new(sessions);
        let next = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..clients {
            let (client, next, sessions, base) = (client.clone(), next.clone(), sessions.clone(), base.clone());
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= pages {
                        break;
                    }
                    let (cookie, number) = &sessions[i % sessions.len()];
                    let sent = Instant::now();
                    let response = client
                        .get(format!("{base}/acompanhar/{number}"))
                        .header("cookie", cookie)
                        .header("accept-encoding", "br")
                        .send()
                        .await;
                    match response {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            latencies.push(sent.elapsed());
                        }
                        _ => failures += 1,
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
        report(&format!("{label}: history pages"), clients, latencies, failures, started.elapsed());
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("fill") => fill(&args).await,
        Some("accept") => accept(&args).await,
        Some("lookup") => lookup(&args).await,
        _ => eprintln!(
            "usage: follow_bench fill|accept|lookup [options] (see the top of server/examples/follow_bench.rs)"
        ),
    }
}
