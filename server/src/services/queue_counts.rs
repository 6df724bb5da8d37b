//! How many requests each status holds in a scope, read in constant time: triggers on
//! `requests` append +1/−1 rows to `queue_count_deltas` (migration
//! `m20261130_000012_queue_search`), the queue sums them with `queue_counts`, and this job
//! folds the deltas in every few seconds, [`CHUNK`] at a time, so that a backlog (a mass
//! import, a long stop) never sits in memory whole. Two instances folding at once are
//! safe: each adds only the deltas its own `DELETE … RETURNING` removed.

use crate::db::WriteGate;
use sea_orm::sea_query::{Alias, Expr, OnConflict, Query, SelectStatement, UnionType};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, TransactionTrait};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// How often the deltas are folded in.
pub const INTERVAL: Duration = Duration::from_secs(15);
/// Deltas folded per transaction: a bounded read (the 1,000,000 a bulk fill leaves took
/// 600 MB in one statement) and a short hold of the writer.
pub const CHUNK: u64 = 10_000;

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// Requests per status code among `systems` (at `level`, or every level).
pub async fn by_status(
    db: &impl ConnectionTrait,
    systems: &[i32],
    level: Option<i16>,
) -> Result<HashMap<String, u64>, DbErr> {
    if systems.is_empty() {
        return Ok(HashMap::new());
    }
    let scoped = |table: &str| -> SelectStatement {
        let mut select = Query::select();
        select.column(col("status")).column(col("n")).from(col(table));
        select.and_where(Expr::col(col("system_id")).is_in(systems.iter().copied()));
        if let Some(level) = level {
            select.and_where(Expr::col(col("level")).eq(level));
        }
        select
    };
    // One statement, so that a fold committing meanwhile is seen entirely or not at all.
    let both = scoped("queue_counts").union(UnionType::All, scoped("queue_count_deltas")).to_owned();
    let summed = Query::select()
        .column(col("status"))
        .expr(Expr::cust("CAST(SUM(n) AS BIGINT)"))
        .from_subquery(both, col("c"))
        .group_by_col(col("status"))
        .to_owned();
    let rows = db.query_all(db.get_database_backend().build(&summed)).await?;
    let mut counts = HashMap::new();
    for row in rows {
        let status: String = row.try_get_by_index(0)?;
        let n: i64 = row.try_get_by_index(1)?;
        counts.insert(status, u64::try_from(n).unwrap_or(0));
    }
    Ok(counts)
}

#[derive(Clone)]
pub struct QueueCounts {
    db: DatabaseConnection,
    gate: WriteGate,
}

impl QueueCounts {
    pub fn new(db: DatabaseConnection, gate: WriteGate) -> QueueCounts {
        QueueCounts { db, gate }
    }

    /// Folds the deltas written so far into the counts; returns how many it folded.
    pub async fn fold(&self) -> Result<u64, DbErr> {
        let mut folded = 0;
        loop {
            let chunk = self.fold_chunk().await?;
            folded += chunk;
            if chunk < CHUNK {
                return Ok(folded);
            }
        }
    }

    /// Folds the oldest [`CHUNK`] deltas, in one transaction; returns how many.
    async fn fold_chunk(&self) -> Result<u64, DbErr> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let backend = txn.get_database_backend();
        let oldest = Query::select()
            .column(col("id"))
            .from(col("queue_count_deltas"))
            .order_by(col("id"), sea_orm::sea_query::Order::Asc)
            .limit(CHUNK)
            .to_owned();
        let taken = Query::delete()
            .from_table(col("queue_count_deltas"))
            .and_where(Expr::col(col("id")).in_subquery(oldest))
            .returning(Query::returning().columns([col("system_id"), col("level"), col("status"), col("n")]))
            .to_owned();
        let rows = txn.query_all(backend.build(&taken)).await?;
        let folded = rows.len() as u64;
        // Ordered, so that two folds lock the counts they share in the same order.
        let mut sums: BTreeMap<(i32, i16, String), i64> = BTreeMap::new();
        for row in rows {
            let key = (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            *sums.entry(key).or_default() += row.try_get_by_index::<i64>(3)?;
        }
        for ((system_id, level, status), n) in sums.into_iter().filter(|(_, n)| *n != 0) {
            let mut add = Query::insert();
            add.into_table(col("queue_counts"))
                .columns([col("system_id"), col("level"), col("status"), col("n")])
                .values([system_id.into(), level.into(), status.into(), n.into()])
                .map_err(|error| DbErr::Custom(error.to_string()))?;
            add.on_conflict(
                OnConflict::columns([col("system_id"), col("level"), col("status")])
                    .value(col("n"), Expr::cust("queue_counts.n + excluded.n"))
                    .to_owned(),
            );
            txn.execute(backend.build(&add)).await?;
        }
        txn.commit().await?;
        Ok(folded)
    }

    pub fn spawn(self, shutdown: crate::services::jobs::Shutdown) -> tokio::task::JoinHandle<()> {
        super::jobs::every(INTERVAL, "queue counts", shutdown, move || {
            let job = self.clone();
            async move {
                job.fold().await?;
                Ok(None)
            }
        })
    }
}
