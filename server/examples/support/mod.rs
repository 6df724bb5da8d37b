//! What the load generators share: command-line options, a migrated database
//! connection, valid CPFs from sequence numbers, solving captchas as a browser would,
//! and percentiles.

use app::domain::pow::{self, Challenge};
use sea_orm::DatabaseConnection;
use server::config::{DatabaseKind, DatabaseSettings};
use std::time::Duration;

/// The value after `name` in the arguments, or `default`.
pub fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_owned())
}

/// A connection to `url` (SQLite or PostgreSQL), migrated and seeded like the server's.
pub async fn connect(url: &str) -> DatabaseConnection {
    let kind = if url.starts_with("postgres") { DatabaseKind::Postgres } else { DatabaseKind::Sqlite };
    let settings = DatabaseSettings { url: url.to_owned(), kind, pool_size: 4 };
    let db = server::db::connect(&settings).await.expect("connect");
    server::startup::migrate_and_seed(&db, kind).await.expect("migrate");
    db
}

/// A valid CPF made from a sequence number (distinct citizens, so per-CPF limits are realistic).
pub fn cpf(sequence: usize) -> String {
    let base: Vec<u32> =
        format!("{:09}", 100_000_000 + sequence % 800_000_000).bytes().map(|b| u32::from(b - b'0')).collect();
    let digit = |digits: &[u32]| {
        let weight = digits.len() as u32 + 1;
        let sum: u32 = digits.iter().enumerate().map(|(i, d)| d * (weight - i as u32)).sum();
        let r = sum % 11;
        if r < 2 {
            0
        } else {
            11 - r
        }
    };
    let mut all = base;
    all.push(digit(&all));
    all.push(digit(&all));
    all.iter().map(|d| char::from_digit(*d, 10).unwrap_or('0')).collect()
}

/// A fresh challenge from the server, solved.
pub async fn solved(client: &reqwest::Client, base: &str) -> String {
    let challenge: Challenge =
        client.post(format!("{base}/api/captcha")).send().await.expect("captcha").json().await.expect("captcha json");
    let number = pow::solve_range(&challenge, 0, challenge.max_number).expect("solvable");
    pow::encode_solution(&challenge, number)
}

/// `count` solved captchas, `parallel` at a time (before any clock starts).
pub async fn solved_many(client: &reqwest::Client, base: &str, count: usize, parallel: usize) -> Vec<String> {
    let mut captchas = Vec::with_capacity(count);
    for chunk in (0..count).collect::<Vec<_>>().chunks(parallel) {
        let tasks: Vec<_> = chunk
            .iter()
            .map(|_| {
                let (client, base) = (client.clone(), base.to_owned());
                tokio::spawn(async move { solved(&client, &base).await })
            })
            .collect();
        for task in tasks {
            captchas.push(task.await.expect("captcha task"));
        }
    }
    captchas
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}
